"""Rows of a write-only worksheet written as ready-made XML (the fast streaming path).

openpyxl's write-only mode still builds a ``WriteOnlyCell``, binds its value and sends it
through lxml's incremental writer, some 25 µs a cell; a large tracking sheet has hundreds
of thousands of cells.  Here the ``<row>`` elements are formatted as text, exactly as
openpyxl would serialise them (inline strings, ``s`` style ids from the workbook's own
style table, ``ht``/``customHeight`` row heights, ASCII output with character
references), and written straight into the worksheet's temporary file between the
``<sheetData>`` tags that openpyxl's own writer opens and closes.  Everything else of the
sheet (columns, panes, filters, validations, print set-up) and of the package stays
openpyxl's, so the file is the one openpyxl would write, only sooner.

Rows are kept in a small buffer (:data:`FLUSH_ROWS` rows or :data:`FLUSH_CHARS` characters,
whichever comes first) and never all at once, so
memory stays flat however many rows a sheet has.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any

from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

#: Rows, and characters of row XML, buffered before they are written to the worksheet's file.
FLUSH_ROWS = 512
FLUSH_CHARS = 1 << 17

__all__ = ["FLUSH_CHARS", "FLUSH_ROWS", "RowStream", "cell_xml", "escape_text", "number_text", "row_open"]


def escape_text(text: str) -> str:
    """``text`` escaped for an XML text node as lxml does it (``& < >``; ``\\r`` as a reference)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def number_text(value: float) -> str:
    """A number as openpyxl writes it into ``<v>`` (``%.16g``; NaN and infinities empty)."""
    return safe_string(value)


def cell_xml(ref: str, style_id: int, value: object, formula: bool = False) -> str:
    """The ``<c>`` element of one cell as openpyxl's lxml writer serialises it.

    ``value`` is a ``str`` (an inline string, never a formula unless ``formula`` is set),
    an ``int``/``float`` (a number), a ``bool`` or ``None`` (an empty styled cell).
    """
    style = f' s="{style_id}"' if style_id else ""
    if formula:
        return f'<c r="{ref}"{style}><f>{escape_text(str(value)[1:])}</f><v></v></c>'
    if isinstance(value, str):
        if not value:
            return f'<c r="{ref}"{style} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
    if value is None:
        return f'<c r="{ref}"{style} t="n"></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style} t="n"><v>{number_text(value)}</v></c>'
    raise TypeError(f"cannot stream a cell value of type {type(value).__name__}")


def row_open(row: int, height: float | None) -> str:
    """The start tag of row ``row`` (with an explicit height in points when given)."""
    if height:
        return f'<row r="{row}" ht="{safe_string(round(height, 1))}" customHeight="1">'
    return f'<row r="{row}">'


#: Column letters A … BL, index 0 = A.
LETTERS: list[str] = [get_column_letter(i) for i in range(1, 65)]


def column_letter(index: int) -> str:
    """Letter of the 1-based column ``index`` (cached for the first 64 columns)."""
    return LETTERS[index - 1] if index <= len(LETTERS) else get_column_letter(index)


class _RawRowsWriter(WorksheetWriter):
    """openpyxl's worksheet writer, writing into a file object we can also write to."""

    def __init__(self, ws: Any) -> None:
        self.file: IO[bytes] | None = None
        super().__init__(ws)

    def get_stream(self) -> Iterator[Any]:  # same protocol as WorksheetWriter.get_stream
        self.file = open(self.out, "wb")  # noqa: SIM115 (open across the generator; closed in close())
        with xmlfile(self.file) as xf, xf.element("worksheet", xmlns=SHEET_MAIN_NS):
            try:
                while True:
                    el = yield
                    if el is True:
                        yield xf
                    elif el is None:
                        continue
                    else:
                        xf.write(el)
            except GeneratorExit:
                pass

    def close(self) -> None:
        super().close()
        if self.file is not None and not self.file.closed:
            self.file.close()


def _sheet_data(writer: _RawRowsWriter) -> Iterator[None]:
    """Coroutine in place of openpyxl's ``_write_rows``: receives row XML as bytes."""
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        try:
            while True:
                chunk = yield
                xf.flush()
                assert writer.file is not None
                writer.file.write(chunk)
        except GeneratorExit:
            pass
    writer.xf.send(None)


class RowStream:
    """Streams rows of one write-only worksheet as XML text.

    Create it when the first row is due (column widths, panes and the like must be set
    by then, as in openpyxl's write-only mode); call :meth:`flush` before the workbook is
    saved.  openpyxl closes the sheet (``</sheetData>`` and the tail) when it saves.
    """

    def __init__(self, ws: Any) -> None:
        if ws._writer is not None:
            raise RuntimeError(f"worksheet {ws.title!r} already has rows written by openpyxl")
        ws._writer = _RawRowsWriter(ws)
        ws._writer.write_top()
        rows = _sheet_data(ws._writer)
        next(rows)
        ws._rows = rows  # WriteOnlyWorksheet.close() closes it, then writes the tail
        self._rows = rows
        self._buffer: list[str] = []
        self._chars = 0

    def write(self, row: int, height: float | None, cells: Sequence[str]) -> None:
        """Add row number ``row`` made of ``cells`` (``<c>`` elements)."""
        xml = row_open(row, height) + "".join(cells) + "</row>"
        self._buffer.append(xml)
        self._chars += len(xml)
        if self._chars >= FLUSH_CHARS or len(self._buffer) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows to the worksheet's file."""
        if self._buffer:
            data = "".join(self._buffer).encode("ascii", "xmlcharrefreplace")
            self._buffer.clear()
            self._chars = 0
            self._rows.send(data)
