"""The .model reader takes every real file; the writer round-trips every number exactly; malformed
files are InputErrors naming file and line (also under hypothesis)."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, Kernel
from fflux_studio.gpr.model import GPRModel
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import format_model, model_file_name, read_model, write_model


def all_model_files(shared_data):
    files = sorted(shared_data.rglob("*.model"))
    assert len(files) == 18
    return files


def test_reads_every_reference_file(shared_data):
    for path in all_model_files(shared_data):
        model = read_model(path)
        assert model.x.shape == (model.n_train, model.n_features)
        assert model.y.shape == model.weights.shape == (model.n_train,)
        assert np.all(np.isfinite(model.theta))


def test_reads_header_values_of_a_ferebus_file(shared_data):
    model = read_model(shared_data / "ferebus-paper-data/likelihood/methanol/concentrated/METHANOL_iqa_C1.model")
    assert (model.system, model.atom, model.property_name, model.alf) == ("METHANOL", "C1", "iqa", (1, 3, 2))
    assert model.n_atoms == 6 and model.n_train == 636 and model.n_features == 12
    assert model.nugget == 1e-10
    assert model.log_likelihood == 4636.522891506022
    assert model.mean == -37.98213019959792
    assert model.theta[1] == 0.7663547527571298 and model.theta[8] == 0.06921274905711040
    assert model.x[2, 11] == 0.06578018687896990
    assert model.y[-1] == -38.04224464700000
    assert model.kernel == Kernel.named("rbf", 12)


def test_reads_a_product_of_kernels(shared_data):
    model = read_model(shared_data / "ichor-examples/AMMONIA_iqa_H3.model")
    assert model.kernel.kinds == (RBF,) * 5 + (PERIODIC,)
    assert model.theta[5] == 3.0660967573647233
    assert model.theta[0] == 0.22193820341113268


def test_reads_rbf_cyclic(shared_data):
    model = read_model(shared_data / "ferebus-paper-data/likelihood/ibuprofen/concentrated/IBUPROFEN_iqa_C1.model")
    assert model.kernel.kinds[2] == CYCLIC and model.kernel.kinds[5] == CYCLIC and model.kernel.kinds[4] == RBF


@pytest.mark.parametrize("relative", ["ferebus-paper-data/likelihood/glycine/concentrated/GLYCINE_iqa_C1.model",
                                      "ichor-examples/AMMONIA_iqa_H3.model"])
def test_round_trip_is_exact(shared_data, tmp_path, relative):
    model = read_model(shared_data / relative)
    again = read_model(write_model(model, tmp_path))
    for name in ("x", "y", "theta", "weights"):
        assert np.array_equal(getattr(model, name), getattr(again, name))
    assert (again.mean, again.log_likelihood, again.nugget) == (model.mean, model.log_likelihood, model.nugget)
    assert again.kernel == model.kernel and again.alf == model.alf
    assert format_model(again) == format_model(model)


def test_written_model_is_named_for_fflux(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 6))
    model = GPRModel.fit(x, x.sum(axis=1), np.full(6, 0.5), Kernel.named("rbf-cyclic", 6),
                         system="WATER", atom="O1", property_name="iqa", alf=(1, 2, 3), n_atoms=4)
    path = write_model(model, tmp_path)
    assert path.name == model_file_name(model) == "WATER_iqa_O1.model"
    again = read_model(path)
    assert np.array_equal(again.predict(x), model.predict(x))


@pytest.mark.parametrize("field,name", [("system", "../../escaped"), ("atom", "O1/../x"), ("property_name", "a/b")])
def test_a_name_that_leaves_the_folder_is_never_written(tmp_path, field, name):
    x = np.random.default_rng(2).normal(size=(8, 3))
    model = GPRModel.fit(x, x.sum(axis=1), np.full(3, 0.5), Kernel.named("rbf", 3),
                         **{"system": "WATER", "atom": "O1", "property_name": "iqa", field: name})
    with pytest.raises(InputError, match="cannot be part of a model file name"):
        write_model(model, tmp_path / "a" / "b")
    assert not list(tmp_path.rglob("*"))


def test_an_absent_units_y_is_the_property_default(tmp_path):
    path = tmp_path / "W_stiffness_O1.model"
    path.write_text(MINIMAL.replace("property iqa", "property stiffness").replace("units.y Ha\n", ""))
    assert read_model(path).target_unit == "unknown"


MINIMAL = """# [metadata]
# likelihood 1.5

[system]
name W
atom O1
property iqa
ALF 1 2 3

[dimensions]
number_of_atoms 3
number_of_features 2
number_of_training_points 2

[mean]
type constant
value 0.5

