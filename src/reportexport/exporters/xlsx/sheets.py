"""The four visible sheets of the tracking workbook and the hidden vocabulary sheet.

Every sheet is written row by row with ``append`` and cells made by :class:`SheetWriter`,
so the same code serves openpyxl's normal and write-only (streaming) modes; in streaming
mode everything that goes before the rows (column widths, frozen panes, row heights) is set
before the row is appended.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ...config import Settings
from ...model import (
    Department,
    Diagnostic,
    Metric,
    Report,
    Severity,
    SourceSpan,
    WorkItem,
)
from . import styles
from .cells import (
    clean_text,
    display_width,
    fit_cell_limit,
    line_capacity,
    line_count,
    looks_like_formula,
    max_line_width,
    wrapped_lines,
)
from .layout import (
    HEADER_ROW_HEIGHT_PT,
    LEDGER_COLUMNS,
    LEDGER_FROZEN_COLUMNS,
    LEDGER_PRINTED_COLUMNS,
    LEDGER_SHEET,
    LINE_HEIGHT_PT,
    MAX_ROW_HEIGHT_PT,
    METRIC_COLUMNS,
    ROW_PADDING_PT,
    STATUS_FILLS,
    VOCAB_SHEET,
    Column,
)
from .stream import LETTERS, RowStream, cell_xml, column_letter

Value = str | int | float | bool | None

# --------------------------------------------------------------------------- writing cells


#: A cell of a write-only sheet before it is streamed: (value, style id, is a formula).
StreamCell = tuple[Value, int, bool]


@dataclass
class SheetWriter:
    """Appends styled rows to one worksheet (normal or write-only) and counts them.

    Text cells are always stored as strings (data type ``s``), whatever they look like; text
    a spreadsheet would take for a formula also gets Excel's quote prefix, so editing the
    cell keeps it text.  Text cut at Excel's cell limit is noted in ``notes``.

    In normal mode cells are openpyxl ``Cell`` objects.  In write-only mode a cell is a
    :data:`StreamCell` and rows go out as ready-made XML through :class:`stream.RowStream`
    (the same XML openpyxl would write, without a cell object per value); call
    :meth:`flush` before the workbook is saved.
    """

    ws: object
    write_only: bool
    notes: list[str] = field(default_factory=list)
    row: int = 0
    _style_cache: dict[str, StyleArray] = field(default_factory=dict)
    _style_ids: dict[tuple[str, str | None, bool], int] = field(default_factory=dict)
    _stream: RowStream | None = None

    def _style(self, cell: Cell, style: str) -> None:
        """Apply a named style; the resolved style array is reused (the lookup is slow)."""
        cached = self._style_cache.get(style)
        if cached is None:
            cell.style = style
            self._style_cache[style] = copy(cell._style)
        else:
            cell._style = copy(cached)

    def style_id(self, style: str, number_format: str | None = None, quote: bool = False) -> int:
        """Index in the workbook's cell-style table of a named style (+ number format, quote prefix).

        Ids are handed out in order of first use, as openpyxl does when it writes cells.
        """
        key = (style, number_format, quote)
        found = self._style_ids.get(key)
        if found is None:
            probe = WriteOnlyCell(self.ws)
            self._style(probe, style)
            if quote:
                probe.quotePrefix = True
            if number_format:
                probe.number_format = number_format
            found = self._style_ids[key] = probe.style_id if probe.has_style else 0
        return found

    def _text(self, value: str) -> str:
        """Cleaned text within the cell limit (a cut is noted)."""
        text, cut = fit_cell_limit(clean_text(value))
        if cut:
            self.notes.append(f"工作表“{self.ws.title}”第{self.row + 1}行有一个单元格超过 Excel 上限 32767 字，已截断")
        return text

    def cell(self, value: Value, style: str, number_format: str | None = None) -> Cell | StreamCell:
        """A cell holding ``value`` with the named ``style``."""
        if self.write_only:
            if isinstance(value, str):
                text = self._text(value)
                return text, self.style_id(style, number_format, looks_like_formula(text)), False
            return value, self.style_id(style, number_format), False
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):
            text = self._text(value)
            cell.value = text
            cell.data_type = "s"  # never a formula, error code or anything else
            self._style(cell, style)
            if looks_like_formula(text):
                cell.quotePrefix = True
        else:
            cell.value = value
            self._style(cell, style)
        if number_format:
            cell.number_format = number_format
        return cell

    def formula(self, formula: str, style: str) -> Cell | StreamCell:
        """A cell holding one of our own formulas (never text from the report)."""
        if self.write_only:
            return formula, self.style_id(style), True
        cell = WriteOnlyCell(self.ws, value=formula)
        self._style(cell, style)
        return cell

    def append(self, cells: Sequence[Cell | StreamCell], height: float | None = None) -> None:
        """Append one row, with an explicit height in points when given."""
        self.row += 1
        if self.write_only:
            row = self.row
            xml = [
                cell_xml(f"{column_letter(col)}{row}", style_id, value, formula)
                for col, (value, style_id, formula) in enumerate(cells, 1)  # type: ignore[misc]
            ]
            self._streamer().write(row, height, xml)
            return
        if height is not None:
            self.ws.row_dimensions[self.row].height = round(height, 1)
        self.ws.append(list(cells))

    def values(
        self,
        values: Sequence[Value],
        row_styles: Sequence[str],
        formats: Sequence[str | None] | None = None,
        height: float | None = None,
    ) -> None:
        """Append a row of plain values, each with its named style (and number format)."""
        if not self.write_only:
            fmts = formats or (None,) * len(values)
            self.append([self.cell(v, s, f) for v, s, f in zip(values, row_styles, fmts)], height)
            return
        self.row += 1
        row = self.row
        xml = []
        style_id = self.style_id
        for col, value in enumerate(values):
            fmt = formats[col] if formats else None
            if isinstance(value, str):
                if value:
                    value = self._text(value)
                sid = style_id(row_styles[col], fmt, looks_like_formula(value))
            else:
                sid = style_id(row_styles[col], fmt)
            xml.append(cell_xml(f"{LETTERS[col] if col < 64 else column_letter(col + 1)}{row}", sid, value))
        self._streamer().write(row, height, xml)

    def _streamer(self) -> RowStream:
        if self._stream is None:
            self._stream = RowStream(self.ws)
        return self._stream

    def flush(self) -> None:
        """Write buffered rows of a write-only sheet (before the workbook is saved)."""
        if self._stream is not None:
            self._stream.flush()

    def header(self, headers: Iterable[str]) -> None:
        """The styled header row."""
        self.append([self.cell(h, styles.HEADER) for h in headers], HEADER_ROW_HEIGHT_PT)


def set_widths(ws: object, widths: Sequence[float]) -> None:
    """Column widths (Excel width units), one per column from A."""
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = round(width, 1)


def row_height(texts: Iterable[tuple[str, float]]) -> float:
    """Height in points that shows every (text, column width) of a row, wrapped."""
    lines = max((line_count(text, width) for text, width in texts), default=1)
    return min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + ROW_PADDING_PT)


class RowHeights:
    """Row heights for rows of values in columns of fixed widths (see :func:`row_height`).

    Equal to ``row_height`` over the row's text cells, but a text that cannot need a
    second line (no line break, and two columns a character still fit) is not measured.
    """

    def __init__(self, widths: Sequence[float]) -> None:
        self.widths = tuple(widths)
        self.capacities = tuple(line_capacity(w) for w in widths)

    def __call__(self, values: Sequence[Value]) -> float:
        lines = 1
        for value, capacity in zip(values, self.capacities):
            if isinstance(value, str) and (2 * len(value) > capacity or "\n" in value):
                lines = max(lines, wrapped_lines(value, capacity))
        return min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + ROW_PADDING_PT)


def fit_widths(columns: Sequence[Column], rows: Iterable[Sequence[Value]]) -> list[float]:
    """Widths that fit the widest line of each column, within the column's bounds.

    The header needs its text plus room for the filter button (it may wrap to two lines).
    A value is measured only when it could change the result: a character is at most two
    columns wide, and a column already as wide as its maximum cannot grow.
    """
    widest = [0] * len(columns)
    full = [c.max_width - 2 for c in columns]  # content this wide already gives max_width
    for row in rows:
        for index, value in enumerate(row):
            if value is None:
                continue
            best = widest[index]
            if best >= full[index]:
                continue
            text = value if isinstance(value, str) else _number_text(value)
            if 2 * len(text) > best:
                widest[index] = max(best, max_line_width(text))
    widths = []
    for column, content in zip(columns, widest):
        header = math.ceil(display_width(column.header) / 2) + 3
        widths.append(float(min(column.max_width, max(column.min_width, content + 2, header))))
    return widths


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


def apply_print_setup(ws: object, title: str, *, landscape: bool, title_rows: str | None = "1:1") -> None:
    """A4, fit to one page wide, header row repeated, footer with page number and title."""
    ws.page_setup.paperSize = 9  # A4 (Worksheet.PAPERSIZE_A4)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    footer_title = clean_text(title).replace("&", "&&")[:100]
    ws.oddFooter.left.text = footer_title
    ws.oddFooter.left.size = 9
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = "&A"
    ws.oddFooter.right.size = 9


# --------------------------------------------------------------------------- shared helpers


def department_name(dep: Department, settings: Settings) -> str:
    """The name shown for a department (the configured name for a continued section)."""
    if not dep.name and dep.continued and settings.document.continued_name:
        return settings.document.continued_name
    return dep.display_name


def statuses_of(settings: Settings) -> tuple[str, ...]:
    """The configured status vocabulary, cleaned, without blanks or repeats."""
    seen: dict[str, None] = {}
    for status in settings.xlsx.statuses:
        text = clean_text(status).strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def source_text(span: SourceSpan | None) -> str:
    """``第12-20行`` (with the file name when the report was merged from pages)."""
    if span is None:
        return ""
    lines = f"第{span.first_line}行" if span.first_line == span.last_line else f"第{span.first_line}-{span.last_line}行"
    return f"{span.file} {lines}" if span.file else lines


def _join_raw(raws: Iterable[str]) -> str | None:
    unique = list(dict.fromkeys(r for r in raws if r))
    return "；".join(unique) if unique else None


def _col(columns: Sequence[Column], key: str) -> int:
    """1-based index of the column with ``key``."""
    return next(i for i, c in enumerate(columns, 1) if c.key == key)


# --------------------------------------------------------------------------- 工作台账


def ledger_values(seq: int, department: str, item: WorkItem) -> tuple[Value, ...]:
    """The cell values of one item's row, in :data:`LEDGER_COLUMNS` order."""
    facts = item.facts
    values: dict[str, Value] = {
        "seq": seq,
        "department": department,
        "number": item.number,
        "title": item.title,
        "text": item.text,
        "metrics": _join_raw(f.raw for f in facts if f.kind == "metric"),
        "recognitions": _join_raw(f.raw for f in facts if f.kind == "recognition"),
        "dates": _join_raw(f.raw for f in facts if f.kind == "date"),
        "status": item.status or None,
        "owner": item.owner or None,
        "note": item.note or None,
        "source": source_text(item.span) or None,
        "id": item.id,
    }
    return tuple(values[c.key] for c in LEDGER_COLUMNS)


