"""FFLUX Studio: `python app.py` serves it on 127.0.0.1:5006 (as `fflux-studio studio` does);
`panel serve app.py --address 127.0.0.1` serves one Studio per browser tab at /app."""

import panel as pn

from fflux_studio.ui.server import TITLE, create_page, serve

if __name__ == "__main__":
    serve()
elif pn.state.served:
    create_page().servable(title=TITLE)
