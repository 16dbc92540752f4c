"""Chinese line breaking (禁则): our own breaker, checked on its own and in laid-out paragraphs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportexport.linebreak import break_lines, break_points, line_violations

# The lists, spelled out here independently of the implementation.
FORBIDDEN_START = set("，。、；：？！）」』”’》〉】〕…")
FORBIDDEN_END = set("（「『“‘《〈【〔")
#: Numbers with their unit/qualifier that must stay on one line (independent of NUMBER_TOKEN).
NUMBER = re.compile(r"[0-9]+(?:[.\-][0-9]+)*(?:[万亿])?(?:[余多])?%?(?:万元|亿元|人次|篇次|平方米|年度|[元年月日个篇名项家次]|)(?:以上|\+)?")


def count_violations(lines: list[str], text: str) -> tuple[list[str], list[str], list[str]]:
    """(bad starts, bad ends, split numbers) of ``lines`` laid out from ``text``."""
    assert "".join(lines) == text, "line breaking lost or duplicated characters"
    starts = [f"{a[-4:]}|{b[:4]}" for a, b in zip(lines, lines[1:]) if b[0] in FORBIDDEN_START]
    ends = [f"{a[-4:]}|{b[:4]}" for a, b in zip(lines, lines[1:]) if a[-1] in FORBIDDEN_END]
    joints, pos = set(), 0
    for line in lines[:-1]:
        pos += len(line)
        joints.add(pos)
    splits = [m.group() for m in NUMBER.finditer(text) if any(m.start() < j < m.end() for j in joints)]
    return starts, ends, splits


def cjk_width(ch: str) -> float:
    """1 em for CJK and full-width marks, half for ASCII (like the real fonts)."""
    return 0.5 if ch.isascii() else 1.0


EXAMPLES = [
    "项目总投资9378.72万元的潍坊港进港航道工程已开工，群众满意率达87%以上，参与人数众多。",
    "阅读量10万+及播放量100万以上的作品达到数百件，为讲好潍坊故事贡献了报社力量。",
    "印发《潍坊市2023-2025年度创新发展规划》（试行），“熔炉先锋”党建品牌荣获二等奖。",
    "在“建设更好潍坊·金点子”第一期评选中，2名教师分别荣获二等奖和优秀奖……效果明显——好评如潮。",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_examples_at_every_width(text: str) -> None:
    widest_token = max(sum(cjk_width(c) for c in m.group()) for m in NUMBER.finditer(text))
    for tenths in range(int(widest_token * 10) + 15, 400, 5):  # every width from token+1.5 em up
        width = tenths / 10
        for indent in (0.0, 2.0) if width > widest_token + 3 else (0.0,):
            lines = break_lines(text, cjk_width, width, indent)
            starts, ends, splits = count_violations(lines, text)
            assert not starts and not ends and not splits, (width, indent, starts, ends, splits, lines)
            assert all(sum(map(cjk_width, ln)) <= width + 1e-9 for ln in lines[1:])


def test_numbers_with_units_stay_whole() -> None:
    text = "经费9378.72万元，比例87%以上，阅读10万+，规划2023-2025年，共70余首。"
    found = {text[s:e] for s, e in ((m.start(), m.end()) for m in NUMBER.finditer(text))}
    assert {"9378.72万元", "87%以上", "10万+", "2023-2025年"} <= found
    for width in range(7, 40):
        lines = break_lines(text, cjk_width, width)
        joined = "|".join(lines)
        for token in ("9378.72万元", "87%以上", "10万+", "2023-2025年", "70余首"):
            assert token in joined, (width, lines)


def test_hard_newlines_and_indent() -> None:
    lines = break_lines("一二三四五六七八\n九十", lambda c: 1.0, 4, first_line_indent=2)
    assert lines == ["一二", "三四五六", "七八", "九十"]


def test_narrow_width_still_keeps_every_character() -> None:
    # A column narrower than one token must cut the token, but nothing is lost and
    # digits stay together where possible (9378.72|万元, never 93|78).
    text = "达到9378.72万元。"
    lines = break_lines(text, cjk_width, 4)
    assert "".join(lines) == text
    assert any(line.endswith("9378.72") or line.startswith("9378.72") for line in lines), lines


def test_widths_must_match_text() -> None:
    with pytest.raises(ValueError):
        break_points("两个字", [1.0], 5)


def test_line_violations_reports_a_bad_layout() -> None:
    bad = ["在市级以上报刊发表文章36", "篇", "，其中“", "学习时报”6篇"]
    found = line_violations(bad, "".join(bad))
    assert found["start"] and found["end"] and found["split"]


_HANZI = st.sampled_from("党建工作推进创新发展服务群众潍坊市委政府")
_TOKEN = st.one_of(
    _HANZI,
    st.tuples(st.sampled_from("“《（"), _HANZI).map("".join),
    st.tuples(_HANZI, st.sampled_from("，。、；：？！”》）")).map("".join),
    st.tuples(st.integers(0, 99999).map(str), st.sampled_from(["万元", "%以上", "万+", "年", "个", "名", ""])).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKEN, min_size=1, max_size=60).map("".join), st.integers(10, 40))
def test_random_text_obeys_the_rules(text: str, width: int) -> None:
    lines = break_lines(text, cjk_width, width)
    starts, ends, splits = count_violations(lines, text)
    assert not starts and not ends and not splits, (starts, ends, splits, lines)


# --------------------------------------------------------------------------- the sample, laid out


@pytest.fixture(scope="module")
def digest_fonts():
    from reportexport.exporters import ExportOptions
    from reportexport.exporters.pdf.fontsetup import load_fonts

    return load_fonts(ExportOptions())


def test_sample_paragraphs_at_many_widths(sample_report, digest_fonts) -> None:
    """Lines read back from laid-out CJKParagraphs: zero violations at body and cell widths."""
    from reportexport.exporters.pdf.paragraph import CJKParagraph, TextStyle

    paragraphs = [p for _, item in sample_report.items() for p in item.text.split("\n") if p]
    assert len(paragraphs) >= 61
    total = 0
    bad: dict[str, list[str]] = {"start": [], "end": [], "split": []}
    # 7-9 em: narrow table cells (no indent); 10-33 em: columns and the A4 body (2-char indent).
    for em in (7, 8, 9, 10, 11, 12, 13, 15, 17, 20, 25, 33, 43):
        for indent in (0, 2) if em >= 10 else (0,):
            style = TextStyle(digest_fonts["song"], size=10, leading=16, indent_chars=indent)
            for text in paragraphs:
                para = CJKParagraph(text, style, digest_fonts.book)
                para.wrap(em * 10, 1e6)
                lines = para.line_texts()
                total += len(lines)
                starts, ends, splits = count_violations(lines, text)
                bad["start"] += starts
                bad["end"] += ends
                bad["split"] += splits
    assert total > 15000
    assert bad == {"start": [], "end": [], "split": []}