def iter_ledger_rows(report: Report, settings: Settings) -> Iterator[tuple[Value, ...]]:
    """Every item's row values, in source order."""
    seq = 0
    for dep in report.departments:
        name = department_name(dep, settings)
        for item in dep.items:
            seq += 1
            yield ledger_values(seq, name, item)


def write_ledger(out: SheetWriter, report: Report, settings: Settings) -> int:
    """Sheet 工作台账: a row per item, status drop-down, filters, frozen panes, print set-up.

    Returns the number of data rows.
    """
    ws = out.ws
    columns = LEDGER_COLUMNS
    widths = fit_widths(columns, iter_ledger_rows(report, settings))
    set_widths(ws, widths)
    ws.freeze_panes = f"{get_column_letter(LEDGER_FROZEN_COLUMNS + 1)}2"
    ws.sheet_view.tabSelected = True
    row_styles = [styles.BY_KIND[c.kind] for c in columns]

    out.header(c.header for c in columns)
    count = 0
    heights = RowHeights(widths)
    for values in iter_ledger_rows(report, settings):
        out.values(values, row_styles, height=heights(values))
        count += 1

    last_row = count + 1
    last_col = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    ws.print_area = f"A1:{get_column_letter(LEDGER_PRINTED_COLUMNS)}{last_row}"
    apply_print_setup(ws, report.title or LEDGER_SHEET, landscape=True)
    statuses = statuses_of(settings)
    if count and statuses:
        status_col = get_column_letter(_col(columns, "status"))
        status_range = f"{status_col}2:{status_col}{last_row}"
        ws.data_validations.append(status_validation(statuses, status_range))
        for status in statuses:
            fill = STATUS_FILLS.get(status)
            if fill:
                literal = '"' + status.replace('"', '""') + '"'
                rule = CellIsRule(operator="equal", formula=[literal], fill=PatternFill("solid", bgColor=fill))
                ws.conditional_formatting.add(status_range, rule)
    return count


