"""The text reader: the sample parses to the expected structure, nothing is lost, the
two layouts and several encodings give the same model, real reports parse."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reportexport.errors import InputError
from reportexport.ingest import parse_text, read_path
from reportexport.ingest.numerals import cn_to_int, int_to_cn
from reportexport.model import Report

from .conftest import CORPUS, FIXTURES, SAMPLE_EXPECTED, SAMPLE_TXT

WS = re.compile(r"\s")
MARKER_LINE = re.compile(r"^\s*[（(]\s*(上接|下转)\s*\d+\s*版\s*[）)]\s*$", re.M)


def squash(text: str) -> str:
    return WS.sub("", text)


def concatenation(report: Report) -> str:
    """Everything the model keeps, in document order, whitespace removed."""
    parts = [report.masthead, report.title, report.preamble]
    for dep in report.departments:
        parts += [dep.heading, dep.intro]
        parts += [item.label + item.text for item in dep.items]
    parts.append(report.trailer)
    return squash("".join(parts))


def structure(report: Report) -> list:
    return [
        (d.number, d.numeral, d.name, d.continued, [(i.number, i.label, i.title, i.title_rule, squash(i.text)) for i in d.items])
        for d in report.departments
    ]


@pytest.fixture(scope="module")
def sample() -> Report:
    return read_path(SAMPLE_TXT)


def test_sample_matches_expected_structure(sample: Report) -> None:
    expected = json.loads(SAMPLE_EXPECTED.read_text(encoding="utf-8"))
    assert sample.title == expected["title"]
    assert sample.year == expected["year"] == 2023
    assert (sample.continued_from_page, sample.continues_on_page) == (5, 7)
    assert len(sample.departments) == expected["totals"]["sections"] == 16
    assert sum(1 for d in sample.departments if d.name) == expected["totals"]["departments_named"] == 15
    assert sample.item_count == expected["totals"]["items"] == 61
    for dep, exp in zip(sample.departments, expected["departments"], strict=True):
        assert (dep.number, dep.numeral, dep.name, dep.continued) == (exp["number"], exp["numeral"], exp["name"], exp["continued"])
        assert len(dep.items) == len(exp["items"]), dep.name
        for item, exp_item in zip(dep.items, exp["items"], strict=True):
            text = squash(item.text)
            assert item.title == exp_item["title"]
            assert item.title_rule == exp_item["title_rule"], item.title
            assert (item.number, item.label) == (exp_item["number"], exp_item["label"])
            assert text.startswith(exp_item["text_starts"]) and text.endswith(exp_item["text_ends"]), item.id


def test_lead_clause_only_for_the_three_youth_league_items(sample: Report) -> None:
    lead = [(d.name, i.number) for d in sample.departments for i in d.items if i.title_rule == "lead_clause"]
    assert lead == [("团市委", 1), ("团市委", 2), ("团市委", 3)]
    assert sample.departments[10].items[0].title == "聚焦“突破科技创新”"


def test_sample_loses_nothing(sample: Report) -> None:
    for _, item in sample.items():
        assert item.text == item.title + item.title_mark + item.body
        assert item.title_mark in ("。", "，")
    source = MARKER_LINE.sub("", SAMPLE_TXT.read_text(encoding="utf-8"))
    assert concatenation(sample) == squash(source)


def test_sample_ids_headings_and_spans(sample: Report) -> None:
    dep = sample.departments[1]
    assert (dep.id, dep.heading) == ("d13", "十三、潍坊日报社")
    assert [i.id for i in dep.items] == ["d13-i1", "d13-i2", "d13-i3", "d13-i4"]
    assert dep.items[0].span is not None and dep.items[0].span.first_line == 28
    ids = [i.id for _, i in sample.items()]
    assert len(ids) == len(set(ids))


def test_sample_diagnostics_name_the_lines(sample: Report) -> None:
    by_code = {d.code: d for d in sample.diagnostics}
    assert by_code["column-break-joined"].line == 341
    assert "341, 567, 638" in by_code["column-break-joined"].message
    assert by_code["space-before-punctuation"].line == 265
    assert {d.line for d in sample.diagnostics if d.code == "page-marker"} == {2, 680}
    # the column break inside 市政府主要领导出席 / 会议并提出要求 is joined
    court = next(d for d in sample.departments if d.name == "市中级法院")
    assert "市政府主要领导出席会议并提出要求" in court.items[2].text
    # spaces between words inside quotes are kept, the stray one before ， is not
    procuratorate = next(d for d in sample.departments if d.name == "市检察院")
    assert "“尽善尽美 潍检青锋”" in procuratorate.items[0].text
    assert "安排，该报告" in "".join(i.text for _, i in sample.items())


def test_numbers_split_by_line_breaks_are_joined(sample: Report) -> None:
    text = "".join(i.text for _, i in sample.items())
    assert "编报《决策参阅》12期" in text
    assert "阅读量10万+及播放量100万以上" in text


@pytest.mark.parametrize(
    "variant",
    ["gb18030", "crlf", "utf8-bom", "utf16-bom", "unwrapped", "fullwidth-labels"],
)
def test_variants_parse_to_the_same_structure(variant: str, sample: Report, tmp_path: Path) -> None:
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    path = tmp_path / f"{variant}.txt"
    if variant == "gb18030":
        path.write_bytes(text.encode("gb18030"))
    elif variant == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    elif variant == "utf8-bom":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    elif variant == "utf16-bom":
        path.write_bytes(text.encode("utf-16"))
    elif variant == "unwrapped":
        path.write_text(unwrap(text), encoding="utf-8")
    else:
        path.write_text(re.sub(r"^(\u3000\u3000)(\d)\.", lambda m: m.group(1) + chr(ord(m.group(2)) + 0xFEE0) + "．", text, flags=re.M), encoding="utf-8")
    parsed = read_path(path)
    expected = structure(sample)
    if variant == "fullwidth-labels":
        expected = [(n, nu, na, c, [(i[0], f"{chr(ord(str(i[0])) + 0xFEE0)}．", *i[2:]) for i in items]) for n, nu, na, c, items in expected]
    assert structure(parsed) == expected
    assert parsed.title == sample.title
    assert {"gb18030": "gb18030", "utf8-bom": "utf-8-sig", "utf16-bom": "utf-16"}.get(variant, "utf-8") == parsed.source.encoding


def unwrap(text: str) -> str:
    """The sample as a web page would give it: one paragraph per line, no column breaks."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        starts = line.startswith("\u3000") or re.match(r"^[一二三四五六七八九十]+、", stripped) or stripped.startswith("（") and "版）" in stripped
        if starts or not out:
            out.append(stripped)
        else:
            out[-1] += stripped
    return "\n".join(out) + "\n"


