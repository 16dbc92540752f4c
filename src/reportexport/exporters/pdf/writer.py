"""Writing the PDF digest with reportlab (see the package docstring for the layout)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDocument, PDFFile, PDFName, PDFPage, PDFStream, PDFZCompress
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from ...errors import OutputError
from ...fontcache import release_pages
from ...model import Department, Diagnostic, Report
from .. import ExportOptions
from .digest import MUTED, RULE, DigestBuilder, DigestOptions, LazyStory, make_styles
from .fontsetup import PdfFonts, load_fonts
from .glyphs import glyph_warnings, missing_glyph_warnings
from .paragraph import CJKParagraph
from .summary import DigestSummary, digest_summary

__all__ = ["PAGE_MARGINS", "glyph_warnings", "missing_glyph_warnings", "write_digest", "write_digest_parts"]

#: (left = binding side, right, top, bottom) in points.
PAGE_MARGINS = (28 * mm, 22 * mm, 28 * mm, 24 * mm)
_TOTAL_FORM = "rxPageTotal"
_FOOTER_SIZE = 9.0


@contextmanager
def _plain_flate_streams() -> Iterator[None]:
    """Compressed streams without reportlab's default ASCII85 layer (``rl_config.useA85``):
    a quarter smaller, and pure-Python base-85 encoding is slow.  Restored afterwards."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _compress_now(page: PDFPage) -> None:
    """Compress a page's content stream now instead of when the document is saved.

    reportlab keeps every page's stream as text until ``save``: at 25,000 items about 55 MB
    of the PDF step's memory.  The stream is what ``PDFPage.check_format`` would make
    at ``save`` (same filter, same dictionary, same comment), so the file is byte for byte
    the same; only pages that would be compressed and have text are touched.
    """
    if not (page.compression and page.stream) or page.Contents or rl_config.useA85:
        return
    stream = PDFStream(content=PDFZCompress.encode(page.stream))
    stream.dictionary["Filter"] = PDFArray([PDFName(PDFZCompress.pdfname)])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


class _WrittenAsFormatted(PDFDocument):
    """A reportlab document that writes its file to ``sink`` object by object while saving.

    ``PDFDocument.format`` collects every formatted object in a ``PDFFile`` and joins them
    into one string that is then written: at 25,000 items the PDF worker grew by 60 MB
    while saving.  ``format`` announces its collector by assigning it to ``__accum__``;
    this property takes it there, writes what it already holds (the file header) and makes
    it write each later piece to ``sink`` at once.  The collector still counts the offsets
    the cross-reference table needs, and the joined rest it returns is empty, so the bytes
    are those of an ordinary save (``tests/exporters/test_pdf.py``).
    """

    sink: BinaryIO | None = None

    def Reference(self, obj: object, name: str | None = None) -> object:  # noqa: N802 (reportlab's name)
        """Register ``obj``.  After a font subset's file (made just before, when the document
        is saved), the pages of the mapped font files it read are given back
        (:func:`reportexport.fontcache.release_pages`): 25 MB of the four bundled files
        otherwise stay resident once every subset of a 25,000-item digest is made."""
        if name is not None and name.startswith("fontFile:"):
            for font in self.delayedFonts:
                release_pages(font)
        return super().Reference(obj, name)

    @property
    def __accum__(self) -> PDFFile:
        return self.__dict__["_collector"]

    @__accum__.setter
    def __accum__(self, collector: PDFFile) -> None:
        if self.sink is not None:
            for piece in collector.strings:
                self.sink.write(piece)
            collector.strings = []
            collector.write = self.sink.write
        self.__dict__["_collector"] = collector

    @__accum__.deleter
    def __accum__(self) -> None:
        del self.__dict__["_collector"]


@dataclass
class _Order:
    """How the pages drawn (body first, then the front matter) are put in reading order."""

    #: The page (as drawn) the cover is on; None until the front matter is drawn.
    front_from: int | None = None
    #: Top-level outline entries (departments) drawn before the cover's.
    outline_before: int = 0
    #: The PDF's keywords, known when the front matter's summary is.
    keywords: list[str] = field(default_factory=list)

    def body_pages(self) -> int:
        return (self.front_from or 1) - 1


