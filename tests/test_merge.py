"""Pages of one report merge into one: order by markers, continued sections join, cut items rejoin."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from reportexport.api import load_report
from reportexport.errors import InputError

from .conftest import FIXTURES, SAMPLE_TXT

PAGES = FIXTURES / "pages"
P5, P7 = PAGES / "p5.txt", PAGES / "p7.txt"
MARKER = re.compile(r"[（(](上接|下转)\d+版[）)]")
TITLE = "市直部门（单位）2023年度重点工作开展情况"


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def kept_text(report) -> str:  # type: ignore[no-untyped-def]
    parts = [report.title, report.preamble]
    for dep in report.departments:
        parts += [dep.heading, dep.intro] + [i.label + i.text for i in dep.items]
    return squash("".join(parts))


def test_three_pages_merge_into_one_report() -> None:
    report = load_report([P5, SAMPLE_TXT, P7], extract=False)
    party_school = next(d for d in report.departments if d.name == "市委党校")
    assert [i.number for i in party_school.items] == [1, 2, 3]
    assert [i.id for i in party_school.items] == ["d12-i1", "d12-i2", "d12-i3"]
    assert not any(d.continued for d in report.departments)
    assert [d.number for d in report.departments] == list(range(10, 29))
    social = next(d for d in report.departments if d.name == "市社科联")
    assert [i.number for i in social.items] == [1, 2]
    assert social.items[0].text.endswith("并进入我市相关工作决策。\n同时，该研究成果汇编成册印发全市各级领导干部参阅，社会反响良好。")
    ids = [i.id for _, i in report.items()]
    assert len(ids) == len(set(ids)) == 61 + 4 + 2
    assert (report.continued_from_page, report.continues_on_page) == (None, None)
    assert report.source.pages == ("p5.txt", SAMPLE_TXT.name, "p7.txt")
    assert {i.span.file for _, i in report.items() if i.span} == {"p5.txt", SAMPLE_TXT.name, "p7.txt"}
    # every character of the three pages, whitespace, markers and the repeated running titles removed
    pages = [squash(MARKER.sub("", p.read_text(encoding="utf-8"))) for p in (P5, SAMPLE_TXT, P7)]
    assert all(page.startswith(TITLE) for page in pages)
    assert kept_text(report) == pages[0] + "".join(page[len(TITLE):] for page in pages[1:])


def test_pages_out_of_order_are_put_in_order_with_a_warning() -> None:
    ordered = load_report([P5, SAMPLE_TXT, P7], extract=False)
    shuffled = load_report([P7, P5, SAMPLE_TXT], extract=False)
    assert [i.id for _, i in shuffled.items()] == [i.id for _, i in ordered.items()]
    assert any(d.code == "pages-reordered" for d in shuffled.diagnostics)


def test_an_item_cut_mid_sentence_is_rejoined() -> None:
    report = load_report([PAGES / "q1.txt", PAGES / "q2.txt"], extract=False)
    farm = report.departments[0]
    assert [i.number for i in farm.items] == [1, 2, 3]
    assert farm.items[1].text == "高标准农田建设提速。新建高标准农田3.5万亩，改造提升1.2万亩，项目区亩均增产10%以上。"
    assert [d.name for d in report.departments] == ["县农业农村局", "县水利局"]


def test_a_missing_page_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="page is missing") as info:
        load_report([P5, P7], extract=False)
    assert "p5.txt" in str(info.value) and "p7.txt" in str(info.value)


def test_continued_name_names_the_section_of_a_single_page() -> None:
    alone = load_report([SAMPLE_TXT], extract=False)
    assert alone.departments[0].name is None and alone.departments[0].continued
    named = load_report([SAMPLE_TXT], continued_name="市委党校", extract=False)
    assert named.departments[0].name == "市委党校"


def test_cli_parse_merges_pages() -> None:
    result = subprocess.run([sys.executable, "-m", "reportexport.cli", "parse", str(P5), str(SAMPLE_TXT), str(P7)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "十二 市委党校  3 items" in result.stdout
    assert "19 sections, 67 items" in result.stdout