def test_web_report_of_our_own() -> None:
    report = read_path(FIXTURES / "web_report.txt")
    assert report.source.layout == "paragraphs"
    assert report.title == "2025年青禾县人民政府工作报告"
    assert report.year == 2025
    assert report.masthead.split("\n")[0] == "下载"
    assert report.trailer == "相关报道："
    assert "各位代表：" in report.preamble
    assert [d.name for d in report.departments] == ["2024年工作回顾", "2025年工作安排"]
    first, second = report.departments
    assert first.intro == "过去一年，全县上下攻坚克难，主要指标好于预期。"
    assert [(i.label, i.title, i.title_rule) for i in first.items] == [
        ("（一）", "产业发展稳中有进", "sentence"),
        ("（二）", "城乡面貌持续改善", "sentence"),
        ("（三）", "民生保障更加有力", "paragraph"),
    ]
    # a deeper level (1.) stays inside the item's text
    assert "1.背街小巷整治：完成整治路段56条。" in first.items[1].body
    assert [(i.title, i.title_rule) for i in second.items] == [
        ("坚定不移抓项目稳投资", "lead_clause"),
        ("持续用力惠民生", "paragraph"),
    ]
    source = (FIXTURES / "web_report.txt").read_text(encoding="utf-8")
    assert concatenation(report) == squash(source)


