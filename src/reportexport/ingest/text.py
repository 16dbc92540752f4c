"""The text reader: newspaper pages and web-page reports → :class:`Report`.

Two shapes arrive (DESIGN.md, "Reading the newspaper layout"):

* **newspaper**: hard line breaks every ~14 characters, a paragraph starts with two
  ideographic spaces (U+3000) or is a heading/marker line, blank lines in mid-sentence
  are column breaks, ``（上接5版）`` / ``（下转7版）`` are page markers;
* **paragraphs**: one paragraph per line as copied from a web page, indents optional,
  page debris (下载 / 打印 / 【字号：】) around it.

Numbering follows the official hierarchy ``一、`` → ``（一）`` → ``1.`` → ``（1）``: the
highest level present gives the sections (departments), the next level present gives
the items, deeper levels stay in the item's text.

The reader works in three steps: :func:`clean_lines` (per-line repairs, page markers),
:func:`build_paragraphs` (undo the hard wrapping), :func:`build_report` (numbering →
sections and items).  Every repair is a :class:`Diagnostic`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import Department, Diagnostic, Report, Severity, SourceInfo, SourceSpan, WorkItem
from .numerals import NUMERAL_CHARS, cn_to_int, int_to_cn

# --------------------------------------------------------------------------- patterns

_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN = f"[{NUMERAL_CHARS}]+"
_DIG = "[0-9０-９]{1,3}"

#: Numbering levels, highest first: 一、 / （一） / 1. / （1）
LEVEL_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^({_CN})[、，,．.](?=\S)"),
    re.compile(rf"^[（(]({_CN})[）)](?=\S)"),
    re.compile(rf"^({_DIG})(?:[.．](?![0-9０-９])|[、，](?=\S))(?=\S)"),
    re.compile(rf"^[（(]({_DIG})[）)](?=\S)"),
)
_CN_LEVELS = (0, 1)

PAGE_MARKER = re.compile(r"^[（(]\s*(上接|下转|接|转)\s*第?\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*版\s*[）)]$")
SENTENCE_END = "。！？!?"
#: Line ends that close a paragraph in hard-wrapped text (a heading may follow).
PARAGRAPH_END = "。！？!?；：:…”’）)」』】"
_OPENERS = "“‘《（(「『【〔〈"
_CLOSERS = "”’》）)」』】〕〉"
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\S)[ \t\u00a0]+(?=[，。、；：？！）》”’」』】])")
#: XML-illegal characters, C1 controls (mis-decoding debris) and lone surrogates.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_INVISIBLE = re.compile("[\u200b\ufeff]")
_DEBRIS = re.compile(
    r"^[【\[]?\s*(下载|打印|全屏|收藏|分享(到)?|关闭(窗口)?|字号[：:]?.*|加大|还原|减小|放大|缩小|默认|大|中|小|"
    r"相关(报道|链接|新闻)[：:]?|返回顶部|责任编辑[：:].*)?\s*[】\]]?$"
)
TITLE_MAX = 60
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LEAD_CLAUSE_OVER = 40


# --------------------------------------------------------------------------- step 1: lines


@dataclass
class Line:
    """One cleaned source line."""

    number: int  # 1-based line number in the source
    text: str  # stripped of surrounding whitespace
    indented: bool  # started with U+3000, two spaces or a tab


@dataclass
class Cleaned:
    lines: list[Line]
    markers: list[tuple[str, int, int]]  # (kind 上接/下转, page, line)
    diagnostics: list[Diagnostic]


class _Notes:
    """Collects repairs; repeated repairs of one kind become one diagnostic with a count."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, Severity, str], list[int]] = defaultdict(list)
        self.single: list[Diagnostic] = []

    def add(self, code: str, message: str, line: int | None, severity: Severity = Severity.warning) -> None:
        self.single.append(Diagnostic(severity=severity, code=code, message=message, line=line))

    def count(self, code: str, message: str, line: int, severity: Severity = Severity.warning) -> None:
        self.lines[(code, severity, message)].append(line)

    def result(self) -> list[Diagnostic]:
        out = list(self.single)
        for (code, severity, message), lines in self.lines.items():
            shown = ", ".join(map(str, lines[:8])) + (" …" if len(lines) > 8 else "")
            text = f"{message} ({len(lines)}×, lines {shown})" if len(lines) > 1 else message
            out.append(Diagnostic(severity=severity, code=code, message=text, line=lines[0]))
        return sorted(out, key=lambda d: (d.line or 0, d.code))


