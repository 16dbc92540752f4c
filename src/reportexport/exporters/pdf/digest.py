"""The story of the PDF digest: cover, overview table, departments and items.

Every text goes through :class:`~.paragraph.CJKParagraph` (our line breaking and font
fallback); the chart is drawn with reportlab graphics in the embedded hei font.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from ...figures import item_metrics, item_recognitions
from ...model import Department, Report, WorkItem
from .fontsetup import PdfFonts
from .paragraph import REPLACEMENT, CJKParagraph, FontBook, Span, TextStyle
from .summary import DepartmentFigures, DigestSummary

INK = HexColor("#1a1a1a")
MUTED = HexColor("#5b5b5b")
ACCENT = HexColor("#9e1b1b")  # key figures and headings' rule
BAR = HexColor("#3b6ea5")
BAR2 = HexColor("#c8863b")
RULE = HexColor("#b9b9b9")
HEAD_BG = HexColor("#e9edf3")

#: At most this many departments are drawn in the cover chart (the ones with most items): as
#: many as fit below the overview figures with bars still wide enough to read.
MAX_CHART_BARS = 20
#: Points of height per department in the chart: the usual pitch, and the least the chart is
#: squeezed to when that keeps it on the cover (one series of bars; two with facts).
CHART_PITCH = {1: 15.0, 2: 22.0}
CHART_MIN_PITCH = {1: 8.0, 2: 12.0}
#: The chart's height beyond its bars (axis labels, legend).
CHART_FRAME = 46.0
#: Left and right padding of a table cell (reportlab's default).
CELL_PADDING = 6.0

#: End of a sentence: 。！？ (with closing quotes/brackets that follow it).
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")


@dataclass(frozen=True)
class Styles:
    """The digest's text styles (A4, body 10.5 pt = 五号)."""

    cover_title: TextStyle
    cover_sub: TextStyle
    figure: TextStyle
    figure_label: TextStyle
    section: TextStyle
    h1: TextStyle
    h2: TextStyle
    body: TextStyle
    keys: TextStyle
    meta: TextStyle
    cell: TextStyle
    cell_head: TextStyle
    header: TextStyle


def make_styles(fonts: PdfFonts) -> Styles:
    """Styles bound to the registered role fonts."""
    song, hei, kai = fonts["song"], fonts["hei"], fonts["kai"]
    body = TextStyle(song, size=10.5, leading=18.5, color=INK, indent_chars=2, align="justify")
    return Styles(
        cover_title=TextStyle(fonts["title"], size=22, leading=32, color=INK, align="center", space_after=10),
        cover_sub=TextStyle(kai, size=11, leading=18, color=MUTED, align="center"),
        figure=TextStyle(hei, size=20, leading=26, color=ACCENT, align="center"),
        figure_label=TextStyle(kai, size=9.5, leading=14, color=MUTED, align="center"),
        section=TextStyle(hei, size=13, leading=20, color=INK, align="left", space_before=14, space_after=6,
                          keep_with_next=True),
        h1=TextStyle(hei, size=15, leading=24, color=INK, align="left", space_before=16, space_after=6,
                     keep_with_next=True),
        h2=TextStyle(hei, size=11.5, leading=19, color=INK, align="left", space_before=7, space_after=2,
                     keep_with_next=True),
        body=body,
        keys=body.derive(font=kai, size=10, leading=17, color=MUTED, space_after=2),
        meta=body.derive(font=kai, size=9.5, leading=15, color=MUTED, indent_chars=2),
        cell=TextStyle(song, size=9.5, leading=14, color=INK, align="left"),
        cell_head=TextStyle(hei, size=9.5, leading=14, color=INK, align="center"),
        header=TextStyle(song, size=8.5, leading=11, color=MUTED, align="center"),
    )


@dataclass(frozen=True)
class DigestOptions:
    full: bool = False
    continued_name: str | None = None


