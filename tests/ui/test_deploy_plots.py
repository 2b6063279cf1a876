"""The Deploy step's figures and tables carry the deployments' numbers: aligned geometries at the
documented RMSD, per-mode errors equal to the document's."""

import holoviews as hv
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from fflux_studio.forcefield.comparison import Reference, compare
from fflux_studio.ui import deploy_plots
from fflux_studio.ui.deploy_messages import DeployDone
from fflux_studio.units import HARTREE_TO_KJMOL

RNG = np.random.default_rng(5)
MINIMUM = RNG.normal(size=(4, 3))
REFERENCE = Reference(["N", "H", "H", "H"], MINIMUM, -56.0, np.sort(RNG.uniform(500, 3500, 6)))


def deployment(label, shift):
    geometry = Rotation.from_rotvec([0.2, 0.5, -0.4]).apply(MINIMUM + RNG.normal(scale=shift, size=(4, 3))) + 3.0
    frequencies = REFERENCE.frequencies + RNG.normal(scale=20, size=6)
    document = {"energy": -56.01, "converged": True, "steps": 12, "geometry": geometry.tolist(),
                "symbols": REFERENCE.symbols, "frequencies_cm1": frequencies.tolist(), "energy_std": 1e-4,
                "warnings": [], "nve": {"drift_ha": 1e-5, "drift_slope_ha_per_ps": 5e-5}}
    document.update(compare(REFERENCE.symbols, geometry, -56.01, frequencies, REFERENCE))
    return DeployDone(label, document, "", np.arange(3.0), np.array([-56.0, -56.0 + 1e-5, -56.0 + 2e-5]))


RESULTS = {"TL": deployment("TL", 0.02), "DL": deployment("DL", 0.05)}


def test_aligned_geometries_sit_at_the_documented_rmsd():
    aligned = deploy_plots.aligned_geometries(RESULTS, REFERENCE)
    assert list(aligned) == ["reference", "TL", "DL"]
    for label, done in RESULTS.items():
        rmsd = np.sqrt(np.mean(np.sum((aligned[label] - MINIMUM) ** 2, axis=1)))
        assert rmsd == pytest.approx(done.document["rmsd_angstrom"], rel=1e-9)
    without = deploy_plots.aligned_geometries(RESULTS, None)
    np.testing.assert_allclose(without["TL"], RESULTS["TL"].document["geometry"], atol=1e-12)
    assert isinstance(deploy_plots.geometry_overlay(aligned, REFERENCE.symbols, np.eye(4, k=1, dtype=bool)),
                      hv.Overlay)


def test_frequency_table_errors_are_the_documents():
    table = deploy_plots.frequency_table(RESULTS, REFERENCE)
    assert list(table.columns) == ["mode", "reference", "TL", "DL", "TL − ref", "DL − ref"]
    for label, done in RESULTS.items():
        np.testing.assert_allclose(table[f"{label} − ref"], done.document["frequency_errors_cm1"], atol=0.051)
    assert len(deploy_plots.frequency_chart(table)) == 3
    summary = deploy_plots.summary_table(RESULTS).set_index("set")
    assert summary.loc["DL", "freq max error (cm⁻¹)"] == round(RESULTS["DL"].document["frequency_max_error_cm1"], 1)
    assert summary.loc["TL", "NVE drift (kJ/mol)"] == pytest.approx(1e-5 * HARTREE_TO_KJMOL, abs=1e-4)
