"""FFLUX Studio: `panel serve app.py` (one Studio per browser tab) or `python app.py`."""

import panel as pn

from fflux_studio.ui.studio import Studio

pn.extension(notifications=True)


def create() -> pn.viewable.Viewable:
    """A fresh Studio for one browser session."""
    return Studio().page()


if __name__ == "__main__":
    pn.serve(create, port=5006, show=False, title="FFLUX Studio")
elif pn.state.served:
    create().servable(title="FFLUX Studio")
