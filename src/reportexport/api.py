"""The library's front door: read → extract → (tracking) → export, without the CLI.

>>> from reportexport.api import load_report, export
>>> report = load_report([])              # the bundled sample
>>> export(report, "docx")                # out/000_cf88b61c2d238c02.docx
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .config import Settings
from .errors import InputError, OutputError, StrictModeError
from .model import Department, Diagnostic, Report, Severity

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future
    from multiprocessing.connection import Connection

DEFAULT_OUT = Path("out")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Reading and exporting allocate hundreds of thousands of small objects (items, facts,
    XML elements); the collector's full passes over a growing heap cost 25–35 % of the time
    and make it grow faster than the item count.  Nothing here builds reference cycles that
    must be freed before the step ends; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_report(
    inputs: Sequence[Path | str] = (),
    *,
    settings: Settings | None = None,
    strict: bool = False,
    tracking: Path | str | None = None,
    continued_name: str | None = None,
    extract: bool = True,
    stream_to: EarlyWorkers | None = None,
) -> Report:
    """Read the input files (the bundled sample when none) into one report.

    Facts are extracted when ``extract`` is true; ``tracking`` applies the statuses, owners
    and notes of an edited tracking sheet; ``strict`` turns warnings into an error.  With
    ``stream_to`` (streaming workers of :func:`early_workers` given a folder), each
    department is sent to them as soon as it is final, so that they draw while the rest is
    extracted; not with ``tracking``, which changes the items once all are read.
    """
    if stream_to is not None and (not extract or not stream_to.feeds or stream_to.folder is None
                                  or tracking is not None):
        stream_to = None  # nothing to overlap with, or nothing final before the end
    with gc_paused():
        return _load_report(inputs, settings=settings or Settings(), strict=strict, tracking=tracking,
                            continued_name=continued_name, extract=extract, stream_to=stream_to)


def _load_report(inputs: Sequence[Path | str], *, settings: Settings, strict: bool, tracking: Path | str | None,
                 continued_name: str | None, extract: bool, stream_to: EarlyWorkers | None) -> Report:
    from .ingest import read_path
    from .resources import sample_path

    paths = [Path(p) for p in inputs] or [sample_path()]
    if len(paths) == 1:
        report = read_path(paths[0])
        if not inputs:  # the bundled sample: no machine-specific path in the outputs
            report = report.model_copy(update={"source": report.source.model_copy(update={"path": None})})
    else:
        from .merge import merge_pages

        report = merge_pages([read_path(p) for p in paths])
    name = continued_name or settings.document.continued_name
    if name:
        report = name_continued_section(report, name)
    if stream_to is not None:
        stream_to.begin(_without_departments(report))
    if extract:
        report = extract_facts(report, each=stream_to.put if stream_to is not None else None)
    if tracking is not None:
        from .tracking import apply_tracking

        report, notes = apply_tracking(report, Path(tracking), statuses=settings.xlsx.statuses)
        report = report.model_copy(update={"diagnostics": report.diagnostics + tuple(notes)})
    if strict:
        raise_on_warnings(report)
    return report


def extract_facts(report: Report, each: Callable[[Department], object] | None = None) -> Report:
    """Fill ``WorkItem.facts`` (figures, dates, recognitions); ``each`` is called with each
    department as soon as its facts are in."""
    from .extract import extract_facts as run

    return run(report, each)


def name_continued_section(report: Report, name: str) -> Report:
    """Give the section continued from the previous page its name (e.g. 市委党校)."""
    departments = tuple(
        d.model_copy(update={"name": name}) if d.continued and not d.name else d for d in report.departments
    )
    return report.model_copy(update={"departments": departments})


def raise_on_warnings(report: Report) -> None:
    """``--strict``: the first warning (or error) diagnostic becomes an :class:`StrictModeError`."""
    for diag in report.diagnostics:
        if diag.severity is not Severity.info:
            raise StrictModeError(
                f"{diag.message} [{diag.code}] (refused because of --strict)",
                path=report.source.path or diag.file or report.source.name,
                line=diag.line,
            )


def default_output(report: Report, suffix: str, folder: Path = DEFAULT_OUT) -> Path:
    """``out/<input stem><suffix>``, e.g. ``out/000_cf88b61c2d238c02.docx``."""
    stem = Path(report.source.name or "report").stem or "report"
    return folder / f"{stem}{suffix}"


def export(report: Report, fmt: str, output: Path | str | None = None, options: object | None = None,
           warnings: list[Diagnostic] | None = None) -> Path:
    """Write ``report`` in format ``fmt`` atomically; returns the path written.

    An exporter may leave diagnostics of its own in ``last_warnings`` (e.g. characters no
    font can draw); they are appended to ``warnings`` when a list is given.
    """
    from .exporters import ExportOptions, get_exporter
    from .io import atomic_path

    exporter = get_exporter(fmt)
    opts = options if isinstance(options, ExportOptions) else ExportOptions()
    if output is None:
        target = default_output(report, exporter.suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        target = Path(output)
    with atomic_path(target) as tmp, gc_paused():
        exporter.export(report, tmp, opts)
    if warnings is not None:
        warnings.extend(getattr(exporter, "last_warnings", None) or [])
    return target


def ensure_folder(folder: Path, create: bool) -> Path:
    """An output folder: created when it is the default, else it must exist."""
    if folder.exists() and not folder.is_dir():
        raise OutputError("the output path is a file, but a folder is needed here", path=str(folder))
    if not folder.exists():
        if not create:
            raise OutputError("the output folder does not exist; create it first", path=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def warnings_of(report: Report) -> list[Diagnostic]:
    """The diagnostics worth showing after an export (warnings and errors)."""
    return [d for d in report.diagnostics if d.severity is not Severity.info]


__all__ = ["load_report", "export", "extract_facts", "default_output", "InputError"]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, streamed."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: Where workers must be spawned (no fork), ``export_all`` uses them from this many items on.
PARALLEL_ITEMS = 1500
#: Slowest first, so the longest export starts at once.
_COST_ORDER = ("pdf", "xlsx", "docx")


class Checker(Protocol):
    """Reads one staged output back (e.g. :data:`reportexport.check.CHECKER`)."""

    def __call__(self, report: Report, fmt: str, path: Path, options: dict, name: str) -> list:
        """The checks of ``path``, the ``fmt`` output of ``report`` (``name``: its final file name)."""

    def warm(self, fmt: str) -> None:
        """Import what reading ``fmt`` back needs (in a worker, ahead of the export)."""


def can_fork() -> bool:
    """Whether worker processes can be forked (Linux): they then start in milliseconds and
    share the parent's report instead of receiving a copy."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _plan(formats: Sequence[str], jobs: int | None) -> tuple[list[str], list[str]]:
    """(formats for worker processes, formats for this process): the slowest ones out, one
    process per core left after this one."""
    order = sorted(formats, key=lambda n: _COST_ORDER.index(n) if n in _COST_ORDER else len(_COST_ORDER))
    workers = min(jobs or os.cpu_count() or 1, len(order))
    if workers <= 1:
        return [], order
    return order[: workers - 1], order[workers - 1:]


