"""Read an edited tracking sheet back: ``--tracking 台账.xlsx``.

People sort, filter, delete and add rows and columns in Excel, WPS or LibreOffice; what
they type into 完成状态, 责任人 and 备注 flows back into the report by item id (the 事项ID
column), never by row position.  Columns are found by their header text.

:func:`apply_tracking` returns a copy of the report with ``status``/``owner``/``note`` of
the matched items replaced (an empty cell clears the field) and a list of diagnostics: a
status outside the configured list (not applied), a duplicate or unknown id, a row without
an id, an item whose row is gone.  A file that is not a tracking sheet at all raises
:class:`TrackingSheetError`.  Nothing else of the model changes.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import XlsxSettings
from .errors import InputError
from .exporters.xlsx.layout import HEADER_ID, HEADER_NOTE, HEADER_OWNER, HEADER_STATUS, LEDGER_SHEET
from .model import Diagnostic, Report, Severity, WorkItem

#: Rows searched for the header row (someone may insert a title row above it).
HEADER_SEARCH_ROWS = 10

__all__ = ["TrackingSheetError", "TrackingRow", "apply_tracking", "read_tracking_rows"]


class TrackingSheetError(InputError):
    """The file given with ``--tracking`` is not a tracking sheet this tool can read."""


@dataclass(frozen=True)
class TrackingRow:
    """What one row of the sheet says about one item."""

    row: int
    item_id: str
    status: str | None
    owner: str | None
    note: str | None
    has_status: bool
    has_owner: bool
    has_note: bool


def _normal_header(value: object) -> str:
    """Header text compared loosely: NFKC, no whitespace, upper-case Latin (事项id = 事项ID)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).upper()


