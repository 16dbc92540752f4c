"""Linear-time construction, guarded without timing anything.

Two counters, both deterministic:

* **docx body searches** — python-docx's ``Document.add_paragraph`` looks for ``w:sectPr``
  among all body children on every call (``insert_element_before`` → ``find``), which makes
  a long report quadratic (perf.md: 413 s for 25,000 items).  The exporter builds the body
  in one piece; here every search and traversal of the ``w:body`` element and every call
  of python-docx's block-adding API is counted while exporting 200 and 2,000 items: the
  count must not grow with the number of items.  A control test shows the counter does
  catch a per-item ``add_paragraph`` builder.
* **Python calls per item** — cProfile's total call count while exporting (and reading)
  reports of n, 2n and 4n items.  The calls added per item from n to 2n and from 2n to 4n
  must be the same (within :data:`TOLERANCE`); any per-item work that grows with the size
  of the report (a scan of earlier items, a list rebuilt per row) shows up as a growing
  increment, independently of the machine's speed.
"""

from __future__ import annotations

import cProfile
import importlib.util
import pstats
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reportexport.api import export, extract_facts
from reportexport.exporters import ExportOptions
from reportexport.model import Department, Report, SourceInfo, SourceSpan, WorkItem

REPO = Path(__file__).resolve().parent.parent

#: Allowed growth of the per-item increment of calls between n→2n and 2n→4n items.
TOLERANCE = 1.2

_VERBS = ("组织开展", "扎实推进", "持续深化", "创新实施", "全面提升")
_TOPICS = ("“红色智库”建设", "营商环境优化", "新媒体矩阵", "乡村振兴示范", "职工创新创效工程")
_CLAUSES = ("经验做法被《学习时报》刊发报道", "获市委主要领导批示肯定", "在全省评比中获一等奖", "居全省第一",
            "群众满意度达到98.5%", "累计服务群众10万+人次")


def make_report(departments: int, items: int = 5, facts: bool = True) -> Report:
    """A hand-built report of ``departments`` × ``items``; every department alike (deterministic)."""
    deps = []
    line = 3
    for d in range(1, departments + 1):
        its = []
        for i in range(1, items + 1):
            k = d * 7 + i
            title = f"{_VERBS[k % 5]}{_TOPICS[i % 5]}"
            sentences = [f"全年完成{_TOPICS[(i + j) % 5]}相关工作{12 + j * 3}项，{_CLAUSES[(i + j) % 6]}。"
                         for j in range(2 + i % 3)]
            body = "".join(sentences[:-1]) + "\n" + sentences[-1] if i % 2 else "".join(sentences)
            its.append(WorkItem(
                id=f"d{d}-i{i}", number=i, label=f"{i}.", title=title, title_rule="sentence", title_mark="。",
                body=body, text=f"{title}。{body}", span=SourceSpan(first_line=line, last_line=line + 4),
            ))
            line += 5
        deps.append(Department(id=f"d{d}", number=d, numeral=None, name=f"市第{d}局", label=f"{d}.",
                               heading=f"{d}.市第{d}局", items=tuple(its)))
    report = Report(title="市直部门（单位）2023年度重点工作开展情况", year=2023,
                    source=SourceInfo(name="linear.txt", encoding="utf-8", layout="newspaper"),
                    departments=tuple(deps))
    return extract_facts(report) if facts else report


# --------------------------------------------------------------------------- docx body searches

_BODY_METHODS = ("find", "findall", "findtext", "iterfind", "iter", "iterchildren", "itersiblings", "xpath", "index",
                 "__iter__", "insert_element_before", "first_child_found_in")


@contextmanager
def count_body_work() -> Iterator[Counter[str]]:
    """Count searches/traversals of ``w:body`` and python-docx block-adding calls."""
    from docx.blkcntnr import BlockItemContainer
    from docx.document import Document
    from docx.oxml.document import CT_Body

    counts: Counter[str] = Counter()
    patched: list[tuple[type, str, object]] = []

    def wrap(cls: type, name: str) -> None:
        original = getattr(cls, name)

        def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            counts[f"{cls.__name__}.{name}"] += 1
            return original(self, *args, **kwargs)

        patched.append((cls, name, cls.__dict__.get(name, _MISSING)))
        setattr(cls, name, counting)

    for name in _BODY_METHODS:
        wrap(CT_Body, name)
    for name in ("add_paragraph", "add_table"):
        wrap(BlockItemContainer, name)
    for name in ("add_paragraph", "add_heading", "add_page_break", "add_table", "add_section"):
        wrap(Document, name)
    try:
        yield counts
    finally:
        _restore(patched)


