"""A path typed into the Studio: read where it is, quotes and ``~`` understood, errors naming the
path as the user typed it (never the expanded or absolute form)."""

import numpy as np
import pytest
from ase.io import read, write

from fflux_studio.demo import demo_path
from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.io.typed_path import load_typed_path, typed_text


def write_water(path, n=6):
    """The first ``n`` frames of a bundled demo, written where the user keeps data."""
    write(path, read(demo_path("ethanol"), index=f":{n}"), format="extxyz")
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    return tmp_path


@pytest.mark.parametrize("typed", ["~/data/water.xyz", "  '~/data/water.xyz' ", '"data/water.xyz"', "data/water.xyz"])
def test_reads_what_the_user_typed_as_the_loader_reads_the_file(home, typed):
    path = write_water(home / "data" / "water.xyz")
    dataset = load_typed_path(typed)
    reference = load_dataset(path)
    assert dataset.n_frames == reference.n_frames == 6
    for name in reference.atom_names:
        np.testing.assert_array_equal(dataset.atom(name).features, reference.atom(name).features)
    assert dataset.provenance == typed_text(typed)


def test_a_missing_file_is_named_as_typed(home):
    with pytest.raises(InputError) as err:
        load_typed_path("~/data/nothing.xyz")
    assert str(err.value) == "~/data/nothing.xyz: no such file or directory"
    assert str(home) not in str(err.value)


def test_a_bad_file_is_named_as_typed_with_its_line(home):
    (home / "data" / "broken.xyz").write_text("3\ncomment\nO 0 0 0\nH 1 0\n")
    with pytest.raises(InputError) as err:
        load_typed_path("~/data/broken.xyz")
    assert str(err.value).startswith("~/data/broken.xyz")
    assert err.value.line is not None and str(home) not in str(err.value)


def test_a_folder_without_data_is_named_as_typed(home):
    with pytest.raises(InputError) as err:
        load_typed_path("~/data/")
    assert str(err.value).startswith("~/data: ") and str(home) not in str(err.value)


@pytest.mark.parametrize("typed", ["", "   ", "''"])
def test_nothing_typed_is_said_in_words(typed):
    with pytest.raises(InputError, match="no path given"):
        load_typed_path(typed)


def test_a_typed_zip_is_read_as_the_folder_it_holds_and_its_errors_name_it_as_typed(home):
    import zipfile

    path = write_water(home / "data" / "water.xyz")
    with zipfile.ZipFile(home / "data" / "points.zip", "w") as archive:
        archive.write(path, "run/water.xyz")
    dataset = load_typed_path("~/data/points.zip")
    reference = load_dataset(path)
    assert dataset.n_frames == reference.n_frames == 6
    np.testing.assert_array_equal(dataset.atom("C1").features, reference.atom("C1").features)
    with zipfile.ZipFile(home / "data" / "broken.zip", "w") as archive:
        archive.writestr("run/water.xyz", "3\nnot a comment line\nO 0 0\n")
    with pytest.raises(InputError) as err:
        load_typed_path("~/data/broken.zip")
    assert str(err.value).startswith("~/data/broken.zip/"), str(err.value)
    assert str(home) not in str(err.value) and "/tmp" not in str(err.value)