def _cell_text(value: object) -> str | None:
    """A cell value as the text a person typed; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, _dt.datetime):
        text = value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, _dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.strip()
    return text or None


def _open_workbook(path: Path):  # -> openpyxl Workbook (read-only)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise TrackingSheetError("tracking sheet not found", path=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ods", ".csv"):
        raise TrackingSheetError(
            f"{suffix} files cannot be read; save the tracking sheet as Excel workbook (.xlsx) and try again",
            path=str(path),
        )
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TrackingSheetError(f"not an Excel .xlsx workbook ({exc.__class__.__name__}: {exc})", path=str(path)) from None


def _find_header(rows: Sequence[tuple]) -> tuple[int, dict[str, int]] | None:
    """(1-based header row, normalised header -> 0-based column) of the first row with 事项ID."""
    wanted = _normal_header(HEADER_ID)
    for index, row in enumerate(rows, 1):
        headers = [_normal_header(v) for v in row]
        if wanted in headers:
            columns: dict[str, int] = {}
            for col, header in enumerate(headers):
                if header:
                    columns.setdefault(header, col)
            return index, columns
    return None


def _locate(workbook, path: Path) -> tuple[object, int, dict[str, int]]:
    """The tracking worksheet, its header row and its columns (工作台账 first, then any sheet)."""
    names = list(workbook.sheetnames)
    order = ([LEDGER_SHEET] if LEDGER_SHEET in names else []) + [n for n in names if n != LEDGER_SHEET]
    for name in order:
        ws = workbook[name]
        if not hasattr(ws, "iter_rows"):
            continue  # a chart sheet
        ws.reset_dimensions()  # do not trust the stored size: other tools write it wrongly
        head = list(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True))
        found = _find_header(head)
        if found:
            return ws, found[0], found[1]
    where = f"工作表“{LEDGER_SHEET}”" if LEDGER_SHEET in names else f"工作表 {', '.join(names) or '（无）'}"
    raise TrackingSheetError(
        f"not a reportexport tracking sheet: {where} has no “{HEADER_ID}” column in its first {HEADER_SEARCH_ROWS} rows",
        path=str(path),
    )


def read_tracking_rows(path: Path) -> tuple[str, list[TrackingRow], list[Diagnostic]]:
    """(sheet name, rows with an id, diagnostics) of the tracking sheet at ``path``."""
    path = Path(path)
    workbook = _open_workbook(path)
    try:
        ws, header_row, columns = _locate(workbook, path)
        sheet = ws.title
        diags: list[Diagnostic] = []
        id_col = columns[_normal_header(HEADER_ID)]
        wanted = {key: columns.get(_normal_header(key)) for key in (HEADER_STATUS, HEADER_OWNER, HEADER_NOTE)}
        for key, col in wanted.items():
            if col is None:
                diags.append(_diag(path, sheet, header_row, "tracking-column-missing",
                                   f"没有“{key}”列，该列内容不读回"))
        rows = list(_rows(ws, header_row, id_col, wanted, path, sheet, diags))
    finally:
        workbook.close()
    return sheet, rows, diags


def _rows(ws, header_row: int, id_col: int, wanted: dict[str, int | None], path: Path, sheet: str,
          diags: list[Diagnostic]) -> Iterator[TrackingRow]:
    def get(row: tuple, col: int | None) -> str | None:
        # a short row (trailing cells empty) or a missing column reads as empty
        if col is None or col >= len(row):
            return None
        return _cell_text(row[col])

    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
        item_id = get(row, id_col)
        if item_id is None:
            if any(_cell_text(v) for v in row):
                diags.append(_diag(path, sheet, number, "tracking-row-without-id",
                                   f"没有“{HEADER_ID}”，该行被忽略"))
            continue
        yield TrackingRow(
            row=number,
            item_id=item_id,
            status=get(row, wanted[HEADER_STATUS]),
            owner=get(row, wanted[HEADER_OWNER]),
            note=get(row, wanted[HEADER_NOTE]),
            has_status=wanted[HEADER_STATUS] is not None,
            has_owner=wanted[HEADER_OWNER] is not None,
            has_note=wanted[HEADER_NOTE] is not None,
        )


def _diag(path: Path, sheet: str, row: int | None, code: str, message: str,
          severity: Severity = Severity.warning) -> Diagnostic:
    where = f"工作表“{sheet}”第{row}行：" if row is not None else f"工作表“{sheet}”："
    return Diagnostic(severity=severity, code=code, message=where + message, line=row, file=path.name)


def apply_tracking(
    report: Report, path: Path, statuses: Sequence[str] | None = None
) -> tuple[Report, list[Diagnostic]]:
    """The report with 完成状态/责任人/备注 of the sheet at ``path`` applied by item id.

    ``statuses`` is the allowed vocabulary (``settings.xlsx.statuses``; the default list
    when None).  Returns the new report and the diagnostics; raises
    :class:`TrackingSheetError` when the file is not a tracking sheet, or when not one of
    its ids belongs to this report (a sheet of another report).
    """
    path = Path(path)
    allowed = tuple(statuses if statuses is not None else XlsxSettings().statuses)
    sheet, rows, diags = read_tracking_rows(path)
    known = {item.id: item for _, item in report.items()}

    chosen: dict[str, TrackingRow] = {}
    unknown: list[TrackingRow] = []
    for row in rows:
        if row.item_id not in known:
            unknown.append(row)
        elif row.item_id in chosen:
            first = chosen[row.item_id].row
            diags.append(_diag(path, sheet, row.row, "tracking-duplicate-id",
                               f"事项ID“{row.item_id}”与第{first}行重复，本行被忽略"))
        else:
            chosen[row.item_id] = row
    if rows and not chosen:
        raise TrackingSheetError(
            f"工作表“{sheet}”的 {len(rows)} 个事项ID 没有一个属于这份报告（是另一份报告的台账？）",
            path=str(path),
        )
    for row in unknown:
        diags.append(_diag(path, sheet, row.row, "tracking-unknown-id",
                           f"事项ID“{row.item_id}”不在报告中，本行被忽略"))

    updates: dict[str, WorkItem] = {}
    for dep, item in report.items():
        row = chosen.get(item.id)
        if row is None:
            diags.append(_diag(path, sheet, None, "tracking-row-missing",
                               f"事项 {item.id}（{dep.display_name}·{item.title}）在表中没有对应行（已被删除？），保留原值"))
            continue
        changes: dict[str, str | None] = {}
        if row.has_status:
            if row.status is None or row.status in allowed:
                changes["status"] = row.status
            else:
                diags.append(_diag(path, sheet, row.row, "tracking-bad-status",
                                   f"完成状态“{row.status}”不在可选值（{'、'.join(allowed)}）中，未采用"))
        if row.has_owner:
            changes["owner"] = row.owner
        if row.has_note:
            changes["note"] = row.note
        if any(getattr(item, k) != v for k, v in changes.items()):
            updates[item.id] = item.model_copy(update=changes)

    return _with_items(report, updates), diags


def _with_items(report: Report, updates: dict[str, WorkItem]) -> Report:
    """``report`` with the items in ``updates`` replaced (same order, nothing else changed)."""
    if not updates:
        return report
    departments = []
    for dep in report.departments:
        if any(item.id in updates for item in dep.items):
            items = tuple(updates.get(item.id, item) for item in dep.items)
            dep = dep.model_copy(update={"items": items})
        departments.append(dep)
    return report.model_copy(update={"departments": tuple(departments)})
