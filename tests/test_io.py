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


def test_a_named_temporary_left_by_a_dead_process_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportexport.io as rio

    monkeypatch.setattr(rio, "_unnamed_file", lambda folder: None)  # as on a system without O_TMPFILE
    target = tmp_path / "a.pdf"
    stale = tmp_path / ".a.pdf.999999999.abc.part"  # no such process
    stale.write_bytes(b"half")
    mine = tmp_path / f".a.pdf.{os.getpid()}.xyz.part"  # a live process: left alone
    mine.write_bytes(b"busy")
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.pdf", mine.name])


def test_the_unnamed_temporary_is_used_on_linux(tmp_path: Path) -> None:
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE on this system (the named fallback is tested above)")
    with atomic_path(tmp_path / "a.json") as tmp:
        assert str(tmp).startswith("/proc/self/fd/")
        tmp.write_text("{}", encoding="utf-8")
        assert list(tmp_path.iterdir()) == []  # nothing named in the folder while writing
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "{}"