def status_validation(statuses: Sequence[str], cells: str) -> DataValidation:
    """The 完成状态 drop-down: a list from the hidden vocabulary sheet, other values refused."""
    source = f"{quote_sheetname(VOCAB_SHEET)}!$A$2:$A${len(statuses) + 1}"
    listed = "、".join(statuses)
    error = f"“完成状态”只能从下拉列表中选择：{listed}。"
    if len(error) > 250:
        error = "“完成状态”只能从下拉列表中选择（见隐藏工作表“字典”）。"
    prompt = f"请从下拉列表中选择：{listed}"
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showDropDown=False,  # the OOXML flag is inverted: True would HIDE the arrow
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="完成状态无效",
        error=error,
        showInputMessage=True,
        promptTitle="完成状态",
        prompt=prompt if len(prompt) <= 250 else "请从下拉列表中选择",
    )
    validation.add(cells)
    return validation


# --------------------------------------------------------------------------- 部门汇总


def summary_departments(report: Report, settings: Settings) -> list[str]:
    """Department names in order of first appearance (equal names share one row)."""
    return list(dict.fromkeys(department_name(d, settings) for d in report.departments))


def write_summary(out: SheetWriter, report: Report, settings: Settings) -> None:
    """Sheet 部门汇总: per department, COUNTIFS over 工作台账, so edits update the totals.

    Columns: 部门, 事项数, one per status, 未填写 (items minus the counted statuses) and
    完成率 (first status, e.g. 已完成, over items); a 合计 row sums the columns.
    """
    ws = out.ws
    statuses = statuses_of(settings)
    names = summary_departments(report, settings)
    headers = ["部门", "事项数", *statuses, "未填写", "完成率"]
    name_width = max([display_width(n) for n in names] + [8]) + 4
    widths = [float(min(28, name_width)), 9.0] + [max(9.0, math.ceil(display_width(s) / 2) + 5) for s in statuses] + [9.0, 9.0]
    set_widths(ws, widths)
    ws.freeze_panes = "B2"
    out.header(headers)

    ledger = quote_sheetname(LEDGER_SHEET)
    dep_col = get_column_letter(_col(LEDGER_COLUMNS, "department"))
    status_col = get_column_letter(_col(LEDGER_COLUMNS, "status"))
    dep_range = f"{ledger}!${dep_col}:${dep_col}"
    status_range = f"{ledger}!${status_col}:${status_col}"
    first_status = 3
    last_status = first_status + len(statuses) - 1
    first, last = 2, len(names) + 1
    for row, name in enumerate(names, first):
        dep_match = criterion(f"$A{row}", name)
        cells = [out.cell(name, styles.TEXT), out.formula(f"=COUNTIFS({dep_range},{dep_match})", styles.NUMBER)]
        for col, status in zip(range(first_status, last_status + 1), statuses):
            status_match = criterion(f"{get_column_letter(col)}$1", status)
            cells.append(out.formula(f"=COUNTIFS({dep_range},{dep_match},{status_range},{status_match})", styles.NUMBER))
        cells.append(out.formula(_unfilled(row, first_status, last_status), styles.NUMBER))
        cells.append(out.formula(_share_done(row, statuses), styles.PERCENT))
        out.append(cells, row_height([(name, widths[0])]))

    total_row = last + 1
    cells = [out.cell("合计", styles.TOTAL)]
    for col in range(2, len(headers)):
        letter = get_column_letter(col)
        sum_formula = f"=SUM({letter}{first}:{letter}{last})" if names else "=0"
        cells.append(out.formula(sum_formula, styles.TOTAL_NUMBER))
    cells.append(out.formula(_share_done(total_row, statuses), styles.TOTAL_PERCENT))
    out.append(cells, LINE_HEIGHT_PT + ROW_PADDING_PT)
    apply_print_setup(ws, report.title or "部门汇总", landscape=False)


