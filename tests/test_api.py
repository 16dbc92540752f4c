"""`export_all` with a large input: the PDF worker, forked before the report is read, gets the
report a department at a time and writes the same file as a single export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportexport.api import EARLY_WORKERS_BYTES, can_fork, early_workers, export, export_all
from reportexport.errors import OutputError, StrictModeError
from reportexport.exporters import ExportOptions
from reportexport.exporters.pdf import PdfExporter
from reportexport.model import Report

pytestmark = pytest.mark.skipif(not can_fork(), reason="streaming workers are forked (Linux)")

LARGE = EARLY_WORKERS_BYTES + 1  # the input size that makes early_workers stream
FORMATS = ["json", "docx", "pdf"]


def _streamed_all(report: Report, folder: Path, options: ExportOptions, formats: list[str] = FORMATS,
                  checker: object | None = None) -> dict:
    with early_workers(formats, options, jobs=2, input_bytes=LARGE) as workers:
        assert workers is not None and list(workers.outboxes) == ["pdf"]
        return export_all(report, folder, formats, options, jobs=2, workers=workers, checker=checker)  # type: ignore[arg-type]


def test_json_next_to_a_streamed_digest_is_the_single_export_and_leaves_the_report_as_it_was(
        tmp_path: Path) -> None:
    import sys

    from reportexport.api import load_report

    report = load_report()  # fresh: no string of it has been written as JSON yet
    texts = [text for _, item in report.items() for text in (item.title, item.body)]
    sizes = [sys.getsizeof(text) for text in texts]
    folder = tmp_path / "all"
    folder.mkdir()
    manifest = _streamed_all(report, folder, ExportOptions())
    written = folder / next(o["path"] for o in manifest["outputs"] if o["format"] == "json")
    # pydantic's dump keeps a UTF-8 copy in each non-ASCII string it writes (getsizeof counts
    # it); the JSON written next to a streamed digest was dumped from transient copies
    assert [sys.getsizeof(text) for text in texts] == sizes
    single = tmp_path / "single.json"
    export(report, "json", single, ExportOptions())
    assert written.read_bytes() == single.read_bytes()
    assert sum(sys.getsizeof(text) for text in texts) > sum(sizes)  # what the check above would see


def _outside_every_font() -> Report:
    """A report with a character (U+1F600) that no embedded font has."""
    from reportexport.api import load_report

    return load_report([Path(__file__).parent / "fixtures" / "bad" / "outside_every_font.txt"])


def _log_received_departments(received: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the PDF worker write a line to ``received`` for each department it draws: its pid,
    the departments of the report it holds, the department's id."""
    streamed_export = PdfExporter.export_departments

    def recorded(self, head, departments, summary, path, options):  # noqa: ANN001, ANN202
        def logged():  # noqa: ANN202
            for dep in departments:
                with received.open("a") as f:
                    f.write(f"{os.getpid()} {len(head.departments)} {dep.id}\n")
                yield dep
        return streamed_export(self, head, logged(), summary, path, options)

    monkeypatch.setattr(PdfExporter, "export_departments", recorded)  # the forked worker inherits it
    return received


