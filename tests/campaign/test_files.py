"""Atomic writes: the old file or the new one, and no temporary left behind."""

import os

import pytest

from fflux_studio.campaign.files import write_atomically


def test_replaces_and_leaves_only_the_file(tmp_path):
    path = tmp_path / "sub" / "a.model"
    write_atomically(path, "old")
    write_atomically(path, "new")
    assert path.read_text() == "new"
    assert os.listdir(path.parent) == ["a.model"]


def test_a_failed_rename_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.model"
    write_atomically(path, "old")

    def refuse(*_):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomically(path, "new")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.model"]
