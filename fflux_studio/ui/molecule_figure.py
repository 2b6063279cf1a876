"""The Data step's drawing of one geometry: a plain Bokeh figure whose sources are replaced when the
dataset or the atom changes.

The HoloViews overlay it replaces (segments, points and labels) cost about a second of server time
per new page on a loaded machine, most of it in HoloViews' plotting machinery; this figure is built
in milliseconds. Labels sit on the free side of their atom (away from its bonded neighbours), so
they do not lie across bonds or on top of each other's atoms.

The view can be turned (about the screen's vertical axis) and tilted (about its horizontal axis):
the server projects the geometry again and draws the atoms back to front, nearer ones a little
larger. A WebGL viewer (3Dmol, Plotly) would add megabytes of JavaScript to every page for a
drawing of a dozen atoms.
"""

from __future__ import annotations

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool

from fflux_studio.ui.live_figures import live_figure

ELEMENT_COLORS = {"H": "#d9d9d9", "C": "#404040", "N": "#3050f8", "O": "#ff0d0d", "F": "#90e050",
                  "S": "#ffff30", "Cl": "#1ff01f"}
OTHER_ELEMENT = "#ff69b4"
SIZES = {"H": 16, "other": 26, "ring": 44}  # marker diameters in pixels
GAP = 3  # pixels between a marker's edge and its label
ROLES = ("origin", "x-axis", "xy-plane")
TITLE = "Frame 1: modelled atom ringed, ALF labelled"


DEPTH_SCALE = 0.25  # the nearest atom is drawn up to this much larger than one in the molecule's centre plane


def view_coordinates(coordinates, turn: float = 0.0, tilt: float = 0.0) -> np.ndarray:
    """(N, 3) -> (N, 3): screen x, screen y and depth (towards the viewer) of each atom, seen along the
    geometry's least principal axis (the view that shows most of it), turned by ``turn`` degrees about
    the screen's vertical axis, then tilted by ``tilt`` degrees about its horizontal axis."""
    xyz = np.asarray(coordinates, dtype=float)
    centred = xyz - xyz.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    frame = centred @ axes.T
    if frame.shape[1] < 3:  # one or two atoms: no third principal axis
        frame = np.pad(frame, ((0, 0), (0, 3 - frame.shape[1])))
    a, b = np.radians(turn), np.radians(tilt)
    turning = np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])
    tilting = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(b), -np.sin(b)], [0.0, np.sin(b), np.cos(b)]])
    return frame @ (tilting @ turning).T


def flatten(coordinates, turn: float = 0.0, tilt: float = 0.0) -> np.ndarray:
    """(N, 3) -> (N, 2): the screen coordinates of :func:`view_coordinates`."""
    return view_coordinates(coordinates, turn, tilt)[:, :2]


def depth_sizes(sizes, depth) -> np.ndarray:
    """Marker diameters grown with nearness, so a turned molecule reads as three-dimensional."""
    depth = np.asarray(depth, dtype=float)
    reach = np.abs(depth).max()
    scale = 1.0 + DEPTH_SCALE * (depth / reach if reach > 0 else 0.0)
    return np.asarray(sizes, dtype=float) * scale


def label_directions(flat: np.ndarray, bonds) -> np.ndarray:
    """A unit vector per atom pointing to its free side: away from the sum of the unit vectors to its
    bonded neighbours, or away from the drawing's centre for an atom without bonds (or whose bonds
    cancel, as a centre of symmetry's)."""
    bonds = np.asarray(bonds, dtype=bool)
    delta = flat[None, :, :] - flat[:, None, :]  # delta[a, b] = b - a
    length = np.linalg.norm(delta, axis=2)
    unit = np.divide(delta, length[..., None], out=np.zeros_like(delta), where=length[..., None] > 0)
    away = -(unit * bonds[..., None]).sum(axis=1)
    weak = np.linalg.norm(away, axis=1) < 1e-6
    away[weak] = flat[weak] - flat.mean(axis=0)
    still = np.linalg.norm(away, axis=1) < 1e-6
    away[still] = (0.0, 1.0)
    away /= np.linalg.norm(away, axis=1, keepdims=True)
    return fanned(flat, away)