def criterion(ref: str, text: str) -> str:
    """A COUNTIFS criterion matching the text in cell ``ref`` exactly.

    COUNTIFS reads ``* ? ~`` as wildcards and a leading ``= < >`` as an operator; a name
    holding any of them is matched through ``"="&`` and ``~`` escapes instead of as is.
    """
    if not any(ch in text for ch in "*?~") and text[:1] not in ("=", "<", ">"):
        return ref
    escaped = ref
    for ch in "~*?":
        escaped = f'SUBSTITUTE({escaped},"{ch}","~{ch}")'
    return f'"="&{escaped}'


def _unfilled(row: int, first_status: int, last_status: int) -> str:
    if last_status < first_status:
        return f"=B{row}"
    return f"=B{row}-SUM({get_column_letter(first_status)}{row}:{get_column_letter(last_status)}{row})"


def _share_done(row: int, statuses: Sequence[str]) -> str:
    if not statuses:
        return "=0"
    return f"=IF(B{row}=0,0,C{row}/B{row})"


# --------------------------------------------------------------------------- 关键数据


def _metric_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


def metric_format(value: float, unit: str) -> str:
    """Number format of a metric: percent for ``%``, thousands for whole numbers."""
    if unit in ("%", "％"):
        return "0%" if float(value * 100).is_integer() else "0.0##%"
    return "#,##0" if float(value).is_integer() else "General"


