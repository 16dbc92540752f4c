"""The Word overview and the PDF cover count recognitions the same way (figures.py)."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from reportexport.api import export
from reportexport.figures import count_recognitions, item_recognitions
from reportexport.model import RecognitionType, Report


def test_a_recognition_repeated_in_the_body_counts_once(sample_report: Report) -> None:
    items = [i for _, i in sample_report.items()]
    all_endorsements = sum(1 for i in items for f in i.facts if getattr(f, "type", None) is RecognitionType.endorsement)
    counted = count_recognitions(items, RecognitionType.endorsement)
    assert 0 < counted < all_endorsements
    science = next(i for i in items if i.id == "d25-i2")  # title and body both say 获省委主要领导批示
    assert len(item_recognitions(science, RecognitionType.endorsement)) == 1


def test_word_and_pdf_show_the_same_totals(sample_report: Report, tmp_path: Path) -> None:
    items = [i for _, i in sample_report.items()]
    endorsements = count_recognitions(items, RecognitionType.endorsement)
    awards = count_recognitions(items, RecognitionType.award)
    docx = export(sample_report, "docx", tmp_path / "s.docx")
    table = Document(str(docx)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    total = [c.text for c in table.rows[-1].cells]
    assert int(total[header.index("批示肯定")]) == endorsements
    assert int(total[header.index("获奖")]) == awards
    pdf = export(sample_report, "pdf", tmp_path / "s.pdf")
    cover = re.sub(r"\s", "", PdfReader(str(pdf)).pages[0].extract_text())
    # the figure row reads: departments, items, endorsements, awards, … then the labels
    figures = f"{len(sample_report.departments)}{len(items)}{endorsements}{awards}"
    assert figures + "" in cover and "批示肯定获奖" in cover, cover[:200]
