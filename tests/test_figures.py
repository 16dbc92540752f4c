"""The Word overview and the PDF cover count recognitions the same way (figures.py)."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from reportexport.api import export
from reportexport.extract import extract_item_facts
from reportexport.figures import distinct_recognitions, item_recognitions, recognition_counts
from reportexport.model import Metric, Recognition, RecognitionType, Report

from .conftest import counted_item_by_item


def test_a_recognition_repeated_in_the_body_counts_once(sample_report: Report) -> None:
    items = [i for _, i in sample_report.items()]
    all_endorsements = sum(1 for i in items for f in i.facts if getattr(f, "type", None) is RecognitionType.endorsement)
    counted = recognition_counts(items)[RecognitionType.endorsement]
    assert 0 < counted < all_endorsements
    science = next(i for i in items if i.id == "d25-i2")  # title and body both say 获省委主要领导批示
    assert len(item_recognitions(science, RecognitionType.endorsement)) == 1


def test_recognition_counts_of_every_type_in_one_pass(sample_report: Report) -> None:
    for dep in sample_report.departments:
        counts = recognition_counts(dep.items)
        assert set(counts) == set(RecognitionType)
        assert counts == {t: counted_item_by_item(dep.items, t) for t in RecognitionType}
    totals = recognition_counts(i for _, i in sample_report.items())
    assert totals[RecognitionType.endorsement] > 5 and totals[RecognitionType.award] > 5


def test_word_and_pdf_show_the_same_totals(sample_report: Report, tmp_path: Path) -> None:
    items = [i for _, i in sample_report.items()]
    counts = recognition_counts(items)
    endorsements, awards = counts[RecognitionType.endorsement], counts[RecognitionType.award]
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


# --------------------------------------------------------------------------- distinct recognitions

def _rec(raw: str, start: int, type_: RecognitionType = RecognitionType.endorsement, by: str | None = None,
         outlet: str | None = None) -> Recognition:
    return Recognition(raw=raw, start=start, end=start + len(raw), type=type_, by=by, outlet=outlet)


def test_distinct_recognitions_drops_a_title_repeated_in_the_body() -> None:
    title = "科技工作者建议获省委主要领导批示"
    text = title + "。" + "市科协报送的建议获省委主要领导批示，并获全省一等奖。"
    facts = extract_item_facts(text, 2023)
    endorsements = [f for f in facts if isinstance(f, Recognition) and f.type is RecognitionType.endorsement]
    assert [(r.raw, r.by) for r in endorsements] == [("省委主要领导批示", "省委主要领导")] * 2
    distinct = distinct_recognitions(facts)
    assert [(r.type, r.raw, r.start) for r in distinct] == [
        (RecognitionType.endorsement, "省委主要领导批示", endorsements[0].start),
        (RecognitionType.award, "获全省一等奖", text.index("获全省一等奖")),
    ]
    assert extract_item_facts(text, 2023) == facts  # the item's facts keep both


def test_distinct_recognitions_key_is_type_by_outlet_and_normalised_raw() -> None:
    facts = [
        _rec("省委主要领导批示", 0, by="省委主要领导"),
        _rec("省委主要领导 批示", 20, by="省委主要领导"),            # white space
        _rec("省委主要领导批示", 40, by="市委主要领导"),              # another giver
        _rec("省委主要领导批示", 60, RecognitionType.award, by="省委主要领导"),  # another type
        _rec("被《学习时报》刊发", 80, RecognitionType.publication, outlet="学习时报"),
        _rec("被《学习时报》刊发", 100, RecognitionType.publication, outlet="学习时报"),
        _rec("被《人民日报》刊发", 120, RecognitionType.publication, outlet="人民日报"),
        _rec("居全省第１", 140, RecognitionType.ranking),
        _rec("居全省第1", 160, RecognitionType.ranking),              # full-width digit (NFKC)
        _rec("入选“典型案例”", 180, RecognitionType.selection),
        _rec("入选典型案例", 200, RecognitionType.selection),          # quotation marks
        Metric(raw="3篇", start=220, end=222, value=3, unit="篇"),
    ]
    kept = distinct_recognitions(facts)
    assert [r.start for r in kept] == [0, 40, 60, 80, 120, 140, 180]
    assert all(isinstance(r, Recognition) for r in kept)
    assert len(facts) == 12  # input untouched
    assert distinct_recognitions([]) == []
    assert distinct_recognitions(iter(facts)) == kept  # any iterable


def test_distinct_recognitions_with_title_end_keeps_body_repeats() -> None:
    facts = [
        _rec("居全省前列", 2, RecognitionType.ranking),     # title
        _rec("居全省前列", 30, RecognitionType.ranking),    # body, repeats the title
        _rec("居全国第一", 50, RecognitionType.ranking),    # body
        _rec("居全国第一", 80, RecognitionType.ranking),    # body, said of something else
    ]
    assert [r.start for r in distinct_recognitions(facts)] == [2, 50]
    assert [r.start for r in distinct_recognitions(facts, title_end=10)] == [2, 50, 80]


def test_distinct_recognitions_on_the_sample(sample_report: Report) -> None:
    items = {i.id: i for _d, i in sample_report.items()}
    total = distinct = 0
    for item in items.values():
        recs = [f for f in item.facts if isinstance(f, Recognition)]
        kept = distinct_recognitions(item.facts)
        assert all(any(k is r for r in recs) for k in kept)
        total, distinct = total + len(recs), distinct + len(kept)
    assert distinct < total
    d25 = items["d25-i2"]  # 科技工作者建议获省委主要领导批示 … 获省委主要领导批示
    assert len([f for f in d25.facts if isinstance(f, Recognition)]) == 2
    assert [(r.raw, r.by) for r in distinct_recognitions(d25.facts)] == [("省委主要领导批示", "省委主要领导")]
    d24 = items["d24-i1"]  # 居全省前列 said of two different achievements in the body
    title_end = len(d24.title) + len(d24.title_mark)
    rankings = [r.raw for r in distinct_recognitions(d24.facts, title_end=title_end)
                if r.type is RecognitionType.ranking]
    assert rankings.count("居全省前列") == 2
