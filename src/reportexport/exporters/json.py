"""The model as JSON: what ``reportexport parse --json`` writes and every command reads back."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..model import Report
from . import ExportOptions


def report_to_json(report: Report) -> str:
    """Deterministic, human-readable JSON (UTF-8 characters kept, two-space indent)."""
    return report.model_dump_json(indent=2) + "\n"


class JsonExporter:
    """Writes the report model as JSON (``reportexport.model.Report``)."""

    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    description: ClassVar[str] = "the report model as JSON (schema: reportexport schema)"

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        path.write_text(report_to_json(report), encoding="utf-8")
