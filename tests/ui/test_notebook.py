"""The notebook path offline: a real kernel runs the README's Jupyter line, and its output must carry
Panel and Bokeh inline (nothing fetched from a CDN) together with the Studio's own model."""

from __future__ import annotations

import re

import bokeh
import nbclient
import nbformat
import panel as pn
import pytest

from fflux_studio.ui.studio import Studio

SHOW = "from fflux_studio.ui.notebook import studio\ns = studio()\ns"
LOADED = """import time
deadline = time.monotonic() + 60
while s.state.dataset is None and time.monotonic() < deadline:
    s.drain()
    time.sleep(0.05)
print(s.state.dataset.n_frames, s.status.object)
s.worker.stop()"""


@pytest.fixture(scope="module")
def executed():
    """The two cells run in a fresh python3 kernel (the test's own interpreter)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SHOW), nbformat.v4.new_code_cell(LOADED)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    return notebook


def bundles(cell, mime: str) -> list[str]:
    return [output["data"][mime] for output in cell.outputs if mime in output.get("data", {})]


def autoload_list(script: str, name: str) -> str:
    return re.search(rf"const {name} = (\[[^\]]*\])", script).group(1)


def test_panel_and_bokeh_travel_inside_the_notebook(executed):
    loaders = [script for script in bundles(executed.cells[0], "application/javascript") if "const js_urls" in script]
    assert loaders, "no Panel loader in the cell's output"
    for script in loaders:
        assert autoload_list(script, "js_urls") == "[]" and autoload_list(script, "css_urls") == "[]"
    assert f'o.version="{bokeh.__version__}"' in loaders[0], "BokehJS itself is not inlined"
    assert "notyf" not in "".join(loaders), "the notification area would fetch notyf from a CDN"


def test_the_studio_model_is_displayed(executed):
    html = bundles(executed.cells[0], "text/html")
    assert any("Start training" in page for page in html)
    assert not any(re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page) for page in html)


def as_page(cell) -> str:
    """The cell's outputs as one static page, each in the order the notebook front end applies them."""
    parts = []
    for output in cell.outputs:
        data = output.get("data", {})
        if "text/html" in data:
            parts.append(data["text/html"])
        elif "application/javascript" in data:
            parts.append(f"<script>{data['application/javascript']}</script>")
    return "<!doctype html><html><body>" + "\n".join(parts) + "</body></html>"


@pytest.mark.browser
def test_chromium_draws_the_studio_with_the_network_cut(executed, browser, tmp_path):
    page_file = tmp_path / "notebook.html"
    page_file.write_text(as_page(executed.cells[0]), encoding="utf-8")
    fetched = []
    page = browser.new_page()
    page.route(lambda url: not url.startswith("file:"), lambda route: (fetched.append(route.request.url), route.abort()))
    page.goto(page_file.as_uri())
    page.get_by_role("button", name="Start training").wait_for(timeout=30_000)
    assert page.get_by_text("Compare", exact=True).is_visible()
    assert not fetched, fetched
    page.close()


def test_the_studio_works_without_notifications(executed):
    text = "".join(output.get("text", "") for output in executed.cells[1].outputs)
    frames, status = text.split(" ", 1)
    assert int(frames) > 0 and "ethanol" in status


def test_messages_go_to_the_status_line_without_toasts(monkeypatch):
    monkeypatch.setattr(type(pn.state), "notifications", None)  # as in a notebook without the extension
    studio = Studio(demo=None)
    studio.notify("error", "Load failed: bad.xyz line 3")
    assert "Load failed: bad.xyz line 3" in studio.status.object
    studio._destroyed(None)
