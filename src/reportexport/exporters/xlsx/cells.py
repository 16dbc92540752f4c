"""Cell values for the tracking sheet: safe text, display widths, line estimates.

Three concerns live here, all pure functions of strings:

* **Safe text.** Characters XML 1.0 cannot carry (C0 controls, lone surrogates) are
  removed or replaced, line ends are normalised, and text longer than Excel's cell limit
  is cut with a visible mark.  Text that a spreadsheet would take for a formula
  (``=`` ``+`` ``-`` ``@``, also after a leading tab or CR) is flagged so the writer stores
  it as a string with Excel's *quote prefix*.
* **Display width.** A CJK character (and the full-width punctuation of Chinese text) is
  two columns wide, ASCII one.
* **Line estimates.** How many lines a wrapped cell needs in a column of a given width,
  used to set row heights that show the whole text in Excel, WPS and LibreOffice (none of
  them fits row heights to wrapped text when opening a file).
"""

from __future__ import annotations

import math
import re

#: Excel's limit of characters in one cell.
EXCEL_CELL_LIMIT = 32767
#: Appended to text cut at :data:`EXCEL_CELL_LIMIT`.
TRUNCATION_MARK = "…（超出单元格上限，已截断）"

_ILLEGAL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Anything :func:`clean_text` would change (one search instead of two substitutions).
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
#: Characters drawn one column wide: ASCII/Latin-1 and the half-width katakana/forms block.
_WIDE = re.compile(r"[^\x00-\u00ff\uff61-\uffdc\uffe8-\uffee]")

FORMULA_TRIGGERS = ("=", "+", "-", "@")


def clean_text(text: str) -> str:
    """``text`` with line ends normalised and characters XML cannot hold removed.

    C0 control characters other than tab and newline are dropped; lone surrogates (left by
    a ``surrogateescape`` decode) become U+FFFD so the loss stays visible.
    """
    if _NEEDS_CLEANING.search(text) is None:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ILLEGAL_CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def fit_cell_limit(text: str) -> tuple[str, bool]:
    """``(text, cut)``: text cut to :data:`EXCEL_CELL_LIMIT` characters, with a mark."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text, False
    return text[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARK)] + TRUNCATION_MARK, True


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` typed into a cell as a formula.

    That is text starting with ``=`` ``+`` ``-`` ``@``, also after leading tabs, CRs or
    newlines (the CSV-injection rule of OWASP).
    """
    if text[:1] in ("\t", "\r", "\n"):
        text = text.lstrip("\t\r\n")
    return text[:1] in FORMULA_TRIGGERS and text != ""


def display_width(text: str) -> int:
    """Width of one line of ``text`` in columns: CJK and full-width characters count two."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_WIDE.sub("", text))  # narrow ones count once, the rest twice


def max_line_width(text: str) -> int:
    """Display width of the widest line of ``text``."""
    return max((display_width(line) for line in text.split("\n")), default=0)


def line_capacity(column_width: float) -> int:
    """Display columns that fit on one wrapped line of a column ``column_width`` wide.

    Column widths count the digit width of the default font (7 px for Calibri 11); the cell
    text is 10.5 pt CJK, 14 px a character.  One column of slack is kept for the cell
    padding and for punctuation that may not start a line (it pulls a character down).
    """
    pixels = column_width * 7 + 5 - 6
    cjk_chars = max(1, math.floor(pixels / 14))
    return max(1, 2 * cjk_chars - 1)


def line_count(text: str, column_width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``column_width`` wide (at least 1)."""
    if not text:
        return 1
    return wrapped_lines(text, line_capacity(column_width))


def wrapped_lines(text: str, capacity: int) -> int:
    """Lines ``text`` takes when wrapped at ``capacity`` display columns (at least 1)."""
    if "\n" not in text:
        return max(1, -(-display_width(text) // capacity))
    return sum(max(1, -(-display_width(line) // capacity)) for line in text.split("\n"))
