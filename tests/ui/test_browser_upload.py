"""Getting data into the Studio in Chromium: a 30 MB upload (sent in chunks, with progress), a file
above the limit refused in words with the session alive, a path typed on the page, and what the
Data step says about the data (near-duplicate frames, a split that had to be lowered).

Assertions look at the page and at the session's own state (the server runs in this process).
"""

from __future__ import annotations

import numpy as np
import pytest
from ase.io import read, write

from fflux_studio.demo import demo_path
from fflux_studio.io.upload import UploadLimits
from fflux_studio.ui.views.data import UPLOAD_CHUNK_BYTES

pytestmark = pytest.mark.browser


def studio_page(browser, served, wait):
    """A new tab on the Studio and its session, once the opening demo is loaded."""
    url, studios = served
    page, before = browser.new_page(viewport={"width": 1400, "height": 1300}), len(studios)
    page.goto(url)
    studio = wait(lambda: studios[before] if len(studios) > before else None, 60, what="a new session")
    wait(lambda: studio.state.dataset is not None, 120, what="the demo dataset to load")
    page.get_by_text("GFN2-xTB", exact=False).first.wait_for(timeout=30_000)
    return page, studio


def big_ethanol(path, copies: int):
    """The ethanol demo's frames ``copies`` times, each copy jiggled (no frame repeats another)."""
    frames = read(demo_path("ethanol"), index=":")
    rng = np.random.default_rng(1)
    jiggled = []
    for _ in range(copies):
        for frame in frames:
            frame = frame.copy()
            frame.positions += rng.normal(0, 0.005, frame.positions.shape)
            jiggled.append(frame)
    write(path, jiggled, format="extxyz")
    return path, len(jiggled)


