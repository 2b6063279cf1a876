"""Pure functions from deployments to HoloViews elements and tables: the optimised geometries over
the reference minimum, frequencies per mode, the NVE energy, a summary per set (the live
optimisation is drawn by deploy_live.py)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd

from fflux_studio.forcefield.comparison import kabsch_align
from fflux_studio.ui.plots import SOURCE_COLORS, TOOLS
from fflux_studio.units import HARTREE_TO_KJMOL

COLORS = {"TL": "#1f77b4", "DL": "#d62728", "reference": "#000000"}
REFERENCE = "reference"
MARKERS = {"TL": "x", "DL": "triangle"}
OTHER_MARKERS = ("square", "diamond", "inverted_triangle")

def color(label: str, order: int = 0) -> str:
    return COLORS.get(label, SOURCE_COLORS[order % len(SOURCE_COLORS)])


def marker_style(label: str, order: int, size: int) -> dict:
    """Hollow markers, so sets that coincide stay visible; the reference as open circles."""
    if label == REFERENCE:
        return {"marker": "circle", "fill_alpha": 0, "size": size + 5, "line_width": 2}
    return {"marker": MARKERS.get(label, OTHER_MARKERS[order % len(OTHER_MARKERS)]), "fill_alpha": 0, "size": size,
            "line_width": 2}


def aligned_geometries(results: dict, reference) -> dict[str, np.ndarray]:
    """Each optimised geometry Kabsch-aligned onto the reference minimum (or onto the first set's
    geometry without a reference), the reference first."""
    geometries = {label: np.asarray(done.document["geometry"]) for label, done in results.items()}
    if not geometries:
        return {}
    target = reference.minimum if reference is not None else next(iter(geometries.values()))
    out = {REFERENCE: np.asarray(target)} if reference is not None else {}
    out.update({label: kabsch_align(geometry, target) for label, geometry in geometries.items()})
    return out


def geometry_overlay(aligned: dict, symbols, bonds) -> hv.Overlay:
    """The aligned geometries on the first geometry's two principal axes: its bonds grey, each set's
    atoms as markers (the reference as open circles)."""
    first = next(iter(aligned.values()))
    centre = first.mean(axis=0)
    _, _, axes = np.linalg.svd(first - centre, full_matrices=False)
    flat = {label: (xyz - centre) @ axes[:2].T for label, xyz in aligned.items()}
    base = flat[next(iter(flat))]
    pairs = np.argwhere(np.triu(np.asarray(bonds, dtype=bool), 1))
    elements = [hv.Segments([(*base[a], *base[b]) for a, b in pairs], ["x", "y", "x1", "y1"]).opts(
        color="#bbbbbb", line_width=3, **TOOLS)]
    names = [f"{e}{k + 1}" for k, e in enumerate(symbols)]
    for order, (label, xy) in enumerate(flat.items()):
        table = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "atom": names})
        elements.append(hv.Points(table, ["x", "y"], ["atom"], label=label).opts(
            color=color(label, order), **marker_style(label, order, 12), **TOOLS))
    return hv.Overlay(elements).opts(hv.opts.Overlay(
        frame_width=360, data_aspect=1, xaxis=None, yaxis=None, legend_position="right",
        title="Optimised geometries, Kabsch-aligned (principal plane)"))


def frequency_table(results: dict, reference) -> pd.DataFrame:
    """Wavenumbers (cm⁻¹) per mode: one column per set, the reference, and each set's error."""
    columns = {}
    if reference is not None and len(reference.frequencies):
        columns[REFERENCE] = np.asarray(reference.frequencies)
    for label, done in results.items():
        if "frequencies_cm1" in done.document:
            columns[label] = np.asarray(done.document["frequencies_cm1"])
    n = max((len(v) for v in columns.values()), default=0)
    table = pd.DataFrame({"mode": np.arange(1, n + 1)})
    for label, values in columns.items():
        table[label] = pd.Series(values).round(1)
    if REFERENCE in columns:
        for label in columns:
            if label != REFERENCE and len(columns[label]) == len(columns[REFERENCE]):
                table[f"{label} − ref"] = (columns[label] - columns[REFERENCE]).round(1)
    return table


def frequency_chart(table: pd.DataFrame) -> hv.Overlay:
    """Wavenumber against mode number for every set and the reference."""
    series = [c for c in table.columns if c != "mode" and "−" not in c]
    elements = []
    for order, label in enumerate(series):
        points = table[["mode", label]].rename(columns={label: "wavenumber"})
        elements.append(hv.Scatter(points, "mode", ("wavenumber", "wavenumber (cm⁻¹)"), label=label).opts(
            color=color(label, order), **marker_style(label, order, 9), **TOOLS))
    if not elements:
        elements = [hv.Scatter([], "mode", "wavenumber (cm⁻¹)")]
    return hv.Overlay(elements).opts(hv.opts.Scatter(responsive=True, height=300, show_grid=True),
                                     hv.opts.Overlay(title="Harmonic frequencies per mode", legend_position="top_left"))


def nve_curves(results: dict) -> hv.Overlay:
    """Total energy minus its start (kJ/mol) along each set's NVE run."""
    elements = []
    for order, (label, done) in enumerate(results.items()):
        deviation = (np.asarray(done.nve_energies) - done.nve_energies[0]) * HARTREE_TO_KJMOL
        elements.append(hv.Curve((done.nve_times_fs, deviation), "time (fs)", "E_total − E_total(0) (kJ/mol)",
                                 label=label).opts(color=color(label, order), line_width=2, **TOOLS))
    if not elements:
        elements = [hv.Curve([], "time (fs)", "E_total − E_total(0) (kJ/mol)")]
    return hv.Overlay(elements).opts(hv.opts.Curve(responsive=True, height=260, show_grid=True),
                                     hv.opts.Overlay(title="NVE (velocity Verlet): total energy",
                                                     legend_position="top_left"))


def summary_table(results: dict) -> pd.DataFrame:
    """One row per set: energy, convergence, steps, RMSD, frequency errors and NVE drift."""
    rows = []
    for label, done in results.items():
        d = done.document
        nve = d.get("nve", {})
        rows.append({"set": label, "E (Ha)": round(d["energy"], 6), "converged": d["converged"], "steps": d["steps"],
                     "RMSD to ref (Å)": _rounded(d.get("rmsd_angstrom"), 4),
                     "freq MAE (cm⁻¹)": _rounded(d.get("frequency_mae_cm1"), 1),
                     "freq max error (cm⁻¹)": _rounded(d.get("frequency_max_error_cm1"), 1),
                     "NVE drift (kJ/mol)": _rounded(nve.get("drift_ha", np.nan) * HARTREE_TO_KJMOL, 4),
                     "NVE drift (kJ/mol/ps)": _rounded(nve.get("drift_slope_ha_per_ps", np.nan) * HARTREE_TO_KJMOL, 4)})
    return pd.DataFrame(rows)


def _rounded(value, digits: int):
    return None if value is None or not np.isfinite(value) else round(float(value), digits)
