"""Atomic output: a failure leaves the previous file untouched and no temporary file behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportexport.errors import OutputError
from reportexport.io import atomic_path, write_bytes_atomic


def test_success_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]
    assert target.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("exporter crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_disk_full_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match="disk is full"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_unwritable_targets_are_refused_before_work(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_bytes_atomic(tmp_path, b"x")
    with pytest.raises(OutputError, match="does not exist"):
        write_bytes_atomic(tmp_path / "missing" / "a.docx", b"x")
    if os.geteuid() != 0:  # root can write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        with pytest.raises(OutputError, match="not writable"):
            write_bytes_atomic(locked / "a.docx", b"x")
