"""The body of the Word summary, built as one WordprocessingML string in linear time.

python-docx's ``add_paragraph`` searches the body for every call, which makes a long
report quadratic (perf.md: 413 s for 55,000 paragraphs).  Here each paragraph is a few
string pieces appended to one list; ``replace_body`` (package ``__init__``) splices it into the
template's ``word/document.xml`` text, unparsed: 25,000 items take about a second.

Every paragraph, run and table names its style (ids looked up by role in
:mod:`.styles`); the only direct formatting is table geometry (``w:tblW``/``w:gridCol``/
``w:tcW``, given in both places because WPS reads the grid).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from operator import attrgetter
from typing import NamedTuple

from ...figures import item_metrics, recognition_counts
from ...model import Department, RecognitionType, Report, WorkItem

# Characters XML 1.0 cannot carry (C0 controls except tab/newline/CR, surrogates, FFFE/FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTINUED_MARK = "（续上版）"
#: Height of an overview table row (20 pt line + 3 pt above and below) in 28.95 pt lines.
TABLE_ROW_LINES = 520 / 579
_TITLE_BREAK_AFTER = "）)》」、，："


_ID_SAFE = re.compile(r"[^A-Za-z0-9]")


def safe_id(text: str) -> str:
    """``text`` reduced to ASCII letters and digits (for bookmark names)."""
    return _ID_SAFE.sub("", text)


#: Characters counted half width: everything below the CJK radicals (U+2E80).  Compiled
#: when first needed (by ``re``'s cache): 1.4 ms that most summaries never use.
_NARROW = r"[\x00-\u2e7f]"
#: High bytes of the UTF-16 code units from U+2E00 up: deleting them leaves the narrow ones.
_HIGH_FROM_2E00 = bytes(range(0x2E, 0x100))


def _width(text: str) -> float:
    """Width in full-width characters (ASCII letters and digits count half).

    The narrow characters are counted on the high bytes of the text's UTF-16 code units, in
    C (half the time of a regex ``findall``); a text with a character from U+2E00 to U+2E7F
    (rare) is counted by the regex.
    """
    high = text.encode("utf-16-be", "surrogatepass")[0::2]
    if 0x2E in high:
        return len(text) - 0.5 * len(re.findall(_NARROW, text))
    return len(text) - 0.5 * len(high.translate(None, _HIGH_FROM_2E00))


def split_title(title: str, per_line: int) -> list[str]:
    """The title in balanced lines (GB/T 9704: 回行时要做到词意完整，排列对称).

    A title that fits stays one line.  Otherwise it is cut into as few lines as fit, each
    cut placed near an even share of the width, preferring a place just after a closing
    bracket or a pause mark (``市直部门（单位）`` / ``2023年度重点工作开展情况``) and never
    inside a run of digits or Latin letters.
    """
    total = _width(title)
    if total <= per_line or per_line < 4:
        return [title]
    n_lines = math.ceil(total / per_line)
    lines: list[str] = []
    rest = title
    for k in range(n_lines - 1, 0, -1):
        target = _width(rest) / (k + 1)
        best: tuple[float, int] | None = None
        acc = 0.0
        for i, ch in enumerate(rest[:-1]):
            acc += _width(ch)
            if acc > per_line:
                break
            nxt = rest[i + 1]
            if ch.isascii() and ch.isalnum() and nxt.isascii() and nxt.isalnum():
                continue
            if nxt in "，。、；：？！）》」”":
                continue
            score = abs(acc - target) - (3.0 if ch in _TITLE_BREAK_AFTER else 0.0)
            if best is None or score < best[0]:
                best = (score, i + 1)
        cut = best[1] if best else max(1, len(rest) // (k + 1))
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return lines


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped for element content (what ``xml.sax.saxutils.escape``
    does; importing that module pulls in urllib and ssl, 15 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_text(text: str) -> str:
    """``text`` escaped for element content, with characters XML cannot hold removed."""
    if _INVALID_XML.search(text):
        text = _INVALID_XML.sub("", text)
    return escape(text)


class Layout(NamedTuple):
    """What the builder needs to know about the page and the styles.

    (The value types of this module are named tuples and a plain class, not dataclasses:
    making four dataclasses took 4 ms of every summary written in a fresh process.)"""

    ids: dict[str, str]  # role -> styleId
    text_width: int = 8844  # twips between the margins
    chars_per_line: int = 27  # full-width characters of body text per line
    title_chars_per_line: int = 20  # the same for the 22 pt title
    lines_per_page: int = 22

    @classmethod
    def for_width(cls, ids: dict[str, str], text_width: int) -> Layout:
        """The layout of a page ``text_width`` twips wide with the styles ``ids``."""
        return cls(
            ids=ids,
            text_width=text_width,
            chars_per_line=max(10, text_width // 320),  # 三号 = 16 pt = 320 twips a character
            title_chars_per_line=max(6, text_width // 440 - 1),  # 二号 = 22 pt, one character spare
        )


class Counts(NamedTuple):
    """Per-department figures for the overview."""

    items: int = 0
    endorsements: int = 0
    awards: int = 0
    done: int = 0


class _PageEstimate:
    """A rough line count, to pre-fill the table of contents with page numbers.

    Inactive (``active`` false: a summary without a table of contents) it counts no text:
    measuring every line took a fifth of the body's time at 2,500 items, for page numbers
    nothing shows."""

    def __init__(self, layout: Layout, active: bool = True) -> None:
        self.layout = layout
        self.active = active
        self.lines = 0.0
        self.pages: dict[str, int] = {}

    def add_text(self, text: str, indent: int = 2, chars_per_line: int | None = None) -> None:
        if not self.active:
            return
        per_line = chars_per_line or self.layout.chars_per_line
        width = indent + _width(text)
        self.lines += max(1, math.ceil(width / per_line))

    def add_lines(self, lines: float) -> None:
        self.lines += lines

    def new_page(self) -> None:
        per_page = self.layout.lines_per_page
        self.lines = math.ceil(self.lines / per_page) * per_page

    def mark(self, key: str) -> None:
        self.pages[key] = int(self.lines // self.layout.lines_per_page) + 1


class BodyBuilder:
    """Collects the body XML of one summary as UTF-8 pieces (half the memory of ``str``
    pieces for this mostly-ASCII markup); :meth:`xml` joins them."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.ids = layout.ids
        self.parts: list[bytes] = []
        self._bookmark = 0

    # ------------------------------------------------------------------ primitives
    def run(self, text: str, role: str | None = None) -> str:
        """One run (tabs become ``w:tab``); ``role`` names a character style."""
        rpr = f'<w:rPr><w:rStyle w:val="{self.ids[role]}"/></w:rPr>' if role else ""
        body = xml_text(text)
        if "\t" in body:
            body = body.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        return f'<w:r>{rpr}<w:t xml:space="preserve">{body}</w:t></w:r>'

    def para(self, role: str, runs: str, ppr_extra: str = "") -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{self.ids[role]}"/>{ppr_extra}</w:pPr>{runs}</w:p>'

    def add(self, xml: str) -> None:
        self.parts.append(xml.encode("utf-8"))

    def bookmark(self, name: str, runs: str) -> str:
        self._bookmark += 1
        n = self._bookmark
        return f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{n}"/>'

    def xml(self) -> bytes:
        return b"".join(self.parts)

    # ------------------------------------------------------------------ blocks
    def body_paragraphs(self, text: str, lead: str = "", lead_role: str | None = None) -> None:
        """Paragraphs of ``text`` (one per line) in Body Text; ``lead`` runs in before the first."""
        lines = text.split("\n") if text else []
        if not lines:
            lines = [""]
        first = True
        for line in lines:
            runs = ""
            if first and lead:
                runs = self.run(lead, lead_role)
            if line:
                runs += self.run(line)
            if runs or first:
                self.add(self.para("body", runs))
            first = False

    def table(self, headers: list[str], rows: list[list[str]], weights: list[float]) -> None:
        """A table in the Overview Table style: widths in ``w:tblW``, ``w:gridCol`` and ``w:tcW``."""
        total = self.layout.text_width
        scale = total / sum(weights)
        widths = [int(w * scale) for w in weights]
        widths[-1] = total - sum(widths[:-1])
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        out = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.ids["table"]}"/>'
            f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>"
        ]
        for r, cells in enumerate([headers, *rows]):
            role = "table_header" if r == 0 else "table_text"
            tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if r == 0 else "<w:trPr><w:cantSplit/></w:trPr>"
            tcs = "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                f"{self.para(role, self.run(text))}</w:tc>"
                for w, text in zip(widths, cells)
            )
            out.append(f"<w:tr>{tr_pr}{tcs}</w:tr>")
        out.append("</w:tbl>")
        self.add("".join(out))


