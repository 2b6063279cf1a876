"""AIMAll .int files: the numbers ICHOR takes (read by hand from the files), and bad files."""

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.chem.multipoles import MOMENTS, RANKS, moment_columns
from fflux_studio.chem.solid_harmonics import coefficient_tensors
from fflux_studio.io.aimall_int import read_int
from fflux_studio.io.errors import InputError

SMALL = """ Integration is over atom O1
 Results of the basin integration:
          N =  9.0519211990E+00   q = -1.0519211990E+00 = Net Charge
          G =  7.4791164088E+01
          L = -2.8725236559E-05
 L_total                  = -2.8725236559E-05
E_IQA0(A)                         = -7.5058244960E+01
E_IQA(A)                          = -7.5446714709E+01
"""


def test_methanol_carbon_by_hand(shared_data):
    c1 = read_int(shared_data / "ichor-examples/methanol_aimall_ints/c1.int")
    assert c1.atom == "C1"
    assert c1.iqa == -3.8039986449E+01  # line 645: E_IQA(A) = -3.8039986449E+01
    assert c1.q00 == 5.4283906397E-01  # line 128: q = 5.4283906397E-01 = Net Charge
    assert c1.integration_error == -1.2790669508E-04  # line 131: L = -1.2790669508E-04


def test_small_file(tmp_path):
    path = tmp_path / "o1.int"
    path.write_text(SMALL)
    o1 = read_int(path)
    assert (o1.atom, o1.iqa, o1.q00, o1.integration_error) == ("O1", -75.446714709, -1.051921199, -2.8725236559e-05)


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace("E_IQA(A)  ", "E_XXX(A)  "), "no 'E_IQA(A) = …' line"),
    (lambda t: t.replace("= Net Charge", ""), "Net Charge"),
    (lambda t: t.replace("          L = -2.8725236559E-05\n", ""), "'L = …'"),
    (lambda t: t.replace("-7.5446714709E+01", "abc"), "line 8, field 'E_IQA(A)': 'abc' is not a number"),
    (lambda t: t.replace("-1.0519211990E+00 = Net", "nan = Net"), "line 3, field 'q (Net Charge)': value 'nan' is not finite"),
    (lambda t: "", "no 'q = … = Net Charge' line"),
    (lambda t: t + " Q[2,1,s]       =    1.3E-02x\n", "line 9, field 'q21s': '1.3E-02x' is not a number"),
])
def test_malformed(tmp_path, edit, message):
    path = tmp_path / "o1.int"
    path.write_text(edit(SMALL))
    with pytest.raises(InputError) as err:
        read_int(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_binary_file(tmp_path):
    path = tmp_path / "o1.int"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not a text file"):
        read_int(path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(SMALL)), junk=st.text(max_size=20), at=st.integers(0, len(SMALL)))
def test_fuzz_only_input_error_or_success(tmp_path, cut, junk, at):
    """The file cut short at ``cut`` with ``junk`` inserted at ``at``: an InputError naming the file,
    or finite values (the hand-read ones when nothing was changed)."""
    path = tmp_path / "o1.int"
    text = SMALL[:cut]
    at = min(at, len(text))
    path.write_text(text[:at] + junk + text[at:], encoding="utf-8", errors="surrogateescape")
    try:
        o1 = read_int(path)
    except InputError as err:
        assert str(err).startswith(str(path))
    else:
        assert all(map(math.isfinite, (o1.iqa, o1.q00, o1.integration_error)))
        if cut == len(SMALL) and not junk:
            assert (o1.iqa, o1.q00, o1.integration_error) == (-75.446714709, -1.051921199, -2.8725236559e-05)


def test_a_file_cut_before_its_last_value_is_refused(tmp_path):
    path = tmp_path / "o1.int"
    path.write_text(SMALL[:SMALL.index("E_IQA(A) ")])
    with pytest.raises(InputError, match="no 'E_IQA\\(A\\) = …' line"):
        read_int(path)


def test_water_oxygen_moments_by_hand(shared_data):
    o1 = read_int(shared_data / "ichor-examples/water_monomer_points/WATER_MONOMER0000.pointdir/"
                  "WATER_MONOMER0000_atomicfiles/o1.int")
    assert list(o1.moments) == list(MOMENTS)
    assert o1.moments["q10"] == -2.0042356378E-02  # line 285: Q[1,0] = -2.0042356378E-02
    assert o1.moments["q22s"] == 7.8488472227E-02  # line 292: Q[2,2,s]
    assert o1.moments["q44s"] == 8.9771195512E-02  # line 308: Q[4,4,s] (Q[5,…] is not kept)


def test_moments_are_stones_harmonics_of_the_files_cartesian_moments(shared_data):
    """AIMAll's header speaks of a Condon–Shortley phase, yet its Q[l,|m|,c/s] are Stone's real
    harmonics of its own Cartesian moments -<Rho*xyz…> (the same file), for every l ≤ 4 and atom."""
    for path in sorted((shared_data / "ichor-examples/methanol_aimall_ints").glob("*.int")):
        text = path.read_text()
        cartesian = {m["axes"]: float(m["value"]) for m in re.finditer(r"-<Rho\*(?P<axes>[xyz]+)>\s*=\s*(?P<value>\S+)", text)}
        moments = read_int(path).moments
        for rank in RANKS:
            primitive = np.zeros((3,) * rank)
            for index in itertools.product(range(3), repeat=rank):
                primitive[index] = cartesian["".join(sorted("xyz"[i] for i in index))]
            expected = coefficient_tensors(rank).reshape(2 * rank + 1, -1) @ primitive.ravel()
            found = [moments[label] for label in MOMENTS[moment_columns(rank)]]
            assert np.allclose(found, expected, rtol=1e-8, atol=1e-9), (path.name, rank)


def test_file_without_moments_gives_none(tmp_path):
    path = tmp_path / "o1.int"
    path.write_text(SMALL)
    assert read_int(path).moments == {}
