"""End to end on a molecule nothing else in the tests uses: extxyz geometries with per-atom labels
→ ALF features → `fflux-studio train` → a model that predicts held-out frames well.

The molecule is hydrogen peroxide (H-O-O-H, with its torsion); its per-atom "energies" and charges
come from a smooth analytic function of the geometry written here (plus noise of the size of AIMAll's
integration errors), so the test needs no quantum-chemistry code and knows the labels are learnable.
"""

import json

import numpy as np
from ase import Atoms
from ase.io import write

from fflux_studio.cli import main


def dihedral(p):
    b0, b1, b2 = p[0] - p[1], p[2] - p[1], p[3] - p[2]
    b1 = b1 / np.linalg.norm(b1)
    v = b0 - (b0 @ b1) * b1
    w = b2 - (b2 @ b1) * b1
    return np.arctan2(np.cross(b1, v) @ w, v @ w)


def peroxide_frames(n, rng):
    frames = []
    for _ in range(n):
        oo, oh1, oh2 = 1.45 + rng.normal(0, 0.04), 0.97 + rng.normal(0, 0.03), 0.97 + rng.normal(0, 0.03)
        a1, a2 = np.radians(100 + rng.normal(0, 5, size=2))
        tau = rng.uniform(-np.pi, np.pi)
        o1, o2 = np.zeros(3), np.array([oo, 0.0, 0.0])
        h1 = o1 + oh1 * np.array([-np.cos(a1), np.sin(a1), 0.0])
        h2 = o2 + oh2 * np.array([np.cos(a2), np.sin(a2) * np.cos(tau), np.sin(a2) * np.sin(tau)])
        positions = np.array([o1, o2, h1, h2])
        rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        positions = positions @ rotation.T + rng.normal(size=3)
        d = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
        pair = np.where(d > 0, (1 - np.exp(-1.8 * (d - 1.2))) ** 2, 0.0)
        energy = -75.0 * np.array([1, 1, 0, 0]) - 0.5 * np.array([0, 0, 1, 1]) + 0.02 * pair.sum(axis=1)
        energy[:2] += 0.004 * np.cos(2 * dihedral(positions[[2, 0, 1, 3]]))
        energy += rng.normal(0, 2e-6, size=4)  # the size of AIMAll's integration noise
        charge = np.array([-0.4, -0.4, 0.4, 0.4]) + 0.05 * np.tanh(d.sum(axis=1) - d.sum() / 4)
        atoms = Atoms("O2H2", positions=positions)
        atoms.arrays["atomic_energy"] = energy
        atoms.arrays["charge"] = charge
        frames.append(atoms)
    return frames


def test_extxyz_to_model_through_the_cli(tmp_path, capsys):
    path = tmp_path / "peroxide.extxyz"
    write(path, peroxide_frames(1500, np.random.default_rng(7)), format="extxyz")
    summary_file = tmp_path / "o1.json"
    status = main(["train", str(path), "--atom", "O1", "--property", "atomic_energy", "--train-size", "1000",
                   "--test-size", "500", "--protocol", "tl", "--out", str(tmp_path / "models"),
                   "--json", str(summary_file), "--quiet"])
    assert status == 0, capsys.readouterr().err
    summary = json.loads(summary_file.read_text())["models"][0]
    assert summary["n_train"] == 1000 and summary["test"]["n"] == 500 and summary["n_features"] == 6
    spread = np.std([frame.arrays["atomic_energy"][0] for frame in peroxide_frames(1500, np.random.default_rng(7))])
    rmse_hartree = summary["test"]["rmse"] / 2625.4996394799
    assert rmse_hartree < 0.05 * spread
    assert (tmp_path / "models" / "PEROXIDE_atomic_energy_O1.model").exists()


def test_alf_override_reaches_the_model_file(tmp_path, capsys):
    path = tmp_path / "peroxide.extxyz"
    write(path, peroxide_frames(120, np.random.default_rng(3)), format="extxyz")
    status = main(["train", str(path), "--atom", "O1", "--property", "charge", "--alf", "O1:1,3,2",
                   "--train-size", "100", "--out", str(tmp_path), "--quiet"])
    assert status == 0, capsys.readouterr().err
    assert "ALF 1 3 2" in (tmp_path / "PEROXIDE_charge_O1.model").read_text()


def test_bad_alf_override_is_one_line(tmp_path, capsys):
    path = tmp_path / "peroxide.extxyz"
    write(path, peroxide_frames(10, np.random.default_rng(3)), format="extxyz")
    assert main(["train", str(path), "--atom", "O1", "--property", "charge", "--alf", "O1:1,1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
