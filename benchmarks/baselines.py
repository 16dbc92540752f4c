"""Minimal bare-library writers of the same content, the baselines of ``run.py``.

Each baseline takes the parsed :class:`~reportexport.model.Report` and writes the content
our exporter writes, using the library in its fastest sensible mode and nothing else:

* :func:`docx_lxml` — python-docx opens the same reference document, each paragraph is an
  lxml element appended before ``w:sectPr`` (no ``Document.add_paragraph``), ``doc.save``.
* :func:`xlsx_openpyxl_write_only` — openpyxl write-only mode, the same ledger rows and
  columns and the same metrics rows, no styles.
* :func:`pdf_reportlab` — reportlab platypus ``SimpleDocTemplate`` with the same fonts
  (the ones :func:`reportexport.fonts.resolve_fonts` picks for the digest) and the same
  paragraphs as the digest, wrapped with reportlab's own ``wordWrap='CJK'``.
* :func:`pandoc_markdown` — the same headings and paragraphs as Markdown, for
  ``pandoc -f markdown -t docx``.

Library imports happen inside the functions so that a timed call includes them, as the
timed exporter call includes its own.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportexport.model import DateRef, Metric, Recognition, Report, WorkItem

#: End of a sentence (as the digest cuts the first sentence of an item's body).
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def department_heading(dep) -> str:  # type: ignore[no-untyped-def]
    """The heading line of a department as the exporters show it."""
    return dep.heading or f"{dep.label}{dep.display_name}"


# --------------------------------------------------------------------------- docx


def docx_lxml(report: Report, path: Path, template: Path) -> None:
    """python-docx + direct lxml appends: title, headings, item paragraphs (by styleId)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = docx.Document(str(template))
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not sect_pr:
            body.remove(child)
    ids = {s.name: s.style_id for s in doc.styles}  # one walk of the styles, not one per paragraph

    def para(text: str, style: str | None, bold_lead: str = "") -> None:
        p = OxmlElement("w:p")
        if style:
            ppr = OxmlElement("w:pPr")
            ps = OxmlElement("w:pStyle")
            ps.set(qn("w:val"), style)
            ppr.append(ps)
            p.append(ppr)
        if bold_lead:
            r = OxmlElement("w:r")
            rpr = OxmlElement("w:rPr")
            rpr.append(OxmlElement("w:b"))
            r.append(rpr)
            t = OxmlElement("w:t")
            t.text = _clean(bold_lead)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
            p.append(r)
        if text:
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = _clean(text)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
            p.append(r)
        sect_pr.addprevious(p)

    title_id = ids.get("Title")
    h1_id = ids.get("Heading 1")
    body_id = ids.get("Body Text")
    para(report.title, title_id)
    for dep in report.departments:
        para(department_heading(dep), h1_id)
        for item in dep.items:
            lines = item.text.split("\n")
            lead = f"{item.label}{item.title}{item.title_mark}"
            first = lines[0][len(item.title) + len(item.title_mark):] if lines else ""
            para(first, body_id, bold_lead=lead)
            for line in lines[1:]:
                para(line, body_id)
    doc.save(str(path))


# --------------------------------------------------------------------------- xlsx

LEDGER_HEADER = ["序号", "部门", "事项编号", "事项", "主要内容", "关键数据", "批示/荣誉", "时间", "完成状态",
                 "责任人", "备注", "来源", "事项ID"]
METRICS_HEADER = ["序号", "部门", "事项ID", "事项", "原文", "数值", "单位", "限定"]


def _facts(item: WorkItem, kind: type) -> list:  # type: ignore[type-arg]
    return [f for f in item.facts if isinstance(f, kind)]


