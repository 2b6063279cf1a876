"""Stone's solid harmonics: coefficient tensors, harmonicity and the Cartesian relations of SPEC §8."""

import math

import numpy as np
import pytest

from fflux_studio.chem.solid_harmonics import HARMONICS, coefficient_tensors, evaluate

RNG = np.random.default_rng(7)


def _contract(tensor, point):
    for _ in range(tensor.ndim):
        tensor = tensor @ point
    return tensor


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_tensors_reproduce_the_polynomials_and_are_symmetric_and_traceless(rank):
    tensors = coefficient_tensors(rank)
    points = RNG.normal(size=(10, 3))
    direct = evaluate(rank, points)
    via_tensor = np.array([[_contract(t, p) for t in tensors] for p in points])
    assert np.allclose(via_tensor, direct, atol=1e-13)
    for tensor in tensors:
        assert np.allclose(tensor, np.swapaxes(tensor, 0, -1))
        if rank > 1:
            assert np.allclose(np.trace(tensor, axis1=0, axis2=1), 0, atol=1e-14)


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_harmonics_are_racah_normalised(rank):
    """∫ R_lm R_lm' dΩ = 4π/(2l+1) δ: the mean over uniformly random directions tends to δ/(2l+1)."""
    directions = RNG.normal(size=(400_000, 3))
    directions /= np.linalg.norm(directions, axis=1)[:, None]
    values = evaluate(rank, directions)
    mean = values.T @ values / len(directions)
    assert np.allclose(mean, np.eye(2 * rank + 1) / (2 * rank + 1), atol=6e-3)


def _charges():
    return RNG.normal(size=7), RNG.normal(size=(7, 3))


def test_dipole_and_quadrupole_follow_spec_section_8():
    q, r = _charges()
    moments = {label: float(q @ f(*r.T)) for rank in (1, 2) for label, f in HARMONICS[rank].items()}
    mu = q @ r
    assert np.allclose([moments["q11c"], moments["q11s"], moments["q10"]], mu)
    theta = 0.5 * np.einsum("i,ia,ib->ab", q, 3 * r, r) - 0.5 * np.sum(q * np.sum(r * r, axis=1)) * np.eye(3)
    rt3 = math.sqrt(3)
    assert np.isclose(theta[2, 2], moments["q20"])
    assert np.isclose(theta[0, 0], 0.5 * (rt3 * moments["q22c"] - moments["q20"]))
    assert np.isclose(theta[1, 1], -0.5 * (rt3 * moments["q22c"] + moments["q20"]))
    assert np.isclose(theta[0, 2], rt3 / 2 * moments["q21c"])
    assert np.isclose(theta[1, 2], rt3 / 2 * moments["q21s"])
    assert np.isclose(theta[0, 1], rt3 / 2 * moments["q22s"])


def test_octupole_follows_stone_appendix_e():
    q, r = _charges()
    moments = {label: float(q @ f(*r.T)) for label, f in HARMONICS[3].items()}
    r2 = np.sum(r * r, axis=1)
    eye = np.eye(3)
    # Θ_abc = (5/2) Σ q (r_a r_b r_c − r²/5 (δ_ab r_c + δ_ac r_b + δ_bc r_a))
    traces = (np.einsum("ab,ic->iabc", eye, r) + np.einsum("ac,ib->iabc", eye, r) + np.einsum("bc,ia->iabc", eye, r))
    theta = 2.5 * np.einsum("i,iabc->abc", q, np.einsum("ia,ib,ic->iabc", r, r, r) - r2[:, None, None, None] / 5 * traces)
    assert np.isclose(moments["q30"], theta[2, 2, 2])
    assert np.isclose(moments["q31c"], math.sqrt(3 / 2) * theta[0, 2, 2])
    assert np.isclose(moments["q31s"], math.sqrt(3 / 2) * theta[1, 2, 2])
    assert np.isclose(moments["q32c"], math.sqrt(3 / 5) * (theta[0, 0, 2] - theta[1, 1, 2]))
    assert np.isclose(moments["q32s"], 2 * math.sqrt(3 / 5) * theta[0, 1, 2])
    assert np.isclose(moments["q33c"], math.sqrt(1 / 10) * (theta[0, 0, 0] - 3 * theta[0, 1, 1]))
    assert np.isclose(moments["q33s"], math.sqrt(1 / 10) * (3 * theta[0, 0, 1] - theta[1, 1, 1]))


def test_hexadecapole_tensor_follows_stone_appendix_e_as_dl_fflux_converts_it():
    """Stone's Cartesian Θ of rank l is Σ_m Q_lm T_m; for l = 4 its 15 components against the
    explicit formulae DL_FFLUX uses (Source/FFLUX/fflux_tensor_conversion.f90, before its 1/105)."""
    q = dict(zip(HARMONICS[4], RNG.normal(size=9)))
    theta = np.einsum("m,mabcd->abcd", list(q.values()), coefficient_tensors(4))
    r5, r10, r35, r70 = math.sqrt(5), math.sqrt(10), math.sqrt(35), math.sqrt(70)
    expected = {
        "xxxx": 3 / 8 * q["q40"] - r5 / 4 * q["q42c"] + r35 / 8 * q["q44c"],
        "xxxy": (r35 * q["q44s"] - r5 * q["q42s"]) / 8,
        "xxxz": (r70 * q["q43c"] - 3 * r10 * q["q41c"]) / 16,
        "xxyy": q["q40"] / 8 - r35 / 8 * q["q44c"],
        "xxyz": (r70 * q["q43s"] - r10 * q["q41s"]) / 16,
        "xxzz": 0.5 * (r5 / 2 * q["q42c"] - q["q40"]),
        "xyyy": -(r5 * q["q42s"] + r35 * q["q44s"]) / 8,
        "xyyz": -(r10 * q["q41c"] + r70 * q["q43c"]) / 16,
        "xyzz": r5 / 4 * q["q42s"],
        "xzzz": math.sqrt(5 / 8) * q["q41c"],
        "yyyy": 3 / 8 * q["q40"] + r5 / 4 * q["q42c"] + r35 / 8 * q["q44c"],
        "yyyz": -(3 * r10 * q["q41s"] + r70 * q["q43s"]) / 16,
        "yyzz": -0.5 * (r5 / 2 * q["q42c"] + q["q40"]),
        "yzzz": math.sqrt(5 / 8) * q["q41s"],
        "zzzz": q["q40"],
    }
    for axes, value in expected.items():
        assert np.isclose(theta[tuple("xyz".index(a) for a in axes)], value, rtol=0, atol=1e-12), axes
