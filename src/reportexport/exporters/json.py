"""The model as JSON: what ``reportexport parse --json`` writes and every command reads back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import TypeAdapter

from ..model import Department, Diagnostic, Report
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
    """
    return department_json_chunks(report.model_copy(update={"departments": ()}), report.departments)


def department_json_chunks(head: Report, departments: Iterable[Department]) -> Iterator[bytes]:
    """The chunks of :func:`report_json_chunks` for ``head`` (a report without departments)
    with ``departments`` put in: the head's dump is cut where its empty department list is,
    and each department's dump is indented into it.  A JSON line never contains a raw
    newline inside a string, so re-indenting is by lines."""
    shell = head.model_dump_json(indent=2).encode("utf-8")
    before, found, after = shell.partition(_EMPTY_LIST)
    if not found:  # not the layout this relies on: the whole dump
        whole = head.model_copy(update={"departments": tuple(departments)})
        yield whole.model_dump_json(indent=2).encode("utf-8") + b"\n"
        return
    pending = b""
    for department in departments:
        chunk = _INDENT + _DEPARTMENT.dump_json(department, indent=2).replace(b"\n", b"\n" + _INDENT)
        yield (pending + b",\n") if pending else before + b'\n  "departments": [\n'
        pending = chunk
    if not pending:
        yield shell + b"\n"
        return
    yield pending + b"\n"
    yield b"  ],\n" + after + b"\n"


class JsonExporter:
    """Writes the report model as JSON (``reportexport.model.Report``).

    It also writes from a stream of departments (see :mod:`reportexport.exporters`), which
    ``reportexport all`` uses for a large report: pydantic's dump leaves a UTF-8 copy inside
    every non-ASCII string it writes, kept for the string's life, ~35 MB in a 25,000-item
    report that must stay in memory until every format is written; a department that is
    only passing through takes its copies with it.
    """

    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    description: ClassVar[str] = "the report model as JSON (schema: reportexport schema)"

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        _write(path, report_json_chunks(report))

    def summarize(self, report: Report, options: ExportOptions) -> None:
        """Nothing: the head (the report without departments) is all the file needs first."""
        return None

    def export_departments(self, report: Report, departments: Iterable[Department], summary: Callable[[], None],
                           path: Path, options: ExportOptions) -> None:
        _write(path, department_json_chunks(report, departments))

    def finish(self, report: Report, result: None, options: ExportOptions) -> list[Diagnostic]:
        return []


def _write(path: Path, chunks: Iterable[bytes]) -> None:
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
