"""The font cache: a font read from it is the font reportlab parses, and gives the same PDF."""

from __future__ import annotations

import hashlib
import mmap
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from reportexport import fontcache

from .conftest import REPO

FONT_FILES = sorted((REPO / "fonts").glob("*.tt[fc]"))


class _Doc:
    """Stands for a canvas document: reportlab keeps per-document subset state by weak reference."""


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTEXPORT_CACHE", str(folder))
    return folder


@pytest.mark.parametrize("path", FONT_FILES, ids=[p.name for p in FONT_FILES])
def test_a_cached_font_equals_the_parsed_one(path: Path, cache: Path) -> None:
    path = path.resolve()
    parsed = TTFont("rx-test", str(path))
    assert fontcache.load_cached(path, 0, _stamp(path), "rx-test") is None  # nothing stored yet
    fontcache.store(path, 0, _stamp(path), parsed)
    cached = fontcache.load_cached(path, 0, _stamp(path), "rx-test")
    assert cached is not None
    assert sorted(vars(cached)) == sorted(vars(parsed))
    assert (cached.fontName, cached._shapable, cached._asciiReadable) == (
        parsed.fontName, parsed._shapable, parsed._asciiReadable)
    want, got = vars(parsed.face), vars(cached.face)
    assert sorted(got) == sorted(want)
    for key in want:
        if key == "_pdfScale":
            assert [got[key](v) for v in (0, 512, 2048)] == [want[key](v) for v in (0, 512, 2048)]
        elif key == "_ttf_data":  # the file mapped (only touched pages in memory), not read
            assert isinstance(got[key], mmap.mmap) and got[key][:] == want[key]
        else:
            assert got[key] == want[key] and type(got[key]) is type(want[key]), key
    text = "潍坊日报社2023年度重点工作，居全省第一。ABC"
    assert cached.splitString(text, _Doc()) == parsed.splitString(text, _Doc())  # subsets and codes


def test_stale_or_damaged_entries_are_ignored(cache: Path) -> None:
    path = (REPO / "fonts" / "RXSerifSC-Regular.ttf").resolve()
    fontcache.store(path, 0, _stamp(path), TTFont("rx-test", str(path)))
    assert fontcache.load_cached(path, 0, (1, 2), "rx-test") is None  # another size/mtime: another entry
    [entry] = (cache / "fonts").iterdir()
    entry.write_bytes(b"\x00not marshal")
    assert fontcache.load_cached(path, 0, _stamp(path), "rx-test") is None


def test_cache_can_be_turned_off_and_a_read_only_cache_is_no_error(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = (REPO / "fonts" / "RXSerifSC-Regular.ttf").resolve()
    monkeypatch.setenv("REPORTEXPORT_CACHE", "off")
    assert fontcache.cache_dir() is None
    fontcache.store(path, 0, _stamp(path), TTFont("rx-test", str(path)))  # does nothing
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("REPORTEXPORT_CACHE", str(blocked))
    fontcache.store(path, 0, _stamp(path), TTFont("rx-test", str(path)))  # cannot write: quietly nothing
    assert blocked.read_text() == "x"


def test_the_pdf_is_the_same_with_a_cold_a_warm_and_no_cache(tmp_path: Path) -> None:
    outputs = []
    for run, setting in enumerate((str(tmp_path / "cache"), str(tmp_path / "cache"), "off")):
        out = tmp_path / f"run{run}.pdf"
        env = {**os.environ, "REPORTEXPORT_CACHE": setting}
        subprocess.run([sys.executable, "-m", "reportexport.cli", "pdf", "-o", str(out)], env=env, check=True,
                       capture_output=True)
        outputs.append(out.read_bytes())
        if run == 0:
            assert len(list((tmp_path / "cache" / "fonts").iterdir())) >= 3  # the digest's font files
    assert outputs[0] == outputs[1] == outputs[2]


def _resident_kb(path: Path) -> int:
    """Resident memory of this process's mappings of ``path`` (Linux ``/proc/self/smaps``)."""
    total, current = 0, None
    with open("/proc/self/smaps") as fh:
        for line in fh:
            fields = line.split()
            if "-" in fields[0] and not fields[0].endswith(":"):  # a mapping's header line
                current = fields[5] if len(fields) > 5 else None
            elif fields[0] == "Rss:" and current == str(path):
                total += int(fields[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc/self/smaps")
def test_released_font_pages_leave_the_process_and_read_back_the_same(tmp_path: Path) -> None:
    from types import SimpleNamespace

    path = tmp_path / "font.ttf"
    path.write_bytes(max(FONT_FILES, key=lambda p: p.stat().st_size).read_bytes())
    data = fontcache._mapped(path)
    before = hashlib.sha256(data[:]).hexdigest()  # reads every page
    assert _resident_kb(path) > 0.9 * path.stat().st_size / 1024
    fontcache.release_pages(SimpleNamespace(face=SimpleNamespace(_ttf_data=data)))  # type: ignore[arg-type]
    assert _resident_kb(path) == 0
    assert hashlib.sha256(data[:]).hexdigest() == before
    fontcache.release_pages(SimpleNamespace(face=SimpleNamespace(_ttf_data=b"bytes")))  # type: ignore[arg-type]
