"""FEREBUS CSVs: the real sets read as they are; bad files get one message naming file, line and field."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.io.errors import InputError
from fflux_studio.io.ferebus_csv import read_ferebus_csv
from fflux_studio.io.load import load_dataset


def test_reads_the_methanol_training_set(shared_data):
    dataset = read_ferebus_csv(shared_data / "ferebus-paper-data/likelihood/methanol/METHANOL_C1_TRAINING_SET.csv")
    assert dataset.system == "METHANOL" and dataset.atom_names == ["C1"]
    x, y = dataset.xy("C1", "iqa")
    assert x.shape == (636, 12)
    assert x[0, 0] == 2.7133174566675446 and x[0, 11] == 0.15312383798976067
    assert y[0] == -38.046751866
    assert dataset.unit("iqa") == "Ha"
    assert dataset.atom("C1").periodic.tolist() == [False] * 5 + [True, False, False, True, False, False, True]


def test_index_column_and_feature_units(tmp_path):
    path = tmp_path / "W_O1_TRAINING_SET.csv"
    path.write_text(",f2/radians,f1/bohr,iqa,q00\n0,1.5,2.0,-75.1,-1.1\n1,1.6,2.1,-75.2,-1.2\n")
    dataset = read_ferebus_csv(path)
    x, y = dataset.xy("O1", "q00")
    assert x.tolist() == [[2.0, 1.5], [2.1, 1.6]] and y.tolist() == [-1.1, -1.2]
    assert dataset.atom("O1").feature_units == ("bohr", "radians")


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"),
    ("a,b,iqa\n1,2,3\n", "line 1: no feature columns"),
    ("f1,f2\n1,2\n", "line 1: no property column"),
    ("f1,f2,iqa\n1,2,3\n1,x,3\n", "line 3, field 'f2': non-numeric value 'x'"),
    ("f1,f2,iqa\n1,2,3\n1,2\n", "line 3: 2 cells, the header has 3"),
    ("f1,f2,iqa\n1,nan,3\n", "line 2, field 'f2': value 'nan' is not finite"),
    ("f1,f2,iqa\n", "no data rows"),
])
def test_malformed_csv(tmp_path, text, message):
    path = tmp_path / "BAD_C1_TRAINING_SET.csv"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        read_ferebus_csv(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_missing_file_and_property(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_dataset(tmp_path / "none.csv")
    path = tmp_path / "W_O1_TRAINING_SET.csv"
    path.write_text("f1,f2,iqa\n1,2,3\n")
    with pytest.raises(KeyError, match="no property 'q00' for atom O1 .* properties: iqa"):
        load_dataset(path).xy("O1", "q00")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="f1,2.e-\nxiqa ", max_size=80))
def test_fuzzed_csv_gives_input_error_or_data(tmp_path, text):
    path = tmp_path / "FUZZ_C1_TRAINING_SET.csv"
    path.write_text(text)
    try:
        dataset = read_ferebus_csv(path)
    except InputError:
        return
    x, _ = dataset.xy("C1", dataset.properties("C1")[0])
    assert np.all(np.isfinite(x))