def fanned(flat: np.ndarray, directions: np.ndarray, near: float = 0.3, turn: float = np.radians(70)) -> np.ndarray:
    """Atoms drawn on (nearly) the same spot, such as a methyl group's hydrogens above and below the
    plane, would put their labels on one another: turn the later ones' directions by ±``turn``."""
    turned = directions.copy()
    for k in range(1, len(flat)):
        earlier = np.flatnonzero(np.linalg.norm(flat[:k] - flat[k], axis=1) < near)
        if len(earlier):
            angle = turn * ((len(earlier) + 1) // 2) * (1 if len(earlier) % 2 else -1)
            c, s = np.cos(angle), np.sin(angle)
            turned[k] = (c * directions[k, 0] - s * directions[k, 1], s * directions[k, 0] + c * directions[k, 1])
    return turned


def label_offsets(directions: np.ndarray, sizes, ringed: int | None) -> dict:
    """Pixel offsets just outside each marker (the ring's, for the ringed atom) along ``directions``,
    and the text's alignment that keeps it on that side (right of the atom: left-aligned, and so on)."""
    radius = np.asarray(sizes, dtype=float) / 2 + GAP
    if ringed is not None:
        radius[ringed] = SIZES["ring"] / 2 + GAP
    dx, dy = directions[:, 0], directions[:, 1]
    return {"dx": dx * radius, "dy": -dy * radius,  # screen y grows downwards
            "align": np.where(dx > 0.5, "left", np.where(dx < -0.5, "right", "center")).tolist(),
            "baseline": np.where(dy > 0.5, "bottom", np.where(dy < -0.5, "top", "middle")).tolist()}


def atom_labels(elements, alf=None) -> list[str]:
    """Element and 1-based index per atom; the ALF atoms (1-based, as in .model files) with their role."""
    names = [f"{e}{k + 1}" for k, e in enumerate(elements)]
    labels = list(names)
    for role, index in zip(ROLES, alf or ()):
        labels[index - 1] = f"{names[index - 1]} ({role})"
    return labels


class MoleculeFigure:
    """Bonds, atoms coloured by element, the modelled atom ringed, every atom named and the ALF
    atoms' roles in their labels."""

    def __init__(self):
        self.bonds = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
        self.ring = ColumnDataSource({"x": [], "y": []})
        self.atoms = ColumnDataSource({"x": [], "y": [], "atom": [], "color": [], "size": []})
        self.labels = ColumnDataSource({"x": [], "y": [], "text": [], "dx": [], "dy": [], "align": [], "baseline": []})
        self.figure = live_figure(TITLE, 420, match_aspect=True)
        self.figure.sizing_mode = "fixed"
        self.figure.width = 560
        self.figure.axis.visible = False
        self.figure.grid.visible = False
        for axis_range in (self.figure.x_range, self.figure.y_range):  # room for the labels
            axis_range.range_padding = 0.25
        self.figure.segment("x0", "y0", "x1", "y1", source=self.bonds, color="#888888", line_width=4)
        self.figure.scatter("x", "y", source=self.ring, size=SIZES["ring"], color="#ffbf00", alpha=0.6)
        dots = self.figure.scatter("x", "y", source=self.atoms, size="size", fill_color="color", line_color="black")
        self.figure.text("x", "y", text="text", x_offset="dx", y_offset="dy", source=self.labels,
                         text_font_size="10pt", text_color="#7a3d00", text_align="align", text_baseline="baseline")
        self.figure.add_tools(HoverTool(renderers=[dots], tooltips=[("atom", "@atom")]))

    def show(self, elements, coordinates, bonds, atom: int | None = None, alf=None, turn: float = 0.0,
             tilt: float = 0.0) -> None:
        """One geometry (N, 3) with its (N, N) ``bonds`` matrix; ``atom`` 0-based, ``alf`` 1-based; the
        view turned and tilted by ``turn`` and ``tilt`` degrees (:func:`view_coordinates`)."""
        view = view_coordinates(coordinates, turn, tilt)
        flat = view[:, :2]
        back_to_front = np.argsort(view[:, 2], kind="stable")
        sizes = depth_sizes([SIZES["H"] if e == "H" else SIZES["other"] for e in elements], view[:, 2])
        names = [f"{e}{k + 1}" for k, e in enumerate(elements)]
        colors = [ELEMENT_COLORS.get(e, OTHER_ELEMENT) for e in elements]
        pairs = np.argwhere(np.triu(np.asarray(bonds, dtype=bool), 1))
        self.bonds.data = {"x0": flat[pairs[:, 0], 0], "y0": flat[pairs[:, 0], 1],
                           "x1": flat[pairs[:, 1], 0], "y1": flat[pairs[:, 1], 1]}
        self.ring.data = {"x": flat[[atom], 0], "y": flat[[atom], 1]} if atom is not None else {"x": [], "y": []}
        self.atoms.data = {"x": flat[back_to_front, 0], "y": flat[back_to_front, 1],
                           "atom": [names[k] for k in back_to_front], "color": [colors[k] for k in back_to_front],
                           "size": sizes[back_to_front]}
        self.labels.data = {"x": flat[:, 0], "y": flat[:, 1], "text": atom_labels(elements, alf),
                            **label_offsets(label_directions(flat, bonds), sizes, atom)}