def xlsx_openpyxl_write_only(report: Report, path: Path) -> None:
    """openpyxl write-only: the ledger (a row per item, 13 columns) and the metrics sheet."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ledger = wb.create_sheet("工作台账")
    ledger.append(LEDGER_HEADER)
    metrics = wb.create_sheet("关键数据")
    metrics.append(METRICS_HEADER)
    seq = mseq = 0
    for dep in report.departments:
        name = dep.display_name
        for item in dep.items:
            seq += 1
            ms = _facts(item, Metric)
            span = f"第{item.span.first_line}–{item.span.last_line}行" if item.span else ""
            ledger.append([
                seq, name, f"{item.label}", item.title, _clean(item.text),
                "、".join(m.raw for m in ms),
                "；".join(r.raw for r in _facts(item, Recognition)),
                "、".join(d.raw for d in _facts(item, DateRef)),
                item.status or "", item.owner or "", item.note or "", span, item.id,
            ])
            for m in ms:
                mseq += 1
                value = m.value if isinstance(m.value, float) else m.value[0]
                metrics.append([mseq, name, item.id, item.title, m.raw, value, m.unit, m.qualifier or ""])
    wb.save(str(path))


# --------------------------------------------------------------------------- pdf


def digest_paragraphs(report: Report) -> list[tuple[str, str]]:
    """(style, text) of the digest: department headings, item titles, first sentences, figures."""
    out: list[tuple[str, str]] = [("title", report.title or "工作报告")]
    for dep in report.departments:
        out.append(("h1", department_heading(dep)))
        for item in dep.items:
            out.append(("h2", f"{item.label}{item.title}"))
            text = item.text
            start = len(item.title) + len(item.title_mark)
            while start < len(text) and text[start] in "\n \u3000":
                start += 1
            if start < len(text):
                m = _SENTENCE_END.search(text, start)
                end = m.end() if m else len(text)
                nl = text.find("\n", start)
                if nl != -1:
                    end = min(end, nl)
                out.append(("body", text[start:end]))
            figures = list(dict.fromkeys(m.raw for m in _facts(item, Metric)))
            if figures:
                out.append(("keys", "关键数据：" + "、".join(figures)))
            praise = list(dict.fromkeys(r.raw for r in _facts(item, Recognition)))
            if praise:
                out.append(("keys", "肯定与荣誉：" + "；".join(praise)))
    return out


def pdf_reportlab(report: Report, path: Path, fonts: dict[str, tuple[str, int]]) -> int:
    """reportlab platypus with the digest's fonts (role -> (file, face)); returns the page count."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    names: dict[str, str] = {}
    for role, (file, face) in fonts.items():
        name = f"BL-{Path(file).stem}-{face}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, file, subfontIndex=face))
        names[role] = name
    song, hei, kai = names["song"], names.get("hei", names["song"]), names.get("kai", names["song"])
    styles = {
        "title": ParagraphStyle("t", fontName=names.get("title", song), fontSize=22, leading=32, alignment=1,
                                wordWrap="CJK"),
        "h1": ParagraphStyle("h1", fontName=hei, fontSize=15, leading=24, spaceBefore=16, spaceAfter=6,
                             keepWithNext=1, wordWrap="CJK"),
        "h2": ParagraphStyle("h2", fontName=hei, fontSize=11.5, leading=19, spaceBefore=7, spaceAfter=2,
                             keepWithNext=1, wordWrap="CJK"),
        "body": ParagraphStyle("b", fontName=song, fontSize=10.5, leading=18.5, firstLineIndent=21, alignment=4,
                               wordWrap="CJK"),
        "keys": ParagraphStyle("k", fontName=kai, fontSize=10, leading=17, firstLineIndent=20, spaceAfter=2,
                               wordWrap="CJK"),
    }
    story = [Paragraph(escape(_clean(text)), styles[style]) for style, text in digest_paragraphs(report)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=28 * mm, rightMargin=22 * mm, topMargin=28 * mm,
                            bottomMargin=24 * mm, invariant=1, pageCompression=1)
    doc.build(story)
    return doc.page


# --------------------------------------------------------------------------- pandoc


def pandoc_markdown(report: Report) -> str:
    """The summary's headings and paragraphs as Markdown (escaped so that nothing is markup)."""

    def esc(text: str) -> str:
        return re.sub(r"([\\`*_{}\[\]<>#+\-.!|~^$@])", r"\\\1", _clean(text))

    out = [f"# {esc(report.title)}", ""]
    for dep in report.departments:
        out += [f"## {esc(department_heading(dep))}", ""]
        for item in dep.items:
            lines = item.text.split("\n")
            lead = f"{item.label}{item.title}{item.title_mark}"
            first = lines[0][len(item.title) + len(item.title_mark):] if lines else ""
            out += [f"**{esc(lead)}**{esc(first)}", ""]
            for line in lines[1:]:
                if line.strip():
                    out += [esc(line), ""]
    return "\n".join(out) + "\n"
