"""The Word summary, read back with python-docx and its XML (and LibreOffice for layout)."""

from __future__ import annotations

import re
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as hst
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from reportexport.config import DocumentSettings, DocxFonts, DocxSettings, Settings
from reportexport.errors import ConfigError
from reportexport.exporters import ExportOptions, get_exporter
from reportexport.exporters.docx import styles as st
from reportexport.exporters.docx.body import split_title
from reportexport.model import (
    Department,
    Metric,
    Recognition,
    RecognitionType,
    Report,
    WorkItem,
)
from reportexport.resources import resource

from ..conftest import counted_item_by_item, need_program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WS = re.compile(r"\s+")


def export(report: Report, path: Path, **kw) -> Path:
    get_exporter("docx").export(report, path, ExportOptions(**kw))
    return path


def squash(text: str) -> str:
    return WS.sub("", text)


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def style_by_name(document, name: str):
    """python-docx style object by its (English) name, as Word stores it."""
    for style in document.styles:
        if style.name.lower() == name.lower():
            return style
    raise AssertionError(f"style {name!r} missing")


def rfonts(style) -> dict[str, str]:
    el = style.element.find(f"{W}rPr/{W}rFonts")
    return {} if el is None else {etree.QName(k).localname: v for k, v in el.attrib.items()}


def body_paragraphs(document) -> list:
    return list(document.element.body.iter(qn("w:p")))


def para_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def para_style_name(document, p) -> str | None:
    ps = p.find(f"{W}pPr/{W}pStyle")
    if ps is None:
        return None
    return document.styles.element.xpath(f'w:style[@w:styleId="{ps.get(qn("w:val"))}"]/w:name/@w:val')[0]


def item_title_runs(document, path: Path) -> list[str]:
    """Texts of runs in the Item Title character style, in document order."""
    ids = st.style_ids(document.styles.element)
    return [
        "".join(t.text for t in r.iter(qn("w:t")))
        for r in document.element.body.iter(qn("w:r"))
        if r.find(f"{W}rPr/{W}rStyle") is not None
        and r.find(f"{W}rPr/{W}rStyle").get(qn("w:val")) == ids["item_title"]
    ]


# ----------------------------------------------------------------------------- template


def test_reference_template_defines_every_style():
    ref = docx.Document(str(resource("templates", "reference.docx")))
    assert st.missing_roles(ref.styles.element) == []
    with zipfile.ZipFile(resource("templates", "reference.docx")) as zf:
        names = zf.namelist()
        assert not any("theme" in n for n in names), names
        for name in names:
            if name.endswith(".xml"):
                assert b"Theme=" not in zf.read(name) and b"cstheme" not in zf.read(name), name