_MISSING = object()


def _restore(patched: list) -> None:
    """Undo the counting wrappers, newest first."""
    for cls, name, original in reversed(patched):
        if original is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, original)


def _docx_body_work(report: Report, tmp_path: Path) -> int:
    with count_body_work() as counts:
        export(report, "docx", tmp_path / f"n{report.item_count}.docx", ExportOptions())
    return sum(counts.values())


def test_docx_body_is_not_searched_per_item(tmp_path: Path) -> None:
    from docx import Document

    small, large = make_report(40), make_report(400)  # 200 and 2,000 items
    assert (small.item_count, large.item_count) == (200, 2000)
    work_small = _docx_body_work(small, tmp_path)
    work_large = _docx_body_work(large, tmp_path)
    assert work_large <= work_small + 2, (
        f"the docx body is searched/traversed {work_small} times for 200 items but {work_large} times for "
        "2,000: something adds paragraphs one by one through python-docx (quadratic on large reports)"
    )
    assert work_small <= 20
    # and the 2,000 items are really there: every item title read back from the file
    text = "\n".join(p.text for p in Document(str(tmp_path / "n2000.docx")).paragraphs)
    for _, item in large.items():
        assert item.title in text


def test_body_counter_catches_per_item_add_paragraph(tmp_path: Path) -> None:
    """Control: the counter grows with items for the idiomatic python-docx builder it must forbid."""
    import docx

    def idiomatic(report: Report) -> int:
        with count_body_work() as counts:
            doc = docx.Document()
            for dep in report.departments:
                doc.add_heading(dep.heading, level=1)
                for item in dep.items:
                    doc.add_paragraph(item.text)
            doc.save(str(tmp_path / "idiomatic.docx"))
        return sum(counts.values())

    small, large = idiomatic(make_report(4, facts=False)), idiomatic(make_report(40, facts=False))
    assert large > small * 5


@contextmanager
def count_body_insertions() -> Iterator[Counter[str]]:
    """Count elements put into a ``w:body`` one at a time (append/extend/insert/addprevious…).

    lxml moves an element from one tree into another element by element, in time that
    grows faster than the number of elements (perf: 217 s to ``extend`` a template's body
    with 30,000 parsed paragraphs); the exporter must parse the finished ``document.xml``
    once instead.  ``extend`` counts each element it is given.
    """
    from docx.oxml.document import CT_Body
    from docx.oxml.xmlchemy import BaseOxmlElement

    counts: Counter[str] = Counter()
    patched: list[tuple[type, str, object]] = []

    def wrap(cls: type, name: str, size: Callable[..., int]) -> None:
        original = getattr(cls, name)

        def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            counts[f"{cls.__name__}.{name}"] += size(self, *args)
            return original(self, *args, **kwargs)

        patched.append((cls, name, cls.__dict__.get(name, _MISSING)))
        setattr(cls, name, counting)

    def is_body(element: object) -> bool:
        return isinstance(element, CT_Body)

    wrap(CT_Body, "append", lambda self, *a: 1)
    wrap(CT_Body, "insert", lambda self, *a: 1)
    wrap(CT_Body, "extend", lambda self, elements, *a: len(list(elements)))
    for name in ("addprevious", "addnext"):  # a sibling of a body child (e.g. before w:sectPr)
        wrap(BaseOxmlElement, name, lambda self, *a: int(is_body(self.getparent())))
    try:
        yield counts
    finally:
        _restore(patched)


def _docx_body_insertions(report: Report, tmp_path: Path, **options: object) -> int:
    with count_body_insertions() as counts:
        export(report, "docx", tmp_path / f"ins{report.item_count}.docx", ExportOptions(**options))
    return sum(counts.values())


