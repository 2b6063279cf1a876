"""The Studio in a Jupyter notebook, offline: ``from fflux_studio.ui.notebook import studio; studio()``.

``pn.extension()`` loads Panel and Bokeh from a CDN, so an offline notebook shows nothing. With
``inline=True`` their JavaScript travels inside the notebook, but Panel's notification area still
fetches its toast library (notyf) from a CDN, so notifications stay off here: the Studio then shows
its messages in its status line instead. The Data step's chunked uploader (FilePond) is named, so
that its JavaScript is inlined as well.
"""

from __future__ import annotations

import panel as pn

from fflux_studio.ui.studio import Studio


def studio(**params) -> Studio:
    """Load Panel with inline resources and return a Studio to display (last line of a cell)."""
    pn.extension("filedropper", inline=True, notifications=False)  # the Data step's uploader, inlined too
    return Studio(**params)
