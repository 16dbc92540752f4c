"""The Excel tracking sheet (openpyxl): ``reportexport xlsx``.

Sheets, in order:

* **工作台账** — a row per item (序号, 部门, 事项编号, 事项, 主要内容, 关键数据, 批示/荣誉,
  时间, 完成状态, 责任人, 备注, 来源, 事项ID); 完成状态 is a drop-down fed from the hidden
  sheet 字典; frozen header and first columns, filters, wrapped text, CJK-aware widths,
  row heights that show the text, A4 landscape print set-up fitted to the page width.
* **部门汇总** — live COUNTIFS formulas per department and status, with a total row.
* **关键数据** — a row per metric fact with its value as a number.
* **说明** — source, checksum, tool version, options and every diagnostic of the reader.
* **字典** (hidden) — the status vocabulary.

Text is always stored as text (never as a formula); reports with more than
:data:`STREAMING_THRESHOLD` items are written in openpyxl's write-only mode unless
``ExportOptions.write_only`` says otherwise; the file is byte-identical across runs.
:mod:`reportexport.tracking` reads an edited sheet back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ...model import Report
from .. import ExportOptions

__all__ = ["LONG_TEXT_SHEET", "STREAMING_THRESHOLD", "XlsxExporter", "use_write_only", "write_workbook"]

#: Names served from :mod:`.workbook`, imported (with openpyxl) on first use.
_FROM_WORKBOOK = frozenset({"LONG_TEXT_SHEET", "STREAMING_THRESHOLD", "use_write_only", "write_workbook"})


def __getattr__(name: str) -> Any:
    if name in _FROM_WORKBOOK:
        from . import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class XlsxExporter:
    """Writes the Excel tracking sheet (工作台账 with status drop-down, 部门汇总, 关键数据, 说明).

    openpyxl is imported (by :mod:`.workbook`) only when a workbook is written."""

    name: ClassVar[str] = "xlsx"
    suffix: ClassVar[str] = ".xlsx"
    #: The module that does the work (and imports the library), loaded by ``export``.
    implementation: ClassVar[str] = "reportexport.exporters.xlsx.workbook"
    description: ClassVar[str] = "Excel 工作台账：状态下拉、部门汇总公式、关键数据、说明（可回读 --tracking）"

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        from .workbook import write_workbook

        write_workbook(report, Path(path), options)