def test_a_30_mb_upload_loads_and_one_above_the_limit_is_refused_in_words(served, browser, tmp_path, wait, shot):
    page, studio = studio_page(browser, served, wait)
    big, n_frames = big_ethanol(tmp_path / "ethanol_md.xyz", 14)
    size = big.stat().st_size
    assert 25e6 < size < UploadLimits().max_upload_bytes and size > 2 * UPLOAD_CHUNK_BYTES
    page.locator(".filepond--browser").set_input_files(str(big))
    page.locator(".filepond--file-status-main", has_text="Upload complete").wait_for(timeout=120_000)
    wait(lambda: "ethanol_md.xyz" in studio.data_view.upload.value, 30, what="the server to hold the whole file")
    assert len(studio.data_view.upload.value["ethanol_md.xyz"]) == size
    page.get_by_role("button", name="Load uploaded files").click()
    wait(lambda: studio.state.status == "running", 30, what="the upload to be read")
    wait(lambda: page.get_by_label("Atom").is_disabled(), 30, what="the atom selector to be locked while reading")
    wait(lambda: studio.state.source == "upload: ethanol_md.xyz" and studio.state.status == "done", 240,
         what="the 30 MB upload to load")
    assert studio.state.dataset.n_frames == n_frames
    page.get_by_text(f"{n_frames}", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_label("Atom").is_enabled()

    too_big = tmp_path / "too_big.xyz"
    with open(too_big, "wb") as handle:  # sparse: the browser refuses it by its size before reading it
        handle.truncate(UploadLimits().max_upload_bytes + 1)
    page.locator(".filepond--browser").set_input_files(str(too_big))
    page.locator(".filepond--file-status-main", has_text="File is too large").wait_for(timeout=30_000)
    page.locator(".filepond--file-status-sub", has_text="Maximum file size is 104.9 MB").wait_for(timeout=30_000)
    assert "too_big.xyz" not in studio.data_view.upload.value
    page.get_by_role("button", name="Load demo").click()  # the session is alive and still answers
    wait(lambda: studio.state.source == "bundled demo 'ethanol'" and studio.state.dataset.n_frames == 1500, 60,
         what="the session to answer after the refused upload")
    assert page.get_by_text("Server connection lost", exact=False).count() == 0
    assert studio.internal_errors == 0
    page.close()


def test_a_path_typed_on_the_page_loads_and_its_problems_name_it_as_typed(served, browser, tmp_path, wait, shot):
    page, studio = studio_page(browser, served, wait)
    typed = str(demo_path("benzene"))
    page.get_by_placeholder("~/data/water.xyz").fill(typed)
    page.get_by_role("button", name="Load path").click()
    wait(lambda: studio.state.source == typed and studio.state.status == "done", 120, what="the typed path to load")
    assert studio.state.dataset.system == read(typed, index="0").info.get("molecule", studio.state.dataset.system)
    assert studio.state.dataset.n_frames == 1500
    page.get_by_text(typed, exact=False).first.wait_for(timeout=30_000)

    page.get_by_placeholder("~/data/water.xyz").fill("~/no/such/points.xyz")
    page.get_by_placeholder("~/data/water.xyz").press("Enter")
    wait(lambda: studio.state.status == "failed", 60, what="the missing path to fail")
    alert = page.locator(".alert-danger", has_text="~/no/such/points.xyz: no such file or directory")
    alert.wait_for(timeout=30_000)
    assert studio.state.source == typed, "a failed load keeps what was loaded"

    frames = read(demo_path("ethanol"), index=":40")
    repeated = tmp_path / "repeated.xyz"
    write(repeated, frames + frames[:3], format="extxyz")
    page.get_by_placeholder("~/data/water.xyz").fill(f"'{repeated}'")
    page.get_by_role("button", name="Load path").click()
    wait(lambda: studio.state.source == str(repeated) and studio.state.status == "done", 60,
         what="the file with repeated frames to load")
    page.locator(".alert-warning", has_text="3 frames nearly repeat an earlier one").wait_for(timeout=30_000)
    fitted = studio.state.fitted_split()
    assert (fitted.train, fitted.test) == (studio.state.train_size, studio.state.test_size), "sizes fit the data"
    wait(lambda: [page.get_by_label(name).input_value() for name in ("Train size", "Test size")]
         == [str(fitted.train), str(fitted.test)], 10, what="the page to show the split the session holds")
    assert not alert.is_visible(), "the problem of an earlier load is gone once data loads"
    assert studio.internal_errors == 0
    page.close()


def test_a_split_lowered_to_fit_is_said_before_and_when_training_starts(served, browser, wait):
    page, studio = studio_page(browser, served, wait)
    page.get_by_label("Train size").fill("1400")
    page.get_by_label("Train size").press("Enter")
    page.get_by_label("Test size").fill("300")
    page.get_by_label("Test size").press("Enter")
    wait(lambda: (studio.state.train_size, studio.state.test_size) == (1400, 300), 10, what="the sizes typed")
    note = "Training set lowered from 1400 to 1200 frames: 1500 frames minus 300 for testing leave 1200"
    page.get_by_text(note).wait_for(timeout=30_000)
    studio.state.param.update(max_iterations=2, seed_max_iterations=2, n_seeds=1)  # a quick run: the toast is the point
    page.get_by_role("button", name="Start training").click()
    page.locator(".notyf__toast", has_text="training set lowered from 1400 to 1200").wait_for(timeout=30_000)
    wait(lambda: studio.state.status in ("done", "failed", "cancelled"), 180, what="the run to end")
    assert studio.state.runs["tl"].metrics["n_train"] == 1200
    page.close()


def test_dl_hides_the_tl_settings_and_the_data_controls_lock_while_training(served, browser, wait):
    page, studio = studio_page(browser, served, wait)
    page.locator(".bk-tab", has_text="Train").click()
    seeds = page.get_by_text("Source models (seeds)", exact=False)  # a slider, labelled with its value
    seeds.wait_for(timeout=30_000)
    page.get_by_role("button", name="Direct learning (DL)").click()
    seeds.wait_for(state="detached", timeout=30_000)
    assert page.get_by_text("DL L-BFGS-B starts", exact=False).is_visible()
    page.get_by_role("button", name="Transfer learning (TL)").click()
    seeds.wait_for(timeout=30_000)

    page.get_by_label("Seeding optimiser").select_option(label="PSO")
    wait(lambda: studio.state.seed_optimizer == "pso", 10, what="a PSO-seeded (slow) run to be set up")
    page.get_by_role("button", name="Start training").click()
    wait(lambda: studio.state.status == "running", 30, what="the run to start")
    page.locator(".bk-tab", has_text="Data").click()
    wait(lambda: page.get_by_label("Atom").is_disabled() and page.get_by_role("button", name="Load demo").is_disabled(),
         30, what="the data controls to lock while the run goes on")
    page.get_by_role("button", name="Cancel").click()
    wait(lambda: studio.state.status == "cancelled", 60, what="the run to be cancelled")
    wait(lambda: page.get_by_label("Atom").is_enabled(), 30, what="the data controls to unlock")
    page.close()