# --------------------------------------------------------------------------- report


def department_heading(dep: Department, continued_name: str | None) -> str:
    """The heading line: as written (``十三、潍坊日报社``), or one that says it is continued."""
    if dep.continued and not dep.name:
        name = f"{continued_name}{CONTINUED_MARK}" if continued_name else CONTINUED_MARK
        if continued_name and dep.numeral:
            return f"{dep.numeral}、{name}"
        return name
    if dep.heading and dep.name:  # as written; a heading without a name gets the display name
        return dep.heading
    label = dep.label or (f"{dep.numeral}、" if dep.numeral else "")
    return f"{label}{dep.display_name}"


def department_name(dep: Department, continued_name: str | None) -> str:
    """The department as named in the overview table."""
    if dep.continued and not dep.name:
        return f"{continued_name}{CONTINUED_MARK}" if continued_name else CONTINUED_MARK
    return dep.display_name


def count(dep: Department, done_status: str | None) -> Counts:
    """Items, endorsements (批示肯定), awards (获奖) and finished items of one department."""
    counts = recognition_counts(dep.items)
    done = sum(1 for item in dep.items if item.status == done_status) if done_status is not None else 0
    return Counts(items=len(dep.items), endorsements=counts[RecognitionType.endorsement],
                  awards=counts[RecognitionType.award], done=done)