@pytest.mark.parametrize("name", ["gwr2026-shandong.txt", "gwr2026-guangdong.txt", "gwr2026-jiangxi.txt"])
def test_real_work_reports_parse_and_lose_nothing(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.fail(f"the shared corpus is missing: {path}")
    report = read_path(path)
    assert report.source.layout == "paragraphs"
    assert "政府工作报告" in report.title
    assert report.year == 2026
    assert report.item_count >= 10
    assert [d.number for d in report.departments][:3] == [1, 2, 3]
    assert all(i.title and len(i.title) <= 80 for _, i in report.items())
    # 2.5 (from PM2.5) is not an item
    assert all(i.label != "2." or not i.text.startswith("5") for _, i in report.items())
    assert concatenation(report) == squash(path.read_text(encoding="utf-8"))


def test_no_numbering_becomes_one_section_with_a_warning() -> None:
    report = parse_text("一段没有编号的文字。\n\n第二段文字，也没有编号。\n")
    assert len(report.departments) == 1
    assert [i.title for i in report.departments[0].items] == ["一段没有编号的文字", "第二段文字，也没有编号"]
    assert any(d.code == "no-numbering" for d in report.diagnostics)


def test_stray_decimal_line_is_not_an_item() -> None:
    text = "一、环境\n（一）空气质量改善。PM\n2.5\n浓度下降。\n（二）水质提升。\n3.38亿元投入治理。\n"
    report = parse_text(text)
    assert [i.label for _, i in report.items()] == ["（一）", "（二）"]
    assert "3.38亿元投入治理。" in report.departments[0].items[1].body


def test_repairs_are_recorded() -> None:
    text = "标题\n\n一、部门\n\n\u3000\u30001.事项\x00一。正文\u202e内容。\n\u3000\u30002.事项二。正文。\n\u3000\u30002.事项三。正文。\n\u3000\u30004.事项四。正文。\n"
    report = parse_text(text)
    codes = {d.code for d in report.diagnostics}
    assert {"control-character", "bidi-control", "item-numbering"} <= codes
    items = report.departments[0].items
    assert items[0].title == "事项一"
    assert [i.id for i in items] == ["d1-i1", "d1-i2", "d1-i2_2", "d1-i4"]
    assert "\x00" not in items[0].text and "\u202e" not in items[0].text


@pytest.mark.parametrize("text", ["", "   \n\u3000\n\t", "（上接5版）\n（下转7版）\n"])
def test_empty_texts_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_text(text)


def test_numerals_round_trip() -> None:
    for n in list(range(1, 200)) + [999, 1000, 1001, 1010, 2023, 9999]:
        assert cn_to_int(int_to_cn(n)) == n
    assert cn_to_int("十三") == 13 and cn_to_int("二十七") == 27 and cn_to_int("一百零五") == 105
    assert cn_to_int("十十") is None and cn_to_int("一二") is None


_REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u200b\ufeff]")
_MARKER = re.compile(r"^[（(]\s*(上接|下转|接|转)\s*第?\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*版\s*[）)]$")

report_like = st.lists(
    st.one_of(
        st.text(min_size=0, max_size=30),
        st.sampled_from(["十三、潍坊日报社", "\u3000\u30001.标题。正文", "（一）条目。内容", "（上接5版）", "", "2.5", "3.38亿元。", "一、", "１．全角。"]),
        st.builds(lambda a, b: f"\u3000\u3000{a}.{b}", st.integers(0, 120), st.text(max_size=20)),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(report_like)
@example("十、0\n十、0\n十、0\n十、0")  # headings only: once an IndexError in the layout detection
def test_property_reader_returns_a_model_or_our_error_and_loses_nothing(text: str) -> None:
    try:
        report = parse_text(text)
    except InputError:
        return
    lines = [_REMOVED.sub("", ln).strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept = "".join(ln for ln in lines if not _MARKER.match(ln))
    assert concatenation(report) == squash(kept)
    for _, item in report.items():
        assert item.text == item.title + item.title_mark + item.body
    Report.model_validate_json(report.model_dump_json())
