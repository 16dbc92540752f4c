"""A platypus flowable that lays out Chinese text with our own line breaker.

:class:`CJKParagraph` replaces reportlab's ``Paragraph`` for every text of the digest:

* lines are broken by :func:`reportexport.linebreak.break_points` (禁则, numbers kept
  with their units), measured with ``pdfmetrics`` widths cached per font and size;
* every character is checked against its font's character set (:class:`FontBook`): a
  character the font lacks is drawn from the first fallback font that has it; one that
  no font has is drawn as a visible ``□`` carrying the real character as
  ``/ActualText`` (so copy-paste keeps it) and is reported with its context;
* the first-line indent comes from the style (two characters), never from U+3000;
* text may mix fonts and colours (:class:`Span`), e.g. highlighted key figures;
* ``split()`` cuts between lines, so a paragraph longer than a page flows on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate

from reportlab.lib.colors import Color, black
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from ...linebreak import break_points

#: Drawn (with /ActualText) for a character no font has.
REPLACEMENT = "□"


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text in one font and colour; ``font=None`` means the style's font."""

    text: str
    font: str | None = None
    color: Color | None = None


@dataclass(frozen=True, slots=True)
class TextStyle:
    """Font, size and spacing of a :class:`CJKParagraph` (sizes in points)."""

    font: str
    size: float = 10.5
    leading: float = 18.0
    color: Color = black
    indent_chars: float = 0.0  # first-line indent in characters (2 for body text)
    align: str = "justify"  # left | justify | center | right
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False

    def derive(self, **changes: object) -> TextStyle:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


class FontBook:
    """Registered fonts with the characters each can draw, and the fallback order.

    ``charsets`` maps a registered reportlab font name to the set of characters its
    cmap covers; ``fallbacks`` lists font names tried, in order, for a character the
    requested font lacks.  Characters no font has are collected in :attr:`missing` as
    ``(context, character)`` pairs, in the order met.
    """

    def __init__(self, charsets: dict[str, frozenset[str]], fallbacks: Sequence[str]) -> None:
        self.charsets = charsets
        self.fallbacks = [f for f in fallbacks if f in charsets]
        self.missing: dict[tuple[str, str], None] = {}
        self._choice: dict[tuple[str, str], str | None] = {}
        self._widths: dict[tuple[str, float], dict[str, float]] = {}

    def font_for(self, font: str, ch: str) -> str | None:
        """The font that draws ``ch`` when ``font`` is asked for, or None if none can."""
        key = (font, ch)
        if key in self._choice:
            return self._choice[key]
        found: str | None = None
        if ch in self.charsets.get(font, ()):
            found = font
        else:
            for other in self.fallbacks:
                if ch in self.charsets[other]:
                    found = other
                    break
        self._choice[key] = found
        return found

    def covers(self, font: str, text: str) -> bool:
        """True when ``font`` itself has every character of ``text``."""
        return self.charsets[font].issuperset(text)

    def replacement_font(self, font: str) -> str:
        """A font that has :data:`REPLACEMENT` (the requested one when it does)."""
        return self.font_for(font, REPLACEMENT) or font

    def width_map(self, font: str, size: float) -> dict[str, float]:
        """The cached advance widths of ``font`` at ``size`` (filled by :meth:`measure`)."""
        key = (font, size)
        table = self._widths.get(key)
        if table is None:
            table = self._widths[key] = {}
        return table

    def measure(self, text: str, font: str, size: float) -> list[float]:
        """Advance width of each character of ``text`` in ``font`` at ``size``."""
        table = self.width_map(font, size)
        new = set(text).difference(table)
        if new:
            face = pdfmetrics.getFont(font)
            for ch in new:
                table[ch] = face.stringWidth(ch, size)
        return list(map(table.__getitem__, text))

    def note_missing(self, context: str, ch: str) -> None:
        """Record that ``ch`` (in ``context``, e.g. an item id) could not be drawn."""
        self.missing.setdefault((context, ch), None)