def test_streamed_digest_is_the_single_export_byte_for_byte(tmp_path: Path, sample_report: Report,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    received = _log_received_departments(tmp_path / "received", monkeypatch)
    options = ExportOptions()
    folder = tmp_path / "all"
    folder.mkdir()
    manifest = _streamed_all(sample_report, folder, options)
    single = tmp_path / "single.pdf"
    export(sample_report, "pdf", single, options)
    pdf = folder / next(o["path"] for o in manifest["outputs"] if o["format"] == "pdf")
    assert pdf.read_bytes() == single.read_bytes()
    lines = [line.split() for line in received.read_text().splitlines()]
    # a worker other than this process, holding a report without departments, got each in order
    assert {pid for pid, _, _ in lines} != {str(os.getpid())} and len({pid for pid, _, _ in lines}) == 1
    assert {n for _, n, _ in lines} == {"0"}
    assert [dep_id for _, _, dep_id in lines] == [d.id for d in sample_report.departments]


def test_streamed_digest_reports_missing_characters_like_a_single_export(tmp_path: Path) -> None:
    report = _outside_every_font()
    exporter = PdfExporter()
    exporter.export(report, tmp_path / "single.pdf", ExportOptions())
    assert exporter.last_warnings and {w.code for w in exporter.last_warnings} == {"pdf-missing-glyph"}
    folder = tmp_path / "all"
    folder.mkdir()
    manifest = _streamed_all(report, folder, ExportOptions())
    assert manifest["export_warnings"] == [str(w) for w in exporter.last_warnings]


def test_streamed_digest_refused_by_strict_leaves_every_old_file(tmp_path: Path) -> None:
    report = _outside_every_font()
    old = {}
    for suffix in (".json", ".docx", ".pdf", ".manifest.json"):
        path = tmp_path / f"outside_every_font{suffix}"
        path.write_bytes(b"old")
        old[path] = b"old"
    with pytest.raises(StrictModeError, match="U\\+1F600"):
        _streamed_all(report, tmp_path, ExportOptions(strict=True))
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == old


def test_a_failing_streaming_worker_stops_the_export_without_hanging(tmp_path: Path, sample_report: Report,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def fails_after_two(self, head, departments, summary, path, options):  # noqa: ANN001, ANN202
        next(departments)
        next(departments)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PdfExporter, "export_departments", fails_after_two)
    with pytest.raises(OutputError, match="the disk is full"):
        _streamed_all(sample_report, tmp_path, ExportOptions())
    assert list(tmp_path.iterdir()) == []  # the other formats' staged files are gone too


def test_streamed_digest_is_read_back_where_the_report_is(tmp_path: Path, sample_report: Report) -> None:
    from reportexport.check import CHECKER

    manifest = _streamed_all(sample_report, tmp_path, ExportOptions(), checker=CHECKER)
    pdf_checks = [c for c in manifest["checks"] if c.fmt == "pdf"]
    assert pdf_checks and all(c.ok for c in pdf_checks)


def test_a_department_that_cannot_be_sent_is_the_error_reported(tmp_path: Path, sample_report: Report,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from reportexport.model import Department

    dump = Department.model_dump
    sent: list[str] = []

    def fails_on_the_third(self, **kw):  # noqa: ANN001, ANN003, ANN202
        sent.append(self.id)
        if len(sent) == 3:
            raise ValueError("cannot serialise this department")
        return dump(self, **kw)

    monkeypatch.setattr(Department, "model_dump", fails_on_the_third)
    with pytest.raises(ValueError, match="cannot serialise"):
        _streamed_all(sample_report, tmp_path, ExportOptions())
    assert list(tmp_path.iterdir()) == []


def test_the_worker_draws_departments_while_the_report_is_still_extracted(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With a folder known before reading, each department goes to the PDF worker as soon as
    its facts are in; the digest is still the single export, byte for byte."""
    import time

    from reportexport import extract
    from reportexport.api import load_report

    received = _log_received_departments(tmp_path / "received", monkeypatch)

    def drawn(dep_id: str) -> bool:
        return received.exists() and dep_id in [line.split()[2] for line in received.read_text().splitlines()]

    extract_facts = extract.extract_facts
    drawn_before_the_second: list[bool] = []

    def watched(report, each=None):  # noqa: ANN001, ANN202
        def each_then_wait(dep):  # noqa: ANN001, ANN202
            each(dep)
            if not drawn_before_the_second:  # the first department: does the worker get it now?
                deadline = time.monotonic() + 60
                while not drawn(dep.id) and time.monotonic() < deadline:
                    time.sleep(0.01)
                drawn_before_the_second.append(drawn(dep.id))
        return extract_facts(report, each_then_wait if each is not None else None)

    monkeypatch.setattr(extract, "extract_facts", watched)
    options = ExportOptions()
    folder = tmp_path / "all"
    folder.mkdir()
    formats = ["json", "pdf"]
    with early_workers(formats, options, jobs=2, input_bytes=LARGE, folder=folder) as workers:
        report = load_report(stream_to=workers)
        manifest = export_all(report, folder, formats, options, jobs=2, workers=workers)
    assert drawn_before_the_second == [True]
    assert [line.split()[2] for line in received.read_text().splitlines()] == [d.id for d in report.departments]
    single = tmp_path / "single.pdf"
    export(report, "pdf", single, options)
    pdf = folder / next(o["path"] for o in manifest["outputs"] if o["format"] == "pdf")
    assert pdf.read_bytes() == single.read_bytes()


def test_tracking_keeps_the_departments_until_the_report_is_read(tmp_path: Path, sample_report: Report) -> None:
    """An edited tracking sheet changes items once all are read: nothing is streamed before."""
    from reportexport.api import load_report

    sheet = tmp_path / "tracking.xlsx"
    export(sample_report, "xlsx", sheet, ExportOptions())
    folder = tmp_path / "all"
    folder.mkdir()
    with early_workers(["json", "pdf"], ExportOptions(), jobs=2, input_bytes=LARGE, folder=folder) as workers:
        assert workers is not None
        load_report(stream_to=workers, tracking=sheet)
        assert not workers.begun


def test_a_refusal_after_streaming_began_stops_the_worker_and_leaves_nothing(tmp_path: Path) -> None:
    """--strict refuses the report once it is read and extracted, after its departments went
    to the PDF worker: the refusal is the error, the worker stops, no file is left."""
    from reportexport.api import load_report

    bad = Path(__file__).parent / "fixtures" / "bad" / "numbers_repeat_and_skip.txt"
    folder = tmp_path / "all"
    folder.mkdir()
    (folder / "numbers_repeat_and_skip.pdf").write_bytes(b"old")
    with pytest.raises(StrictModeError, match="item-numbering"):
        with early_workers(["json", "pdf"], ExportOptions(strict=True), jobs=2, input_bytes=LARGE,
                           folder=folder) as workers:
            assert workers is not None
            try:
                load_report([bad], strict=True, stream_to=workers)
            finally:
                assert workers.begun  # the departments were on their way
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"numbers_repeat_and_skip.pdf": b"old"}


def test_no_feeder_thread_runs_when_workers_are_forked_after_reading(tmp_path: Path) -> None:
    """With a remote format that does not stream (xlsx, jobs=3), its worker is forked after
    the report is read: the stream to the PDF worker then begins only after that fork, never
    with a feeder thread sending while the process forks.  The digest is still the single
    export's."""
    import threading

    from reportexport.api import load_report

    feeders_at_fork: list[list[str]] = []
    watching = [True]  # a fork hook cannot be removed: it stops recording when this test ends

    def record() -> None:
        if watching[0]:
            feeders_at_fork.append([t.name for t in threading.enumerate() if t.name.startswith("reportexport-feed")])

    os.register_at_fork(before=record)
    folder = tmp_path / "all"
    folder.mkdir()
    formats = ["json", "xlsx", "pdf"]
    options = ExportOptions()
    try:
        with early_workers(formats, options, jobs=3, input_bytes=LARGE, folder=folder) as workers:
            assert workers is not None and list(workers.feeds) == ["pdf"]
            report = load_report(stream_to=workers)
            assert not workers.begun  # xlsx's worker is yet to be forked
            manifest = export_all(report, folder, formats, options, jobs=3, workers=workers)
    finally:
        watching[0] = False
    assert feeders_at_fork and all(names == [] for names in feeders_at_fork)
    single = tmp_path / "single.pdf"
    export(report, "pdf", single, options)
    pdf = folder / next(o["path"] for o in manifest["outputs"] if o["format"] == "pdf")
    assert pdf.read_bytes() == single.read_bytes()
