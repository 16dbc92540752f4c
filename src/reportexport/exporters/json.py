"""The model as JSON: what ``reportexport parse --json`` writes and every command reads back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import TypeAdapter

from ..model import Department, Report
from . import ExportOptions

_DEPARTMENT = TypeAdapter(Department)
#: How the department list opens in ``Report.model_dump_json(indent=2)`` of a report without
#: departments; a department's own JSON is indented by four more spaces inside the list.
_EMPTY_LIST = b'\n  "departments": [],\n'
_INDENT = b"    "


def report_json_chunks(report: Report) -> Iterator[bytes]:
    """``report.model_dump_json(indent=2) + "\\n"`` as UTF-8, one department at a time.

    Deterministic and human-readable (characters kept, two-space indent), byte for byte the
    same as pydantic's dump of the whole report (``tests/exporters/test_json.py``), but never
    more than one department's JSON in memory: a 25,000-item report's JSON is 130 MB, and
    pydantic's one-piece dump held it three times over (bytes, str, encoded again).
    A JSON line never contains a raw newline inside a string, so re-indenting is by lines.
    """
    shell = report.model_copy(update={"departments": ()}).model_dump_json(indent=2).encode("utf-8")
    head, found, tail = shell.partition(_EMPTY_LIST)
    if not found or not report.departments:
        yield report.model_dump_json(indent=2).encode("utf-8") + b"\n"
        return
    yield head + b'\n  "departments": [\n'
    last = len(report.departments) - 1
    for index, department in enumerate(report.departments):
        chunk = _DEPARTMENT.dump_json(department, indent=2)
        yield _INDENT + chunk.replace(b"\n", b"\n" + _INDENT) + (b",\n" if index < last else b"\n")
    yield b"  ],\n" + tail + b"\n"


class JsonExporter:
    """Writes the report model as JSON (``reportexport.model.Report``)."""

    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    description: ClassVar[str] = "the report model as JSON (schema: reportexport schema)"

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        with open(path, "wb") as fh:
            for chunk in report_json_chunks(report):
                fh.write(chunk)