def test_reference_template_is_reproducible(tmp_path):
    """The committed template is what tools/make_reference_docx.py builds, byte for byte."""
    out = tmp_path / "ref.docx"
    script = Path(__file__).resolve().parents[2] / "tools" / "make_reference_docx.py"
    subprocess.run(["python", str(script), "-o", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == resource("templates", "reference.docx").read_bytes()


# ----------------------------------------------------------------------------- layout


def test_page_setup_is_gbt9704(tiny_report, tmp_path):
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx")))
    sec = d.sections[-1]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)
    for got, want in [(sec.top_margin, 37), (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)]:
        assert abs(got - Mm(want)) < Mm(0.05), (got.mm, want)
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    settings = part_xml(tmp_path / "a.docx", "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None


@pytest.mark.parametrize(
    ("name", "size", "east_asia", "extra"),
    [
        ("Title", 22, "方正小标宋简体", "center"),
        ("heading 1", 16, "黑体", "outline0"),
        ("heading 2", 16, "楷体_GB2312", "outline1"),
        ("Body Text", 16, "仿宋_GB2312", "indent2"),
        ("Normal", 16, "仿宋_GB2312", "exact"),
        ("footer", 14, "宋体", None),
    ],
)
def test_style_sizes_and_east_asian_fonts(tiny_report, tmp_path, name, size, east_asia, extra):
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx")))
    style = style_by_name(d, name)
    assert style.font.size == Pt(size)
    fonts = rfonts(style)
    assert fonts["eastAsia"] == east_asia
    assert fonts["ascii"] == fonts["hAnsi"] == ("宋体" if name == "footer" else "Times New Roman")
    assert not any(k.endswith("Theme") or k == "cstheme" for k in fonts)
    ppr = style.element.find(f"{W}pPr")
    if extra == "center":
        assert ppr.find(f"{W}jc").get(qn("w:val")) == "center"
    elif extra and extra.startswith("outline"):
        assert ppr.find(f"{W}outlineLvl").get(qn("w:val")) == extra[-1]
    elif extra == "indent2":
        assert ppr.find(f"{W}ind").get(qn("w:firstLineChars")) == "200"
    elif extra == "exact":
        assert style.paragraph_format.line_spacing == Pt(28.95)
        assert str(style.paragraph_format.line_spacing_rule) .startswith("EXACTLY")


def test_no_theme_fonts_and_chinese_language(tiny_report, tmp_path):
    path = export(tiny_report, tmp_path / "a.docx")
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                data = zf.read(name)
                assert b"Theme=" not in data and b"w:cstheme" not in data, name
    styles = part_xml(path, "word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert docx.Document(str(path)).core_properties.language == "zh-CN"


def test_footers_page_field_odd_right_even_left(tiny_report, tmp_path):
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx")))
    sec = d.sections[-1]
    odd, even = sec.footer._element, sec.even_page_footer._element
    for footer in (odd, even):
        instr = "".join(t.text for t in footer.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        texts = [t.text for t in footer.iter(qn("w:t"))]
        assert texts[0] == "— " and texts[-1] == " —"
    jc = lambda f: f.find(f".//{W}pPr/{W}jc").get(qn("w:val"))  # noqa: E731
    assert (jc(odd), jc(even)) == ("right", "left")
    assert etree.tostring(odd) != etree.tostring(even)
    assert not sec.even_page_footer.is_linked_to_previous


# ----------------------------------------------------------------------------- content


def check_content(report: Report, path: Path) -> None:
    d = docx.Document(str(path))
    paras = body_paragraphs(d)
    headings = [para_text(p) for p in paras if para_style_name(d, p) == "heading 1"]
    assert headings == [dep.heading or dep.display_name for dep in report.departments]
    runs = item_title_runs(d, path)
    expected = [f"{i.label}{i.title}{i.title_mark}" for _, i in report.items() if i.title_mark]
    assert runs == expected
    whole = squash("".join(para_text(p) for p in paras))
    for dep, item in report.items():
        assert squash(item.text) in whole, item.id
        assert squash(item.label + item.title) in whole


def test_tiny_content_in_order(tiny_report, tmp_path):
    check_content(tiny_report, export(tiny_report, tmp_path / "a.docx"))


def test_sample_content_in_order(sample_report, tmp_path):
    assert len(sample_report.departments) == 16 and sample_report.item_count == 61
    check_content(sample_report, export(sample_report, tmp_path / "s.docx"))


def test_item_title_is_bold_and_runs_in(tiny_report, tmp_path):
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx")))
    p = next(p for p in d.paragraphs if p.text.startswith("1.围绕中心发出正能量最强音。"))
    assert p.style.name == "Body Text"
    assert p.runs[0].style.name == "Item Title" and p.runs[0].style.font.bold
    assert p.runs[0].text == "1.围绕中心发出正能量最强音。"
    assert p.runs[1].text.startswith("阅读量10万+")
    assert p.runs[1].style.name != "Item Title"


def _report_with(items: tuple[WorkItem, ...], **dep) -> Report:
    return Report(
        title="测试报告",
        departments=(Department(id="d1", number=1, numeral="一", name="市测试局", heading="一、市测试局", items=items, **dep),),
    )


def _wi(n: int, title: str, mark: str, body: str, **kw) -> WorkItem:
    return WorkItem(id=f"d1-i{n}", number=n, label=f"{n}.", title=title, title_rule="sentence",
                    title_mark=mark, body=body, text=title + mark + body, **kw)


def test_title_without_mark_stands_alone(tmp_path):
    rep = _report_with((_wi(1, "单独成行的标题", "", "正文第一段。\n正文第二段。"),))
    d = docx.Document(str(export(rep, tmp_path / "a.docx")))
    i = next(k for k, p in enumerate(d.paragraphs) if p.text == "1.单独成行的标题")
    assert d.paragraphs[i].style.name.lower() == "heading 2"
    assert [p.text for p in d.paragraphs[i + 1 : i + 3]] == ["正文第一段。", "正文第二段。"]
    assert all(p.style.name == "Body Text" for p in d.paragraphs[i + 1 : i + 3])


def _facts_report() -> Report:
    text = "获省委主要领导批示肯定，荣获一等奖，完成投资3.38亿元，增长87%。"
    def at(raw: str) -> tuple[int, int]:
        s = text.index(raw)
        return s, s + len(raw)
    facts = (
        Recognition(raw="批示肯定", start=at("批示肯定")[0], end=at("批示肯定")[1], type=RecognitionType.endorsement),
        Recognition(raw="一等奖", start=at("一等奖")[0], end=at("一等奖")[1], type=RecognitionType.award),
        Metric(raw="3.38亿元", start=at("3.38亿元")[0], end=at("3.38亿元")[1], value=338000000, unit="元"),
        Metric(raw="87%", start=at("87%")[0], end=at("87%")[1], value=0.87, unit="%"),
    )
    items = (
        _wi(1, "推进重点项目", "。", text, facts=facts, status="已完成"),
        _wi(2, "强化督查督办", "。", "开展督查3次。", status="推进中"),
    )
    return Report(
        title="测试报告",
        departments=(
            Department(id="d0", number=None, numeral="一", name=None, continued=True, items=(_wi(9, "续接事项", "。", "续接正文。"),)),
            Department(id="d2", number=2, numeral="二", name="市测试局", heading="二、市测试局", items=items),
        ),
    )


def test_overview_sentence_and_table_counts(tmp_path):
    d = docx.Document(str(export(_facts_report(), tmp_path / "a.docx")))
    sentence = next(p.text for p in d.paragraphs if p.text.startswith("本汇总"))
    assert "1个部门" in sentence and "3项" in sentence
    assert "批示肯定1次" in sentence and "获奖1项" in sentence and "已完成1项" in sentence
    table = d.tables[0]
    assert table.style.name == "Overview Table"
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "部门", "事项数", "批示肯定", "获奖", "已完成"]
    assert rows[1] == ["1", "（续上版）", "1", "0", "0", "0"]
    assert rows[2] == ["2", "市测试局", "2", "1", "1", "1"]
    assert rows[3] == ["", "合计", "3", "1", "1", "1"]
    tbl = table._tbl
    tbl_w = int(tbl.find(f"{W}tblPr/{W}tblW").get(qn("w:w")))
    grid = [int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol"))]
    assert sum(grid) == tbl_w == 11906 - 1587 - 1474
    tcw = [int(tc.find(f"{W}tcPr/{W}tcW").get(qn("w:w"))) for tc in tbl.find(f"{W}tr").iter(qn("w:tc"))]
    assert tcw == grid


def test_overview_table_of_the_sample_counts_as_figures_does(sample_report, tmp_path):
    d = docx.Document(str(export(sample_report, tmp_path / "sample.docx")))
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows][1:-1]
    expected = [[str(len(dep.items)), str(counted_item_by_item(dep.items, RecognitionType.endorsement)),
                 str(counted_item_by_item(dep.items, RecognitionType.award))]
                for dep in sample_report.departments]
    assert [row[2:5] for row in rows] == expected
    assert sum(int(row[3]) for row in rows) > 5 and sum(int(row[4]) for row in rows) > 5


def test_overview_without_facts_has_only_counts(tiny_report, tmp_path):
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx")))
    assert [c.text for c in d.tables[0].rows[0].cells] == ["序号", "部门", "事项数"]


def test_continued_section_heading(tmp_path):
    rep = _facts_report()
    d = docx.Document(str(export(rep, tmp_path / "a.docx")))
    heads = [p.text for p in d.paragraphs if p.style.name.lower() == "heading 1"]
    assert heads == ["（续上版）", "二、市测试局"]
    settings = Settings(document=DocumentSettings(continued_name="市委党校"))
    d = docx.Document(str(export(rep, tmp_path / "b.docx", settings=settings)))
    heads = [p.text for p in d.paragraphs if p.style.name.lower() == "heading 1"]
    assert heads == ["一、市委党校（续上版）", "二、市测试局"]


def test_brief_has_titles_and_key_figures_only(tmp_path):
    d = docx.Document(str(export(_facts_report(), tmp_path / "a.docx", brief=True)))
    texts = [p.text for p in d.paragraphs]
    assert "1.推进重点项目。关键数据：3.38亿元、87%。" in texts
    assert "2.强化督查督办。" in texts
    assert not any("获省委主要领导" in t for t in texts)
    assert d.core_properties.subject.endswith("（摘要）")


def test_toc_lists_departments_before_any_update(sample_report, tmp_path):
    path = export(sample_report, tmp_path / "a.docx", toc=True)
    d = docx.Document(str(path))
    body = d.element.body
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert instr[0].strip().startswith("TOC \\o")
    entries = [p for p in body.iter(qn("w:p")) if para_style_name(d, p) == "toc 1"]
    anchors = [h.get(qn("w:anchor")) for p in entries for h in p.iter(qn("w:hyperlink"))]
    names = [para_text(p) for p in entries]
    assert len(entries) == len(sample_report.departments)
    for name, dep in zip(names, sample_report.departments):
        assert name.startswith(dep.heading or dep.display_name)
        assert re.search(r"\d+$", name), name  # a page number is already there
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert set(anchors) <= marks and len(set(anchors)) == len(anchors)
    fld = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert fld.count("begin") == fld.count("end")


def test_core_properties(tiny_report, tmp_path):
    settings = Settings(document=DocumentSettings(author="市委督查室"))
    props = docx.Document(str(export(tiny_report, tmp_path / "a.docx", settings=settings))).core_properties
    assert props.title == tiny_report.title
    assert props.author == "市委督查室"
    assert props.subject and props.language == "zh-CN"
    assert props.created.year == 2000 and props.modified == props.created


def test_two_runs_are_byte_identical(sample_report, tmp_path):
    for kw in ({}, {"toc": True, "brief": True}):
        a = export(sample_report, tmp_path / "a.docx", **kw).read_bytes()
        time.sleep(1.1)  # a zip entry date or a timestamp taken from the clock would differ
        b = export(sample_report, tmp_path / "b.docx", **kw).read_bytes()
        assert a == b


def test_long_title_breaks_in_balance():
    assert split_title("市直部门（单位）2023年度重点工作开展情况", 19) == ["市直部门（单位）", "2023年度重点工作开展情况"]
    assert split_title("短标题", 19) == ["短标题"]
    lines = split_title("关于" + "重点工作" * 10 + "的报告", 19)
    assert "".join(lines) == "关于" + "重点工作" * 10 + "的报告"
    assert len(lines) == 3 and max(map(len, lines)) <= 19


# ----------------------------------------------------------------------------- fonts & templates


def test_configured_fonts_reach_the_styles(tiny_report, tmp_path):
    settings = Settings(docx=DocxSettings(fonts=DocxFonts(title="华文中宋", latin="Arial")))
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx", settings=settings)))
    assert rfonts(style_by_name(d, "Title"))["eastAsia"] == "华文中宋"
    assert rfonts(style_by_name(d, "Body Text"))["ascii"] == "Arial"
    assert rfonts(style_by_name(d, "Body Text"))["eastAsia"] == "仿宋_GB2312"
    assert rfonts(style_by_name(d, "footer"))["ascii"] == "宋体"


def _python_docx_template(path: Path) -> Path:
    """A template as made by python-docx (theme fonts, Letter paper) with a Kai 12 pt body."""
    t = docx.Document()
    body = t.styles["Body Text"]
    body.font.size = Pt(12)
    rpr = body.element.get_or_add_rPr()
    rf = rpr.get_or_add_rFonts()
    rf.set(qn("w:eastAsia"), "楷体")
    rf.set(qn("w:ascii"), "Georgia")
    t.add_paragraph("模板里的正文，不应出现在输出中。")
    t.save(str(path))
    return path


def test_template_body_style_wins(tiny_report, tmp_path):
    template = _python_docx_template(tmp_path / "ours.docx")
    path = export(tiny_report, tmp_path / "a.docx", template=template)
    d = docx.Document(str(path))
    body = style_by_name(d, "Body Text")
    assert body.font.size == Pt(12) and rfonts(body)["eastAsia"] == "楷体" and rfonts(body)["ascii"] == "Georgia"
    p = next(p for p in d.paragraphs if p.text.startswith("1.围绕中心"))
    assert p.style.name == "Body Text"
    assert not any("模板里的正文" in q.text for q in d.paragraphs)
    assert abs(d.sections[-1].page_width - Mm(215.9)) < Mm(0.2)  # the template's Letter paper
    assert st.missing_roles(d.styles.element) == []  # Item Title etc. copied from the reference
    with zipfile.ZipFile(path) as zf:
        assert b"Theme=" not in zf.read("word/styles.xml")
    # theme fonts were resolved, not just dropped: the heading keeps its theme's Latin font
    heading = rfonts(style_by_name(d, "heading 1"))
    assert heading.get("ascii") and "asciiTheme" not in heading


def test_template_setting_from_config(tiny_report, tmp_path):
    template = _python_docx_template(tmp_path / "ours.docx")
    settings = Settings(docx=DocxSettings(template=str(template)))
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx", settings=settings)))
    assert style_by_name(d, "Body Text").font.size == Pt(12)


def test_template_with_other_prefixes(tiny_report, tmp_path):
    """A template whose document.xml binds WordprocessingML to another prefix still gets the body."""
    source = _python_docx_template(tmp_path / "ours.docx")
    template = tmp_path / "prefixed.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(template, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = re.sub(rb"(</?|\s)w:", rb"\1wx:", data).replace(b"xmlns:w=", b"xmlns:wx=")
                assert b"<wx:body>" in data and b"xmlns:w=" not in data
            dst.writestr(name, data)
    path = export(tiny_report, tmp_path / "a.docx", template=template)
    check_content(tiny_report, path)
    d = docx.Document(str(path))
    assert not any("模板里的正文" in q.text for q in d.paragraphs)
    assert abs(d.sections[-1].page_width - Mm(215.9)) < Mm(0.2)  # the template's final sectPr kept


def test_bad_template_is_a_one_line_error(tiny_report, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    with pytest.raises(ConfigError) as err:
        export(tiny_report, tmp_path / "a.docx", template=bad)
    assert "bad.docx" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ConfigError):
        export(tiny_report, tmp_path / "a.docx", template=tmp_path / "missing.docx")


# ----------------------------------------------------------------------------- the prepared template


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REPORTEXPORT_CACHE", str(folder))
    return folder


def _full_way(report: Report, path: Path, **kw) -> bytes:
    from reportexport.exporters.docx.writer import write_summary

    write_summary(report, path, ExportOptions(**kw))
    return path.read_bytes()


@pytest.mark.parametrize("block", [None, 8192], ids=["one-block", "8k-blocks"])
@pytest.mark.parametrize("kw", [{}, {"brief": True}, {"toc": True}], ids=["plain", "brief", "toc"])
def test_prepared_template_gives_the_same_bytes(sample_report, tmp_path, own_cache, kw, block, monkeypatch):
    """The same bytes whichever way the summary is written, also with its body deflated in
    blocks (as a body over 1 MB is)."""
    from reportexport.exporters.docx import zipout
    from reportexport.exporters.docx.prepared import write_prepared

    if block:
        monkeypatch.setattr(zipout, "BLOCK", block)

    options = ExportOptions(**kw)
    assert not write_prepared(sample_report, tmp_path / "none.docx", options)  # nothing kept yet
    assert not (tmp_path / "none.docx").exists()
    first = export(sample_report, tmp_path / "first.docx", **kw).read_bytes()  # the full way; keeps the entry
    assert len(list((own_cache / "docx").iterdir())) == 1
    assert write_prepared(sample_report, tmp_path / "fast.docx", options)
    assert (tmp_path / "fast.docx").read_bytes() == first == _full_way(sample_report, tmp_path / "full.docx", **kw)


def test_prepared_core_properties_are_escaped_as_python_docx_does(tiny_report, tmp_path, own_cache):
    from reportexport.exporters.docx.prepared import write_prepared

    settings = Settings(document=DocumentSettings(author="督查室 <A&B>"))
    export(tiny_report, tmp_path / "warm.docx", settings=settings)
    odd = tiny_report.model_copy(update={"title": "“十四五”规划 & <重点> 工作 'x' \"y\""})
    assert write_prepared(odd, tmp_path / "fast.docx", ExportOptions(settings=settings))
    assert (tmp_path / "fast.docx").read_bytes() == _full_way(odd, tmp_path / "full.docx", settings=settings)
    props = docx.Document(str(tmp_path / "fast.docx")).core_properties
    assert props.title == odd.title and props.author == "督查室 <A&B>"


def test_prepared_template_is_not_used_where_it_cannot_be(tiny_report, tmp_path, own_cache):
    from reportexport.exporters.docx.prepared import write_prepared

    export(tiny_report, tmp_path / "warm.docx")
    long_title = tiny_report.model_copy(update={"title": "很长的标题" * 60})  # python-docx refuses > 255
    assert not write_prepared(long_title, tmp_path / "a.docx", ExportOptions())
    sly = tiny_report.model_copy(update={"title": "标题 RXCORE7SUBJECT"})  # a placeholder in a value
    assert not write_prepared(sly, tmp_path / "a.docx", ExportOptions())
    assert not write_prepared(tiny_report, tmp_path / "b.docx", ExportOptions(embed_fonts=True))
    fonts = Settings(docx=DocxSettings(fonts=DocxFonts(body="楷体")))
    assert not write_prepared(tiny_report, tmp_path / "c.docx", ExportOptions(settings=fonts))  # another key
    reference = resource("templates", "reference.docx")  # given explicitly, it is completed: another key
    assert not write_prepared(tiny_report, tmp_path / "d.docx", ExportOptions(template=reference))
    assert not any((tmp_path / name).exists() for name in ("a.docx", "b.docx", "c.docx", "d.docx"))


def test_changed_template_or_broken_entry_takes_the_full_way(tiny_report, tmp_path, own_cache):
    import os

    from reportexport.exporters.docx.prepared import write_prepared

    template = _python_docx_template(tmp_path / "ours.docx")
    export(tiny_report, tmp_path / "a.docx", template=template)
    assert write_prepared(tiny_report, tmp_path / "b.docx", ExportOptions(template=template))
    stat = template.stat()
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # edited since
    assert not write_prepared(tiny_report, tmp_path / "c.docx", ExportOptions(template=template))
    for entry in (own_cache / "docx").iterdir():
        entry.write_bytes(b"\x00garbage")
    assert not write_prepared(tiny_report, tmp_path / "d.docx", ExportOptions(template=template))
    again = export(tiny_report, tmp_path / "e.docx", template=template)  # the full way, still right
    check_content(tiny_report, again)
    assert again.read_bytes() == (tmp_path / "a.docx").read_bytes()


def test_template_with_another_document_part_name(tiny_report, tmp_path, own_cache):
    """A template whose main part is not word/document.xml is written the full way every time."""
    source = _python_docx_template(tmp_path / "ours.docx")
    template = tmp_path / "renamed.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(template, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"/word/document.xml", b"/word/main.xml").replace(b"word/document.xml", b"word/main.xml")
            dst.writestr("word/main.xml" if name == "word/document.xml" else name, data)
    for name in ("a.docx", "b.docx"):
        path = export(tiny_report, tmp_path / name, template=template)
        check_content(tiny_report, path)
        assert "word/main.xml" in zipfile.ZipFile(path).namelist()
    assert not (own_cache / "docx").exists() or not list((own_cache / "docx").iterdir())


def test_prepared_summary_does_not_import_python_docx(tiny_report, tmp_path, own_cache):
    import subprocess
    import sys

    export(tiny_report, tmp_path / "warm.docx")
    report_json = tmp_path / "r.json"
    report_json.write_text(tiny_report.model_dump_json(), encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from reportexport.model import Report; "
        "from reportexport.exporters import ExportOptions, get_exporter; "
        f"r = Report.model_validate_json(Path({str(report_json)!r}).read_text(encoding='utf-8')); "
        f"get_exporter('docx').export(r, Path({str(tmp_path / 'b.docx')!r}), ExportOptions()); "
        "print(sorted(m for m in ('docx', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "b.docx").read_bytes() == (tmp_path / "warm.docx").read_bytes()


# ----------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_25000_items_in_seconds(tmp_path):
    body = "围绕市委、市政府中心工作，以策划为引领，生产制作了出圈爆款产品，阅读量10万+的作品达到数百件。"
    deps = tuple(
        Department(
            id=f"d{k}", number=k, numeral=str(k), name=f"部门{k}", heading=f"{k}、部门{k}",
            items=tuple(_wi(n, f"事项{k}-{n}", "。", body) for n in range(1, 101)),
        )
        for k in range(1, 251)
    )
    rep = Report(title="大报告", departments=deps)
    start = time.perf_counter()
    path = export(rep, tmp_path / "big.docx")
    elapsed = time.perf_counter() - start
    print(f"\n25,000 items: {elapsed:.2f} s, {path.stat().st_size / 1e6:.1f} MB")
    assert elapsed < 20
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode()
    assert xml.count("事项250-100。") == 1


# ----------------------------------------------------------------------------- LibreOffice


def _to_pdf(docx_path: Path, tmp_path: Path) -> Path:
    soffice = need_program("soffice")
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / (docx_path.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    return pdf


@pytest.mark.client
def test_libreoffice_converts_sample(sample_report, tmp_path, capsys):
    path = export(sample_report, tmp_path / "summary.docx", toc=True)
    pdf = _to_pdf(path, tmp_path)
    pdftotext = need_program("pdftotext")
    text = squash(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for _, item in sample_report.items():
        assert squash(item.label + item.title) in text, item.id
    info = subprocess.run([need_program("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    # where LibreOffice put each department, against the page numbers pre-filled in the TOC
    actual = {}
    for page in range(1, pages + 1):
        page_text = subprocess.run([pdftotext, "-f", str(page), "-l", str(page), str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout
        for line in page_text.splitlines():
            actual.setdefault(line.strip(), page)
    d = docx.Document(str(path))
    toc = [para_text(p) for p in d.element.body.iter(qn("w:p")) if para_style_name(d, p) == "toc 1"]
    off = []
    for entry in toc:
        name, est = re.match(r"(.*?)(\d+)$", entry).groups()
        if name in actual:
            off.append(abs(actual[name] - int(est)))
    with capsys.disabled():
        print(f"\nLibreOffice: {pages} pages for {sample_report.item_count} items; "
              f"TOC page estimates off by {off}")
    assert pages >= 10
    assert off and max(off) <= 2


# ----------------------------------------------------------------------------- --embed-fonts


def _deobfuscate(data: bytes, key: str) -> bytes:
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32])) + data[32:]


@pytest.fixture(scope="module")
def embedded_docx(tmp_path_factory) -> Path:
    from reportexport.api import load_report

    from ..conftest import SAMPLE_TXT

    path = tmp_path_factory.mktemp("embed") / "embedded.docx"
    return export(load_report([SAMPLE_TXT]), path, embed_fonts=True)


def test_embedded_fonts_are_obfuscated_parts(embedded_docx):
    from reportexport.exporters.docx.embed import family_name

    table = part_xml(embedded_docx, "word/fontTable.xml")
    rels = part_xml(embedded_docx, "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    embeds = {}
    with zipfile.ZipFile(embedded_docx) as zf:
        types = zf.read("[Content_Types].xml").decode()
        for font in table.iterfind(f"{W}font"):
            for el in font:
                if etree.QName(el).localname.startswith("embed"):
                    raw = zf.read("word/" + targets[el.get(qn("r:id"))])
                    assert raw[:4] not in (b"\x00\x01\x00\x00", b"true")  # really obfuscated
                    clear = _deobfuscate(raw, el.get(qn("w:fontKey")))
                    assert clear[:4] == b"\x00\x01\x00\x00"
                    assert family_name(clear) == font.get(qn("w:name"))
                    embeds[(font.get(qn("w:name")), etree.QName(el).localname)] = len(raw)
        settings = zf.read("word/settings.xml")
    assert ("FandolFang R", "embedRegular") in embeds
    assert ("RX Serif SC", "embedBold") in embeds and ("RX Serif SC", "embedRegular") in embeds
    assert "application/vnd.openxmlformats-officedocument.obfuscatedFont" in types
    assert b"<w:embedTrueTypeFonts/>" in settings
    d = docx.Document(str(embedded_docx))
    assert rfonts(style_by_name(d, "Body Text"))["eastAsia"] == "FandolFang R"
    assert rfonts(style_by_name(d, "Title"))["eastAsia"] == "RX Serif SC"
    assert style_by_name(d, "Title").font.bold


def test_embedded_fonts_output_is_reproducible(embedded_docx, sample_report, tmp_path):
    again = export(sample_report, tmp_path / "again.docx", embed_fonts=True)
    assert again.read_bytes() == embedded_docx.read_bytes()


def test_configured_font_is_not_replaced_by_embedding(tiny_report, tmp_path):
    settings = Settings(docx=DocxSettings(fonts=DocxFonts(body="方正仿宋_GBK")))
    d = docx.Document(str(export(tiny_report, tmp_path / "a.docx", settings=settings, embed_fonts=True)))
    assert rfonts(style_by_name(d, "Body Text"))["eastAsia"] == "方正仿宋_GBK"
    assert rfonts(style_by_name(d, "heading 1"))["eastAsia"] == "WenQuanYi Micro Hei"


@pytest.mark.client
def test_libreoffice_uses_embedded_fonts(embedded_docx, tmp_path, capsys):
    """FandolFang and RX Serif SC are not installed: LibreOffice can only take them from the file."""
    pdf = _to_pdf(embedded_docx, tmp_path)
    fonts = subprocess.run([need_program("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    installed = subprocess.run([need_program("fc-list"), ":", "family"], capture_output=True, text=True).stdout
    for family in ("FandolFang", "RX Serif SC"):
        if family in installed:
            pytest.skip(f"{family} is installed here, so LibreOffice need not read it from the file")
    with capsys.disabled():
        print("\nfonts in LibreOffice's PDF of the embedded summary:",
              sorted({line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}))
    for ps_name in ("FandolFang-Regular", "RXSerifSC-Bold", "RXSerifSC-Regular"):
        assert ps_name in fonts


# ----------------------------------------------------------------------------- width estimate

_WIDTH_ALPHABET = hst.sampled_from(list("aZ1 .,。，“”‘’—…\u2e00\u2e7f\u2e80中\t①\U0001F600\ud800\uff01\u3000"))


@hypothesis_settings(max_examples=400, deadline=None)
@given(hst.lists(_WIDTH_ALPHABET, max_size=30).map("".join))
def test_width_counts_narrow_characters_as_the_regex_does(text: str) -> None:
    from reportexport.exporters.docx import body

    assert body._width(text) == len(text) - 0.5 * len(re.findall(body._NARROW, text))