def fact_context(text: str, start: int, end: int, limit: int = 80) -> str:
    """The clause of ``text`` around ``[start, end)``, at most ``limit`` characters."""
    if not (0 <= start <= end <= len(text)):
        return ""
    left = max(
        text.rfind("。", 0, start), text.rfind("；", 0, start), text.rfind("！", 0, start),
        text.rfind("？", 0, start), text.rfind("\n", 0, start),
    ) + 1
    right = len(text)
    for stop in "。；！？\n":
        hit = text.find(stop, end, right)
        if hit != -1:
            right = hit + 1
    cut_left, cut_right = start - limit // 2 > left, end + limit // 2 < right
    left = max(left, start - limit // 2)
    right = min(right, end + limit // 2)
    return ("…" if cut_left else "") + text[left:right].strip() + ("…" if cut_right else "")


def iter_metric_rows(report: Report, settings: Settings) -> Iterator[tuple[tuple[Value, ...], str | None]]:
    """(row values, number format) per metric fact, in source order."""
    for dep in report.departments:
        name = department_name(dep, settings)
        for item in dep.items:
            for fact in item.facts:
                if not isinstance(fact, Metric):
                    continue
                low, high = fact.value if isinstance(fact.value, tuple) else (fact.value, None)
                number: Value = _metric_number(low) if math.isfinite(low) else None
                top: Value = _metric_number(high) if high is not None and math.isfinite(high) else None
                values = (
                    name, item.title, fact.raw, number, top, fact.unit or None, fact.qualifier or None,
                    fact_context(item.text, fact.start, fact.end) or None, item.id,
                )
                yield values, metric_format(low, fact.unit) if number is not None else None


def write_metrics(out: SheetWriter, report: Report, settings: Settings) -> int:
    """Sheet 关键数据: a row per metric fact with its value as a number. Returns the row count."""
    ws = out.ws
    columns = METRIC_COLUMNS
    widths = fit_widths(columns, (values for values, _ in iter_metric_rows(report, settings)))
    set_widths(ws, widths)
    ws.freeze_panes = "C2"
    out.header(c.header for c in columns)
    row_styles = [styles.BY_KIND[c.kind] for c in columns]
    value_cols = {_col(columns, "value") - 1, _col(columns, "high") - 1}
    formats: dict[str | None, tuple[str | None, ...]] = {}
    heights = RowHeights(widths)
    count = 0
    for values, number_format in iter_metric_rows(report, settings):
        row_formats = formats.get(number_format)
        if row_formats is None:
            row_formats = formats[number_format] = tuple(
                number_format if i in value_cols else None for i in range(len(columns))
            )
        out.values(values, row_styles, row_formats, heights(values))
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    apply_print_setup(ws, report.title or "关键数据", landscape=True)
    return count


# --------------------------------------------------------------------------- 说明

SEVERITY_NAMES = {Severity.info: "提示", Severity.warning: "警告", Severity.error: "错误"}
INFO_WIDTHS = (16.0, 70.0, 26.0, 26.0)


def _plain(value: object) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _location(diag: Diagnostic) -> str:
    where = diag.file or ""
    if diag.line is not None:
        where = f"{where} 第{diag.line}行".strip()
    return where


def write_info(
    out: SheetWriter,
    report: Report,
    settings: Settings,
    *,
    tool_version: str,
    options: dict[str, object],
    items: int,
    metrics: int,
) -> None:
    """Sheet 说明: source, checksum, tool version, options, how to use, every diagnostic."""
    ws = out.ws
    set_widths(ws, INFO_WIDTHS)
    src = report.source
    pages = []
    if report.continued_from_page is not None:
        pages.append(f"上接{report.continued_from_page}版")
    if report.continues_on_page is not None:
        pages.append(f"下转{report.continues_on_page}版")
    statuses = statuses_of(settings)
    facts: list[tuple[str, object]] = [
        ("报告标题", report.title),
        ("年度", report.year),
        ("源文件", src.name or src.path),
        ("合并的版面", "、".join(src.pages) if src.pages else None),
        ("SHA-256", src.sha256),
        ("编码", src.encoding),
        ("版式", src.layout),
        ("源文件行数", src.line_count or None),
        ("版面衔接", "；".join(pages) or None),
        ("部门数", len(report.departments)),
        ("事项数", items),
        ("关键数据条数", metrics),
        ("生成工具", f"reportexport {tool_version}".strip()),
        ("完成状态可选值", "、".join(statuses) or None),
        (
            "使用说明",
            "在“工作台账”中填写完成状态（下拉选择）、责任人和备注，“部门汇总”随之更新。"
            "可以排序、筛选、增加列；“事项ID”列用于把填写内容读回报告"
            "（reportexport docx 报告.txt --tracking 本文件），请勿修改或删除。",
        ),
    ]
    widths = INFO_WIDTHS
    out.append([out.cell("说明", styles.INFO_TITLE)], 24.0)
    for key, value in facts:
        _info_row(out, key, value, widths)

    out.append([], LINE_HEIGHT_PT)
    out.append([out.cell("导出选项", styles.INFO_TITLE)], 24.0)
    for key, value in options.items():
        _info_row(out, key, value, widths)

    out.append([], LINE_HEIGHT_PT)
    diagnostics = list(report.diagnostics)
    out.append([out.cell(f"读取诊断（共 {len(diagnostics)} 条）", styles.INFO_TITLE)], 24.0)
    out.append([out.cell(h, styles.HEADER) for h in ("严重程度", "说明", "代码", "位置")], HEADER_ROW_HEIGHT_PT)
    if not diagnostics:
        out.append([out.cell("—", styles.INFO_VALUE), out.cell("读取时没有需要说明的修复或疑点。", styles.INFO_VALUE)])
    for diag in diagnostics:
        values = (SEVERITY_NAMES.get(diag.severity, str(diag.severity)), diag.message, diag.code, _location(diag))
        out.append(
            [out.cell(v, styles.INFO_VALUE) for v in values],
            row_height((v, w) for v, w in zip(values, widths)),
        )
    apply_print_setup(ws, report.title or "说明", landscape=False, title_rows=None)


def _info_row(out: SheetWriter, key: str, value: object, widths: Sequence[float]) -> None:
    text = _plain(value)
    out.append(
        [out.cell(key, styles.INFO_KEY), out.cell(text, styles.INFO_VALUE)],
        row_height([(text, widths[1])]),
    )


def write_long_texts(out: SheetWriter, texts: Sequence[tuple[str, str]], piece: int = 30000) -> None:
    """Item texts too long for one cell, in pieces of ``piece`` characters: 事项ID, 段, 文本."""
    out.header(("事项ID", "段", "文本"))
    for item_id, text in texts:
        for index, start in enumerate(range(0, len(text), piece), start=1):
            out.append([out.cell(item_id, styles.MUTED), out.cell(index, styles.CENTER), out.cell(text[start : start + piece], styles.TEXT)])
    set_widths(out.ws, (12, 6, 120))


def write_export_notes(out: SheetWriter, notes: Sequence[str]) -> None:
    """Notes of this export (cut cells), appended to the 说明 sheet."""
    if not notes:
        return
    out.append([], LINE_HEIGHT_PT)
    out.append([out.cell("导出提示", styles.INFO_TITLE)], 24.0)
    for note in notes:
        out.append([out.cell("警告", styles.INFO_VALUE), out.cell(note, styles.INFO_VALUE)])


# --------------------------------------------------------------------------- 字典


def write_vocabulary(out: SheetWriter, settings: Settings) -> None:
    """Hidden sheet 字典: the status list the drop-down refers to (A2 downwards)."""
    ws = out.ws
    set_widths(ws, (16.0,))
    out.append([out.cell("完成状态", styles.HEADER)])
    for status in statuses_of(settings):
        out.append([out.cell(status, styles.TEXT)])
    ws.sheet_state = "hidden"