class Anchor(Flowable):
    """A zero-size flowable that drops a bookmark and an outline entry where it lands."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        self.canv.addOutlineEntry(self.title, self.key, self.level)


# --------------------------------------------------------------------------- helpers


def department_title(dep: Department, continued_name: str | None) -> str:
    """Heading of a department: ``十三、潍坊日报社``; the continued section by its display name."""
    if dep.continued and not dep.name:
        return f"{continued_name}（续上版）" if continued_name else dep.display_name
    if dep.heading and dep.name:  # as written; a heading without a name gets the display name
        return dep.heading
    return f"{dep.label}{dep.display_name}" if dep.label else dep.display_name


def first_sentence_end(text: str, start: int) -> int:
    """Offset just after the first sentence of ``text[start:]`` (the whole rest when none ends)."""
    m = _SENTENCE_END.search(text, start)
    return m.end() if m else len(text)


def highlighted(
    text: str,
    a: int,
    b: int,
    ranges: Sequence[tuple[int, int]],
    font: str,
    color: Color,
) -> list[Span]:
    """Spans of ``text[a:b]`` with the characters in ``ranges`` drawn in ``font``/``color``."""
    spans: list[Span] = []
    pos = a
    for start, end in sorted(ranges):
        start, end = max(start, pos), min(end, b)
        if start >= end:
            continue
        if pos < start:
            spans.append(Span(text[pos:start]))
        spans.append(Span(text[start:end], font, color))
        pos = end
    if pos < b:
        spans.append(Span(text[pos:b]))
    return spans


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def fitted(style: TextStyle, texts: Sequence[str], width: float) -> TextStyle:
    """``style``, made smaller when the widest of ``texts`` would not fit ``width`` on one
    line: a province's 217190 key figures must not break into ``21719`` / ``0``."""
    widest = max((pdfmetrics.stringWidth(t, style.font, style.size) for t in texts), default=0.0)
    if widest <= width:
        return style
    scale = 0.97 * width / widest
    return style.derive(size=style.size * scale, leading=style.leading * scale)


class FittedChart(Flowable):
    """The cover chart under its ``heading``, kept together.  Its bars are squeezed (down to
    :data:`CHART_MIN_PITCH`) when that keeps it in the space left on the cover; otherwise both
    go to the next page at the usual size.  (A heading kept with the next flowable would not
    do: platypus measures such a pair with unlimited height, so the chart could never know
    the space left.)"""

    def __init__(self, builder: DigestBuilder, heading: CJKParagraph, deps: Sequence[DepartmentFigures]) -> None:
        super().__init__()
        self.builder, self.heading, self.deps = builder, heading, deps
        self.drawing: Drawing | None = None
        self.heading_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, heading = self.heading.wrap(availWidth, availHeight)
        self.heading_height = heading + self.heading.getSpaceAfter()
        room = availHeight - self.heading_height
        bars = max(len(self.deps), 1)
        pitch = self.builder.chart_pitch(bars)
        if bars * pitch + CHART_FRAME > room:
            squeezed = (room - CHART_FRAME) / bars
            if squeezed >= CHART_MIN_PITCH[self.builder.chart_series()]:
                pitch = squeezed
        self.drawing = self.builder.chart(self.deps, pitch)
        width, chart = self.drawing.wrap(availWidth, room)
        self.width, self.height = max(width, availWidth), self.heading_height + chart
        return self.width, self.height

    def draw(self) -> None:
        assert self.drawing is not None
        self.drawing.drawOn(self.canv, 0, 0)
        self.heading.drawOn(self.canv, 0, self.height - self.heading_height + self.heading.getSpaceAfter())


# --------------------------------------------------------------------------- builder


