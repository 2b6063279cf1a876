"""The Studio GUI: the only part of fflux_studio that imports panel, holoviews or bokeh."""