def clean_lines(text: str, notes: _Notes) -> Cleaned:
    """Split into lines, repair characters, take out page markers."""
    if "\r" in text:
        crlf = text.count("\r\n")
        lone_lf = text.count("\n") - crlf
        if crlf and lone_lf:
            notes.add("mixed-line-ends", f"mixed line ends ({crlf} CRLF, {lone_lf} LF) normalised", 1)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    markers: list[tuple[str, int, int]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if "\f" in raw:
            notes.count("form-feed", "form feed (page break) removed", number, Severity.info)
            raw = raw.replace("\f", "")
        if _ILLEGAL.search(raw):
            notes.count("control-character", "control characters removed (not allowed in documents)", number)
            raw = _ILLEGAL.sub("", raw)
        if _BIDI.search(raw):
            notes.count("bidi-control", "right-to-left / bidi control characters removed", number)
            raw = _BIDI.sub("", raw)
        if _INVISIBLE.search(raw):
            notes.count("invisible-character", "zero-width characters removed", number)
            raw = _INVISIBLE.sub("", raw)
        stripped = raw.strip()
        if _SPACE_BEFORE_PUNCT.search(stripped):
            notes.count("space-before-punctuation", "stray space before Chinese punctuation removed", number, Severity.info)
            stripped = _SPACE_BEFORE_PUNCT.sub("", stripped)
        marker = PAGE_MARKER.match(stripped)
        if marker:
            kind = "上接" if marker.group(1) in ("上接", "接") else "下转"
            page = _page_number(marker.group(2))
            markers.append((kind, page, number))
            notes.count("page-marker", f"page marker {stripped} recorded and removed from the text", number, Severity.info)
            stripped = ""
        indented = raw[:1] in ("\u3000", "\t") or raw.startswith("  ")
        lines.append(Line(number, stripped, indented and bool(stripped)))
    return Cleaned(lines, markers, [])


def _page_number(text: str) -> int:
    text = text.translate(_FW_DIGITS)
    return int(text) if text.isdigit() else (cn_to_int(text) or 0)


# --------------------------------------------------------------------------- step 2: paragraphs


@dataclass
class Paragraph:
    """A paragraph with the source lines it came from."""

    text: str
    first_line: int
    last_line: int
    level: int | None = None  # numbering level 0..3 of its label, if any
    label: str = ""
    number: int | None = None
    numeral: str | None = None


def numbering(text: str) -> tuple[int, str, int, str] | None:
    """(level, label as written, number, numeral/digits) of a label at the start of ``text``."""
    for level, pattern in enumerate(LEVEL_PATTERNS):
        match = pattern.match(text)
        if not match:
            continue
        token = match.group(1)
        if level in _CN_LEVELS:
            number = cn_to_int(token)
            if number is None:
                continue
        else:
            number = int(token.translate(_FW_DIGITS))
        return level, match.group(0), number, token
    return None


def detect_layout(lines: list[Line]) -> str:
    """'newspaper' when most lines end mid-sentence (hard wrapped), else 'paragraphs'."""
    content = [ln for ln in lines if ln.text]
    if len(content) < 4:
        return "paragraphs"
    closed = sum(1 for ln in content if ln.text[-1] in PARAGRAPH_END or _is_top_heading(ln.text))
    if closed < len(content) * 0.5:
        return "newspaper"
    # indented paragraph starts followed by unindented lines that stop mid-sentence: hard
    # wrapping (a web page indents every paragraph or none, and its lines end sentences)
    body = [ln for ln in content if numbering(ln.text) is None]
    indented = sum(1 for ln in content if ln.indented)
    cut = sum(1 for ln in body if not ln.indented and ln.text[-1] not in PARAGRAPH_END)
    if indented and cut >= len(body) * 0.3:
        return "newspaper"
    # short pages: hard-wrapped lines share one column width (±2), web paragraphs do not
    widths = [len(ln.text) + (2 if ln.indented else 0) for ln in content if not _is_top_heading(ln.text)]
    if not widths:  # headings only
        return "paragraphs"
    width, _ = Counter(widths).most_common(1)[0]
    near = sum(1 for n in widths if abs(n - width) <= 2)
    return "newspaper" if width <= 30 and near >= len(widths) * 0.6 else "paragraphs"


def _is_top_heading(text: str) -> bool:
    found = numbering(text)
    return found is not None and found[0] == 0 and len(text) <= 40


def build_paragraphs(lines: list[Line], layout: str, notes: _Notes) -> list[Paragraph]:
    """Undo hard wrapping (newspaper) or take one line per paragraph."""
    if layout != "newspaper":
        return [Paragraph(ln.text, ln.number, ln.number) for ln in lines if ln.text]
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    current_is_heading = False
    blank_at: int | None = None
    previous_text = ""
    for ln in lines:
        if not ln.text:
            if current is not None and blank_at is None:
                blank_at = ln.number
            continue
        starts = (
            current is None
            or ln.indented
            or current_is_heading
            or (not paragraphs and blank_at is not None and current.first_line == current.last_line
                and _looks_like_title(current.text))
            or _heading_line(ln.text, previous_text, blank_at is not None)
            or (numbering(ln.text) is not None and previous_text[-1:] in PARAGRAPH_END)
        )
        if starts:
            if current is not None:
                paragraphs.append(current)
            current = Paragraph(ln.text, ln.number, ln.number)
            current_is_heading = _heading_line(ln.text, previous_text, True) and not ln.indented
        else:
            assert current is not None
            if blank_at is not None:
                notes.count(
                    "column-break-joined",
                    "blank line inside a sentence read as a column break; the lines were joined",
                    blank_at,
                    Severity.info,
                )
            current.text += ln.text
            current.last_line = ln.number
        blank_at = None
        previous_text = ln.text
    if current is not None:
        paragraphs.append(current)
    return paragraphs


def _heading_line(text: str, previous: str, after_blank: bool) -> bool:
    """A short top-level heading line such as ``十三、潍坊日报社`` standing on its own."""
    if not _is_top_heading(text):
        return False
    return after_blank or not previous or previous[-1] in PARAGRAPH_END


def _looks_like_title(text: str) -> bool:
    return len(text) <= TITLE_MAX and numbering(text) is None and text[-1] not in "。，；：:,;"


# --------------------------------------------------------------------------- step 3: structure


def _split_outside_quotes(text: str, marks: str, skip_first: bool = False) -> tuple[str, str, str] | None:
    """(text before the first of ``marks`` outside quotes and brackets, the mark, the rest)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0 and not (skip_first and i == 0):
            return text[:i], ch, text[i + 1 :]
    return None


def first_sentence(text: str) -> tuple[str, str, str]:
    """(sentence without its mark, the mark, the rest) — marks inside quotes do not count."""
    return _split_outside_quotes(text, SENTENCE_END) or (text, "", "")


def lead_clause(sentence: str) -> tuple[str, str, str] | None:
    """(clause before the first ，, '，', the rest) outside quotes, or None."""
    return _split_outside_quotes(sentence, "，", skip_first=True)


def make_title(first: str, has_more: bool) -> tuple[str, str, str, str]:
    """(title, mark, body-of-first-paragraph, rule) of an item from its first paragraph."""
    sentence, mark, rest = first_sentence(first)
    if not mark and has_more:
        return first, "", "", "paragraph"
    if len(sentence) > LEAD_CLAUSE_OVER:
        clause = lead_clause(sentence)
        if clause:
            head, comma, tail = clause
            return head, comma, tail + mark + rest, "lead_clause"
    return sentence, mark, rest, "sentence"


@dataclass
class _Section:
    para: Paragraph | None  # None for a section continued from a previous page
    intro: list[Paragraph] = field(default_factory=list)
    items: list[list[Paragraph]] = field(default_factory=list)


def _levels(paragraphs: list[Paragraph]) -> tuple[int | None, int | None]:
    present = sorted({p.level for p in paragraphs if p.level is not None})
    if not present:
        return None, None
    if len(present) == 1:
        return (present[0], None) if present[0] in _CN_LEVELS else (None, present[0])
    return present[0], present[1]


def build_report(text: str, *, name: str | None = None, encoding: str | None = None,
                 sha256: str | None = None, path: str | None = None,
                 diagnostics: list[Diagnostic] | None = None) -> Report:
    """Parse decoded ``text`` into a :class:`Report` (no fact extraction)."""
    notes = _Notes()
    cleaned = clean_lines(text, notes)
    if not any(ln.text for ln in cleaned.lines):
        what = "only page markers" if cleaned.markers else "no text"
        raise InputError(f"the file holds {what}; nothing to export", path=path or name)
    layout = detect_layout(cleaned.lines)
    paragraphs = build_paragraphs(cleaned.lines, layout, notes)
    for p in paragraphs:
        found = numbering(p.text)
        if found:
            p.level, p.label, p.number, p.numeral = found
            if p.label.translate(_FW_DIGITS) != p.label:
                notes.count("fullwidth-digits", "full-width digits in an item label read as ASCII digits", p.first_line)
    _note_traditional(paragraphs, notes)

    first_marker = next((line for kind, _, line in cleaned.markers if kind == "上接"), None)
    masthead, title_para, body = _split_front(paragraphs, first_marker)
    trailer: list[Paragraph] = []
    while body and _DEBRIS.match(body[-1].text) and body[-1].level is None:
        trailer.insert(0, body.pop())

    section_level, item_level = _levels(body)
    preamble: list[Paragraph] = []
    sections: list[_Section] = []
    continued_from = next((page for kind, page, _ in cleaned.markers if kind == "上接"), None)
    continues_on = next((page for kind, page, _ in reversed(cleaned.markers) if kind == "下转"), None)

    if section_level is None and item_level is None:
        if body:
            notes.add("no-numbering", "no numbered headings or items found; each paragraph became an item of one unnamed section", body[0].first_line)
        sections.append(_Section(None, items=[[p] for p in body]))
    else:
        for p in body:
            if section_level is not None and p.level == section_level:
                sections.append(_Section(p))
            elif item_level is not None and p.level == item_level:
                if not sections:
                    sections.append(_Section(None))
                sections[-1].items.append([p])
            elif sections and sections[-1].items:
                sections[-1].items[-1].append(p)
            elif sections:
                sections[-1].intro.append(p)
            elif continued_from is not None and preamble == [] and p is body[0]:
                sections.append(_Section(None, intro=[p]))
            else:
                preamble.append(p)

    departments = _departments(sections, item_level, notes, continued_from is not None)
    title = title_para.text if title_para else ""
    year = _year(title) or _year(" ".join(p.text for p in preamble[:3]))
    source = SourceInfo(
        path=path, name=name, sha256=sha256, encoding=encoding, layout=layout,  # type: ignore[arg-type]
        line_count=len(cleaned.lines),
    )
    all_notes = list(diagnostics or []) + notes.result()
    return Report(
        title=title,
        year=year,
        source=source,
        continued_from_page=continued_from,
        continues_on_page=continues_on,
        masthead="\n".join(p.text for p in masthead),
        preamble="\n".join(p.text for p in preamble),
        departments=tuple(departments),
        trailer="\n".join(p.text for p in trailer),
        diagnostics=tuple(Diagnostic(**{**d.model_dump(), "file": d.file or name}) for d in all_notes),
    )


#: Characters that exist only in Traditional Chinese and are frequent in government texts.
_TRADITIONAL = frozenset("們來國會這個為與發經產開關實從對業區縣機聯黨員務動點體報導學習議總設護環節進園機構費價識權萬億"
                         "歲職務應當從於時間問題組織單項參與協調處檢測財務審計資訊網絡線電話劃")


def _note_traditional(paragraphs: list[Paragraph], notes: _Notes) -> None:
    """Warn when the text is Traditional Chinese: fonts and facts are tuned for Simplified."""
    sample = "".join(p.text for p in paragraphs[:200])
    hits = sum(1 for ch in sample if ch in _TRADITIONAL)
    hanzi = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if hanzi and hits >= max(3, hanzi * 0.02):
        notes.add("traditional-chinese", f"the text looks like Traditional Chinese ({hits} traditional-only characters); "
                  "it is kept as written, but the bundled Song font covers Simplified (GB2312) characters only, "
                  "others are drawn from the fallback font", paragraphs[0].first_line if paragraphs else 1)


def _split_front(paragraphs: list[Paragraph], continued_marker: int | None) -> tuple[list[Paragraph], Paragraph | None, list[Paragraph]]:
    """Web debris before the title, the title, and the rest.

    Text after a ``（上接N版）`` marker is never the title: it continues the previous page.
    """
    i = 0
    while i < len(paragraphs) and paragraphs[i].level is None and _DEBRIS.match(paragraphs[i].text):
        i += 1
    candidate = paragraphs[i] if i < len(paragraphs) else None
    if (candidate is not None and candidate.level is None and candidate.first_line == candidate.last_line
            and _looks_like_title(candidate.text)
            and (continued_marker is None or candidate.first_line < continued_marker)):
        return paragraphs[:i], paragraphs[i], paragraphs[i + 1 :]
    return [], None, paragraphs


def _year(text: str) -> int | None:
    match = re.search(r"((?:19|20)\d\d)\s*年", text)
    return int(match.group(1)) if match else None


def _departments(sections: list[_Section], item_level: int | None, notes: _Notes,
                 page_continues: bool) -> list[Department]:
    used_ids: Counter[str] = Counter()
    names_seen: dict[str, int] = {}
    departments: list[Department] = []
    for index, section in enumerate(sections):
        number, numeral, name, label, heading, intro_head = _heading_parts(section, sections[index + 1 :])
        dep_id = _unique(f"d{number}" if number is not None else "d0", used_ids)
        first = section.para.first_line if section.para else _first_line(section)
        if name:
            if name in names_seen:
                notes.add("heading-repeated", f"department heading {heading} repeats the one at line {names_seen[name]}", first)
            else:
                names_seen[name] = first
        if section.para is not None and not section.items and item_level is not None:
            notes.add("heading-without-items", f"heading {heading} has no numbered items", first)
        items = _items(section, dep_id, notes)
        intro_parts = ([intro_head] if intro_head else []) + [p.text for p in section.intro]
        last = max([first] + [p.last_line for group in section.items for p in group] + [p.last_line for p in section.intro])
        departments.append(
            Department(
                id=dep_id, number=number, numeral=numeral, name=name, label=label, heading=heading,
                # a headless section before the first heading continues the previous page
                continued=section.para is None and (page_continues or len(sections) > 1),
                intro="\n".join(intro_parts), items=tuple(items),
                span=SourceSpan(first_line=first, last_line=last),
            )
        )
    return departments


def _first_line(section: _Section) -> int:
    lines = [p.first_line for p in section.intro] + [g[0].first_line for g in section.items]
    return min(lines) if lines else 1


def _heading_parts(section: _Section, following: list[_Section]) -> tuple[int | None, str | None, str | None, str, str, str]:
    """(number, numeral, name, label, heading as written, rest of the heading paragraph)."""
    para = section.para
    if para is None:
        nxt = next((s.para for s in following if s.para is not None and s.para.number), None)
        if nxt is not None and nxt.number and nxt.number > 1:
            number = nxt.number - 1
            return number, int_to_cn(number) if nxt.numeral and not nxt.numeral.isdigit() else str(number), None, "", "", ""
        return None, None, None, "", "", ""
    rest = para.text[len(para.label):]
    sentence, mark, remainder = first_sentence(rest)
    name = sentence.strip() or None
    heading = para.label + sentence + mark
    return para.number, para.numeral, name, para.label, heading, remainder


def _unique(base: str, used: Counter[str]) -> str:
    used[base] += 1
    return base if used[base] == 1 else f"{base}_{used[base]}"


def _items(section: _Section, dep_id: str, notes: _Notes) -> list[WorkItem]:
    items: list[WorkItem] = []
    used: Counter[str] = Counter()
    previous: int | None = None
    for index, group in enumerate(section.items, start=1):
        first = group[0]
        label = first.label
        number = first.number if first.number is not None else index
        if first.number is not None and previous is not None and number != previous + 1:
            what = "repeats" if number == previous else "skips"
            notes.add("item-numbering", f"item number {number} {what} after {previous}", first.first_line)
        previous = number
        head = first.text[len(label):]
        if head[:1] in _FORMULA_START:
            notes.add("formula-like", f"item text starts with {head[:1]!r}; spreadsheets will hold it as text, never as a formula",
                      first.first_line)
        title, mark, rest, rule = make_title(head, len(group) > 1)
        body_parts = ([rest] if rest else []) + [p.text for p in group[1:]]
        body = "\n".join(body_parts)
        items.append(
            WorkItem(
                id=_unique(f"{dep_id}-i{number}", used),
                number=number, label=label, title=title, title_rule=rule,  # type: ignore[arg-type]
                title_mark=mark, body=body, text=title + mark + body,
                span=SourceSpan(first_line=first.first_line, last_line=group[-1].last_line),
            )
        )
    return items


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (used by exporters for width estimates)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")
