"""ICHOR per-atom CSVs, both layouts: the real reference file, layout detection, |L| rule, bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.io.errors import InputError
from fflux_studio.io.ichor_csv import read_ichor_csv
from fflux_studio.io.load import load_dataset

FEATURES = "f1,f2,f3,iqa,integration_error,q00\n2.0,1.8,1.82,-75.48,1e-5,-1.12\n2.1,1.9,1.81,-75.49,2e-3,-1.10\n" \
           "2.2,1.7,1.80,-75.47,-3e-5,-1.13\n"
PROCESSED = ("point_id,point_name,f1_O1,f2_O1,f3_O1,wfn_energy,iqa,integration_error,q00,q10\n"
             "0,WATER0000,2.0,1.8,1.82,-76.4,-75.48,1e-5,-1.12,0.01\n"
             "1,WATER0001,2.1,1.9,1.81,-76.5,-75.49,-2e-5,-1.10,0.02\n")


def test_reference_test_set(shared_data):
    path = shared_data / "ichor-examples/water_o1_reference/test_set/O1_features_with_properties.txt"
    test = load_dataset(path)
    assert test.atom_names == ["O1"] and test.n_frames == 500
    x, y = test.xy("O1", "iqa")
    assert x[0].tolist() == [2.0653710696755008, 1.7975013062455671, 1.8234194352595257] and y[0] == -75.486069299
    assert test.xy("O1", "q00")[1][0] == -1.1248592126 and test.unit("q00") == "e"
    assert len(test.properties("O1")) == 26
    # the moments are ICHOR's, already in the ALF: kept as they are, in e*bohr^l
    assert test.xy("O1", "q44s")[1][0] == 1.9334587174542468 and test.unit("q44s") == "e*bohr^4"
    assert test.unit("q11c") == "e*bohr" and test.model_metadata("O1", "q32s")["target_unit"] == "e*bohr^3"


def test_features_with_properties_layout(tmp_path):
    path = tmp_path / "O1_features_with_properties.csv"
    path.write_text(FEATURES)
    o1 = load_dataset(path)
    assert o1.atom_names == ["O1"] and o1.properties("O1") == ["iqa", "q00"]
    assert o1.n_frames == 2 and o1.xy("O1", "q00")[1].tolist() == [-1.12, -1.13]
    assert "dropped 1 of 3 rows" in o1.notes[0]


def test_processed_layout_gives_the_alf(tmp_path):
    path = tmp_path / "O1_processed_data_alf_1_2_3.csv"
    path.write_text(PROCESSED)
    o1 = load_dataset(path)
    assert o1.atom("O1").alf == (1, 2, 3) and o1.properties("O1") == ["iqa", "q00", "q10"]
    assert o1.atom("O1").features.tolist() == [[2.0, 1.8, 1.82], [2.1, 1.9, 1.81]]


def test_pandas_index_column_is_not_a_property(tmp_path):
    path = tmp_path / "O1_processed_data_alf_1_2_3.csv"
    path.write_text("Unnamed: 0," + PROCESSED.replace("\n0,", "\n0,0,").replace("\n1,", "\n1,1,"))
    assert load_dataset(path).properties("O1") == ["iqa", "q00", "q10"]


def test_header_alone_tells_ichor_from_ferebus(tmp_path):
    path = tmp_path / "anything.csv"
    path.write_text(PROCESSED.replace("O1", "Cl1"))
    assert load_dataset(path).atom_names == ["Cl1"]
    path.write_text(",f1,f2,f3,iqa\n0,2.0,1.8,1.8,-75.4\n")
    assert load_dataset(path).atom_names == ["A1"]  # the FEREBUS reader's default name


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"),
    ("iqa,q00\n1,2\n", "line 1: no feature columns"),
    ("f1,f3,iqa,integration_error\n1,2,3,0\n", "line 1: feature f2 is missing"),
    ("f1,f1,iqa,integration_error\n1,2,3,0\n", "field 'f1': feature f1 appears twice"),
    ("f1,integration_error\n1,0\n", "line 1: no property column"),
    ("f1,iqa,integration_error\n1,x,0\n", "line 2, field 'iqa': non-numeric value 'x'"),
    ("f1,iqa,integration_error\n1,inf,0\n", "line 2, field 'iqa': value 'inf' is not finite"),
    ("f1,iqa,integration_error\n1,2,0\n1,2\n", "line 3: 2 cells, the header has 3"),
    ("f1,iqa,integration_error\n", "no data rows"),
    ("f1,iqa,integration_error\n1,2,0.5\n", "every row has an integration error"),
    ("point_id,f1_O1,f1_H2,iqa\n0,1,2,3\n", "appears twice"),
    ("f1,iqa,iqa,integration_error\n1,2,2,0\n", "column 'iqa' appears twice"),
])
def test_malformed(tmp_path, text, message):
    path = tmp_path / "O1_features_with_properties.csv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_ichor_csv(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.sampled_from([FEATURES, PROCESSED]), at=st.integers(0, 300), cut=st.integers(0, 40),
       junk=st.sampled_from(["", ",", "\n", "nan", "x", "\"", "f9", "1e999", "point_id,", "\x00"]))
def test_fuzz_only_input_error_or_success(tmp_path, text, at, cut, junk):
    path = tmp_path / "O1_processed_data_alf_1_2_3.csv"
    path.write_text(text[:at] + junk + text[at + cut:])
    try:
        dataset = load_dataset(path)
    except InputError as err:
        assert str(path) in str(err)
    else:
        assert all(np.isfinite(a.features).all() for a in dataset.atoms.values())
