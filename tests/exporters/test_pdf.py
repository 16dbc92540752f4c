"""The PDF digest, read back with pdffonts, pdftotext and pypdf."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportexport.config import DocumentSettings, Settings
from reportexport.exporters import ExportOptions, get_exporter
from reportexport.model import Department, Metric, Recognition, RecognitionType, Report, SourceInfo, WorkItem

from ..conftest import need_program

WS = re.compile(r"\s+")
PAGE_LABELS = re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页")


def export(report: Report, path: Path, **options: object) -> Path:
    exporter = get_exporter("pdf")
    exporter.export(report, path, ExportOptions(**options))  # type: ignore[arg-type]
    return path


def squeeze(text: str) -> str:
    return WS.sub("", text)


def body_text(pages: list[str], title: str) -> str:
    """Text of all pages joined, without the running header (title) and the page labels."""
    out = []
    for n, page in enumerate(pages):
        page = squeeze(page)
        if n > 0 and title:
            page = page.replace(squeeze(title), "", 1)
        out.append(PAGE_LABELS.sub("", page))
    return "".join(out)


def pdftotext_pages(path: Path) -> list[str]:
    exe = need_program("pdftotext")
    out = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def pypdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def outline_tree(path: Path) -> list[tuple[str, list[str]]]:
    """[(top-level title, [child titles])] of the PDF outline."""
    reader = PdfReader(path)
    tree: list[tuple[str, list[str]]] = []
    for entry in reader.outline:
        if isinstance(entry, list):
            tree[-1][1].extend(e.title for e in entry if not isinstance(e, list))
        else:
            tree.append((entry.title, []))
    return tree


def item(dep: int, n: int, title: str, body: str, facts: tuple = ()) -> WorkItem:
    return WorkItem(id=f"d{dep}-i{n}", number=n, label=f"{n}.", title=title, title_rule="sentence",
                    title_mark="。", body=body, text=f"{title}。{body}", facts=facts)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory, sample_report) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    return {
        "digest": export(sample_report, folder / "digest.pdf"),
        "full": export(sample_report, folder / "full.pdf", full=True),
    }


# --------------------------------------------------------------------------- fonts


@pytest.mark.client
@pytest.mark.parametrize("kind", ["digest", "full"])
def test_only_embedded_subset_fonts(sample_pdfs, kind) -> None:
    exe = need_program("pdffonts")
    out = subprocess.run([exe, str(sample_pdfs[kind])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        name, cols = row.split()[0], row.split()
        # columns: name type encoding emb sub uni object ID (type may be two words)
        emb, sub = cols[-5], cols[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.match(r"^[A-Z]{6}\+", name), row
    assert "Helvetica" not in out


# --------------------------------------------------------------------------- text read back


@pytest.mark.client
def test_every_item_title_reads_back(sample_report, sample_pdfs) -> None:
    for pages in (pdftotext_pages(sample_pdfs["digest"]), pypdf_pages(sample_pdfs["digest"])):
        text = squeeze("".join(pages))
        missing = [i.title for _, i in sample_report.items() if squeeze(i.title) not in text]
        assert not missing
        assert squeeze(sample_report.title) in text


@pytest.mark.client
def test_full_mode_gives_back_every_item_text_exactly(sample_report, sample_pdfs) -> None:
    path = sample_pdfs["full"]
    for name, pages in (("pdftotext", pdftotext_pages(path)), ("pypdf", pypdf_pages(path))):
        text = body_text(pages, sample_report.title)
        missing = [i.id for _, i in sample_report.items() if squeeze(i.text) not in text]
        assert not missing, (name, missing)


def test_digest_shows_first_sentence_not_whole_text(sample_report, sample_pdfs) -> None:
    text = body_text(pypdf_pages(sample_pdfs["digest"]), sample_report.title)
    dep, first = sample_report.items()[1]
    assert squeeze(first.title) in text
    long_items = [i for _, i in sample_report.items() if i.body.count("。") >= 3]
    assert long_items and all(squeeze(i.text) not in text for i in long_items)


def test_printed_lines_obey_line_breaking_rules(sample_pdfs) -> None:
    """Read the lines back from the PDF itself (pypdf keeps one line per text line)."""
    lines = [ln.strip() for page in pypdf_pages(sample_pdfs["full"]) for ln in page.splitlines() if ln.strip()]
    assert len(lines) > 200
    bad_start = [ln[:8] for ln in lines if ln[0] in "，。、；：？！）」』”’》〉】〕…"]
    bad_end = [ln[-8:] for ln in lines if ln[-1] in "（「『“‘《〈【〔"]
    assert bad_start == [] and bad_end == []


# --------------------------------------------------------------------------- outline, metadata


def test_outline_has_cover_departments_and_items(sample_report, sample_pdfs) -> None:
    for path in sample_pdfs.values():
        tree = outline_tree(path)
        assert tree[0] == ("封面", [])
        departments = tree[1:]
        assert len(departments) == len(sample_report.departments) == 16
        assert sum(len(children) for _, children in departments) == sample_report.item_count == 61
        for (title, children), dep in zip(departments, sample_report.departments):
            assert children == [f"{i.label}{i.title}" for i in dep.items]
            if dep.name:
                assert dep.name in title
        reader = PdfReader(path)
        assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_front_matter_drawn_last_comes_first_in_page_order(sample_report, sample_pdfs) -> None:
    """The cover and the overview are drawn after the departments (they need the whole
    report's numbers) and put first: pages, footers and outline all read in order."""
    for path in sample_pdfs.values():
        reader = PdfReader(path)
        pages = pdftotext_pages(path)[: len(reader.pages)]
        total = len(reader.pages)
        assert "重点工作摘要版" in pages[0] or "重点工作全文版" in pages[0]
        assert "部门（单位）一览" in pages[1] and "部门（单位）一览" not in pages[0]
        first = sample_report.departments[0]
        starts = [n for n, page in enumerate(pages) if squeeze(first.items[0].title) in squeeze(page)]
        assert starts and starts[0] >= 2  # the first department after the overview
        for n, page in enumerate(pages, 1):  # body pages' numbers are forms filled in at the end
            assert re.findall(r"第\s*(\d+)\s*页", page) == [str(n)], (n, page[-60:])
            assert re.findall(r"共\s*(\d+)\s*页", page) == [str(total)]
        where = [reader.get_destination_page_number(entry) for entry in reader.outline if not isinstance(entry, list)]
        assert where[0] == 0 and where[1] >= 2 and where == sorted(where)


def test_metadata_and_language(tiny_report, tmp_path) -> None:
    settings = Settings(document=DocumentSettings(author="市委督查室"))
    path = export(tiny_report, tmp_path / "t.pdf", settings=settings)
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta.title == tiny_report.title
    assert meta.author == "市委督查室"
    assert "摘要" in meta.subject
    assert "潍坊日报社" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_continued_section_uses_configured_name(tmp_path) -> None:
    report = Report(title="报告", departments=(
        Department(id="d12", number=12, numeral="十二", name=None, continued=True,
                   items=(item(12, 2, "建设红色智库", "编报《决策参阅》12期。"),)),
        Department(id="d13", number=13, numeral="十三", name="潍坊日报社", heading="十三、潍坊日报社",
                   items=(item(13, 1, "围绕中心发出正能量最强音", "阅读量10万+。"),)),
    ))
    plain = outline_tree(export(report, tmp_path / "a.pdf"))
    assert [t for t, _ in plain[1:]] == ["（续上版）", "十三、潍坊日报社"]
    named = Settings(document=DocumentSettings(continued_name="市委党校"))
    tree = outline_tree(export(report, tmp_path / "b.pdf", settings=named))
    assert tree[1][0].startswith("市委党校")


# --------------------------------------------------------------------------- facts


def test_key_figures_are_highlighted_in_the_hei_font(tmp_path) -> None:
    text = "推进港口建设。潍坊港进港航道工程总投资9378.72万元，群众满意率87%以上，获省委主要领导批示肯定。"
    title = "推进港口建设"
    body = text[len(title) + 1:]
    s1 = text.index("9378.72万元")
    s2 = text.index("87%以上")
    s3 = text.index("省委主要领导批示肯定")
    facts = (
        Metric(raw="9378.72万元", start=s1, end=s1 + 9, value=93787200, unit="元"),
        Metric(raw="87%以上", start=s2, end=s2 + 5, value=0.87, unit="%", qualifier="以上"),
        Recognition(raw="省委主要领导批示肯定", start=s3, end=s3 + 10, type=RecognitionType.endorsement, by="省委主要领导"),
    )
    wi = WorkItem(id="d1-i1", number=1, label="1.", title=title, title_rule="sentence", title_mark="。",
                  body=body, text=text, facts=facts)
    report = Report(title="报告", departments=(Department(id="d1", number=1, numeral="一", name="市港航局",
                                                          heading="一、市港航局", items=(wi,)),))
    path = export(report, tmp_path / "f.pdf")
    runs: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):
        if text and font is not None:
            runs.append((text, str(font.get("/BaseFont", ""))))

    reader = PdfReader(path)
    pages_text = "".join(p.extract_text(visitor_text=visit) for p in reader.pages)
    hei = "".join(t for t, f in runs if "WenQuanYi" in f)
    song = "".join(t for t, f in runs if "WenQuanYi" not in f)
    assert "9378.72万元" in hei and "87%以上" in hei
    assert "9378.72" not in song
    flat = squeeze(pages_text)
    assert "关键数据：9378.72万元、87%以上" in flat
    assert "肯定与荣誉：省委主要领导批示肯定" in flat
    assert "批示肯定" in flat  # cover figures include endorsements once facts exist


