"""The Campaign step in Chromium: the ethanol demo's 9 atoms x 2 properties trained by two worker
processes, the grid filling live, cancel part-way keeping the finished models, a click on a cell
showing that model, the zip of models reading back, and a second start training only the rest.

Assertions look at the page (what the browser draws), the session's state and the files.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from fflux_studio.campaign.manifest import MANIFEST_NAME
from fflux_studio.io.model_file import read_model

from .test_browser import open_studio, settle, tab

pytestmark = pytest.mark.browser

STATES = ("() => Bokeh.documents.flatMap(d => [...d.all_models]).filter(m => m.data"
          " && m.data.state !== undefined && m.data.atom !== undefined).map(m => [...m.data.state]).at(-1) ?? []")

CELL = """([atom, prop]) => {
  const stack = [...Bokeh.index.roots];
  while (stack.length) {
    const view = stack.pop();
    if (view.frame && view.model.x_range.factors && view.model.x_range.factors.includes(atom)) {
      const box = view.canvas_view.el.getBoundingClientRect();
      return [box.left + view.frame.x_scale.compute(view.model.x_range.synthetic(atom)),
              box.top + view.frame.y_scale.compute(view.model.y_range.synthetic(prop))];
    }
    stack.push(...(view.child_views ?? []));
  }
  return null;
}"""


TAP = """([x, y]) => {
  let target = document.elementFromPoint(x, y);
  while (target.shadowRoot) {
    const inner = target.shadowRoot.elementFromPoint(x, y);
    if (inner == null || inner === target) break;
    target = inner;
  }
  const at = {bubbles: true, composed: true, clientX: x, clientY: y, pointerId: 1, pointerType: "mouse",
              isPrimary: true, button: 0};
  target.dispatchEvent(new PointerEvent("pointerdown", {...at, buttons: 1}));
  target.dispatchEvent(new PointerEvent("pointerup", {...at, buttons: 0}));
}"""


def page_states(page) -> list[str]:
    """The states of the grid's cells as the browser draws them."""
    return page.evaluate(STATES)


def test_campaign_fills_live_cancel_keeps_finished_models_and_the_zip_reads_back(served, browser, shot, tmp_path,
                                                                                   wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1400, "height": 1500}), url, studios, wait)
    for label, value in (("Train size", "600"), ("Test size", "200")):
        page.get_by_label(label).fill(value)
        page.get_by_label(label).press("Enter")
    wait(lambda: (studio.state.train_size, studio.state.test_size) == (600, 200), 10, what="the split to be set")

    tab(page, "Campaign")
    campaign = studio.campaign_view.campaign
    assert (len(campaign.atoms), len(campaign.properties), campaign.protocol) == (9, 2, "tl")
    page.get_by_role("button", name="Start campaign").click()
    wait(lambda: "trained" in page_states(page) and {"queued", "running"} & set(page_states(page)), 180,
         what="the browser's grid to show a trained model while others wait")
    page.get_by_role("button", name="Cancel campaign").click()
    wait(lambda: studio.state.status == "cancelled", 120, what="the campaign to stop")
    folder = studio.campaigns.name
    manifest = json.loads((Path(folder) / MANIFEST_NAME).read_text())
    status = {(r["atom"], r["property"]): r["status"] for r in manifest["models"]}
    trained = {cell for cell, s in status.items() if s == "trained"}
    assert trained and "cancelled" in status.values() and set(status.values()) <= {"trained", "cancelled"}
    wait(lambda: sorted(page_states(page)) == sorted(status.values()), 30, what="the grid to show the cancelled models")

    atom, prop = sorted(trained)[0]
    settle(page)
    x, y = wait(lambda: page.evaluate(CELL, [atom, prop]), 30, what="the grid's cell on the page")
    page.mouse.move(x, y)
    page.locator(".bk-Tooltip", has_text=f"{atom} {prop}").filter(has_text="test RMSE").first.wait_for(timeout=30_000)
    # A click held 600 ms, which BokehJS calls a press and taps nothing with (UIGestures.press_threshold
    # 300 ms); on a loaded machine Playwright's mouse.click, whose release is a second round trip, was
    # that slow in 2 of 3 full runs. Its release chooses the cell under it.
    held = next(cell for cell in sorted(status) if cell != (atom, prop))
    hx, hy = page.evaluate(CELL, list(held))
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.wait_for_timeout(600)
    page.mouse.up()
    wait(lambda: studio.campaign_view.model.value == held, 30, what=f"the held click to choose {held}")
    # Then a tap: the button released within one task of the page, so always a tap.
    page.evaluate(TAP, [x, y])
    wait(lambda: studio.campaign_view.model.value == (atom, prop), 30, what=f"the click to choose {atom} {prop}")
    assert page.get_by_label("Model").evaluate("select => select.selectedOptions[0].text") == f"{atom} {prop}"
    page.get_by_text(f"{atom} {prop}: trained").wait_for(timeout=30_000)
    assert studio.campaign_view.model_curve.object is not None
    record = campaign.records[atom, prop]
    page.get_by_text(f"{record['test']['rmse']:.4g} {record['test']['unit']}", exact=False).first.wait_for(
        timeout=30_000)

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="All models (zip)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    unzipped = tmp_path / "models"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unzipped)
    assert json.loads((unzipped / MANIFEST_NAME).read_text())["models"] == manifest["models"]
    models = {(m.atom, m.property_name): m for m in map(read_model, unzipped.glob("*.model"))}
    assert set(models) == trained
    assert all(m.n_train == 600 for m in models.values())

    page.get_by_role("button", name="Start campaign").click()
    wait(lambda: {"skipped", "trained"} <= set(page_states(page)) and {"queued", "running"} & set(page_states(page)),
         180, what="the browser's grid to show the kept models skipped and new ones trained while others wait")
    shown = page_states(page).count("trained")
    wait(lambda: page_states(page).count("trained") > shown and {"queued", "running"} & set(campaign.states.values()),
         180, what="more models trained, shown live, while the campaign runs")
    assert studio.state.remaining is not None and 0 < studio.state.progress < 1
    page.get_by_text("left (estimate)", exact=False).first.wait_for(timeout=30_000)
    wait(lambda: studio.state.task == "campaign" and studio.state.status == "done", 300,
         what="the second start to finish the campaign")
    resumed = {(r["atom"], r["property"]): r["status"] for r in json.loads(
        (Path(folder) / MANIFEST_NAME).read_text())["models"]}
    assert {cell for cell, s in resumed.items() if s == "skipped"} == trained
    assert set(resumed.values()) == {"skipped", "trained"}
    page.get_by_text("Total energy of the molecule").wait_for(timeout=60_000)
    assert studio.campaign_view.total_curve.object is not None
    page.get_by_text(f"{atom} {prop}: skipped").wait_for(timeout=30_000)
    page.mouse.move(0, 0)
    wait(lambda: page.locator(".notyf__toast").count() == 0, 30, what="the finished campaign's toast to go")
    settle(page)
    shot(page, "08_campaign")
    assert studio.internal_errors == 0
    page.close()
