"""`train`'s protocol options: defaults and choices come from ProtocolSettings, the JSON says why
the full-set search stopped. Synthetic data, so this runs without ../shared."""

import json

import numpy as np
import pytest

from fflux_studio.cli import build_parser, main
from fflux_studio.cli.train import _settings
from fflux_studio.protocols import ProtocolSettings


def csv_file(tmp_path, n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, size=(n, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2]
    path = tmp_path / "TOY_C1_TRAINING_SET.csv"
    rows = ["f1,f2,f3,iqa"] + [",".join(f"{v:.12g}" for v in (*row, target)) for row, target in zip(x, y)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_without_options_the_settings_are_the_dataclass_defaults():
    args = build_parser().parse_args(["train", "data.csv", "--property", "iqa"])
    assert _settings(args) == ProtocolSettings()


def test_a_whole_number_subset_is_a_count_however_it_is_written():
    args = build_parser().parse_args(["train", "data.csv", "--property", "iqa", "--subset", "40.0"])
    assert _settings(args).subset == 40


@pytest.mark.parametrize("options, status", [([], "converged"), (["--max-iterations", "2"], "budget reached")])
@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_json_says_why_the_search_stopped(tmp_path, protocol, options, status):
    summary_file = tmp_path / "run.json"
    code = main(["train", str(csv_file(tmp_path)), "--property", "iqa", "--protocol", protocol, "--subset", "20",
                 "--out", str(tmp_path / "models"), "--json", str(summary_file), "--quiet", *options])
    assert code == 0
    assert json.loads(summary_file.read_text())["models"][0]["convergence"] == status