@dataclass(slots=True)
class _Piece:
    """A run of one line drawn in one font and colour."""

    text: str
    font: str
    color: Color
    width: float
    missing: bool = False  # text is REPLACEMENTs standing for these real characters
    actual: str = ""


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    width: float
    pieces: list[_Piece] = field(default_factory=list)
    has_missing: bool = False  # some piece stands for characters no font has

    @property
    def text(self) -> str:
        return "".join(p.actual if p.missing else p.text for p in self.pieces)


@dataclass(slots=True)
class _Segment:
    start: int
    end: int
    font: str
    color: Color
    missing: bool


class CJKParagraph(Flowable):
    """A paragraph of Chinese text laid out with :mod:`reportexport.linebreak`.

    ``outline=(key, title, level)`` adds a bookmark and an outline entry where the
    paragraph is drawn; ``context`` names it in warnings (e.g. ``d13-i2``).
    """

    def __init__(
        self,
        spans: str | Iterable[Span],
        style: TextStyle,
        book: FontBook,
        *,
        outline: tuple[str, str, int] | None = None,
        context: str = "",
        continuation: bool = False,
        justify_last: bool = False,
    ) -> None:
        super().__init__()
        if isinstance(spans, str):
            spans = [Span(spans)]
        self.spans = [_clean_span(s) for s in spans if s.text]
        if not all(s.text for s in self.spans):  # a span of control characters only
            self.spans = [s for s in self.spans if s.text]
        self.text = "".join(s.text for s in self.spans)
        self.style = style
        self.book = book
        self.outline = outline
        self.context = context
        self.continuation = continuation
        self.justify_last = justify_last
        self.keepWithNext = style.keep_with_next
        self._layout_width: float | None = None
        self.lines: list[_Line] = []
        self._segments: list[_Segment] | None = None

    # ------------------------------------------------------------------ platypus
    def getSpaceBefore(self) -> float:
        return 0.0 if self.continuation else self.style.space_before

    def getSpaceAfter(self) -> float:
        return 0.0 if self.justify_last else self.style.space_after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._layout(availWidth)
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._layout(availWidth)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit < 1 or fit >= len(self.lines):
            return []
        cut = self.lines[fit].start
        head = self._part(self.lines[:fit], 0, cut, first=True)
        tail = self._part(self.lines[fit:], cut, len(self.text), first=False)
        return [head, tail]

    def draw(self) -> None:
        canv = self.canv
        st = self.style
        if self.outline is not None:
            key, title, level = self.outline
            canv.bookmarkHorizontal(key, 0, self.height)
            canv.addOutlineEntry(title, key, level)
        baseline = self.height - st.leading + (st.leading - st.size) / 2 + 0.14 * st.size
        # The operators are written directly (one BT..ET per paragraph, each line ending in
        # T*; colour, font and Tc only when they change; operator strings cached): what
        # reportlab's text object writes, without its per-call formatting cost.
        doc = canv._doc
        code: list[str] = [f"BT 1 0 0 1 0 {_num(baseline)} Tm {_num(st.leading)} TL"]
        emit = code.append
        size_op = f" {_num(st.size)} Tf"
        cur_font: object = None
        cur_subset = -1
        cur_color = ""
        cur_space, cur_x = 0.0, 0.0
        last = len(self.lines) - 1
        for n, line in enumerate(self.lines):
            x, space = self._line_geometry(n, line, n == last and not self.justify_last)
            if line.has_missing:
                if cur_space:
                    emit("0 Tc")
                emit("ET")
                canv.addLiteral(" ".join(code))
                self._draw_with_replacements(x, baseline - n * st.leading, space, line)
                code = [f"BT 1 0 0 1 0 {_num(baseline - (n + 1) * st.leading)} Tm {_num(st.leading)} TL"]
                emit = code.append
                cur_font, cur_subset, cur_color, cur_space, cur_x = None, -1, "", 0.0, 0.0
                continue
            if x != cur_x:
                emit(f"{_num(x - cur_x)} 0 Td")
                cur_x = x
            for piece in line.pieces:
                op = _color_op(piece.color)
                if op != cur_color:
                    emit(op)
                    cur_color = op
                face = pdfmetrics.getFont(piece.font)
                if face is not cur_font:
                    cur_font, cur_subset = face, -1
                chunks = _stretch_chunks(piece.text) if space else ((piece.text, True),)
                for chunk, stretch in chunks:
                    want = space if stretch else 0.0
                    if want != cur_space:
                        emit(f"{fp_str(want)} Tc")
                        cur_space = want
                    for subset, raw in face.splitString(chunk, doc):
                        if subset != cur_subset:
                            emit(face.getSubsetInternalName(subset, doc) + size_op)
                            cur_subset = subset
                        emit(f"({raw.decode('latin-1').translate(_PDF_ESCAPES)}) Tj")
            emit("T*")
        if cur_space:
            emit("0 Tc")
        emit("ET")
        canv.addLiteral(" ".join(code))
        # drawn once: let the laid-out lines go (a later wrap lays the text out again)
        self.lines = []
        self._layout_width = None

    # ------------------------------------------------------------------ layout
    def _part(self, lines: list[_Line], a: int, b: int, *, first: bool) -> CJKParagraph:
        part = CJKParagraph(
            _slice_spans(self.spans, a, b),
            self.style,
            self.book,
            outline=self.outline if first else None,
            context=self.context,
            continuation=self.continuation if first else True,
            justify_last=True if first else self.justify_last,
        )
        part.keepWithNext = False if first else self.keepWithNext
        part._layout_width = self._layout_width
        part.lines = [
            _Line(ln.start - a, ln.end - a, ln.width, ln.pieces, ln.has_missing) for ln in lines
        ]
        return part

    def _indent(self) -> float:
        return 0.0 if self.continuation else self.style.indent_chars * self.style.size

    def _line_geometry(self, n: int, line: _Line, is_last: bool) -> tuple[float, float]:
        """(x offset, extra character spacing) of line ``n``."""
        st = self.style
        indent = self._indent() if n == 0 else 0.0
        room = self.width - indent - line.width
        if st.align == "center":
            return indent + max(room, 0) / 2, 0.0
        if st.align == "right":
            return indent + max(room, 0), 0.0
        if st.align == "justify" and not is_last and room > 0:
            # stretch between characters, but not inside digit/Latin runs (10万+, not 1 0万+)
            gaps = line.end - line.start - 1
            if not line.has_missing:  # those lines are drawn evenly spread
                gaps -= sum(len(m.group()) - 1 for p in line.pieces for m in _WORD_RUN.finditer(p.text))
            if gaps > 0 and room / gaps <= st.size:  # never spread a short line across the column
                return indent, room / gaps
        return indent, 0.0

    def _resolve_segments(self) -> list[_Segment]:
        """Fonts per run of text after fallback; records characters no font has."""
        if self._segments is not None:
            return self._segments
        st, book = self.style, self.book
        segments: list[_Segment] = []
        pos = 0
        for span in self.spans:
            font = span.font or st.font
            color = span.color or st.color
            if book.covers(font, span.text):
                segments.append(_Segment(pos, pos + len(span.text), font, color, False))
            else:
                for i, ch in enumerate(span.text):
                    chosen = book.font_for(font, ch)
                    missing = chosen is None
                    if missing:
                        book.note_missing(self.context, ch)
                        chosen = book.replacement_font(font)
                    prev = segments[-1] if segments else None
                    if prev and prev.end == pos + i and prev.font == chosen and prev.color is color and prev.missing == missing:
                        prev.end += 1
                    else:
                        segments.append(_Segment(pos + i, pos + i + 1, chosen, color, missing))
            pos += len(span.text)
        self._segments = segments
        return segments

    def _layout(self, width: float) -> None:
        if self._layout_width == width and (self.lines or not self.text):
            return
        st, book = self.style, self.book
        segments = self._resolve_segments()
        widths: list[float] = []
        for seg in segments:
            chunk = self.text[seg.start : seg.end]
            if seg.missing:
                widths.extend(book.measure(REPLACEMENT, seg.font, st.size) * len(chunk))
            else:
                widths.extend(book.measure(chunk, seg.font, st.size))
        cum = [0.0, *accumulate(widths)]
        spans = break_points(self.text, widths, width, self._indent())
        starts = [seg.start for seg in segments]
        lines = []
        for s, e in spans:
            line = _Line(s, e, cum[e] - cum[s])
            k = bisect_right(starts, s) - 1
            while k < len(segments) and segments[k].start < e:
                seg = segments[k]
                a, b = max(s, seg.start), min(e, seg.end)
                chunk = self.text[a:b]
                if seg.missing:
                    line.pieces.append(_Piece(REPLACEMENT * len(chunk), seg.font, seg.color, cum[b] - cum[a], True, chunk))
                    line.has_missing = True
                else:
                    line.pieces.append(_Piece(chunk, seg.font, seg.color, cum[b] - cum[a]))
                k += 1
            lines.append(line)
        self.lines = lines
        self._layout_width = width

    def _draw_with_replacements(self, x: float, y: float, space: float, line: _Line) -> None:
        """Draw a line that holds characters no font has: □ with /ActualText."""
        canv = self.canv
        size = self.style.size
        for piece in line.pieces:
            canv.setFont(piece.font, size)
            canv.setFillColor(piece.color)
            if piece.missing:
                for ch in piece.actual:
                    canv.addLiteral(f"/Span <</ActualText <FEFF{ch.encode('utf-16-be').hex().upper()}>>> BDC")
                    canv.drawString(x, y, REPLACEMENT, charSpace=space)
                    canv.addLiteral("EMC")
                    x += piece.width / len(piece.actual) + space
            else:
                canv.drawString(x, y, piece.text, charSpace=space)
                x += piece.width + space * len(piece.text)

    def line_texts(self) -> list[str]:
        """The text of each laid-out line (after :meth:`wrap`)."""
        return [self.text[ln.start : ln.end] for ln in self.lines]


