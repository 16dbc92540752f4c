"""`reportexport check` passes on good outputs and names the item in damaged ones."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportexport.check import _containing, _in_order, run_checks

STEM = "000_cf88b61c2d238c02"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportexport.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("all")
    result = cli("all", "-o", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout
    return folder


def test_all_writes_a_manifest_and_the_check_passes(outputs: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    import json

    manifest = json.loads((outputs / f"{STEM}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["items"] == 61 and manifest["counts"]["departments"] == 16
    assert {o["format"] for o in manifest["outputs"]} == {"json", "docx", "xlsx", "pdf"}
    for entry in manifest["outputs"]:
        assert (outputs / entry["path"]).stat().st_size == entry["bytes"]
    assert len(manifest["inputs"][0]["sha256"]) == 64
    results = run_checks(sample_report, outputs)
    assert results and all(r.ok for r in results), [r for r in results if not r.ok]
    assert cli("check", "--outputs", str(outputs)).returncode == 0


def test_check_names_an_item_removed_from_the_docx(outputs: Path, tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "damaged"
    shutil.copytree(outputs, damaged)
    path = damaged / f"{STEM}.docx"
    document = Document(str(path))
    victim = next(p for p in document.paragraphs if "做大做强媒体传播力" in p.text)
    victim._element.getparent().remove(victim._element)
    document.save(str(path))
    failed = [r for r in run_checks(sample_report, damaged) if not r.ok]
    assert failed and all(r.fmt == "docx" for r in failed)
    assert any("d13-i2" in r.detail for r in failed)
    result = cli("check", "--outputs", str(damaged))
    assert result.returncode == 1 and "d13-i2" in result.stdout


def test_check_names_an_item_changed_in_the_xlsx(outputs: Path, tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "damaged"
    shutil.copytree(outputs, damaged)
    path = damaged / f"{STEM}.xlsx"
    book = load_workbook(path)
    sheet = book["工作台账"]
    header = [c.value for c in sheet[1]]
    text_col, id_col = header.index("主要内容") + 1, header.index("事项ID") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, id_col).value == "d20-i3")
    sheet.cell(row, text_col).value = "被改过的内容"
    book.save(path)
    failed = [r for r in run_checks(sample_report, damaged) if not r.ok]
    assert [r.fmt for r in failed] == ["xlsx"]
    assert "d20-i3" in failed[0].detail


@pytest.mark.parametrize("fork", [True, False], ids=["forked-workers", "workers-given-json"])
def test_parallel_and_serial_all_give_identical_files(fork: bool, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    import reportexport.api as api
    from reportexport.api import export_all, load_report

    report = load_report([])
    monkeypatch.setattr(api, "PARALLEL_ITEMS", 1)  # the sample is small: force the process pool
    if not fork:  # as where processes cannot be forked: the workers validate the report from JSON
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir()
    parallel.mkdir()
    export_all(report, serial, ["json", "docx", "xlsx", "pdf"], jobs=1)
    export_all(report, parallel, ["json", "docx", "xlsx", "pdf"], jobs=2)
    for suffix in (".json", ".docx", ".xlsx", ".pdf"):
        assert (serial / f"{STEM}{suffix}").read_bytes() == (parallel / f"{STEM}{suffix}").read_bytes(), suffix
    assert all(r.ok for r in run_checks(report, parallel))
    assert sorted(p.name for p in parallel.iterdir()) == sorted(p.name for p in serial.iterdir())


def test_a_failing_format_in_the_pool_leaves_every_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportexport.api as api
    from reportexport.api import export_all, load_report
    from reportexport.errors import StrictModeError
    from reportexport.exporters import ExportOptions

    bad = Path(__file__).parent / "fixtures" / "bad" / "outside_every_font.txt"
    report = load_report([bad])
    monkeypatch.setattr(api, "PARALLEL_ITEMS", 1)
    old = {}
    for suffix in (".json", ".docx", ".xlsx", ".pdf", ".manifest.json"):
        path = tmp_path / f"outside_every_font{suffix}"
        path.write_bytes(b"old")
        old[path] = b"old"
    with pytest.raises(StrictModeError, match="U\\+1F600"):
        export_all(report, tmp_path, ["json", "docx", "xlsx", "pdf"], ExportOptions(strict=True), jobs=2)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == old


def test_early_workers_give_the_same_files_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked before the report is read (a small input) get it sent, warmed up."""
    import os

    from reportexport.api import can_fork, early_workers, export_all, load_report
    from reportexport.check import CHECKER
    from reportexport.exporters import ExportOptions
    from reportexport.exporters.pdf import PdfExporter

    writers = tmp_path / "pdf-writers"  # the process id of each PDF export, one a line
    export_pdf = PdfExporter.export

    def recorded(self, report, path, options):  # noqa: ANN001, ANN202
        with writers.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return export_pdf(self, report, path, options)

    monkeypatch.setattr(PdfExporter, "export", recorded)  # forked workers inherit the patch
    formats = ["json", "docx", "xlsx", "pdf"]
    options = ExportOptions()
    early, serial = tmp_path / "early", tmp_path / "serial"
    early.mkdir()
    serial.mkdir()
    with early_workers(formats, options, jobs=2, input_bytes=1000, checker=CHECKER) as workers:
        assert (workers is not None) == can_fork()
        assert workers is None or not workers.outboxes  # a small report is sent whole
        worker_pid = workers.pool.submit(os.getpid).result() if workers is not None else os.getpid()
        report = load_report([])
        got = export_all(report, early, formats, options, jobs=2, checker=CHECKER, workers=workers)
    # the PDF, the slowest format, was written by the worker forked before the report was read
    assert writers.read_text().split() == [str(worker_pid)]
    assert worker_pid != os.getpid() or not can_fork()
    writers.unlink()
    want = export_all(report, serial, formats, options, jobs=1, checker=CHECKER)
    assert writers.read_text().split() == [str(os.getpid())]
    for suffix in (".json", ".docx", ".xlsx", ".pdf", ".manifest.json"):
        assert (early / f"{STEM}{suffix}").read_bytes() == (serial / f"{STEM}{suffix}").read_bytes(), suffix
    assert [(c.fmt, c.name, c.ok) for c in got["checks"]] == [(c.fmt, c.name, c.ok) for c in want["checks"]]
    assert {c.fmt for c in got["checks"]} == {"docx", "xlsx", "pdf"} and all(c.ok for c in got["checks"])