[kernels]
number_of_kernels 1
composition k1

[kernel.k1]
type rbf
number_of_dimensions 2
active_dimensions 1 2
theta 1.0 2.0

[training_data]
units.x bohr bohr
units.y Ha
scaling.x none
scaling.y none

[training_data.x]
1.0 2.0
3.0 4.0

[training_data.y]
1.0
2.0

[weights]
0.1
0.2
"""


def test_minimal_file_reads(tmp_path):
    path = tmp_path / "W_iqa_O1.model"
    path.write_text(MINIMAL)
    model = read_model(path)
    assert model.x.tolist() == [[1.0, 2.0], [3.0, 4.0]] and model.weights.tolist() == [0.1, 0.2]


@pytest.mark.parametrize("old,new,message", [
    ("3.0 4.0\n", "3.0 abc\n", "line 37: non-numeric value"),
    ("3.0 4.0\n", "3.0\n", "line 37: [training_data.x] row has 1 values, expected 2"),
    ("number_of_training_points 2", "number_of_training_points 3", "has 2 rows, [dimensions] says 3"),
    ("[weights]\n0.1\n0.2\n", "", "missing section [weights]"),
    ("type rbf\n", "type spline\n", "unknown kernel type 'spline'"),
    ("active_dimensions 1 2", "active_dimensions 1 3", "outside 1..2"),
    ("composition k1", "composition k1+k2", "sums of kernels"),
    ("name W\n", "name\n", "line 5: no value after 'name'"),
    ("ALF 1 2 3", "ALF 1 2 x", "line 8: ALF must be integers, got '1 2 x'"),
    ("number_of_features 2", "number_of_features 99999999999", "number_of_features 99999999999 is outside 1.."),
    ("number_of_training_points 2", "number_of_training_points -1", "number_of_training_points -1 is outside 1.."),
    ("value 0.5", "value", "no value after 'value'"),
    ("active_dimensions 1 2", "active_dimensions 1 2.5", "active_dimensions must be integers"),
    ("theta 1.0 2.0", "theta 1.0 nan", "value in theta is not finite"),
    ("# likelihood 1.5", "# likelihood high", "line 2: non-numeric value in # likelihood: 'high'"),
    ("type rbf\n", "type\n", "no value after 'type'"),
])
def test_malformed_file_names_the_problem(tmp_path, old, new, message):
    path = tmp_path / "bad.model"
    path.write_text(MINIMAL.replace(old, new))
    with pytest.raises(InputError) as error:
        read_model(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value), str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read model file"):
        read_model(tmp_path / "nothing.model")


def test_gpytorch_noise_is_the_nugget_its_weights_used(shared_data):
    model = read_model(shared_data / "ichor-examples/water_o1_reference/models/WATER_MONOMER_iqa_O1.model")
    assert model.nugget == 2.2797812188702698e-08
    refit = GPRModel.fit(model.x, model.y, model.theta, model.kernel, "marginal", model.nugget)
    assert np.abs(refit.weights - model.weights).max() / np.abs(model.weights).max() < 1e-5


def test_a_compressed_file_is_not_a_model(tmp_path):
    path = tmp_path / "frames.extxyz.gz"
    path.write_bytes(gzip.compress(b"3\n\nO 0 0 0\n" * 50))
    with pytest.raises(InputError, match=r"frames\.extxyz\.gz: not a \.model file"):
        read_model(path)


_LINES = MINIMAL.splitlines()
_NASTY = ["", "x", "nan", "inf", "-1", "0", "2.5", "99999999999", "1e400", "[weights]", "#", "=", "\u00e9"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_malformed_input_is_an_input_error_naming_the_file(tmp_path, data):
    """Lines dropped or repeated, a word swapped for a nasty token, junk text: the reader either
    reads a model of consistent shapes or raises InputError naming the file, never anything else."""
    lines = list(_LINES)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["drop", "repeat", "word", "junk"]))
        if edit == "drop" and len(lines) > 1:
            del lines[at]
        elif edit == "repeat":
            lines.insert(at, lines[at])
        elif edit == "word":
            words = lines[at].split(" ")
            words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(_NASTY))
            lines[at] = " ".join(words)
        else:
            lines[at] = data.draw(st.text(st.characters(blacklist_categories=["Cs"]), max_size=30))
    path = tmp_path / "fuzz.model"
    path.write_text("\n".join(lines) + "\n")
    try:
        model = read_model(path)
    except InputError as err:
        assert str(err).startswith(str(path))
    else:
        assert model.x.shape == (model.n_train, model.n_features) == (len(model.y), len(model.theta))
        assert np.isfinite(model.theta).all() and np.isfinite(model.x).all()