class DigestBuilder:
    """Builds the flowables of one report: :meth:`body` (the departments), then :meth:`front`
    (the cover and the overview table), which the writer puts before the body.

    ``report`` gives the title, source and the text around the departments; the departments
    come from ``departments``, one at a time: ``report.departments`` or a stream of them
    (``report`` may then have none).  The cover and the overview table are drawn from
    ``summary`` (see :mod:`.summary`), or from what the callable ``summary`` returns when
    the front matter is made, after the last department: a worker that gets the departments
    as the report is read gets the summary last."""

    def __init__(self, report: Report, fonts: PdfFonts, styles: Styles, options: DigestOptions,
                 frame_width: float, summary: DigestSummary | Callable[[], DigestSummary],
                 departments: Iterable[Department]) -> None:
        self.report = report
        self.fonts = fonts
        self.book: FontBook = fonts.book
        self.st = styles
        self.opt = options
        self.width = frame_width
        self._summary = summary
        self.departments = departments
        self._keys: set[str] = set()

    @property
    def summary(self) -> DigestSummary:
        """The cover's and the overview's numbers (asked for once, when first needed)."""
        if not isinstance(self._summary, DigestSummary):
            self._summary = self._summary()
        return self._summary

    @property
    def has_facts(self) -> bool:
        return self.summary.has_facts

    # -------------------------------------------------------------- utilities
    def para(self, spans: str | Iterable[Span], style: TextStyle, **kw: object) -> CJKParagraph:
        return CJKParagraph(spans, style, self.book, **kw)  # type: ignore[arg-type]

    def key(self, wanted: str) -> str:
        """A unique bookmark key."""
        key, n = wanted, 2
        while key in self._keys:
            key, n = f"{wanted}-{n}", n + 1
        self._keys.add(key)
        return key

    # -------------------------------------------------------------- story
    def body(self) -> Iterator[Flowable]:
        """The departments' flowables (with ``full``: the text before and after them), a
        department's at a time (see :class:`LazyStory`)."""
        if self.opt.full and self.report.preamble.strip():
            for text in self.report.preamble.split("\n"):
                if text.strip():
                    yield self.para(text.strip(), self.st.body, context="preamble")
        for n, dep in enumerate(self.departments, 1):
            yield from self.department(n, dep)
        if self.opt.full and self.report.trailer.strip():
            for text in self.report.trailer.split("\n"):
                if text.strip():
                    yield self.para(text.strip(), self.st.meta, context="trailer")

    def front(self) -> Iterator[Flowable]:
        """The cover and, from the next page, the overview table."""
        yield from self.cover()
        yield PageBreak()
        yield from self.overview_table()

    def cover(self) -> list[Flowable]:
        r, st = self.report, self.st
        title = r.title or (r.source.name or "工作报告")
        flow: list[Flowable] = [Anchor(self.key("cover"), "封面", 0), Spacer(1, 36)]
        flow.append(self.para(title, st.cover_title, context="title"))
        mode = "全文版" if self.opt.full else "摘要版"
        flow.append(self.para(f"重点工作{mode}", st.cover_sub.derive(font=self.fonts["hei"], size=13, leading=22,
                                                                  color=INK), context="title"))
        src = []
        if r.source.name:
            src.append(f"来源：{r.source.name}")
        pages = []
        if r.continued_from_page:
            pages.append(f"上接第{r.continued_from_page}版")
        if r.continues_on_page:
            pages.append(f"下转第{r.continues_on_page}版")
        if pages:
            src.append("（" + "，".join(pages) + "）")
        if src:
            flow.append(self.para("".join(src), st.cover_sub, context="source"))
        if r.source.sha256:
            flow.append(self.para(f"SHA-256 {r.source.sha256[:16]}…", st.cover_sub.derive(size=8.5, leading=14),
                                  context="source"))
        flow.append(Spacer(1, 18))
        flow.append(self.figures())
        flow.append(Spacer(1, 20))
        deps = self.chart_departments()
        caption = "各部门（单位）重点工作事项数"
        if len(deps) < len(self.summary.departments):
            caption += f"（事项最多的{len(deps)}个）"
        heading = self.para(caption, st.section.derive(align="center", space_before=0, keep_with_next=False),
                            context="chart")
        flow.append(FittedChart(self, heading, deps))
        return flow

    def figure_values(self) -> list[tuple[str, str]]:
        """(value, label) pairs of the overview figures."""
        s = self.summary
        values = [(str(len(s.departments)), "部门（单位）"), (str(s.total("items")), "重点工作事项")]
        if self.has_facts:
            values += [(str(s.total("endorsed")), "批示肯定"), (str(s.total("awards")), "获奖"),
                       (str(s.total("others")), "入选刊发"), (str(s.total("metrics")), "关键数据")]
        return values

    def figures(self) -> Table:
        values = self.figure_values()
        col = self.width / len(values)
        figure = fitted(self.st.figure, [v for v, _ in values], col - 2 * CELL_PADDING)
        row1 = [self.para(v, figure, context="figures") for v, _ in values]
        row2 = [self.para(label, self.st.figure_label, context="figures") for _, label in values]
        table = Table([row1, row2], colWidths=[col] * len(values), hAlign="CENTER")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), self.fonts["song"], 9.5),  # no default Helvetica
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, ACCENT),
            ("LINEAFTER", (0, 0), (-2, -1), 0.3, RULE),
            ("TOPPADDING", (0, 0), (-1, 0), 8),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ]))
        return table

    def chart_label(self, text: str, font: str, context: str) -> str:
        """``text`` for a chart string in ``font``: characters it lacks are reported and drawn as □."""
        if self.book.covers(font, text):
            return text
        out = []
        for ch in text:
            if ch in self.book.charsets[font]:
                out.append(ch)
            else:
                self.book.note_missing(context, ch)
                out.append(REPLACEMENT)
        return "".join(out)

    def chart_departments(self) -> list[DepartmentFigures]:
        """The departments charted: all, or the :data:`MAX_CHART_BARS` with most items (in order)."""
        deps = list(self.summary.departments)
        if len(deps) <= MAX_CHART_BARS:
            return deps
        ranked = sorted(range(len(deps)), key=lambda k: (-deps[k].items, k))[:MAX_CHART_BARS]
        return [deps[k] for k in sorted(ranked)]

    def chart(self, deps: Sequence[DepartmentFigures], pitch: float | None = None) -> Drawing:
        """Horizontal bars: items (and endorsements/awards when facts exist) per department,
        ``pitch`` points of height each (default :data:`CHART_PITCH`, less for many bars)."""
        hei = self.fonts["hei"]
        names = [self.chart_label(d.short_name, hei, "chart") for d in deps]
        items = [d.items for d in deps]
        data = [items[::-1]]
        series = ["事项"]
        if self.has_facts:
            praised = [d.endorsed + d.awards for d in deps]
            data.append(praised[::-1])
            series.append("批示肯定与获奖")
        size = 8.5
        label_w = max((pdfmetrics.stringWidth(n, hei, size) for n in names), default=40) + 8
        per_category = pitch if pitch is not None else self.chart_pitch(len(deps))
        plot_h = max(len(deps), 1) * per_category
        height = plot_h + CHART_FRAME
        drawing = Drawing(self.width, height)
        drawing.initialFontName = hei  # the renderer's initial font (else a stray Helvetica)
        drawing.initialFontSize = size
        chart = HorizontalBarChart()
        chart.x, chart.y = label_w, 18
        chart.width, chart.height = self.width - label_w - 30, plot_h
        chart.data = data
        chart.categoryAxis.categoryNames = names[::-1]
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = hei
            axis.labels.fontSize = size
            axis.strokeColor = RULE
        chart.categoryAxis.labels.fillColor = INK
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueStep = max(1, -(-max(items + [1]) // 8))
        chart.valueAxis.gridStrokeColor = HexColor("#e3e3e3")
        chart.valueAxis.visibleGrid = True
        chart.bars.strokeColor = None
        chart.bars[0].fillColor = BAR
        if len(data) > 1:
            chart.bars[1].fillColor = BAR2
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = hei
        chart.barLabels.fontSize = 7.5
        chart.barLabels.fillColor = MUTED
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        chart.groupSpacing = 3 if len(data) == 1 else 2
        drawing.add(chart)
        if len(data) > 1:
            legend = Legend()
            legend.fontName = hei
            legend.fontSize = size
            legend.x, legend.y = self.width - 10, height - 4
            legend.alignment = "right"
            legend.columnMaximum = 1
            legend.colorNamePairs = [(BAR, series[0]), (BAR2, series[1])]
            legend.deltax = 70
            legend.dxTextSpace = 4
            legend.boxAnchor = "ne"
            legend.strokeColor = None
            legend.strokeWidth = 0
            drawing.add(legend)
        else:
            drawing.add(String(self.width - 10, height - 12, "单位：项", fontName=hei, fontSize=size,
                               fillColor=MUTED, textAnchor="end"))
        return drawing

    def chart_series(self) -> int:
        """Bars per department: items, and endorsements with awards when facts exist."""
        return 2 if self.has_facts else 1

    def chart_pitch(self, bars: int) -> float:
        """The usual height per department for a chart of ``bars`` departments."""
        return min(CHART_PITCH[self.chart_series()], 440 / max(bars, 1))

    def overview_table(self) -> list[Flowable]:
        """A table of departments, laid out a page at a time (the header row on every page)."""
        head = ["序号", "部门（单位）", "事项", "主要工作"]
        widths = [0.08, 0.24, 0.08, 0.60]
        if self.has_facts:
            head = ["序号", "部门（单位）", "事项", "批示肯定", "获奖", "关键数据"]
            widths = [0.09, 0.43, 0.12, 0.12, 0.12, 0.12]
        table = PagedTable([self.para(h, self.st.cell_head, context="table") for h in head],
                           len(self.summary.departments), self.overview_rows,
                           [w * self.width for w in widths], self.overview_style)
        return [self.para("部门（单位）一览", self.st.h1.derive(space_before=0), context="table"), table,
                Spacer(1, 6)]

    def overview_rows(self, start: int, stop: int) -> list[list[Flowable]]:
        """The overview table's rows of departments ``start`` to ``stop`` (0-based, stop excluded)."""
        st = self.st
        rows = []
        for n, dep in enumerate(self.summary.departments[start:stop], start + 1):
            cells: list[Flowable] = [
                self.para(str(n), st.cell.derive(align="center"), context="table"),
                self.para(dep.short_name, st.cell, context="table"),
                self.para(str(dep.items), st.cell.derive(align="center"), context="table"),
            ]
            if self.has_facts:
                cells += [self.para(str(v), st.cell.derive(align="center"), context="table")
                          for v in (dep.endorsed, dep.awards, dep.metrics)]
            else:
                cells.append(self.para(dep.titles, st.cell.derive(align="justify"), context=dep.id))
            rows.append(cells)
        return rows

    def overview_style(self, last: bool) -> TableStyle:
        """The overview table's style on one page; ``last``: the page with the table's end."""
        return TableStyle([
            ("FONT", (0, 0), (-1, -1), self.fonts["song"], 9.5),  # no default Helvetica
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            *([("LINEBELOW", (0, -1), (-1, -1), 0.8, INK)] if last else []),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ])

    def department(self, n: int, dep: Department) -> list[Flowable]:
        st = self.st
        title = department_title(dep, self.opt.continued_name)
        flow: list[Flowable] = [
            self.para(title, st.h1, outline=(self.key(dep.id or f"d{n}"), title, 0), context=dep.id)
        ]
        if self.opt.full and dep.intro.strip():
            for text in dep.intro.split("\n"):
                if text.strip():
                    flow.append(self.para(text.strip(), st.body, context=dep.id))
        for item in dep.items:
            flow += self.full_item(item) if self.opt.full else self.digest_item(item)
        return flow

    def _outline(self, item: WorkItem) -> tuple[str, str, int]:
        return (self.key(item.id), f"{item.label}{item.title}", 1)

    def digest_item(self, item: WorkItem) -> list[Flowable]:
        """Title (hei), the body's first sentence with key figures highlighted, figure lines."""
        st, hei = self.st, self.fonts["hei"]
        flow: list[Flowable] = [
            self.para(f"{item.label}{item.title}", st.h2, outline=self._outline(item), context=item.id)
        ]
        text = item.text
        start = len(item.title) + len(item.title_mark)
        while start < len(text) and text[start] in "\n \u3000":
            start += 1
        if start < len(text):
            end = first_sentence_end(text, start)
            para_end = text.find("\n", start)
            if para_end != -1:
                end = min(end, para_end)
            ranges = [(m.start, m.end) for m in item_metrics(item)]
            flow.append(self.para(highlighted(text, start, end, ranges, hei, ACCENT), st.body, context=item.id))
        flow += self.fact_lines(item)
        return flow

    def fact_lines(self, item: WorkItem) -> list[Flowable]:
        """关键数据 / 肯定与荣誉 / tracking lines of an item, when there is anything to show."""
        flow: list[Flowable] = []
        for label, values, separator in (("关键数据：", _unique(m.raw for m in item_metrics(item)), "、"),
                                         ("肯定与荣誉：", _unique(r.raw for r in item_recognitions(item)), "；")):
            if values:
                flow.append(self.para(self._highlighted(label, values, separator), self.st.keys, context=item.id))
        return flow + self.tracking_line(item)

    def _highlighted(self, label: str, values: list[str], separator: str) -> list[Span]:
        """``label`` followed by ``values`` in the accent colour, separated by ``separator``."""
        spans = [Span(label)]
        for k, raw in enumerate(values):
            if k:
                spans.append(Span(separator))
            spans.append(Span(raw, self.fonts["hei"], ACCENT))
        return spans

    def tracking_line(self, item: WorkItem) -> list[Flowable]:
        """状态 / 责任人 / 备注 of an item (from the tracking sheet), when any is set."""
        tracking = [f"{label}：{value}" for label, value in (("状态", item.status), ("责任人", item.owner),
                                                              ("备注", item.note)) if value]
        return [self.para("　".join(tracking), self.st.meta, context=item.id)] if tracking else []

    def full_item(self, item: WorkItem) -> list[Flowable]:
        """The complete text: label and title in hei inline, figures highlighted."""
        st, hei = self.st, self.fonts["hei"]
        text = item.text
        ranges = [(m.start, m.end) for m in item_metrics(item)]
        flow: list[Flowable] = []
        pos = 0
        first = True
        for chunk in text.split("\n"):
            a, b = pos, pos + len(chunk)
            pos = b + 1
            if not chunk.strip() and not first:
                continue
            spans: list[Span] = []
            if first:
                spans.append(Span(item.label, hei))
                title_end = min(len(item.title), b)
                spans.append(Span(text[a:title_end], hei))
                spans += highlighted(text, title_end, b, ranges, hei, ACCENT)
                flow.append(self.para(spans, st.body.derive(space_before=5), outline=self._outline(item),
                                      context=item.id))
                first = False
            else:
                flow.append(self.para(highlighted(text, a, b, ranges, hei, ACCENT), st.body, context=item.id))
        return flow + self.tracking_line(item)


class PagedTable(Flowable):
    """A long table made a page at a time, its header row on every page.

    ``rows(start, stop)`` makes the rows it needs (0-based, ``stop`` excluded) and
    ``style(last)`` the style of a page's table (``last``: the one with the final row).  One
    ``Table`` of a 5,000-department overview holds every cell while it is laid out (about
    60 MB); this one holds a page's rows and a batch tried beyond them.
    """

    #: Rows tried for the first page at first (twice as many while they all fit); a later
    #: page starts from a quarter more than the page before it showed.
    BATCH = 48

    def __init__(self, head: list[Flowable], count: int, rows: Callable[[int, int], list[list[Flowable]]],
                 widths: list[float], style: Callable[[bool], TableStyle], start: int = 0,
                 batch: int | None = None) -> None:
        super().__init__()
        self.head, self.count, self.rows, self.widths, self.style, self.start = head, count, rows, widths, style, start
        self.batch = batch or self.BATCH
        self._whole: Table | None = None
        #: The table tried where not one row fitted (the rest of a full page): tried again
        #: on the next page instead of made again.
        self._tried: tuple[int, Table] | None = None

    def _table(self, stop: int) -> Table:
        table = Table([self.head, *self.rows(self.start, stop)], colWidths=self.widths, repeatRows=1)
        table.setStyle(self.style(stop >= self.count))
        return table

    def _rest(self, start: int, batch: int) -> PagedTable:
        return PagedTable(self.head, self.count, self.rows, self.widths, self.style, start, batch)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._whole = None
        if self.count - self.start <= self.BATCH:
            table = self._table(self.count)
            width, height = table.wrap(availWidth, availHeight)
            if height <= availHeight:
                self._whole = table
                return width, height
        return availWidth, availHeight + 1  # more than fits: the frame asks for a split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        batch = self.batch
        while True:
            stop = min(self.start + batch, self.count)
            tried = self._tried
            table = tried[1] if tried is not None and tried[0] == stop else self._table(stop)
            parts = table.split(availWidth, availHeight)
            if not parts:  # not even one row below the header: the next page
                self._tried = (stop, table)
                return []
            if len(parts) == 1 and stop < self.count:  # the batch fits whole: try more rows
                batch *= 2
                continue
            shown = self.start + len(parts[0]._cellvalues) - 1  # the rows on this page, without the header
            if shown >= self.count:
                return [self._table(self.count)]
            return [self._table(shown), self._rest(shown, (shown - self.start) * 5 // 4 + 1)]

    def draw(self) -> None:
        assert self._whole is not None, "a PagedTable is drawn after it fitted whole"
        self._whole.drawOn(self.canv, 0, 0)


class LazyStory(list):
    """The story handed to platypus, made as it is laid out.

    ``BaseDocTemplate.build`` consumes a list from the front (``flowables[0]``, ``del
    flowables[0]``, ``flowables[:i]`` for keep-with-next runs, ``insert(0, ...)`` for split
    parts).  This list keeps at most ``window`` flowables ahead, drawing more from
    ``source`` whenever its length or an item is asked for, so the paragraphs of a 25,000-item
    report are never all in memory at once (they took about 250 MB).  A keep-with-next run
    longer than the window would be cut; the digest's runs are two or three flowables.
    """

    def __init__(self, source: Iterable[Flowable], window: int = 64) -> None:
        super().__init__()
        self._source: Iterator[Flowable] | None = iter(source)
        self._window = window

    def _fill(self) -> None:
        missing = self._window - list.__len__(self)
        if missing > 0 and self._source is not None:
            more = list(islice(self._source, missing))
            if len(more) < missing:
                self._source = None
            self.extend(more)

    def __len__(self) -> int:
        self._fill()
        return list.__len__(self)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        self._fill()
        return list.__getitem__(self, index)