#: Inputs up to this many bytes get their export workers before they are read (early_workers).
EARLY_WORKERS_BYTES = 1 << 20


#: What a feeder's queue gets after the last department (then the exporter's summary).
_END = object()
#: What wakes a feeder that is told to stop.
_STOP = object()


class _Feed:
    """A thread of this process that sends a report to one streaming worker
    (:func:`_stage_streamed`) through its pipe: the report without its departments and the
    target (pickled), each department as JSON as it is put in the queue, an empty message
    after the last one, then the exporter's summary (pickled).  The pipe holds little, so
    the thread waits while the worker draws: the departments are serialised as they are
    needed, never all at once.  A worker that has gone stops it (its future tells why);
    any other failure is kept in ``error``.  A department is sent as
    :func:`_department_json` makes it."""

    def __init__(self, name: str, outbox: Connection) -> None:
        import queue

        self.outbox = outbox
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"reportexport-feed-{name}", daemon=True)

    def _run(self) -> None:
        try:
            head, target = self.queue.get()
            self.outbox.send((head.model_dump_json(), str(target)))
            while (dep := self.queue.get()) is not _END:
                if self.stopping.is_set():  # not the departments still queued
                    return
                self.outbox.send_bytes(_department_json(dep))
            self.outbox.send_bytes(b"")
            summary = self.queue.get()
            if not self.stopping.is_set():
                self.outbox.send(summary)
        except OSError:  # BrokenPipeError: the worker stopped reading
            pass
        except BaseException as exc:  # noqa: BLE001 — reported by the thread that waits for the export
            self.error = exc
        finally:
            self.outbox.close()

    def stop(self) -> None:
        """Stop sending (the worker then meets the pipe's end) and wait for the thread: at
        most until the worker reads the department being sent."""
        if self.thread.is_alive():
            self.stopping.set()
            self.queue.put(_STOP)  # wakes a thread that waits for a department or the summary
            self.thread.join()


