"""The benzene demo as one campaign (12 atoms × 2 properties) through ``fflux-studio train``: the same
models on local processes and on Dask, Ctrl-C part-way then a rerun that trains only the rest, and a
failing model reported while the other 23 are written. 100 training frames keep it quick."""

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time

import ase.io
import pytest

from fflux_studio.campaign.manifest import MANIFEST_NAME
from fflux_studio.cli import main
from fflux_studio.demo import demo_path
from fflux_studio.io.model_file import read_model

SIZES = ["--train-size", "100", "--test-size", "100"]


def train(data, out, *options):
    return ["train", str(data), "--atom", "all", "--property", "all", *SIZES, "--out", str(out), "--quiet",
            *options]


def read_back(folder) -> dict:
    """Every model of the campaign, read back: file name -> text (and each must parse)."""
    files = sorted(folder.glob("*.model"))
    for path in files:
        read_model(path)
    return {path.name: path.read_text() for path in files}


@pytest.fixture(scope="module")
def on_processes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jobs")
    summary = folder / "run.json"
    assert main(train(demo_path("benzene"), folder / "models", "--jobs", "2", "--json", str(summary))) == 0
    return folder / "models", json.loads(summary.read_text())


def test_two_local_processes_train_all_24_models(on_processes):
    folder, summary = on_processes
    assert summary["counts"] == {"trained": 24}
    assert len(read_back(folder)) == 24
    for model in summary["models"]:
        assert {"atom", "property", "status", "log_likelihood", "seconds", "test"} <= set(model)
    assert summary == json.loads((folder / MANIFEST_NAME).read_text())


def test_dask_local_cluster_gives_the_same_models(on_processes, tmp_path):
    pytest.importorskip("distributed")
    assert main(train(demo_path("benzene"), tmp_path, "--dask", "local", "--jobs", "2")) == 0
    assert read_back(tmp_path) == read_back(on_processes[0])


def test_ctrl_c_keeps_finished_models_and_a_rerun_trains_only_the_rest(on_processes, tmp_path):
    command = [sys.executable, "-m", "fflux_studio", *train(demo_path("benzene"), tmp_path, "--jobs", "2")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = tmp_path / MANIFEST_NAME
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.is_file() and json.loads(manifest.read_text())["counts"].get("trained", 0) >= 3:
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    stopped = json.loads(manifest.read_text())
    finished = {(m["atom"], m["property"]) for m in stopped["models"] if m["status"] == "trained"}
    assert 3 <= len(finished) < 24 and set(stopped["counts"]) == {"trained", "cancelled"}
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]

    summary = tmp_path / "rerun.json"
    assert main(train(demo_path("benzene"), tmp_path, "--jobs", "2", "--json", str(summary))) == 0
    rerun = json.loads(summary.read_text())
    assert {(m["atom"], m["property"]) for m in rerun["models"] if m["status"] == "skipped"} == finished
    assert rerun["counts"] == {"skipped": len(finished), "trained": 24 - len(finished)}
    assert read_back(tmp_path) == read_back(on_processes[0])


def test_a_failing_model_is_reported_and_the_other_23_are_written(tmp_path, capsys):
    with gzip.open(demo_path("benzene"), "rt") as stream:
        frames = ase.io.read(io.StringIO(stream.read()), index=":220", format="extxyz")
    for frame in frames:
        frame.calc.results["charges"][6] = 0.125  # H7's charge, the same in every frame
    data = tmp_path / "benzene.extxyz"
    ase.io.write(data, frames, format="extxyz")
    assert main(train(data, tmp_path / "models", "--jobs", "2", "--json", str(tmp_path / "run.json"))) == 1
    summary = json.loads((tmp_path / "run.json").read_text())
    assert summary["counts"] == {"trained": 23, "failed": 1}
    failed = [m for m in summary["models"] if m["status"] == "failed"]
    assert [(m["atom"], m["property"]) for m in failed] == [("H7", "charge")]
    assert "constant" in failed[0]["message"]
    assert len(read_back(tmp_path / "models")) == 23
    assert "H7" in capsys.readouterr().out


@pytest.mark.parametrize("protocol, seeded", [("tl", "C1 atomic_energy"), ("dl", None)])
def test_transfer_is_the_default_for_tl_only(tmp_path, protocol, seeded):
    summary = tmp_path / "run.json"
    assert main(["train", str(demo_path("benzene")), "--atom", "C1,C2", "--property", "atomic_energy", *SIZES,
                 "--protocol", protocol, "--out", str(tmp_path), "--quiet", "--json", str(summary)]) == 0
    models = {m["atom"]: m for m in json.loads(summary.read_text())["models"]}
    assert models["C1"]["transfer_from"] is None and models["C2"]["transfer_from"] == seeded
