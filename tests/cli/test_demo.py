"""``fflux-studio demo list|path`` over whatever files the demo folder holds."""

import pytest

from fflux_studio import demo
from fflux_studio.cli import main
from fflux_studio.io.load import load_dataset

TINY = ("3\nProperties=species:S:1:pos:R:3:atomic_energy:R:1:charge:R:1 molecule=water\n"
        "O 0.0 0.0 0.0 -75.40 -1.10\nH 0.96 0.0 0.0 -0.48 0.55\nH -0.24 0.93 0.0 -0.49 0.56\n")


@pytest.fixture()
def demo_dir(tmp_path, monkeypatch):
    import gzip
    with gzip.open(tmp_path / "water.extxyz.gz", "wt") as handle:
        handle.write(TINY)
    (tmp_path / "acetone.extxyz").write_text(TINY)
    (tmp_path / "README.md").write_text("not a demo")
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    return tmp_path


def test_list_and_path(demo_dir, capsys):
    assert demo.list_demos() == ["acetone", "water"]
    assert main(["demo", "list"]) == 0
    assert capsys.readouterr().out.split() == ["acetone", "water"]
    assert main(["demo", "path", "water"]) == 0
    path = capsys.readouterr().out.strip()
    assert path == str(demo_dir / "water.extxyz.gz")
    assert load_dataset(path).xy("H3", "charge")[1].tolist() == [0.56]


def test_unknown_demo_lists_the_available_ones(demo_dir, capsys):
    with pytest.raises(demo.UnknownDemo, match="available: acetone, water"):
        demo.demo_path("benzene")
    assert main(["demo", "path", "benzene"]) == 2
    assert "no demo dataset 'benzene'; available: acetone, water" in capsys.readouterr().err


def test_empty_or_missing_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path / "missing")
    assert demo.list_demos() == [] and main(["demo", "list"]) == 0
    assert "no demo datasets" in capsys.readouterr().err
    with pytest.raises(demo.UnknownDemo, match="available: none"):
        demo.demo_path("water")


def test_bundled_demos_load():
    names = demo.list_demos()
    if not names:
        pytest.skip(f"no demo datasets bundled yet in {demo.DEMO_DIR}")
    dataset = load_dataset(demo.demo_path(names[0]))
    assert {"atomic_energy", "charge"} <= set(dataset.properties(dataset.atom_names[0]))