@pytest.mark.parametrize("options", [{}, {"toc": True}, {"brief": True}])
def test_docx_body_is_parsed_in_one_piece(options: dict[str, object], tmp_path: Path) -> None:
    """The body's paragraphs are not moved into the template's body one by one."""
    small, large = make_report(40), make_report(400)  # 200 and 2,000 items
    ins_small = _docx_body_insertions(small, tmp_path, **options)
    ins_large = _docx_body_insertions(large, tmp_path, **options)
    assert ins_large <= ins_small <= 4, (
        f"{ins_small} elements are inserted into w:body for 200 items and {ins_large} for 2,000: the body is "
        "moved into the template element by element (superlinear in lxml); build document.xml and parse it once"
    )
    from docx import Document

    paragraphs = Document(str(tmp_path / "ins2000.docx")).paragraphs
    assert len(paragraphs) > 2000
    last = large.departments[-1].items[-1]  # the last item is there, at the end
    assert any(p.text.startswith(f"{last.label}{last.title}") for p in paragraphs[-3:])


def test_insertion_counter_catches_moving_the_body(tmp_path: Path) -> None:
    """Control: moving a parsed body into a document (the old exporter, and the baseline) is counted."""
    import docx
    from docx.oxml.ns import nsdecls
    from docx.oxml.parser import parse_xml

    def moved(n: int) -> int:
        with count_body_insertions() as counts:
            doc = docx.Document()
            body = doc.element.body
            new = parse_xml(f"<w:body {nsdecls('w')}>" + "<w:p/>" * n + "</w:body>")
            body.extend(list(new))
            sect_pr = body.sectPr
            sect_pr.addprevious(parse_xml(f"<w:p {nsdecls('w')}/>"))
        return sum(counts.values())

    assert (moved(10), moved(100)) == (11, 101)


# --------------------------------------------------------------------------- calls per item


def _calls(fn: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.enable()
    try:
        fn()
    finally:
        profile.disable()
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def _increments(run: Callable[[int], Callable[[], object]], sizes: tuple[int, int, int]) -> tuple[float, float, list[int]]:
    """Calls per added department from sizes[0]→[1] and [1]→[2] (after a warm-up run)."""
    _calls(run(sizes[0]))  # imports, caches and font loading happen once
    calls = [_calls(run(n)) for n in sizes]
    first = (calls[1] - calls[0]) / (sizes[1] - sizes[0])
    second = (calls[2] - calls[1]) / (sizes[2] - sizes[1])
    return first, second, calls


@pytest.mark.parametrize(
    ("fmt", "write_only", "sizes"),
    [
        ("json", None, (20, 40, 80)),
        ("docx", None, (20, 40, 80)),
        ("xlsx", False, (20, 40, 80)),
        ("xlsx", True, (20, 40, 80)),
        ("pdf", None, (8, 16, 32)),
    ],
)
def test_export_calls_grow_linearly(fmt: str, write_only: bool | None, sizes: tuple[int, int, int],
                                    tmp_path: Path) -> None:
    reports = {n: make_report(n) for n in sizes}
    target = tmp_path / f"out.{fmt}"

    def run(n: int) -> Callable[[], object]:
        return lambda: export(reports[n], fmt, target, ExportOptions(write_only=write_only))

    first, second, calls = _increments(run, sizes)
    assert first > 0
    assert second <= first * TOLERANCE, (
        f"{fmt}: {first:.0f} calls per department from {sizes[0]} to {sizes[1]} departments but {second:.0f} "
        f"from {sizes[1]} to {sizes[2]} (totals {calls}): per-item work grows with the report"
    )
    assert target.stat().st_size > 0


def _synth() -> Callable[..., str]:
    spec = importlib.util.spec_from_file_location("bench_synth", REPO / "benchmarks" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synth_report


def test_parse_calls_grow_linearly(tmp_path: Path) -> None:
    """Reading the newspaper layout and extracting facts: linear in the number of items."""
    from reportexport.api import load_report

    synth_report = _synth()
    sizes = (20, 40, 80)
    paths = {}
    for n in sizes:
        paths[n] = tmp_path / f"synth{n}.txt"
        paths[n].write_text(synth_report(n, 5, seed=2), encoding="utf-8")
    loaded = {}

    def run(n: int) -> Callable[[], object]:
        def go() -> None:
            loaded[n] = load_report([paths[n]])
        return go

    first, second, calls = _increments(run, sizes)
    assert second <= first * TOLERANCE, f"parse: {first:.0f} then {second:.0f} calls per department ({calls})"
    assert loaded[80].item_count == 400
