"""The JSON exporter writes pydantic's dump of the model byte for byte, one department at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportexport.api import export
from reportexport.exporters import ExportOptions
from reportexport.exporters.json import report_json_chunks
from reportexport.extract import extract_facts
from reportexport.model import Report, SourceInfo


def _whole(report: Report) -> bytes:
    return (report.model_dump_json(indent=2) + "\n").encode("utf-8")


def test_sample_json_file_is_pydantic_dump_byte_for_byte(sample_report: Report, tmp_path: Path) -> None:
    out = tmp_path / "sample.json"
    export(sample_report, "json", out, ExportOptions())
    assert out.read_bytes() == _whole(sample_report)
    assert Report.model_validate_json(out.read_bytes()) == sample_report
    # streamed: a chunk per department between the head and the tail
    assert len(list(report_json_chunks(sample_report))) == len(sample_report.departments) + 2


@pytest.mark.parametrize("keep", [0, 1, 2], ids=["no-departments", "one", "two"])
def test_edge_shapes_match_the_whole_dump(tiny_report: Report, keep: int) -> None:
    report = extract_facts(tiny_report).model_copy(update={
        "departments": tiny_report.departments[:keep],
        "preamble": "引言第一行\n第二行 \"引号\" \\ 反斜杠\t制表",  # escaped newline, quotes, backslash, tab
        "source": SourceInfo(name="x.txt", pages=("p1.txt", "p2.txt")),
    })
    assert b"".join(report_json_chunks(report)) == _whole(report)
