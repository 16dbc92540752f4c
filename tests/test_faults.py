"""Faults: a process killed while writing, a failing disk, two exports at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reportexport.api import export, load_report
from reportexport.errors import OutputError

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from synth import synth_report  # noqa: E402


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text(synth_report(300, 5, seed=3), encoding="utf-8")  # 1,500 items: seconds to write
    return path


def _valid(path: Path) -> None:
    """The file opens with the library a reader would use."""
    if path.suffix == ".docx":
        assert Document(str(path)).paragraphs
    elif path.suffix == ".xlsx":
        assert load_workbook(path, read_only=True).sheetnames
    elif path.suffix == ".pdf":
        assert len(PdfReader(str(path)).pages) > 0
    else:
        assert path.read_text(encoding="utf-8").startswith("{")


def _writing(pid: int, folder: Path) -> bool:
    """True when process ``pid`` holds a temporary file open in ``folder`` (it is writing)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        targets = [os.readlink(fd) for fd in fds.iterdir()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    return any(t.startswith(str(folder)) and ("(deleted)" in t or t.endswith(".part")) for t in targets)


def _wait_for_temporary(folder: Path, process: subprocess.Popen, timeout: float = 120) -> bool:
    """True once the exporter's temporary file is open (unnamed on Linux, .part elsewhere)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _writing(process.pid, folder):
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf", "json"])
def test_sigkill_while_writing_leaves_the_previous_file(fmt: str, big_input: Path, tmp_path: Path) -> None:
    target = tmp_path / f"big.{fmt}"
    export(load_report([big_input], extract=False), fmt, target)  # the previous, good output
    before = target.read_bytes()
    process = subprocess.Popen([sys.executable, "-m", "reportexport.cli", fmt, str(big_input), "-o", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        writing = _wait_for_temporary(tmp_path, process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert writing, "the export finished before it could be killed; make the input larger"
    assert target.read_bytes() == before
    _valid(target)
    # the temporary file was unnamed: nothing is left behind, even after kill -9
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_failing_write_is_a_clear_error_and_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sample.docx"
    target.write_bytes(b"previous")
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="disk is full"):
        export(load_report([]), "docx", target)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sample.docx"]


def test_a_failing_stream_inside_an_exporter_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sample.xlsx"
    target.write_bytes(b"previous")

    def broken_write(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_write)
    with pytest.raises(OutputError, match="cannot write"):
        export(load_report([]), "xlsx", target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sample.xlsx"]


def test_two_exports_into_one_folder_at_once_both_end_complete(tmp_path: Path) -> None:
    def run(_: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reportexport.cli", "all", "-o", str(tmp_path)],
                              capture_output=True, text=True, timeout=600)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, range(2)))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    outputs = sorted(p.name for p in tmp_path.iterdir())
    assert outputs == sorted(f"000_cf88b61c2d238c02{s}" for s in (".json", ".docx", ".xlsx", ".pdf", ".manifest.json"))
    for path in tmp_path.iterdir():
        _valid(path)
