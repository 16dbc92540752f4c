"""The bad-input corpus (tests/fixtures/bad/): every case is refused cleanly or repaired with a
warning; never a traceback, never a clobbered or half-written output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportexport.api import export, load_report
from reportexport.errors import InputError, OutputError

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
CASES: dict[str, dict[str, str]] = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
SUFFIXES = (".json", ".docx", ".xlsx", ".pdf", ".manifest.json")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportexport.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def plant_old_outputs(folder: Path, stem: str) -> dict[Path, bytes]:
    """Existing outputs with known bytes, to prove a refusal leaves them alone."""
    old = {}
    for suffix in SUFFIXES:
        path = folder / f"{stem}{suffix}"
        path.write_bytes(f"old {suffix}".encode())
        old[path] = path.read_bytes()
    return old


def assert_refused(result: subprocess.CompletedProcess[str], name: str, fragment: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0] and fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_the_corpus_has_at_least_30_cases() -> None:
    assert len(CASES) >= 28  # plus the cases made at test time below: folder, missing, 200 MB, outputs
    assert all((BAD / name).exists() for name in CASES)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["outcome"] == "refused"))
def test_refused_inputs_leave_existing_outputs_alone(name: str, tmp_path: Path) -> None:
    old = plant_old_outputs(tmp_path, Path(name).stem)
    result = cli("all", BAD / name, "-o", tmp_path)
    assert_refused(result, name, CASES[name]["expect"])
    for path, data in old.items():
        assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in old)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["outcome"] == "repaired"))
def test_repaired_inputs_are_exported_with_the_repair_listed(name: str, tmp_path: Path) -> None:
    code = CASES[name]["expect"]
    stem = Path(name).stem
    result = cli("all", BAD / name, "-o", tmp_path, "--formats", "json,xlsx,docx,pdf")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert code in result.stderr  # the warning is shown
    report = json.loads((tmp_path / f"{stem}.json").read_text(encoding="utf-8"))
    manifest = json.loads((tmp_path / f"{stem}.manifest.json").read_text(encoding="utf-8"))
    codes = {d["code"] for d in report["diagnostics"]} | {w.rsplit("[", 1)[-1].rstrip("]") for w in manifest["export_warnings"]}
    assert code in codes
    if not code.startswith("pdf-"):
        notes = load_workbook(tmp_path / f"{stem}.xlsx", read_only=True)["说明"]
        assert any(code in str(cell) for row in notes.iter_rows(values_only=True) for cell in row if cell)
    # --strict refuses the same input and leaves the outputs just written untouched
    written = {p: p.read_bytes() for p in tmp_path.iterdir()}
    strict = cli("all", BAD / name, "-o", tmp_path, "--strict")
    assert_refused(strict, stem, "--strict")
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == written


def test_formula_like_text_stays_text_in_the_sheet(tmp_path: Path) -> None:
    target = tmp_path / "f.xlsx"
    export(load_report([BAD / "formula_like_text.txt"]), "xlsx", target)
    sheet = load_workbook(target)["工作台账"]
    header = [c.value for c in sheet[1]]
    titles = [row[header.index("事项")] for row in sheet.iter_rows(min_row=2)]
    starts = {cell.value[:1]: cell.data_type for cell in titles if cell.value}
    assert {"=", "+", "@"} <= set(starts)
    assert all(kind == "s" for kind in starts.values())


def test_two_thousand_departments(tmp_path: Path) -> None:
    result = cli("all", BAD / "two_thousand_departments.txt", "-o", tmp_path, "--formats", "json,xlsx,docx")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "two_thousand_departments.json").read_text(encoding="utf-8"))
    assert len(report["departments"]) == 2000
    assert report["departments"][-1]["numeral"] == "二千" and report["departments"][-1]["number"] == 2000


def test_a_folder_a_missing_file_and_a_huge_file_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    assert_refused(cli("parse", folder), "a folder", "folder")
    assert_refused(cli("parse", tmp_path / "missing.txt"), "missing.txt", "no such file")
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB without using the disk
    assert_refused(cli("parse", huge), "huge.txt", "larger than")


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("一、部门\n1.事项。正文。\n", encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads any file, so simulate it
    with pytest.raises(InputError, match="permission denied"):
        load_report([path])


def test_unwritable_outputs_are_refused_and_leave_files_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample_out = tmp_path / "out.docx"
    assert_refused(cli("docx", "-o", tmp_path / "no-such-folder" / "x.docx"), "x.docx", "does not exist")
    assert_refused(cli("docx", "-o", tmp_path), str(tmp_path), "is a directory")
    assert_refused(cli("all", "-o", tmp_path / "missing-folder"), "missing-folder", "does not exist")
    # a read-only folder: root may write anyway, so os.access is made to say no
    sample_out.write_bytes(b"old")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    with pytest.raises(OutputError, match="not writable"):
        export(load_report([]), "docx", sample_out)
    assert sample_out.read_bytes() == b"old"
