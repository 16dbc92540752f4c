"""Named cell styles of the tracking sheet (they also appear in Excel's style gallery)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

from .layout import (
    BODY_FONT_SIZE,
    BORDER_COLOR,
    CELL_FONT,
    HEADER_FILL,
    MUTED_COLOR,
    TOTAL_FILL,
    CellKind,
)

HEADER = "台账·表头"
TEXT = "台账·正文"
CENTER = "台账·居中"
MUTED = "台账·编号"
NUMBER = "台账·数值"
PERCENT = "台账·比例"
TOTAL = "台账·合计"
TOTAL_NUMBER = "台账·合计数值"
TOTAL_PERCENT = "台账·合计比例"
INFO_TITLE = "说明·标题"
INFO_KEY = "说明·项目"
INFO_VALUE = "说明·内容"

#: Style of a data cell by column kind.
BY_KIND: dict[CellKind, str] = {
    "text": TEXT,
    "center": CENTER,
    "muted": MUTED,
    "number": NUMBER,
    "percent": PERCENT,
}


def _border() -> Border:
    side = Side(style="thin", color=BORDER_COLOR)
    return Border(left=side, right=side, top=side, bottom=side)


def _font(**kw: object) -> Font:
    return Font(name=CELL_FONT, size=kw.pop("size", BODY_FONT_SIZE), **kw)  # type: ignore[arg-type]


def _styles() -> list[NamedStyle]:
    border = _border()
    top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    top_center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    top_right = Alignment(horizontal="right", vertical="top")
    total_fill = PatternFill("solid", fgColor=TOTAL_FILL)
    return [
        NamedStyle(
            HEADER,
            font=_font(size=11, bold=True),
            fill=PatternFill("solid", fgColor=HEADER_FILL),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=border,
        ),
        NamedStyle(TEXT, font=_font(), alignment=top_left, border=border),
        NamedStyle(CENTER, font=_font(), alignment=top_center, border=border),
        NamedStyle(MUTED, font=_font(size=9, color=MUTED_COLOR), alignment=top_left, border=border),
        NamedStyle(NUMBER, font=_font(), alignment=top_right, border=border),
        NamedStyle(PERCENT, font=_font(), alignment=top_right, border=border, number_format="0.0%"),
        NamedStyle(TOTAL, font=_font(bold=True), fill=total_fill, alignment=top_center, border=border),
        NamedStyle(TOTAL_NUMBER, font=_font(bold=True), fill=total_fill, alignment=top_right, border=border),
        NamedStyle(
            TOTAL_PERCENT, font=_font(bold=True), fill=total_fill, alignment=top_right, border=border,
            number_format="0.0%",
        ),
        NamedStyle(INFO_TITLE, font=_font(size=14, bold=True), alignment=Alignment(vertical="center")),
        NamedStyle(INFO_KEY, font=_font(bold=True), alignment=top_left, border=border),
        NamedStyle(INFO_VALUE, font=_font(), alignment=top_left, border=border),
    ]


def register(workbook: Workbook) -> None:
    """Add the named styles to ``workbook`` (before any cell uses them)."""
    for style in _styles():
        workbook.add_named_style(style)
