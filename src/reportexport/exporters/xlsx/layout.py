"""What the workbook looks like: sheet names, columns, styles and page set-up values.

The header texts are part of the file format: :mod:`reportexport.tracking` finds the
columns of an edited sheet by these texts, never by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LEDGER_SHEET = "工作台账"
SUMMARY_SHEET = "部门汇总"
METRICS_SHEET = "关键数据"
INFO_SHEET = "说明"
VOCAB_SHEET = "字典"

HEADER_ID = "事项ID"
HEADER_STATUS = "完成状态"
HEADER_OWNER = "责任人"
HEADER_NOTE = "备注"
HEADER_DEPARTMENT = "部门"

#: Body text size (五号) and the height of one wrapped line at that size, in points.
BODY_FONT_SIZE = 10.5
LINE_HEIGHT_PT = 14.0
ROW_PADDING_PT = 4.0
HEADER_ROW_HEIGHT_PT = 33.0
#: Excel's largest row height.
MAX_ROW_HEIGHT_PT = 409.0

#: The font the cells ask for: present on every Chinese Windows, macOS (Songti) and WPS;
#: LibreOffice on Linux substitutes a CJK font through fontconfig.
CELL_FONT = "宋体"

CellKind = Literal["text", "center", "muted", "number", "percent"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: header, width bounds (in Excel width units) and cell kind."""

    key: str
    header: str
    min_width: float
    max_width: float
    kind: CellKind = "text"


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6, 6, "center"),
    Column("department", HEADER_DEPARTMENT, 8, 14),
    Column("number", "事项编号", 10, 10, "center"),
    Column("title", "事项", 14, 24),
    Column("text", "主要内容", 24, 52),
    Column("metrics", "关键数据", 10, 20),
    Column("recognitions", "批示/荣誉", 10, 20),
    Column("dates", "时间", 8, 12),
    Column("status", HEADER_STATUS, 11, 11, "center"),
    Column("owner", HEADER_OWNER, 10, 12),
    Column("note", HEADER_NOTE, 14, 14),
    Column("source", "来源", 8, 12),
    Column("id", HEADER_ID, 9, 9, "muted"),
)

#: Columns left of this one stay in view when scrolling right (序号 … 事项).
LEDGER_FROZEN_COLUMNS = 4
#: The id column is for reading the sheet back; it is not printed.
LEDGER_PRINTED_COLUMNS = len(LEDGER_COLUMNS) - 1

METRIC_COLUMNS: tuple[Column, ...] = (
    Column("department", "部门", 8, 14),
    Column("title", "事项", 14, 24),
    Column("raw", "原文", 8, 16),
    Column("value", "数值", 12, 16, "number"),
    Column("high", "上限", 10, 14, "number"),
    Column("unit", "单位", 6, 8, "center"),
    Column("qualifier", "限定", 6, 8, "center"),
    Column("context", "上下文", 24, 50),
    Column("id", HEADER_ID, 9, 9, "muted"),
)

#: Fills of the status drop-down by value (conditional formatting); other values stay plain.
STATUS_FILLS: dict[str, str] = {
    "已完成": "C6EFCE",
    "推进中": "FFEB9C",
    "未启动": "EDEDED",
    "滞后": "FFC7CE",
}

HEADER_FILL = "DDEBF7"
TOTAL_FILL = "F2F2F2"
BORDER_COLOR = "A6A6A6"
MUTED_COLOR = "808080"