def _footer_at() -> tuple[float, float]:
    """Where the footer's ``第 X 页`` ends and ``共 Y 页`` starts (between them), and its baseline."""
    left, right, _, bottom = PAGE_MARGINS
    return left + (A4[0] - left - right) / 2, bottom - 30


class _FrontStart(Flowable):
    """Marks the first page of the front matter (the cover), drawn after the body."""

    def __init__(self, order: _Order) -> None:
        super().__init__()
        self.order = order

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        outline = self.canv._doc.outline
        self.order.front_from = self.canv.getPageNumber()
        self.order.outline_before = len(outline.levelstack[0]) if outline.levelstack else 0


def _canvas_class(footer_font: str, order: _Order) -> type[Canvas]:
    """A canvas that compresses each page as it ends; when saved, it fills in the page-total
    form and the body pages' numbers, puts the front matter before the body (pages and
    outline), opens the outline and writes the file as it is formatted."""

    class DigestCanvas(Canvas):
        def __init__(self, *args: object, **kw: object) -> None:
            super().__init__(*args, **kw)
            self._doc.__class__ = _WrittenAsFormatted  # only adds the two hooks above

        def showPage(self) -> None:
            super().showPage()
            _compress_now(self._doc.Pages.pages[-1])

        def _number_body_pages(self, front_pages: int) -> None:
            """Each body page's ``第 X 页``, known once the front matter is drawn: a content
            stream of its own, added to the page's (which is compressed already)."""
            cx, y = _footer_at()
            for k, page in enumerate(self._doc.Pages.pages[: order.body_pages()], front_pages + 1):
                text = f"第 {k} 页"
                line = self.beginText(cx - 3 - stringWidth(text, footer_font, _FOOTER_SIZE), y)
                line.setFont(footer_font, _FOOTER_SIZE)
                line.setFillColor(MUTED)
                line.textOut(text)
                code = f"q {line.getCode()} Q"
                _compress_now(page)  # if it was not as it ended
                if page.Contents is None:  # not compressed (reportlab without page compression)
                    page.stream += "\n" + code
                else:
                    page.Contents = PDFArray([page.Contents, PDFStream(content=code)])

        def _front_first(self, total: int) -> None:
            body = order.body_pages()
            self._number_body_pages(total - body)
            pages = self._doc.Pages.pages
            pages[:] = pages[body:] + pages[:body]
            outline = self._doc.outline
            if outline.levelstack:
                outline.addOutlineEntry(None)  # close the tree: every level folded into the top one
                outline.currentlevel = 0  # reportlab's close leaves it; its own close at save would fail
                top, n = outline.levelstack[0], order.outline_before
                top[:] = top[n:] + top[:n]

        def save(self) -> None:
            total = self.getPageNumber() - 1 if not self._code else self.getPageNumber()
            self.beginForm(_TOTAL_FORM)
            self.setFont(footer_font, _FOOTER_SIZE)
            self.setFillColor(MUTED)
            self.drawString(0, 0, f"共 {total} 页")
            self.endForm()
            self._front_first(total)
            self.setKeywords(order.keywords)
            self.showOutline()
            target = self._filename
            if hasattr(target, "write"):
                self._doc.sink = target
                super().save()
                return
            with open(target, "wb") as sink:
                self._doc.sink = self._filename = sink
                super().save()

    return DigestCanvas


