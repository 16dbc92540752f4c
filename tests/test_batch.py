"""Batch: a folder of reports → one output set each, an index, failures listed, exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from synth import synth_report  # noqa: E402


def test_batch_of_50_reports_and_2_bad_files(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    for n in range(50):
        (src / f"单位{n:02d}.txt").write_text(synth_report(2, 2, seed=n), encoding="utf-8")
    (src / "坏_空.txt").write_bytes(b"")
    (src / "坏_图片.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = subprocess.run(
        [sys.executable, "-m", "reportexport.cli", "all", "--batch", str(src), "-o", str(out), "--jobs", "2"],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 1, result.stderr
    assert "50 of 52 reports exported" in result.stdout
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert (index["reports"], index["failed"]) == (52, 2)
    failed = {Path(r["input"]).name: r["error"] for r in index["results"] if not r["ok"]}
    assert set(failed) == {"坏_空.txt", "坏_图片.txt"}
    assert "empty" in failed["坏_空.txt"] and "PNG" in failed["坏_图片.txt"]
    for n in range(50):
        stem = out / f"单位{n:02d}"
        assert Path(f"{stem}.manifest.json").exists()
        manifest = json.loads(Path(f"{stem}.manifest.json").read_text(encoding="utf-8"))
        assert manifest["counts"]["items"] == 4
        assert {o["format"] for o in manifest["outputs"]} >= {"json", "docx", "xlsx", "pdf"}
    # spot-check one output set by reading it back
    doc_text = "\n".join(p.text for p in Document(str(out / "单位07.docx")).paragraphs)
    assert "市政府办公室" in doc_text or "市发展改革委" in doc_text
    sheet = load_workbook(out / "index.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 53 and rows[0][0] == "报告"
    assert sum(1 for r in rows[1:] if r[1] == "失败") == 2
    assert not list(out.glob("*.part")) and not list(out.glob(".*"))


def test_two_inputs_with_one_name_are_not_both_exported(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "a.txt").write_text(synth_report(2, 2, seed=1), encoding="utf-8")
    made = subprocess.run([sys.executable, "-m", "reportexport.cli", "parse", str(src / "a.txt"), "--json", str(src / "a.json")],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    result = subprocess.run([sys.executable, "-m", "reportexport.cli", "all", "--batch", str(src), "-o", str(out), "-j", "2"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    failed = [r for r in index["results"] if not r["ok"]]
    assert [Path(r["input"]).name for r in failed] == ["a.txt"] or [Path(r["input"]).name for r in failed] == ["a.json"]
    assert "same name" in failed[0]["error"]
