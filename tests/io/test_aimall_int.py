"""AIMAll .int files: the numbers ICHOR takes (read by hand from the files), and bad files."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(SMALL)), junk=st.text(max_size=20), at=st.integers(0, len(SMALL)))
def test_fuzz_only_input_error_or_success(tmp_path, cut, junk, at):
    path = tmp_path / "o1.int"
    text = SMALL[:cut] + SMALL[cut:]
    path.write_text(text[:at] + junk + text[at:], encoding="utf-8", errors="surrogateescape")
    try:
        read_int(path)
    except InputError as err:
        assert str(path) in str(err)