_START = attrgetter("start")


def key_figures(item: WorkItem) -> list[str]:
    """The raw text of the item's metrics, in text order, without repeats."""
    return list(dict.fromkeys([f.raw for f in sorted(item_metrics(item), key=_START)]))


def _facts_present(report: Report) -> bool:
    return any(item.facts for dep in report.departments for item in dep.items)


def _statuses_present(report: Report) -> bool:
    return any(item.status for dep in report.departments for item in dep.items)


class BodyOptions(NamedTuple):
    brief: bool = False
    toc: bool = False
    continued_name: str | None = None
    done_status: str = "已完成"
    fallback_title: str = "工作情况汇总"


def overview_sentence(report: Report, totals: Counts, with_facts: bool, with_status: bool, opts: BodyOptions) -> str:
    """One sentence of totals: departments, items, endorsements and awards, finished items."""
    named = sum(1 for d in report.departments if not (d.continued and not d.name))
    continued = len(report.departments) - named
    text = f"本汇总共收录{named}个部门（单位）"
    if continued:
        text += "及续接上版的内容"
    text += f"，重点工作{totals.items}项"
    if with_facts:
        text += f"；获批示肯定{totals.endorsements}次，获奖{totals.awards}项"
    if with_status:
        text += f"；{opts.done_status}{totals.done}项"
    return text + "。"


