"""``fflux-studio check`` on files that are not models: one line naming the file, exit status 2."""

import gzip

import pytest

from fflux_studio.cli import main


@pytest.mark.parametrize("name,content,message", [
    ("frames.extxyz.gz", gzip.compress(b"3\n\nO 0 0 0\nH 1 0 0\nH 0 1 0\n"), "not a .model file"),
    ("notes.model", b"[system]\nname\n", "line 2: no value after 'name'"),
    ("empty.model", b"", "missing section [system]"),
])
def test_not_a_model_is_one_line_and_status_2(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}" in err and message in err, err
