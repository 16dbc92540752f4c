"""The JSON exporter writes pydantic's dump of the model byte for byte, one department at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportexport.api import export
from reportexport.exporters import ExportOptions, get_exporter, streams
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
def test_edge_shapes_match_the_whole_dump(tiny_report: Report, keep: int, tmp_path: Path) -> None:
    report = extract_facts(tiny_report).model_copy(update={
        "departments": tiny_report.departments[:keep],
        "preamble": "引言第一行\n第二行 \"引号\" \\ 反斜杠\t制表",  # escaped newline, quotes, backslash, tab
        "source": SourceInfo(name="x.txt", pages=("p1.txt", "p2.txt")),
    })
    assert b"".join(report_json_chunks(report)) == _whole(report)
    # from a stream of departments (reportexport all with a large report), the same bytes
    out = tmp_path / "streamed.json"
    exporter = get_exporter("json")
    head = report.model_copy(update={"departments": ()})
    assert exporter.summarize(report, ExportOptions()) is None
    exporter.export_departments(head, iter(report.departments), lambda: None, out, ExportOptions())
    assert out.read_bytes() == _whole(report)
    assert exporter.finish(report, None, ExportOptions()) == []


def test_the_json_exporter_can_write_from_a_stream() -> None:
    assert streams(get_exporter("json"))