def build_body(report: Report, layout: Layout, opts: BodyOptions) -> list[bytes]:
    """The body XML (without ``w:sectPr``) of the summary of ``report``, as UTF-8 pieces in
    order (joined only as they are compressed into the package)."""
    b = BodyBuilder(layout)
    est = _PageEstimate(layout, active=opts.toc)
    with_facts = _facts_present(report)
    with_status = _statuses_present(report)
    deps = list(report.departments)
    bookmarks = [f"_Toc_{i + 1}_{safe_id(dep.id)}"[:40] for i, dep in enumerate(deps)]
    headings = [department_heading(dep, opts.continued_name) for dep in deps]

    title = report.title or opts.fallback_title
    if opts.brief:
        title += "（摘要）"
    title_lines = split_title(title, layout.title_chars_per_line)
    b.add(b.para("title", '<w:r><w:br/></w:r>'.join(b.run(line) for line in title_lines)))
    est.add_lines(len(title_lines) + 1)

    toc_at = len(b.parts) if opts.toc else None
    if opts.toc:  # the XML is inserted at the end; the overview starts a new page
        est.add_lines(2 + len(deps))
        est.new_page()

    # overview: one sentence and one row per department
    per_dep = [count(dep, opts.done_status if with_status else None) for dep in deps]
    totals = Counts(
        items=sum(c.items for c in per_dep),
        endorsements=sum(c.endorsements for c in per_dep),
        awards=sum(c.awards for c in per_dep),
        done=sum(c.done for c in per_dep),
    )
    sentence = overview_sentence(report, totals, with_facts, with_status, opts)
    b.add(b.para("body", b.run(sentence), "<w:pageBreakBefore/>" if opts.toc else ""))
    est.add_text(sentence)
    headers = ["序号", "部门", "事项数"]
    weights = [1.0, 4.2, 1.3]
    if with_facts:
        headers += ["批示肯定", "获奖"]
        weights += [1.5, 1.3]
    if with_status:
        headers.append(opts.done_status)
        weights.append(1.4)

    def cells(c: Counts) -> list[str]:
        row = [str(c.items)]
        if with_facts:
            row += [str(c.endorsements), str(c.awards)]
        if with_status:
            row.append(str(c.done))
        return row

    rows = [[str(i + 1), department_name(dep, opts.continued_name), *cells(c)] for i, (dep, c) in enumerate(zip(deps, per_dep))]
    rows.append(["", "合计", *cells(totals)])
    b.table(headers, rows, weights)
    est.add_lines((len(rows) + 1) * TABLE_ROW_LINES + 0.2)

    for dep, heading, mark in zip(deps, headings, bookmarks):
        est.mark(mark)
        b.add(b.para("heading1", b.bookmark(mark, b.run(heading))))
        est.add_text(heading)
        if dep.intro and not opts.brief:
            b.body_paragraphs(dep.intro)
            for line in dep.intro.split("\n"):
                est.add_text(line)
        for item in dep.items:
            _item(b, est, item, opts.brief)

    if toc_at is not None:
        b.parts[toc_at:toc_at] = [piece.encode("utf-8") for piece in _toc(b, headings, bookmarks, est.pages)]
    return b.parts


def _item(b: BodyBuilder, est: _PageEstimate, item: WorkItem, brief: bool) -> None:
    """One item: the bold title run in with its body, or on its own line when it has no mark."""
    lead = f"{item.label}{item.title}"
    if brief:
        figures = key_figures(item)
        runs = b.run(lead + "。", "item_title")
        if figures:
            runs += b.run("关键数据：", "key_figures") + b.run("、".join(figures) + "。")
        b.add(b.para("body", runs))
        if est.active:
            est.add_text(lead + "关键数据：" + "、".join(figures))
        _tracking(b, est, item)
        return
    if item.title_mark == "":
        b.add(b.para("heading2", b.run(lead)))
        est.add_text(lead)
        if item.body:
            b.body_paragraphs(item.body)
    else:
        b.body_paragraphs(item.body, lead=lead + item.title_mark, lead_role="item_title")
    if est.active:
        lines = (item.body or "").split("\n")
        if item.title_mark:
            lines[0] = lead + item.title_mark + lines[0]
        for line in lines:
            est.add_text(line)
    _tracking(b, est, item)


def tracking_text(item: WorkItem) -> str:
    """``完成状态：已完成；责任人：张三；备注：…`` from the tracking sheet, or ''."""
    parts = [f"{label}：{value}" for label, value in (("完成状态", item.status), ("责任人", item.owner), ("备注", item.note))
             if value]
    return "；".join(parts) + "。" if parts else ""


def _tracking(b: BodyBuilder, est: _PageEstimate, item: WorkItem) -> None:
    """The item's tracking fields (status, owner, note) as a line of their own."""
    if not (item.status or item.owner or item.note):
        return
    text = tracking_text(item)
    if text:
        b.add(b.para("body", b.run(text, "key_figures")))
        est.add_text(text)


def _toc(b: BodyBuilder, headings: list[str], bookmarks: list[str], pages: dict[str, int]) -> Iterator[str]:
    """A TOC field whose result already lists the departments (with estimated pages).

    Word and WPS show the entries as they are until the field is updated (F9 / 更新域),
    which also corrects the page numbers; LibreOffice shows them as they are.
    """
    yield b.para("toc_heading", b.run("目　录"))
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    if not headings:
        yield b.para("toc1", begin + b.run("（无部门）") + end)
        return
    last = len(headings) - 1
    for i, (heading, mark) in enumerate(zip(headings, bookmarks)):
        page = pages.get(mark, 1)
        entry = (
            f'<w:hyperlink w:anchor="{mark}" w:history="1">{b.run(heading)}<w:r><w:tab/></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> PAGEREF {mark} \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r><w:t>{page}</w:t></w:r>"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>'
        )
        yield b.para("toc1", (begin if i == 0 else "") + entry + (end if i == last else ""))

