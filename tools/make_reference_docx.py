#!/usr/bin/env python3
"""Build ``templates/reference.docx``, the default reference document of the Word summary.

The file is written from the XML below, deterministically (fixed zip dates and order), so
running this script twice gives the same bytes and a change shows up as a reviewable diff
of this script.  Run it after changing a style::

    python tools/make_reference_docx.py            # writes templates/reference.docx
    python tools/make_reference_docx.py -o x.docx

What it defines (GB/T 9704-2012 body profile, see /work/shared/reference/anchors.md §3):

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; a 22-line grid
  (``w:docGrid w:linePitch="579"``, 28.95 pt) and exact 28.95 pt line spacing;
* every style of ``reportexport.exporters.docx.styles.ROLES``, with all four ``w:rFonts``
  slots explicit, no theme fonts (there is no theme part at all) and language zh-CN;
* footers ``— N —`` in 四号宋体: odd pages right, even pages left, each indented one
  character (``w:evenAndOddHeaders`` in settings.xml);
* sample paragraphs in each style, so the template can be opened and restyled in Word or
  WPS; the exporter ignores the body of a template.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from reportexport.config import DocxFonts  # noqa: E402
from reportexport.exporters.docx.styles import ROLES  # noqa: E402

FONTS = DocxFonts()

# ---------------------------------------------------------------- page geometry (twips)
MM = 1440 / 25.4
PAGE_W, PAGE_H = 11906, 16838  # A4
TOP, BOTTOM, LEFT, RIGHT = (round(mm * MM) for mm in (37, 35, 28, 26))
TEXT_W = PAGE_W - LEFT - RIGHT
LINE = 579  # 28.95 pt: 22 lines in the 225 mm type area
HEADER_DIST = round(15 * MM)
FOOTER_DIST = round(24 * MM)  # puts the page number about 7 mm under the type area
BODY_SZ, TITLE_SZ, PAGENO_SZ, TABLE_SZ = 32, 44, 28, 28  # half-points: 三号, 二号, 四号, 四号
TABLE_LINE = 400  # 20 pt rows in the overview table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLE_IDS = {
    "normal": "Normal",
    "title": "Title",
    "heading1": "Heading1",
    "heading2": "Heading2",
    "body": "BodyText",
    "item_title": "ItemTitle",
    "key_figures": "KeyFigures",
    "table": "OverviewTable",
    "table_header": "OverviewTableHeader",
    "table_text": "OverviewTableText",
    "toc_heading": "TOCHeading",
    "toc1": "TOC1",
    "footer": "Footer",
}
ALIASES = {
    "item_title": "事项标题",
    "key_figures": "关键数据",
    "table": "概览表",
    "table_header": "概览表表头",
    "table_text": "概览表文字",
}


def rfonts(east: str, latin: str | None = None) -> str:
    """All four font slots explicit, East Asian hint for shared punctuation."""
    latin = latin or FONTS.latin
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" '
        f'w:eastAsia="{east}" w:hint="eastAsia"/>'
    )


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
INDENT2 = f'<w:ind w:firstLineChars="200" w:firstLine="{2 * BODY_SZ * 10}"/>'
EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'


def style(role: str, body: str, *, based_on: str | None = "normal", nxt: str | None = None,
          default: bool = False, ui_priority: int | None = None) -> str:
    """A ``w:style`` element for ``role`` (name and kind from ROLES)."""
    spec = ROLES[role]
    attrs = f'w:type="{spec.kind}" w:styleId="{STYLE_IDS[role]}"'
    if default:
        attrs += ' w:default="1"'
    parts = [f'<w:name w:val="{spec.name}"/>']
    if role in ALIASES:
        parts.append(f'<w:aliases w:val="{ALIASES[role]}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{STYLE_IDS[based_on]}"/>')
    if nxt:
        parts.append(f'<w:next w:val="{STYLE_IDS[nxt]}"/>')
    if ui_priority is not None:
        parts.append(f'<w:uiPriority w:val="{ui_priority}"/>')
    parts.append("<w:qFormat/>")
    return f"<w:style {attrs}>{''.join(parts)}{body}</w:style>"


def styles_xml() -> str:
    """styles.xml: docDefaults without theme fonts, the default styles and every role."""
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'{rfonts(FONTS.body)}<w:kern w:val="2"/>{size(BODY_SZ)}{LANG}'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    builtin_defaults = (
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
    )
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    roles = [
        style("normal",
              f'<w:pPr><w:widowControl w:val="0"/>{EXACT}<w:jc w:val="both"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.body)}{size(BODY_SZ)}{LANG}</w:rPr>",
              based_on=None, default=True, ui_priority=0),
        style("title",
              f'<w:pPr><w:spacing w:before="0" w:after="{LINE}" w:line="{LINE}" w:lineRule="exact"/>'
              '<w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.title)}{size(TITLE_SZ)}</w:rPr>",
              nxt="body", ui_priority=10),
        style("heading1",
              f'<w:pPr><w:keepNext/>{INDENT2}<w:outlineLvl w:val="0"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.heading1)}{size(BODY_SZ)}</w:rPr>",
              nxt="body", ui_priority=9),
        style("heading2",
              f'<w:pPr><w:keepNext/>{INDENT2}<w:outlineLvl w:val="1"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.heading2)}{size(BODY_SZ)}</w:rPr>",
              nxt="body", ui_priority=9),
        style("body",
              f'<w:pPr>{INDENT2}<w:jc w:val="both"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.body)}{size(BODY_SZ)}</w:rPr>",
              ui_priority=1),
        style("item_title", "<w:rPr><w:b/><w:bCs/></w:rPr>", based_on=None, ui_priority=2),
        style("key_figures", "<w:rPr><w:b/><w:bCs/></w:rPr>", based_on=None, ui_priority=3),
        style("table",
              '<w:pPr><w:jc w:val="center"/></w:pPr>'
              '<w:tblPr><w:jc w:val="center"/><w:tblBorders>'
              f"<w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>"
              f"<w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
              '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
              '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
              '<w:tcPr><w:vAlign w:val="center"/></w:tcPr>',
              based_on=None, ui_priority=4),
        style("table_header",
              f'<w:pPr><w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="60" w:after="60" w:line="{TABLE_LINE}" '
              'w:lineRule="exact"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.heading1)}{size(TABLE_SZ)}</w:rPr>",
              ui_priority=5),
        style("table_text",
              f'<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="60" w:after="60" w:line="{TABLE_LINE}" w:lineRule="exact"/>'
              '<w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.body)}{size(TABLE_SZ)}</w:rPr>",
              ui_priority=5),
        style("toc_heading",
              f'<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="{LINE}" w:line="{LINE}" '
              'w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="9"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.heading1)}{size(BODY_SZ)}</w:rPr>",
              nxt="normal", ui_priority=39),
        style("toc1",
              f'<w:pPr><w:tabs><w:tab w:val="right" w:leader="middleDot" w:pos="{TEXT_W}"/></w:tabs>'
              '<w:ind w:firstLine="0"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.body)}{size(BODY_SZ)}</w:rPr>",
              nxt="normal", ui_priority=39),
        style("footer",
              '<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
              '<w:ind w:firstLine="0"/></w:pPr>'
              f"<w:rPr>{rfonts(FONTS.page_number, FONTS.page_number)}{size(PAGENO_SZ)}</w:rPr>",
              ui_priority=99),
    ]
    missing = set(ROLES) - set(STYLE_IDS)
    if missing:
        raise SystemExit(f"make_reference_docx: no style defined for roles {sorted(missing)}")
    return f"{DECL}<w:styles {NS}>{defaults}{builtin_defaults}{''.join(roles)}</w:styles>"


def run(text: str, rstyle: str | None = None) -> str:
    rpr = f'<w:rPr><w:rStyle w:val="{STYLE_IDS[rstyle]}"/></w:rPr>' if rstyle else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(role: str, *runs: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[role]}"/></w:pPr>{"".join(runs)}</w:p>'


def footer_xml(odd: bool) -> str:
    """``— N —``: odd pages right with a one-character right indent, even pages left."""
    ind = ('<w:ind w:right="280" w:rightChars="100" w:firstLine="0"/><w:jc w:val="right"/>' if odd
           else '<w:ind w:left="280" w:leftChars="100" w:firstLine="0"/><w:jc w:val="left"/>')
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t>{1 if odd else 2}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f"{DECL}<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val=\"{STYLE_IDS['footer']}\"/>{ind}</w:pPr>"
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{field}'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


def sect_pr() -> str:
    return (
        '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" '
        f'w:header="{HEADER_DIST}" w:footer="{FOOTER_DIST}" w:gutter="0"/>'
        '<w:cols w:space="425"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr>'
    )


def document_xml() -> str:
    """Sample paragraphs, one per style, so users can see and restyle them."""
    cell = lambda role, text: (  # noqa: E731
        f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_W // 2}" w:type="dxa"/></w:tcPr>{para(role, run(text))}</w:tc>'
    )
    table = (
        f"<w:tbl><w:tblPr><w:tblStyle w:val=\"{STYLE_IDS['table']}\"/>"
        f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{TEXT_W // 2}"/><w:gridCol w:w="{TEXT_W - TEXT_W // 2}"/></w:tblGrid>'
        f"<w:tr>{cell('table_header', '概览表表头')}{cell('table_header', '样式：Overview Table Header')}</w:tr>"
        f"<w:tr>{cell('table_text', '概览表文字')}{cell('table_text', '样式：Overview Table Text')}</w:tr>"
        "</w:tbl>"
    )
    body = "".join([
        para("title", run("参考文档：报告汇总样式")),
        para("toc_heading", run("目录标题（TOC Heading）")),
        para("toc1", run("一、目录条目（toc 1）"), "<w:r><w:tab/></w:r>", run("1")),
        para("heading1", run("一、部门标题（heading 1，黑体）")),
        para("heading2", run("（一）二级标题（heading 2，楷体_GB2312）")),
        para("body", run("1.事项标题与正文接排。", "item_title"),
             run("正文（Body Text）：三号仿宋_GB2312，首行缩进两个字符，固定行距28.95磅，"
                 "每页22行。修改本文档中的样式即可改变汇总的外观；本文档的正文内容不会被使用。")),
        para("body", run("关键数据：", "key_figures"), run("摘要版（--brief）中列出的关键数据。")),
        table,
        para("normal", run("基础样式（Normal）。")),
    ])
    return f"{DECL}<w:document {NS}><w:body>{body}{sect_pr()}</w:body></w:document>"


def settings_xml() -> str:
    """Even/odd footers, Chinese punctuation compression, zh-CN as theme font language."""
    return (
        f"{DECL}<w:settings {NS}>"
        '<w:zoom w:percent="100"/>'
        '<w:defaultTabStop w:val="420"/>'
        '<w:evenAndOddHeaders/>'
        '<w:drawingGridVerticalSpacing w:val="579"/>'
        '<w:characterSpacingControl w:val="compressPunctuation"/>'
        '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>'
        '<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>'
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat>"
        '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    )


# name -> (panose, family, pitch): what Word writes for these fonts, used for substitution.
FONT_FACTS = {
    "仿宋_GB2312": ("02010609030101010101", "modern", "fixed"),
    "楷体_GB2312": ("02010609030101010101", "modern", "fixed"),
    "黑体": ("02010609060101010101", "modern", "fixed"),
    "宋体": ("02010600030101010101", "auto", "variable"),
    "方正小标宋简体": ("02000000000000000000", "auto", "variable"),
}


def font_table_xml() -> str:
    names = [FONTS.body, FONTS.title, FONTS.heading1, FONTS.heading2, FONTS.page_number]
    fonts = []
    for name in dict.fromkeys(names):
        panose, family, pitch = FONT_FACTS.get(name, ("02010600030101010101", "auto", "variable"))
        fonts.append(
            f'<w:font w:name="{name}"><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    fonts.append(
        f'<w:font w:name="{FONTS.latin}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    )
    return f"{DECL}<w:fonts {NS}>{''.join(fonts)}</w:fonts>"


FIXED_DATE = "2000-01-01T00:00:00Z"


def core_xml() -> str:
    return (
        f"{DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>reportexport 参考文档</dc:title><dc:creator>reportexport</dc:creator>"
        "<cp:lastModifiedBy>reportexport</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml() -> str:
    return (
        f"{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>reportexport</Application><DocSecurity>0</DocSecurity></Properties>"
    )


WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def content_types_xml() -> str:
    over = [
        ("/word/document.xml", f"{WML}.document.main+xml"),
        ("/word/styles.xml", f"{WML}.styles+xml"),
        ("/word/settings.xml", f"{WML}.settings+xml"),
        ("/word/fontTable.xml", f"{WML}.fontTable+xml"),
        ("/word/footer1.xml", f"{WML}.footer+xml"),
        ("/word/footer2.xml", f"{WML}.footer+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    return (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in over)
        + "</Types>"
    )


def rels(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in items)
    return f'{DECL}<Relationships xmlns="{PKG_REL}">{body}</Relationships>'


def parts() -> list[tuple[str, str]]:
    """(zip name, XML text) of every part, in the order they are written."""
    return [
        ("[Content_Types].xml", content_types_xml()),
        ("_rels/.rels", rels([
            ("rId1", f"{REL}/officeDocument", "word/document.xml"),
            ("rId2", f"{PKG_REL}/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
        ])),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", rels([
            ("rIdStyles", f"{REL}/styles", "styles.xml"),
            ("rIdSettings", f"{REL}/settings", "settings.xml"),
            ("rIdFontTable", f"{REL}/fontTable", "fontTable.xml"),
            ("rIdFooterOdd", f"{REL}/footer", "footer1.xml"),
            ("rIdFooterEven", f"{REL}/footer", "footer2.xml"),
        ])),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/footer1.xml", footer_xml(odd=True)),
        ("word/footer2.xml", footer_xml(odd=False)),
        ("docProps/core.xml", core_xml()),
        ("docProps/app.xml", app_xml()),
    ]


def write(path: Path) -> None:
    """Write the reference document with fixed zip dates, attributes and order."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, text.encode("utf-8"), compresslevel=9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=REPO / "templates" / "reference.docx")
    args = parser.parse_args(argv)
    write(args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
