"""The command line: outline, JSON, schema, formats, version, and clear errors on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reportexport.model import Report

from .conftest import SAMPLE_TXT


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportexport.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_parse_without_input_prints_the_outline_of_the_sample() -> None:
    result = run("parse")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "市直部门（单位）2023年度重点工作开展情况" in out
    assert "十三 潍坊日报社" in out and "4 items" in out
    assert "围绕中心发出正能量最强音" in out
    assert "16 sections, 61 items" in out
    assert "column-break-joined" in out and "341" in out


def test_parse_json_to_stdout_and_file_round_trips(tmp_path: Path) -> None:
    result = run("parse", str(SAMPLE_TXT), "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "市直部门（单位）2023年度重点工作开展情况"
    assert data["continued_from_page"] == 5 and data["continues_on_page"] == 7
    assert len(data["departments"]) == 16
    dep = data["departments"][1]
    assert {"number", "numeral", "name", "continued", "intro", "items"} <= dep.keys()
    assert {"number", "label", "title", "title_rule", "body", "text"} <= dep["items"][0].keys()
    report = Report.model_validate_json(result.stdout)
    assert Report.model_validate_json(report.model_dump_json()) == report

    target = tmp_path / "report.json"
    assert run("parse", str(SAMPLE_TXT), "--json", str(target)).returncode == 0
    assert Report.model_validate_json(target.read_text(encoding="utf-8")) == report


def test_json_input_is_accepted_and_schema_errors_name_the_path(tmp_path: Path) -> None:
    data = json.loads(run("parse", "--json", "-").stdout)
    data["departments"][1]["name"] = "潍坊日报社（改名）"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("parse", str(edited), "--json", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["departments"][1]["name"] == "潍坊日报社（改名）"

    data["departments"][3]["items"][1]["title"] = 42
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("parse", str(edited))
    assert result.returncode == 1
    assert "departments[3].items[1].title" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_version_and_formats() -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "Report" and "departments" in schema["properties"]
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("reportexport ")
    formats = run("formats")
    assert formats.returncode == 0 and "json" in formats.stdout


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\u3000\u3000\n\t\n", encoding="utf-8")
    png = tmp_path / "picture.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    folder = tmp_path / "folder"
    folder.mkdir()
    return {"empty": empty, "whitespace": blank, "png": png, "missing": tmp_path / "missing.txt", "directory": folder}


@pytest.mark.parametrize("case", ["empty", "whitespace", "png", "missing", "directory"])
def test_bad_input_gives_one_line_and_exit_code_1(case: str, tmp_path: Path) -> None:
    path = _bad_inputs(tmp_path)[case]
    result = run("parse", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    path = tmp_path / "control.txt"
    path.write_text("标题\n\n一、部门\n\n\u3000\u30001.事项\x07一。正文。\n", encoding="utf-8")
    assert run("parse", str(path)).returncode == 0
    strict = run("parse", str(path), "--strict")
    assert strict.returncode == 1
    assert f"{path}:5:" in strict.stderr and "control characters" in strict.stderr


def test_unknown_option_is_a_usage_error() -> None:
    assert run("parse", "--no-such-option").returncode == 2


def test_edited_json_title_flows_into_the_word_summary(tmp_path: Path) -> None:
    from docx import Document

    data = json.loads(run("parse", "--json", "-").stdout)
    item = data["departments"][1]["items"][0]
    item["title"] = "围绕中心发出最强音（已修改）"
    data["departments"][2]["name"] = "市改革发展研究中心（更名）"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("docx", str(edited), "-o", str(tmp_path / "edited.docx"))
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.text for p in Document(str(tmp_path / "edited.docx")).paragraphs)
    assert "围绕中心发出最强音（已修改）" in text
    assert "市改革发展研究中心（更名）" in text
    assert "围绕中心发出正能量最强音" not in text


def test_all_with_a_font_option_writes_the_manifest(tmp_path: Path) -> None:
    from .conftest import REPO

    font = REPO / "fonts" / "LXGWWenKai-Regular.ttf"
    result = run("all", "--font", f"song={font}", "-o", str(tmp_path), "--no-check")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "000_cf88b61c2d238c02.manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["extra.fonts"] == {"song": str(font)}


def test_outputs_of_a_json_input_are_named_after_it(tmp_path: Path) -> None:
    source = tmp_path / "改过的.json"
    assert run("parse", "--json", str(source)).returncode == 0
    result = run("all", str(source), "-o", str(tmp_path), "--no-check", "--formats", "json,docx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "改过的.docx").exists() and not (tmp_path / "000_cf88b61c2d238c02.docx").exists()


def test_renamed_department_heading_and_duplicate_ids_in_json(tmp_path: Path) -> None:
    from docx import Document

    data = json.loads(run("parse", "--json", "-").stdout)
    data["departments"][1]["name"] = "日报社"  # a part of the old name 潍坊日报社
    edited = tmp_path / "renamed.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("docx", str(edited), "-o", str(tmp_path / "r.docx")).returncode == 0
    text = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs]
    assert "十三、日报社" in text and "十三、潍坊日报社" not in text

    data["departments"][1]["items"].append(dict(data["departments"][1]["items"][1]))
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("docx", str(edited), "-o", str(tmp_path / "r.docx"))
    assert result.returncode == 1
    assert "departments[1].items[4].id" in result.stderr and "d13-i2" in result.stderr


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [('pdf = "x"\n', "[pdf]"), ("[xlsx]\nstatuses = []\n", "[xlsx.statuses]"), ("[docx\n", "not valid TOML")],
)
def test_bad_configuration_is_a_one_line_usage_error(toml: str, fragment: str, tmp_path: Path) -> None:
    config = tmp_path / "reportexport.toml"
    config.write_text(toml, encoding="utf-8")
    result = run("xlsx", "--config", str(config), "-o", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_fonts_lists_every_role_and_honours_font_overrides() -> None:
    from .conftest import REPO

    listed = run("fonts")
    assert listed.returncode == 0, listed.stderr
    for role in ("song", "hei", "kai", "fangsong", "title"):
        assert f"│ {role}" in listed.stdout
    assert "LXGW WenKai" in listed.stdout and "bundled" in listed.stdout
    overridden = run("fonts", "--font", f"kai={REPO / 'fonts' / 'wqy-microhei.ttc'}")
    kai_row = next(line for line in overridden.stdout.splitlines() if "│ kai" in line)
    assert "WenQuanYi" in kai_row and "option" in kai_row


def test_formats_reports_an_exporter_whose_library_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exporter classes load without their libraries; `formats` still imports the implementation."""
    import sys

    from reportexport.exporters import describe

    monkeypatch.setitem(sys.modules, "reportlab", None)  # as if reportlab were not installed
    monkeypatch.delitem(sys.modules, "reportexport.exporters.pdf.writer", raising=False)
    rows = {row[0]: row for row in describe()}
    assert rows["pdf"][3].startswith("unavailable:") and "reportlab" in rows["pdf"][3]
    assert not rows["docx"][3].startswith("unavailable") and not rows["xlsx"][3].startswith("unavailable")