#: Runs of digits/Latin letters that justification does not spread (``2023-2025``, ``10万+``'s ``10``).
_WORD_RUN = re.compile(r"[0-9A-Za-z０-９.%+\-/:,]{2,}")


def _stretch_chunks(text: str) -> tuple[tuple[str, bool], ...]:
    """``text`` cut into (chunk, stretched?) parts: a word run but its last character is drawn
    without extra character spacing, everything else with it."""
    if _WORD_RUN.search(text) is None:
        return ((text, True),)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _WORD_RUN.finditer(text):
        if pos < m.start():
            out.append((text[pos : m.start()], True))
        out.append((m.group()[:-1], False))
        pos = m.end() - 1
    out.append((text[pos:], True))
    return tuple(out)


#: ``escapePDF`` of reportlab as a translation table (bytes read as Latin-1 code points).
_PDF_ESCAPES = {c: (f"\\{c:03o}" if c < 32 or c >= 127 else "\\" + chr(c) if chr(c) in "\\()" else chr(c))
                for c in range(256)}

_COLOR_OPS: dict[tuple[float, float, float], str] = {}
_NUMBERS: dict[float, str] = {}


def _num(value: float) -> str:
    """``fp_str(value)``, cached (paragraph heights, indents and sizes repeat endlessly)."""
    text = _NUMBERS.get(value)
    if text is None:
        text = fp_str(value)
        if len(_NUMBERS) < 100_000:
            _NUMBERS[value] = text
    return text


def _color_op(color: Color) -> str:
    """The ``rg`` operator that sets ``color`` as the fill colour (cached)."""
    key = (color.red, color.green, color.blue)
    op = _COLOR_OPS.get(key)
    if op is None:
        op = _COLOR_OPS[key] = f"{fp_str(key)} rg"
    return op


def _clean_span(span: Span) -> Span:
    """``span`` with :func:`_clean` text (the same object when nothing changes)."""
    text = _clean(span.text)
    return span if text is span.text else Span(text, span.font, span.color)


def _clean(text: str) -> str:
    """Tabs and line breaks inside a paragraph become spaces; other control characters go."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _slice_spans(spans: Sequence[Span], a: int, b: int) -> list[Span]:
    """The spans covering characters ``a``..``b`` of their joined text."""
    out, pos = [], 0
    for span in spans:
        end = pos + len(span.text)
        lo, hi = max(a, pos), min(b, end)
        if lo < hi:
            out.append(Span(span.text[lo - pos : hi - pos], span.font, span.color))
        pos = end
    return out