@dataclass
class EarlyWorkers:
    """Export workers forked before the report was read (:func:`early_workers`).

    With ``feeds`` empty, the report is sent whole to ``pool``'s workers.  Otherwise each
    format of ``feeds`` is written by a worker that gets the report a department at a
    time through its pipe (see :class:`_Feed`), so that no worker holds the whole report.
    The stream starts with :meth:`begin`, as soon as the report's departments are final
    (``load_report(stream_to=...)`` does this before facts are extracted, when ``folder``
    is known), goes on with :meth:`put` for each department and ends with :meth:`end`."""

    pool: Executor
    #: The feeder of each streamed format.
    feeds: dict[str, _Feed] = field(default_factory=dict)
    #: The worker's future of each streamed format: (staged path, the exporter's result).
    futures: dict[str, Future] = field(default_factory=dict)
    #: The folder the files go to, when known before the report is read.
    folder: Path | None = None
    #: Each streamed format's target, from :meth:`begin`.
    targets: dict[str, Path] = field(default_factory=dict)

    @property
    def outboxes(self) -> dict[str, Connection]:
        """The write end of each streamed format's pipe."""
        return {name: feed.outbox for name, feed in self.feeds.items()}

    @property
    def begun(self) -> bool:
        return bool(self.targets)

    def begin(self, head: Report, folder: Path | None = None) -> None:
        """Start sending: ``head`` is the report without its departments, as it will be
        exported; the files go to ``folder`` (default: :attr:`folder`)."""
        from .exporters import get_exporter

        where = folder or self.folder
        if where is None:
            raise ValueError("EarlyWorkers.begin needs the folder the files go to")
        for name, feed in self.feeds.items():
            self.targets[name] = default_output(head, get_exporter(name).suffix, where)
            feed.queue.put((head, self.targets[name]))
            feed.thread.start()

    def put(self, department: Department) -> None:
        """Send ``department`` (final: with its facts) after the ones put before it."""
        for feed in self.feeds.values():
            feed.queue.put(department)

    def end(self, report: Report, options: object) -> None:
        """After the last department: each exporter's summary of the whole ``report``."""
        from .exporters import get_exporter

        for name, feed in self.feeds.items():
            summary = get_exporter(name).summarize(report, options)  # type: ignore[attr-defined]
            feed.queue.put(_END)
            feed.queue.put(summary)

    def stop(self) -> list[BaseException]:
        """Stop every feeder; returns what made any of them fail."""
        for feed in self.feeds.values():
            feed.stop()
        return [feed.error for feed in self.feeds.values() if feed.error is not None]


