"""The bundled demo datasets (fflux_studio/assets/demo/*.extxyz.gz) load and are self-consistent.

Made by scripts/make_demo_datasets.py (GFN2-xTB MD + atom-partitioned GFN2-xTB labels).
ASE's extxyz reader moves the per-frame ``energy`` and the per-atom ``charge`` into a
SinglePointCalculator, so they are read from ``atoms.calc.results`` here (values in Ha and e).
"""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pytest

ase_io = pytest.importorskip("ase.io")

DEMO = Path(__file__).resolve().parents[1] / "fflux_studio" / "assets" / "demo"
NAMES = ["ethanol", "benzene", "formic_acid_dimer", "fomepizole"]
FORMULAS = {"ethanol": "C2H6O", "benzene": "C6H6", "formic_acid_dimer": "C2H4O4",
            "fomepizole": "C4H6N2"}
SETTINGS = ["method", "temperature_K", "timestep_fs", "friction_per_fs", "sample_interval_fs",
            "random_seed", "tblite_version", "labels", "equilibration_fs", "rejected_frames"]
RADII = {1: 0.37, 6: 0.77, 7: 0.75, 8: 0.73}  # SPEC section 2


def _available():
    return [n for n in NAMES if (DEMO / f"{n}.extxyz.gz").exists()]


@pytest.fixture(scope="module", params=NAMES)
def demo(request):
    path = DEMO / f"{request.param}.extxyz.gz"
    if not path.exists():
        pytest.skip(f"{path.name} not generated yet")
    # ase.io.read on the .gz path works too, but ASE's reader seeks back and forth in the
    # gzip stream (O(n^2): ~7 s a file); reading from memory takes ~0.4 s.
    with gzip.open(path, "rt") as fh:
        frames = ase_io.read(io.StringIO(fh.read()), index=":", format="extxyz")
    return request.param, frames


def _energy(atoms):
    if "energy" in atoms.info:
        return float(atoms.info["energy"])
    return float(atoms.calc.results["energy"])


def _charges(atoms):
    if "charge" in atoms.arrays:
        return np.asarray(atoms.arrays["charge"])
    return np.asarray(atoms.calc.results["charges"])


def test_some_demo_file_exists():
    assert _available(), f"no demo dataset in {DEMO}"


def test_readme_present():
    text = (DEMO / "README.md").read_text()
    assert "GFN2-xTB" in text and "IQA" in text and "stand-in" in text


def test_frame_count_and_composition(demo):
    name, frames = demo
    assert 1400 <= len(frames) <= 1600
    assert all(f.get_chemical_formula(mode="hill") == FORMULAS[name] for f in frames[:1])
    assert len({len(f) for f in frames}) == 1
    numbers = frames[0].numbers
    assert all(np.array_equal(f.numbers, numbers) for f in frames)


def test_arrays_present_and_finite(demo):
    _, frames = demo
    n = len(frames[0])
    for f in frames:
        e = f.arrays["atomic_energy"]
        q = _charges(f)
        assert e.shape == (n,) and q.shape == (n,)
        assert np.all(np.isfinite(e)) and np.all(np.isfinite(q)) and np.all(np.isfinite(f.positions))
        assert np.isfinite(_energy(f))


def test_atomic_energies_sum_to_total(demo):
    _, frames = demo
    e_at = np.array([f.arrays["atomic_energy"] for f in frames])
    etot = np.array([_energy(f) for f in frames])
    assert np.abs(e_at.sum(axis=1) - etot).max() < 1e-6
    q = np.array([_charges(f) for f in frames])
    assert np.abs(q.sum(axis=1)).max() < 1e-5  # neutral molecules


def test_learnable_signal(demo):
    _, frames = demo
    e_at = np.array([f.arrays["atomic_energy"] for f in frames])
    assert e_at.std(axis=0).min() > 1e-4  # Ha: far above the 1e-8 Ha print precision
    pos = np.array([f.positions for f in frames])
    assert np.ptp(pos - pos.mean(axis=1, keepdims=True), axis=0).max() > 0.1  # geometries move


def test_settings_metadata(demo):
    name, frames = demo
    info = frames[0].info
    for key in SETTINGS:
        assert key in info, key
    assert info["method"] == "GFN2-xTB"
    assert info["molecule"] == name
    assert "stand-in" in info["labels"] and "IQA" in info["labels"]
    assert 100 < float(info["temperature_K"]) < 1000
    assert float(frames[-1].info["sample_interval_fs"]) > 0


def test_connectivity_constant(demo):
    """The atomic local frames need the same bonds (1.25 x covalent radii) in every frame."""
    _, frames = demo
    r = np.array([RADII[z] for z in frames[0].numbers])
    thr = 1.25 * (r[:, None] + r[None, :])
    pos = np.array([f.positions for f in frames])
    d = np.linalg.norm(pos[:, :, None, :] - pos[:, None, :, :], axis=-1)
    bonded = d < thr
    assert (bonded == bonded[0]).all()
    # and the molecule is in one piece (the dimer: two pieces, held by hydrogen bonds)
    adj = bonded[0] & ~np.eye(len(r), dtype=bool)
    seen, stack = {0}, [0]
    while stack:
        i = stack.pop()
        for j in np.flatnonzero(adj[i]):
            if j not in seen:
                seen.add(int(j))
                stack.append(int(j))
    n_pieces_expected = 2 if frames[0].info["molecule"] == "formic_acid_dimer" else 1
    assert (len(seen) == len(r)) == (n_pieces_expected == 1)


def test_formic_acid_dimer_stays_bound(demo):
    name, frames = demo
    if name != "formic_acid_dimer":
        pytest.skip("dimer only")
    pos = np.array([f.positions for f in frames])
    hb = np.stack([np.linalg.norm(pos[:, 8] - pos[:, 3], axis=1),   # H9...O4
                   np.linalg.norm(pos[:, 9] - pos[:, 2], axis=1)], axis=1)  # H10...O3
    assert hb.max() < 3.0  # Angstrom: both hydrogen bonds hold (~1.8 A on average)
    assert hb.mean() < 2.0
