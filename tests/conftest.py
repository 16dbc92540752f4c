"""Shared fixtures: the bundled sample parsed once, and a small hand-built report."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from reportexport.figures import item_recognitions
from reportexport.model import Department, RecognitionType, Report, SourceInfo, SourceSpan, WorkItem

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
SAMPLE_TXT = REPO / "src" / "reportexport" / "samples" / "000_cf88b61c2d238c02.txt"
SAMPLE_EXPECTED = SHARED / "samples" / "000_cf88b61c2d238c02.expected.json"
CORPUS = SHARED / "corpus"

# CI runs the property tests with a fixed seed sequence, so a submission is judged on the
# examples it was tested with; local runs (and the soak, REPORTEXPORT_SOAK) explore afresh.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")

# The tests (and the commands they run) keep their font cache out of the user's home.
os.environ.setdefault("REPORTEXPORT_CACHE", os.path.join(tempfile.gettempdir(), "reportexport-test-cache"))

#: In CI (.ci/run sets it) a missing client program is a failure, not a skip.
REQUIRE_CLIENTS = os.environ.get("REPORTEXPORT_REQUIRE_CLIENTS") == "1"


def counted_item_by_item(items: object, kind: RecognitionType) -> int:
    """Recognitions of ``kind`` among ``items``, counted item by item with
    ``figures.item_recognitions``: an oracle independent of ``recognition_counts``, the one
    pass the exporters use."""
    return sum(len(item_recognitions(item, kind)) for item in items)  # type: ignore[attr-defined]


def need_program(name: str) -> str:
    """Path of an external program; skip the test when it is missing (fail in CI)."""
    found = shutil.which(name)
    if found:
        return found
    if REQUIRE_CLIENTS:
        pytest.fail(f"{name} is not installed, and REPORTEXPORT_REQUIRE_CLIENTS=1 asks for it")
    pytest.skip(f"{name} is not installed")
    raise AssertionError  # unreachable


@pytest.fixture(scope="session")
def sample_report() -> Report:
    """The bundled sample parsed by the text reader, facts extracted when available."""
    from reportexport.api import load_report

    return load_report([SAMPLE_TXT])


def _item(dep: int, n: int, title: str, body: str, mark: str = "。") -> WorkItem:
    return WorkItem(
        id=f"d{dep}-i{n}",
        number=n,
        label=f"{n}.",
        title=title,
        title_rule="sentence",
        title_mark=mark,
        body=body,
        text=title + mark + body,
        span=SourceSpan(first_line=n * 3, last_line=n * 3 + 2),
    )


@pytest.fixture()
def tiny_report() -> Report:
    """Two departments, three items, with a formula-like text and ASCII digits."""
    return Report(
        title="市直部门（单位）2023年度重点工作开展情况",
        year=2023,
        source=SourceInfo(name="tiny.txt", encoding="utf-8", layout="newspaper", line_count=12),
        continued_from_page=5,
        continues_on_page=7,
        departments=(
            Department(
                id="d1", number=1, numeral="一", name="潍坊日报社", label="一、", heading="一、潍坊日报社",
                items=(
                    _item(1, 1, "围绕中心发出正能量最强音", "阅读量10万+及播放量100万以上的作品达到数百件。"),
                    _item(1, 2, "做大做强媒体传播力", "综合粉丝量超过2000万，居全省第一。"),
                ),
            ),
            Department(
                id="d2", number=2, numeral="二", name="市检察院", label="二、", heading="二、市检察院",
                items=(_item(2, 1, "=HYPERLINK(\"http://x\")", "正文以等号开头的事项。"),),
            ),
        ),
    )
