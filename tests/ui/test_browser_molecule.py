"""The Data step's molecule drawing in Chromium: the Turn slider, moved with the keyboard as a
person can, turns the drawing the browser shows by the angle of view_coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.ui.molecule_figure import view_coordinates

from .test_browser import open_studio, settle

pytestmark = pytest.mark.browser

STEPS = 6  # of the slider's 5 degrees


def drawn_atoms(page) -> dict | None:
    """The browser's atom markers (the source with an 'atom' column): names and x, back to front."""
    return page.evaluate("() => Bokeh.documents.flatMap(d => [...d.all_models]).filter(m => m.data !== undefined"
                         " && m.data.atom !== undefined && m.data.size !== undefined)"
                         ".map(m => ({atom: [...m.data.atom], x: [...m.data.x]})).at(-1) ?? null")


def test_turning_the_molecule_redraws_it_seen_from_the_new_side(served, browser, shot, wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1400, "height": 1100}), url, studios, wait)
    dataset = studio.state.dataset
    names = [f"{e}{k + 1}" for k, e in enumerate(dataset.elements)]
    wait(lambda: page.get_by_text("Turn (°)", exact=False).count(), 30, what="the Turn slider")
    turn_slider = page.locator(".bk-input-group", has_text="Turn (°)").locator(".noUi-handle")
    turn_slider.focus()
    for _ in range(STEPS):
        page.keyboard.press("ArrowRight")
    wait(lambda: studio.data_view.turn.value == 5 * STEPS, 30, what="the session to receive the turn")
    expected = view_coordinates(dataset.geometries[0], 5 * STEPS, 0)
    order = np.argsort(expected[:, 2], kind="stable")
    wait(lambda: (drawn_atoms(page) or {}).get("atom") == [names[k] for k in order], 30,
         what="the browser to draw the atoms back to front for the turned view")
    np.testing.assert_allclose(drawn_atoms(page)["x"], expected[order, 0], atol=1e-9)
    settle(page)
    shot(page, "data_turned")