def test_large_inputs_get_early_workers_only_for_formats_that_stream() -> None:
    from reportexport.api import EARLY_WORKERS_BYTES, can_fork, early_workers
    from reportexport.exporters import ExportOptions

    large = EARLY_WORKERS_BYTES + 1
    with early_workers(["docx", "pdf"], ExportOptions(), jobs=2, input_bytes=large) as workers:
        assert (workers is not None and list(workers.outboxes) == ["pdf"]) == can_fork()
    with early_workers(["docx", "xlsx"], ExportOptions(), jobs=2, input_bytes=large) as workers:
        assert workers is None  # xlsx does not stream: forked after reading, sharing the report's pages
    with early_workers(["docx", "pdf"], ExportOptions(), jobs=1, input_bytes=10) as workers:
        assert workers is None  # one process: nothing to start


# ----------------------------------------------------------------- linear-time helpers

_short = st.text(alphabet="部门局社一二、", max_size=6)


@given(titles=st.lists(_short, max_size=12), names=st.lists(_short, max_size=6))
def test_containing_equals_testing_every_name(titles: list[str], names: list[str]) -> None:
    assert _containing(titles, names) == [any(n in t for n in names) for t in titles]


@given(haystack=st.text(alphabet="甲乙丙丁", max_size=30), needles=st.lists(st.text(alphabet="甲乙丙丁", max_size=4), max_size=10))
def test_missing_equals_a_search_of_the_whole_text(haystack: str, needles: list[str]) -> None:
    labelled = [(f"n{k}", n) for k, n in enumerate(needles)]
    missing, disorder = _in_order(haystack, labelled)
    assert missing == [label for label, n in labelled if n not in haystack]
    assert not set(missing) & set(disorder)


def test_a_department_bookmarked_twice_fails_the_bookmark_check(tmp_path: Path, sample_report) -> None:  # type: ignore[no-untyped-def]
    """Matching bookmarks to departments by set look-up keeps the old rule: an extra entry naming a
    department is an error, not ignored."""
    from pypdf import PdfReader, PdfWriter

    from reportexport.api import export
    from reportexport.check import check_pdf

    pdf = tmp_path / "digest.pdf"
    export(sample_report, "pdf", pdf)
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    writer.add_outline_item(title=sample_report.departments[3].display_name, page_number=0)
    writer.write(str(pdf))
    bookmarks = [c for c in check_pdf(sample_report, pdf, {}) if c.name.startswith("bookmarks")]
    assert bookmarks and not bookmarks[0].ok