# --------------------------------------------------------------------------- hard cases


def test_rare_characters_emoji_and_a_very_long_item(tmp_path) -> None:
    filler = "围绕市委、市政府中心工作，以策划为引领，阅读量10万+及播放量100万以上的作品达到数百件，经费9378.72万元。"
    long_body = (filler * (10000 // len(filler) + 1))[:10000]
    rare = item(1, 1, "表彰张堃、李喆等先进个人", "活动现场气氛热烈😀，群众点赞。")
    long_item = item(1, 2, "超长事项", long_body)
    report = Report(title="测试报告", source=SourceInfo(name="rare.txt"), departments=(
        Department(id="d1", number=1, numeral="一", name="测试部门", heading="一、测试部门", items=(rare, long_item)),
    ))
    exporter = get_exporter("pdf")
    path = tmp_path / "rare.pdf"
    exporter.export(report, path, ExportOptions(full=True))
    warnings = exporter.last_warnings
    # 堃 and 喆 are drawn (from the role font or a fallback) and copy back; nothing warned for them
    text = body_text(pypdf_pages(path), report.title)
    assert "张堃、李喆" in text
    assert not [w for w in warnings if "字符“堃”" in w.message or "字符“喆”" in w.message]
    # the emoji: no bundled font has it -> a warning naming the item and the character
    assert any("字符“😀”" in w.message and "d1-i1" in w.message for w in warnings), warnings
    assert all(w.code == "pdf-missing-glyph" for w in warnings)
    # the 10,000-character item flows over several pages and reads back whole
    assert squeeze(long_item.text) in text
    reader = PdfReader(path)
    pages_with_long = [n for n, p in enumerate(reader.pages) if "9378.72万元" in (p.extract_text() or "")]
    assert len(pages_with_long) >= 5
    assert pages_with_long == list(range(pages_with_long[0], pages_with_long[-1] + 1))
    # the missing character is still there for copy-paste (ActualText), as pdftotext shows
    assert "😀" in "".join(pdftotext_pages(path))


def test_overview_table_repeats_its_header(tmp_path) -> None:
    deps = tuple(
        Department(id=f"d{n}", number=n, numeral=str(n), name=f"第{n}个部门（单位）", heading=f"{n}、第{n}个部门（单位）",
                   items=(item(n, 1, f"第{n}项重点工作", "正文。"),))
        for n in range(1, 121)
    )
    path = export(Report(title="多部门报告", departments=deps), tmp_path / "many.pdf")
    pages = pypdf_pages(path)
    table_pages = [p for p in pages if "序号" in p]
    assert len(table_pages) >= 2
    assert all("部门（单位）" in p and "事项" in p for p in table_pages)
    assert len(outline_tree(path)) == 121


def test_overview_table_made_a_page_at_a_time_shows_every_row_once_in_order(tmp_path) -> None:
    """The overview is laid out a page at a time (a batch of rows tried, doubled while it
    fits): every department once, in order, then the first department on the next page."""
    count = 300
    names = [f"{'长' * (n % 23)}部门{n:03d}号" for n in range(1, count + 1)]  # some rows wrap
    body = "正文，新增就业岗位120个。"

    def counted(n: int) -> WorkItem:
        start = len(f"第{n}项重点工作。") + body.index("120个")
        return item(n, 1, f"第{n}项重点工作", body, facts=(Metric(raw="120个", start=start, end=start + 4, value=120,
                                                                   unit="个"),))

    deps = tuple(Department(id=f"d{n}", number=n, numeral=str(n), name=name, heading=f"{n}、{name}",
                            items=(counted(n),)) for n, name in enumerate(names, 1))
    pages = [squeeze(p) for p in pdftotext_pages(export(Report(title="多部门报告", departments=deps), tmp_path / "o.pdf"))]
    table = [n for n, page in enumerate(pages) if "序号部门（单位）事项批示肯定获奖关键数据" in page]
    assert len(table) >= 8 and table == list(range(1, table[-1] + 1))
    found = [int(m) for n in table for m in re.findall(r"部门(\d{3})号", pages[n])]
    assert found == list(range(1, count + 1))
    assert f"1、{names[0]}" in pages[table[-1] + 1]


def test_paged_table_takes_more_rows_while_they_fit(tmp_path) -> None:
    """Rows so short that more than a batch fit on a page: the batch is doubled, and every
    row still appears once, in order, with the header on each page."""
    from reportexport.exporters.pdf.digest import PagedTable

    count = 1000
    pages = pdftotext_pages(_paged_table_pdf(tmp_path / "rows.pdf", count, size=4, leading=5, padding=0))[:-1]
    per_page = [re.findall(r"r(\d{4})", page) for page in pages]
    assert all(page.split()[0] == "head" for page in pages)
    assert min(len(found) for found in per_page[:-1]) > PagedTable.BATCH
    assert [int(n) for found in per_page for n in found] == list(range(count))


def _paged_table_pdf(path: Path, count: int, *, size: float, leading: float, padding: float,
                     made: list[int] | None = None) -> Path:
    """A PDF of one ``PagedTable`` of ``count`` one-cell rows ``r0000``… under a ``head`` row;
    ``made`` gets the number of rows of each call for rows."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, TableStyle

    from reportexport.exporters.pdf.digest import PagedTable

    def rows(start: int, stop: int) -> list[list[str]]:
        if made is not None:
            made.append(stop - start)
        return [[f"r{n:04d}"] for n in range(start, stop)]

    def style(last: bool) -> TableStyle:
        return TableStyle([("FONTSIZE", (0, 0), (-1, -1), size), ("LEADING", (0, 0), (-1, -1), leading),
                           ("TOPPADDING", (0, 0), (-1, -1), padding), ("BOTTOMPADDING", (0, 0), (-1, -1), padding)])

    SimpleDocTemplate(str(path), pagesize=A4).build([PagedTable(["head"], count, rows, [100.0], style)])
    return path


def test_two_runs_give_identical_bytes(tiny_report, tmp_path) -> None:
    a = export(tiny_report, tmp_path / "a.pdf")
    b = export(tiny_report, tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()
    c = export(tiny_report, tmp_path / "c.pdf", full=True)
    d = export(tiny_report, tmp_path / "d.pdf", full=True)
    assert c.read_bytes() == d.read_bytes() != a.read_bytes()


def test_tiny_report_texts(tiny_report, tmp_path) -> None:
    path = export(tiny_report, tmp_path / "tiny.pdf", full=True)
    text = body_text(pypdf_pages(path), tiny_report.title)
    for _, wi in tiny_report.items():
        assert squeeze(wi.text) in text
    pages = PdfReader(path).pages
    assert "共" in (pages[0].extract_text() or "") and f"共{len(pages)}页" in squeeze(pages[-1].extract_text() or "")


@pytest.mark.parametrize("full", [False, True], ids=["digest", "full"])
def test_lazy_story_gives_the_same_pdf_as_the_whole_story(sample_report: Report, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, full: bool) -> None:
    import reportexport.exporters.pdf.writer as writer
    from reportexport.exporters import get_exporter

    options = ExportOptions(full=full)
    get_exporter("pdf").export(sample_report, tmp_path / "lazy.pdf", options)
    monkeypatch.setattr(writer, "LazyStory", list)  # the whole story first, as platypus usually gets it
    get_exporter("pdf").export(sample_report, tmp_path / "whole.pdf", options)
    assert (tmp_path / "lazy.pdf").read_bytes() == (tmp_path / "whole.pdf").read_bytes()


def test_pages_compressed_as_they_end_give_the_same_pdf(sample_report: Report, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import reportexport.exporters.pdf.writer as writer

    kept: dict[int, object] = {}  # each page as it was first compressed
    compress = writer._compress_now

    def watched(page) -> None:  # noqa: ANN001
        compress(page)
        kept.setdefault(id(page), (page.stream, page.Contents.content[:2]))

    monkeypatch.setattr(writer, "_compress_now", watched)
    get_exporter("pdf").export(sample_report, tmp_path / "early.pdf", ExportOptions())
    # every page's text was dropped at its end, leaving zlib data (0x78 ...) behind
    assert kept and all(stream is None and head[:1] == b"\x78" for stream, head in kept.values())
    monkeypatch.setattr(writer, "_compress_now", lambda page: None)  # reportlab compresses at save
    get_exporter("pdf").export(sample_report, tmp_path / "at_save.pdf", ExportOptions())
    early, at_save = PdfReader(tmp_path / "early.pdf").pages, PdfReader(tmp_path / "at_save.pdf").pages
    assert len(early) == len(at_save) == len(kept)
    # the same drawing on every page (a body page's number is a second stream when compressed
    # early, and appended to its one stream when reportlab compresses)
    assert [p.get_contents().get_data().split() for p in early] == [
        p.get_contents().get_data().split() for p in at_save]
    # a page with one stream (the front matter) is byte for byte what reportlab writes
    single = [(a["/Contents"].get_object(), b["/Contents"].get_object()) for a, b in zip(early, at_save)
              if not isinstance(a["/Contents"].get_object(), list)]
    assert single and all(a._data == b._data and dict(a) == dict(b) for a, b in single)


def test_written_as_formatted_gives_the_same_pdf_with_nothing_joined_in_memory(
        sample_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportexport.exporters.pdf.writer as writer
    from reportlab.pdfbase.pdfdoc import PDFDocument

    joined: list[int] = []
    get_data = PDFDocument.GetPDFData
    monkeypatch.setattr(PDFDocument, "GetPDFData", lambda self, canvas: joined.append(
        len(data := get_data(self, canvas))) or data)
    released: list[str] = []
    release = writer.release_pages

    def watched(font) -> None:  # noqa: ANN001
        release(font)
        released.append(font.fontName)

    monkeypatch.setattr(writer, "release_pages", watched)
    get_exporter("pdf").export(sample_report, tmp_path / "streamed.pdf", ExportOptions())
    assert joined == [0]  # every object went to the file as it was formatted
    subsets = {id(font["/FontDescriptor"]["/FontFile2"].get_object())
               for page in PdfReader(tmp_path / "streamed.pdf").pages
               for font in page["/Resources"]["/Font"].values() if "/FontDescriptor" in font.get_object()}
    # after each subset was made, the pages of every font file of the digest were given back
    assert len(subsets) > 4 and len(released) == len(subsets) * len(set(released)) >= 2 * len(subsets)
    # reportlab's own save: the document as Canvas makes it
    monkeypatch.setattr(writer, "_WrittenAsFormatted", PDFDocument)
    get_exporter("pdf").export(sample_report, tmp_path / "joined.pdf", ExportOptions())
    assert joined[-1] == (tmp_path / "joined.pdf").stat().st_size
    assert (tmp_path / "streamed.pdf").read_bytes() == (tmp_path / "joined.pdf").read_bytes()


def test_lazy_story_draws_ahead_only_a_window() -> None:
    from reportexport.exporters.pdf.digest import LazyStory

    drawn: list[int] = []

    def source():  # noqa: ANN202
        for n in range(1000):
            drawn.append(n)
            yield n

    story = LazyStory(source(), window=8)
    seen = []
    while len(story):
        assert len(drawn) - len(seen) <= 8  # never more than the window ahead of what was consumed
        if story[0] == 500:  # platypus puts split parts back at the front, and takes keep-with-next runs
            head = story[:3]
            del story[:3]
            story.insert(0, tuple(head))
            story[0:0] = ["split-a", "split-b"]
        seen.append(story[0])
        del story[0]
    assert seen[:500] == list(range(500))
    assert seen[500:503] == ["split-a", "split-b", (500, 501, 502)]
    assert seen[503:] == list(range(503, 1000))


def test_cover_chart_of_many_departments_stays_on_the_cover(tmp_path) -> None:
    """With more departments than the chart shows, the chart (the top 20) is squeezed onto the
    cover under its caption instead of leaving the cover half empty."""
    from reportexport.exporters.pdf.digest import MAX_CHART_BARS

    deps = tuple(
        Department(id=f"d{n}", number=n, numeral=str(n), name=f"第{n}部门", heading=f"{n}、第{n}部门",
                   items=tuple(item(n, k, f"第{n}-{k}项工作", "正文。") for k in range(1, 2 + n % 3)))
        for n in range(1, 46)
    )
    pages = pypdf_pages(export(Report(title="多部门报告", departments=deps), tmp_path / "many.pdf"))
    cover = squeeze(pages[0])
    assert f"各部门（单位）重点工作事项数（事项最多的{MAX_CHART_BARS}个）" in cover
    assert "第2部门" in cover and "第44部门" in cover  # 3 items each: among the top 20
    assert "各部门（单位）重点工作事项数" not in squeeze(pages[1])


def test_large_cover_figures_are_set_smaller_not_broken() -> None:
    """A province's batch: a six- or seven-digit figure fits its column on one line (217190, not 21719 / 0)."""
    from reportexport.exporters.pdf.digest import CELL_PADDING, DigestBuilder, DigestOptions, make_styles
    from reportexport.exporters.pdf.fontsetup import load_fonts
    from reportexport.exporters.pdf.summary import DepartmentFigures, DigestSummary

    def summary(items: int, endorsed: int, awards: int, others: int, metrics: int) -> DigestSummary:
        dep = DepartmentFigures(id="d1", short_name="省直", name="省直", items=items, endorsed=endorsed, awards=awards,
                                others=others, metrics=metrics, titles="")
        return DigestSummary((dep,), has_facts=True)

    fonts = load_fonts(ExportOptions())
    width = 453.5
    table = DigestBuilder(Report(title="省级汇编"), fonts, make_styles(fonts), DigestOptions(), width,
                          summary(250000, 300381, 150290, 597430, 2171900), ()).figures()
    values = table._cellvalues[0]
    assert [v.text for v in values] == ["1", "250000", "300381", "150290", "597430", "2171900"]
    for cell in values:
        cell.wrap(width / len(values) - 2 * CELL_PADDING, 1000)
        assert len(cell.lines) == 1, cell.text
    small = DigestBuilder(Report(title="市级"), fonts, make_styles(fonts), DigestOptions(), width,
                          summary(61, 30, 30, 44, 131), ()).figures()
    assert small._cellvalues[0][1].style.size == make_styles(fonts).figure.size  # small figures keep their size


def test_paged_table_makes_each_row_a_few_times_at_most(tmp_path) -> None:
    """Rows are made for the tables tried on each page; a page starts from about what the
    page before showed, and a table that found no room at the end of a page is tried again
    on the next instead of made again.  (Made afresh each time, a 25-row page cost 48-row
    batches three times: over 6 rows made per row.)"""
    from reportexport.exporters.pdf.digest import PagedTable

    count, made = 600, []
    path = _paged_table_pdf(tmp_path / "rows.pdf", count, size=10, leading=12, padding=9, made=made)
    per_page = [re.findall(r"r(\d{4})", page) for page in pdftotext_pages(path)]
    assert max(len(found) for found in per_page) < PagedTable.BATCH  # pages shorter than a first batch
    assert [int(n) for found in per_page for n in found] == list(range(count))
    assert sum(made) <= 3 * count


def test_front_matter_outline_with_sub_entries_last_saves(tmp_path) -> None:
    """The outline is closed and reordered at save; when the last entry drawn is a sub-entry
    (front matter with a sub-level), reportlab's own close at save must not fail, and the
    front matter's entry comes first with its sub-entry beneath it."""
    from reportlab.lib.pagesizes import A4

    from reportexport.exporters.pdf.writer import _canvas_class, _Order

    order = _Order(front_from=2, outline_before=1, keywords=["测试"])
    canvas = _canvas_class("Helvetica", order)(str(tmp_path / "o.pdf"), pagesize=A4)
    for key, level in (("dep", 0), ("dep-item", 1)):  # the body page
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(key, key, level)
    canvas.showPage()
    for key, level in (("cover", 0), ("cover-part", 1)):  # the front matter, drawn last
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(key, key, level)
    canvas.showPage()
    canvas.save()
    reader = PdfReader(str(tmp_path / "o.pdf"))

    def titles(entries: list) -> list:  # noqa: ANN001
        return [titles(e) if isinstance(e, list) else e.title for e in entries]

    assert titles(reader.outline) == ["cover", ["cover-part"], "dep", ["dep-item"]]