@contextlib.contextmanager
def early_workers(formats: Sequence[str], options: object, jobs: int | None = None, input_bytes: int = 0,
                  checker: Checker | None = None, folder: Path | None = None) -> Iterator[EarlyWorkers | None]:
    """Export workers forked now, before the report is read, for ``export_all(workers=...)``.

    While this process reads the report, each worker imports its exporters' libraries and
    loads their resources (an exporter's optional ``warm(options)``, e.g. the PDF fonts, and
    the ``checker``'s ``warm(format)``), so that the slowest format starts at once when the
    report arrives.  A small report (up to :data:`EARLY_WORKERS_BYTES` of input) is sent
    whole, pickled.  A larger one is streamed, a department at a time, to the workers of the
    formats that can write that way (:func:`reportexport.exporters.streams`, e.g. the PDF
    digest): a worker forked after reading would share the report's pages only until it
    touches them, and then hold a second copy of it.  With ``folder`` (where the files go),
    ``load_report(stream_to=...)`` sends each department as soon as its facts are
    extracted, and the worker draws it while the rest of the report is read.  Other remote
    formats get workers forked after reading (``export_all`` does that by itself); when there
    are any, the stream begins only after that fork, so that no feeder thread is running
    when the process forks.

    Yields None where this does not pay: one core or one format, no ``fork``, or a large
    input none of whose remote formats streams.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .exporters import get_exporter, streams

    remote, _ = _plan(formats, jobs)
    if not remote or not can_fork():
        yield None
        return
    context = multiprocessing.get_context("fork")
    if input_bytes <= EARLY_WORKERS_BYTES:
        pool = ProcessPoolExecutor(max_workers=len(remote), mp_context=context,
                                   initializer=_warm, initargs=(tuple(remote), options, checker))
        pool.submit(int)  # fork the workers now
        workers = EarlyWorkers(pool)
    else:
        streamed = [name for name in remote if streams(get_exporter(name))]
        if not streamed:
            yield None
            return
        pipes = {name: context.Pipe(duplex=False) for name in streamed}
        _STREAM_INBOXES.update({name: inbox for name, (inbox, _) in pipes.items()})
        outboxes = {name: outbox for name, (_, outbox) in pipes.items()}
        pool = ProcessPoolExecutor(max_workers=len(streamed), mp_context=context, initializer=_warm,
                                   initargs=(tuple(streamed), options, None, tuple(outboxes.values())))
        try:  # fork the workers now, each with every pipe, waiting for its report
            futures = {name: pool.submit(_stage_streamed, name, options, os.getpid()) for name in streamed}
        finally:
            for name, (inbox, _) in pipes.items():
                inbox.close()  # this process only writes
                _STREAM_INBOXES.pop(name, None)
        # The stream may begin while the report is read only when no other remote format is
        # left: export_all forks those workers after reading, and a fork must not meet a
        # feeder thread in the middle of sending.
        early_folder = folder if len(streamed) == len(remote) else None
        workers = EarlyWorkers(pool, {name: _Feed(name, box) for name, box in outboxes.items()}, futures,
                               early_folder)
    try:
        yield workers
    finally:
        workers.stop()
        for outbox in workers.outboxes.values():
            outbox.close()  # a worker still waiting for departments stops (EOFError)
        workers.pool.shutdown(wait=True)


#: In a streaming worker (forked by :func:`early_workers`): the read end of each streamed format's pipe.
_STREAM_INBOXES: dict[str, Connection] = {}


def _warm(formats: Sequence[str], options: object, checker: Checker | None,
          outboxes: Sequence[Connection] = ()) -> None:
    """Worker initializer: close the write ends of the streaming pipes inherited from the
    parent (so that a pipe reports its end when the parent closes it), then let each
    exporter (and the checker) import and load what it needs.  A failure here is left for
    the export itself to report."""
    from .exporters import get_exporter

    for outbox in outboxes:
        outbox.close()
    for name in formats:
        try:
            warm = getattr(get_exporter(name), "warm", None)
            if warm is not None:
                warm(options)
            if checker is not None:
                checker.warm(name)
        except Exception:  # noqa: BLE001, S110 — the export meets the same error and reports it
            pass


def export_all(report: Report, folder: Path, formats: Sequence[str], options: object | None = None,
               inputs: Sequence[Path] = (), jobs: int | None = None, checker: Checker | None = None,
               workers: EarlyWorkers | None = None) -> dict:
    """Write every format of ``report`` into ``folder`` plus ``<stem>.manifest.json``; returns the manifest.

    All or nothing: every file is staged under a hidden name first and the files are renamed
    into place only when every exporter has succeeded, so a refusal (``--strict``) or a
    crash in the last exporter leaves all previous outputs as they were.  The formats are
    exported by parallel processes (``jobs``, default: the cores) where workers can be
    forked, and elsewhere for reports of ``PARALLEL_ITEMS`` items or more.  ``workers`` are
    processes started by :func:`early_workers`; the report is then sent to them.

    With ``checker`` (e.g. :data:`reportexport.check.CHECKER`) each output is read back by
    the process that wrote it, before it is put in place; the results are returned under the
    key ``"checks"`` (they are not part of the manifest file).
    """
    import json

    from . import __version__
    from .exporters import ExportOptions, get_exporter
    from .io import commit, discard, staged_path

    opts = options if isinstance(options, ExportOptions) else ExportOptions()
    exporters = {name: get_exporter(name) for name in formats}  # fail early on an unknown format
    targets = {name: default_output(report, exp.suffix, folder) for name, exp in exporters.items()}
    staged: dict[str, Path] = {}
    found: list[Diagnostic] = []
    checks: dict[str, list] = {}
    try:
        remote, local = _plan(list(exporters), jobs)
        if remote and (workers is not None or can_fork() or report.item_count >= PARALLEL_ITEMS):
            staged, found, checks = _export_parallel(report, targets, opts, remote, local, checker, workers)
        else:
            for name in exporters:
                staged[name], warnings, checks[name] = _stage_here(report, name, targets[name], opts,
                                                                   checker=checker)
                found.extend(warnings)
        outputs = [{"format": name, "path": targets[name].name, "sha256": sha256_file(staged[name]),
                    "bytes": staged[name].stat().st_size} for name in exporters]
        manifest = {
            "tool": "reportexport",
            "version": __version__,
            "title": report.title,
            "inputs": [{"path": str(p), "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in inputs if p.is_file()],
            "source": report.source.model_dump(mode="json"),
            "counts": {
                "departments": len(report.departments),
                "items": report.item_count,
                "facts": sum(len(i.facts) for _, i in report.items()),
                "warnings": len(warnings_of(report)) + len(found),
            },
            "export_warnings": [str(d) for d in found],
            "options": opts.as_record(),
            "outputs": outputs,
        }
        target = default_output(report, ".manifest.json", folder)
        box = []
        with staged_path(target, box) as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        staged["manifest"] = box[0]
        targets["manifest"] = target
    except BaseException:
        for path in staged.values():
            discard(path)
        raise
    for name, path in staged.items():
        commit(path, targets[name])
    manifest["manifest"] = target.name
    if checker is not None:
        manifest["checks"] = [c for name in exporters for c in checks.get(name, [])]
    return manifest


def _export_parallel(report: Report, targets: dict[str, Path], options: object, remote: list[str], local: list[str],
                     checker: Checker | None, early: EarlyWorkers | None = None,
                     ) -> tuple[dict[str, Path], list[Diagnostic], dict[str, list]]:
    """The ``remote`` formats in processes of their own, the ``local`` ones here meanwhile.

    With ``early`` workers (:func:`early_workers`) the report is sent to them: whole, or a
    department at a time to the formats of ``early.feeds``, by a thread of this process
    (:class:`_Feed`, begun here unless ``load_report`` began it); such a format's warnings
    and read-back are done here, where the report is, and the local formats that can write
    from a stream of departments get transient copies (:func:`_stage_transient`).  The
    remaining remote formats get workers now: where
    processes can be forked (Linux), forked workers inherit the report: its pages are shared
    copy-on-write until touched, and nothing is serialised; the collector's generations are
    frozen first (also when streaming), so that no collection in either process walks (and
    copies) the report's pages.  Elsewhere a worker gets the report as JSON and validates
    its own copy.  Exporter libraries are imported by the process that uses them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .exporters import get_exporter, streams
    from .io import discard

    global _SHARED_REPORT
    streamed = [name for name in early.feeds if name in remote] if early is not None else []
    others = [name for name in remote if name not in streamed]
    sent = early.pool if early is not None and not streamed else None
    staged: dict[str, Path] = {}
    found: list[Diagnostic] = []
    checks: dict[str, list] = {}
    errors: list[BaseException] = []
    fork = bool(others) and sent is None and can_fork()
    freeze = fork or bool(streamed)  # the report outlives every collection until the exports end
    if fork:
        _SHARED_REPORT = report
    if freeze:
        gc.freeze()
    feed_errors: list[BaseException] = []
    try:
        with contextlib.ExitStack() as stack:
            futures = {}
            if others:
                pool = sent
                if pool is None:
                    context = multiprocessing.get_context("fork" if fork else None)
                    pool = stack.enter_context(ProcessPoolExecutor(max_workers=len(others), mp_context=context))
                source: Report | str | None = report  # sent whole to the early workers
                if sent is None:  # inherited by a fork (None), else validated from JSON by the worker
                    source = None if fork else report.model_dump_json()
                futures = {name: pool.submit(_stage_one, source, name, targets[name], options, os.getpid(), checker)
                           for name in others}
                del source
            if streamed:  # after any fork: the feeders are threads
                assert early is not None
                if not early.begun:
                    early.begin(_without_departments(report), targets[streamed[0]].parent)
                    for dep in report.departments:
                        early.put(dep)
                if any(early.targets[name] != targets[name] for name in streamed):
                    raise ValueError("early_workers(folder=...) and export_all were given different folders")
                early.end(report, options)
                futures.update((name, early.futures[name]) for name in streamed)
            # While a streamed worker draws, this process holds the report: the heap each
            # export here frees is handed back before the next one (the first after the
            # reader's), and the cheapest formats go first, so that the libraries the costly
            # ones import (openpyxl: 25 MB) are not yet loaded while the others run.
            for name in (local[::-1] if streamed else local):
                if streamed:
                    _trim_heap()
                try:
                    stage = _stage_transient if streamed and streams(get_exporter(name)) else _stage_here
                    staged[name], warnings, checks[name] = stage(report, name, targets[name], options,
                                                                 checker=checker)
                    found.extend(warnings)
                except BaseException as exc:  # noqa: BLE001 — collect, drop the others, re-raise the first
                    errors.append(exc)
                    break
            if streamed:
                _trim_heap()  # while the PDF worker draws, this process only waits
            for name in remote:
                try:
                    if name in streamed:
                        staged[name], result = futures[name].result()
                        warnings, checks[name] = _finished(report, name, staged[name], result, options, checker,
                                                           targets[name].name)
                    else:
                        staged[name], warnings, checks[name] = futures[name].result()
                    found.extend(warnings)
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)
    finally:
        if early is not None:
            feed_errors = early.stop()
        errors[:0] = feed_errors  # a department that could not be sent says why first
        if fork:
            _SHARED_REPORT = None
        if freeze:
            gc.unfreeze()
    if errors:
        for path in staged.values():
            discard(path)
        raise errors[0]
    return {name: staged[name] for name in targets}, found, checks