class _DigestTemplate(BaseDocTemplate):
    """One frame per page; header and footer drawn by :meth:`decorate` when the page ends,
    when it is known whether the page is in the body or in the front matter."""

    def __init__(self, path: str, fonts: PdfFonts, header: CJKParagraph | None, order: _Order, **kw: object) -> None:
        left, right, top, bottom = PAGE_MARGINS
        super().__init__(path, pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top,
                         bottomMargin=bottom, **kw)
        self.fonts = fonts
        self.header = header
        self.order = order
        frame = Frame(left, bottom, A4[0] - left - right, A4[1] - top - bottom, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self.decorate)])

    def decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """The running header (on every page but the cover) and the footer ``第 X 页 共 Y 页``.
        A body page's number is added when the document is saved (the canvas's
        ``_number_body_pages``), the total is a form filled in then."""
        left, right, top, _ = PAGE_MARGINS
        width = A4[0] - left - right
        drawn = canv.getPageNumber()
        front = self.order.front_from
        page = drawn - front + 1 if front is not None and drawn >= front else None  # None: in the body
        canv.saveState()
        if page != 1 and self.header is not None:
            self.header.wrapOn(canv, width, 20)
            y = A4[1] - top + 10
            self.header.drawOn(canv, left, y)
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.5)
            canv.line(left, y - 3, left + width, y - 3)
        font = self.fonts["song"]
        canv.setFont(font, _FOOTER_SIZE)
        canv.setFillColor(MUTED)
        cx, y = _footer_at()
        if page is not None:
            canv.drawRightString(cx - 3, y, f"第 {page} 页")
        canv.translate(cx + 3, y)
        canv.doForm(_TOTAL_FORM)
        canv.restoreState()


def write_digest(report: Report, path: Path, options: ExportOptions) -> list[Diagnostic]:
    """Write the digest of ``report`` to ``path``; returns the warnings (characters no font has)."""
    summary = digest_summary(report, options.settings.document.continued_name)
    missing = write_digest_parts(report, report.departments, lambda: summary, path, options)
    return glyph_warnings(report, missing, options)


def _story(builder: DigestBuilder, order: _Order) -> Iterator[Flowable]:
    """The body, then (from a new page) the front matter: the cover and the overview table
    need the whole report's numbers, the body only its departments, so a worker that gets
    them one at a time draws each as it comes.  The canvas puts the front matter first."""
    drawn = False
    for flowable in builder.body():
        drawn = True
        yield flowable
    if drawn:
        yield PageBreak()
    yield _FrontStart(order)
    yield from builder.front()


def write_digest_parts(report: Report, departments: Iterable[Department], summary: Callable[[], DigestSummary],
                       path: Path, options: ExportOptions) -> list[tuple[str, str]]:
    """Write the digest of ``report`` with its ``departments`` drawn as they come (``report``
    itself may have none: a worker that gets them one at a time), then the cover and
    overview of what ``summary()`` returns once the last department is drawn.  Returns the
    (context, character) pairs no font could draw, for :func:`glyph_warnings` in the
    process that has the whole report."""
    fonts = load_fonts(options)
    styles = make_styles(fonts)
    settings = options.settings
    left, right, _, _ = PAGE_MARGINS
    width = A4[0] - left - right
    digest = DigestOptions(full=options.full, continued_name=settings.document.continued_name)
    order = _Order()
    keywords = ["重点工作", "全文" if options.full else "摘要"]
    if report.year:
        keywords.append(f"{report.year}年")

    def summary_then_keywords() -> DigestSummary:
        got = summary()
        order.keywords = keywords + [d.name for d in got.departments if d.name]
        return got

    builder = DigestBuilder(report, fonts, styles, digest, width, summary_then_keywords, departments)
    title = report.title or report.source.name or "工作报告"
    header = CJKParagraph(title, styles.header, fonts.book, context="header")
    doc = _DigestTemplate(
        str(path), fonts, header, order,
        title=title,
        subject=("重点工作全文" if options.full else "重点工作摘要") + (f"（{report.source.name}）" if report.source.name else ""),
        author=settings.document.author,
        creator=f"reportexport {options.tool_version}".strip(),
        invariant=1,
        pageCompression=1,
        lang="zh-CN",
        displayDocTitle=1,
        initialFontName=fonts["song"],
        initialFontSize=10.5,
    )
    try:
        with _plain_flate_streams():
            doc.build(LazyStory(_story(builder, order)), canvasmaker=_canvas_class(fonts["song"], order))
    except OSError as exc:
        raise OutputError(f"cannot write the PDF: {exc.strerror or exc}", path=str(path)) from None
    return list(fonts.book.missing)
