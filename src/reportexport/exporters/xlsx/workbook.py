"""Writing the tracking workbook with openpyxl (see the package docstring for the sheets)."""


from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ... import __version__
from ...model import Report
from .. import ExportOptions
from . import sheets, styles
from .layout import INFO_SHEET, LEDGER_SHEET, METRICS_SHEET, SUMMARY_SHEET, VOCAB_SHEET
from .cells import EXCEL_CELL_LIMIT
from .package import save_deterministic

#: Above this many items the workbook is streamed (openpyxl write-only mode).
STREAMING_THRESHOLD = 2000

__all__ = ["LONG_TEXT_SHEET", "STREAMING_THRESHOLD", "use_write_only", "write_workbook"]


def use_write_only(report: Report, options: ExportOptions) -> bool:
    """Whether to stream: the option when given, else by the number of items."""
    if options.write_only is not None:
        return options.write_only
    return report.item_count > STREAMING_THRESHOLD


def write_workbook(report: Report, path: Path, options: ExportOptions) -> None:
    """Write the tracking workbook of ``report`` to ``path``."""
    write_only = use_write_only(report, options)
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    styles.register(workbook)
    settings = options.settings
    notes: list[str] = []

    writers: list[sheets.SheetWriter] = []

    def writer(title: str) -> sheets.SheetWriter:
        writers.append(sheets.SheetWriter(workbook.create_sheet(title), write_only, notes))
        return writers[-1]

    ledger, summary, metrics, info, vocab = (
        writer(t) for t in (LEDGER_SHEET, SUMMARY_SHEET, METRICS_SHEET, INFO_SHEET, VOCAB_SHEET)
    )
    items = sheets.write_ledger(ledger, report, settings)
    sheets.write_summary(summary, report, settings)
    metric_count = sheets.write_metrics(metrics, report, settings)
    sheets.write_vocabulary(vocab, settings)
    sheets.write_info(
        info,
        report,
        settings,
        tool_version=options.tool_version or __version__,
        options=options.as_record(),
        items=items,
        metrics=metric_count,
    )
    long_texts = [(item.id, item.text) for _, item in report.items() if len(item.text) > EXCEL_CELL_LIMIT]
    if long_texts:
        sheets.write_long_texts(writer(LONG_TEXT_SHEET), long_texts)
        notes.append(f"{len(long_texts)} 个事项的正文超过单元格上限，完整正文分段保存在“{LONG_TEXT_SHEET}”工作表")
    sheets.write_export_notes(info, notes)
    for out in writers:
        out.flush()

    props = workbook.properties
    props.title = report.title or None
    props.creator = settings.document.author
    props.subject = "重点工作台账"
    props.language = "zh-CN"
    workbook.active = 0
    save_deterministic(workbook, Path(path))


#: Sheet holding, in pieces, item texts longer than one cell can hold (nothing is lost).
LONG_TEXT_SHEET = "长文本"