def _trim_heap() -> None:
    """Hand the free memory of this process's heap back to the system (glibc's
    ``malloc_trim``): what the exports done here freed is otherwise kept for reuse."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)  # the C library this process runs with
    except (OSError, AttributeError, TypeError):  # not glibc
        pass


def _department_json(department: Department) -> bytes:
    """``department`` as JSON, dumped by the standard library's encoder from
    ``model_dump(mode="json")``: pydantic's ``model_dump_json`` would leave a UTF-8 copy
    inside every non-ASCII string it writes (CPython keeps it for the string's life), ~35 MB
    more in the process that keeps the report, at 25,000 items."""
    import json

    return json.dumps(department.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")


def _stage_transient(report: Report, fmt: str, target: Path, options: object,
                     checker: Checker | None = None) -> tuple[Path, list[Diagnostic], list]:
    """Like :func:`_stage_here`, for a format that writes from a stream of departments
    (``exporters.streams``): it gets transient copies of the departments, each validated
    from :func:`_department_json` and dropped once written, so that whatever it leaves in
    the strings it writes (pydantic's UTF-8 copies) goes with them instead of staying in
    the report, which this process keeps until every format is written."""
    from .exporters import get_exporter

    summary = get_exporter(fmt).summarize(report, options)  # type: ignore[attr-defined]
    copies = (Department.model_validate_json(_department_json(dep)) for dep in report.departments)
    staged, result = _write_departments(fmt, _without_departments(report), copies, lambda: summary, target, options)
    return staged, *_finished(report, fmt, staged, result, options, checker, target.name)


def _write_departments(fmt: str, head: Report, departments: Iterator[Department], summary: Callable[[], object],
                       target: Path, options: object, owner: int | None = None) -> tuple[Path, object]:
    """``fmt`` written from ``head`` (a report without departments), ``departments`` and
    the exporter's summary (``summary()``, once the last department is written) to a staged
    file (``owner`` commits it): (staged path, the exporter's result for its ``finish``)."""
    from .exporters import get_exporter
    from .io import staged_path

    box: list[Path] = []
    with staged_path(target, box, owner=owner) as tmp, gc_paused():
        result = get_exporter(fmt).export_departments(head, departments, summary, tmp, options)  # type: ignore[attr-defined]
    return box[0], result


def _finished(report: Report, fmt: str, staged: Path, result: object, options: object, checker: Checker | None,
              name: str) -> tuple[list[Diagnostic], list]:
    """(warnings, checks) of a format written from a stream: the exporter's ``finish`` and
    the read-back, both where the whole report is."""
    from .exporters import get_exporter

    warnings = list(get_exporter(fmt).finish(report, result, options))  # type: ignore[attr-defined]
    return warnings, checker(report, fmt, staged, _recorded(options), name) if checker is not None else []


def _without_departments(report: Report) -> Report:
    """``report`` with no departments: what a format written from a stream gets first."""
    return report.model_copy(update={"departments": ()})


def _received(inbox: Connection) -> Iterator[Department]:
    """The departments a :class:`_Feed` sends, validated one at a time."""
    while data := inbox.recv_bytes():
        yield Department.model_validate_json(data)


def _stage_streamed(fmt: str, options: object, owner: int) -> tuple[Path, object]:
    """Streaming worker: write ``fmt`` from what its pipe brings (see :class:`_Feed`) to a
    staged file (``owner`` commits it); returns (staged path, the exporter's result for its
    ``finish``).  Waits for the report's head, which comes as soon as the report is read."""
    inbox = _STREAM_INBOXES[fmt]
    try:
        head_json, target = inbox.recv()
        return _write_departments(fmt, Report.model_validate_json(head_json), _received(inbox), inbox.recv,
                                  Path(target), options, owner)
    finally:
        inbox.close()  # the parent's feeder, if still sending, stops


#: The report a forked worker of :func:`_export_parallel` inherits (None outside it).
_SHARED_REPORT: Report | None = None


def _stage_here(report: Report, fmt: str, target: Path, options: object, owner: int | None = None,
                checker: Checker | None = None) -> tuple[Path, list[Diagnostic], list]:
    """Export one format in this process to a staged file (``owner`` commits it), and read
    it back with ``checker``: (staged path, export warnings, checks)."""
    from .exporters import get_exporter
    from .io import staged_path

    exporter = get_exporter(fmt)
    box: list[Path] = []
    with staged_path(target, box, owner=owner) as tmp, gc_paused():
        exporter.export(report, tmp, options)  # type: ignore[arg-type]
    checks = checker(report, fmt, box[0], _recorded(options), target.name) if checker is not None else []
    return box[0], list(getattr(exporter, "last_warnings", None) or []), checks


def _recorded(options: object) -> dict:
    """The options as the manifest records them (what a checker compares with)."""
    from .exporters import ExportOptions

    return options.as_record() if isinstance(options, ExportOptions) else {}


def _stage_one(source: Report | str | None, fmt: str, target: Path, options: object, owner: int,
               checker: Checker | None) -> tuple[Path, list[Diagnostic], list]:
    """Worker process: one format staged (and checked) for the parent to commit.  The report
    is ``source`` (sent), its JSON, or (None) the one inherited by a fork."""
    if source is None:
        if _SHARED_REPORT is None:
            raise RuntimeError("a forked export worker found no report")
        report = _SHARED_REPORT
    elif isinstance(source, str):
        with gc_paused():
            report = Report.model_validate_json(source)
    else:
        report = source
    return _stage_here(report, fmt, target, options, owner, checker)
