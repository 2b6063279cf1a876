"""Views built on first use: a new page shows one tab, and building the others' widgets was most of its
server time (benchmarks/page_build.py). Each view stands in its tab as an empty column until the tab is
first shown (or code asks for it); it then draws from the session's models, which hold everything that
happened before it was built, so nothing it would have shown is lost."""

from __future__ import annotations

from collections.abc import Callable

import panel as pn
from panel.viewable import Viewer


class LazyViews:
    """Tab name -> view, each made by its factory (called with no arguments) the first time it is needed."""

    def __init__(self, factories: dict[str, Callable[[], Viewer]]):
        self.factories = factories
        self.built: dict[str, Viewer] = {}
        self.slots = {name: pn.Column(sizing_mode="stretch_width") for name in factories}

    def __contains__(self, name: str) -> bool:
        return name in self.factories

    def view(self, name: str) -> Viewer:
        """The view of tab ``name``, built (and put into its tab) now if it was not yet."""
        view = self.built.get(name)
        if view is None:
            view = self.built[name] = self.factories[name]()
            self.slots[name].objects = [view]
        return view
