"""The library's front door: read → extract → (tracking) → export, without the CLI.

>>> from reportexport.api import load_report, export
>>> report = load_report([])              # the bundled sample
>>> export(report, "docx")                # out/000_cf88b61c2d238c02.docx
"""

from __future__ import annotations

import os
import contextlib
import gc
from collections.abc import Iterator, Sequence
from pathlib import Path

from .config import Settings
from .errors import InputError, OutputError, StrictModeError
from .model import Diagnostic, Report, Severity

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
) -> Report:
    """Read the input files (the bundled sample when none) into one report.

    Facts are extracted when ``extract`` is true; ``tracking`` applies the statuses, owners
    and notes of an edited tracking sheet; ``strict`` turns warnings into an error.
    """
    with gc_paused():
        return _load_report(inputs, settings=settings or Settings(), strict=strict, tracking=tracking,
                            continued_name=continued_name, extract=extract)


def _load_report(inputs: Sequence[Path | str], *, settings: Settings, strict: bool, tracking: Path | str | None,
                 continued_name: str | None, extract: bool) -> Report:
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
    if extract:
        report = extract_facts(report)
    if tracking is not None:
        from .tracking import apply_tracking

        report, notes = apply_tracking(report, Path(tracking), statuses=settings.xlsx.statuses)
        report = report.model_copy(update={"diagnostics": report.diagnostics + tuple(notes)})
    if strict:
        raise_on_warnings(report)
    return report


def extract_facts(report: Report) -> Report:
    """Fill ``WorkItem.facts`` (figures, dates, recognitions)."""
    from .extract import extract_facts as run

    return run(report)


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


#: From this many items on, ``export_all`` runs the exporters in parallel processes.
PARALLEL_ITEMS = 1500
#: Slowest first, so the longest export starts at once.
_COST_ORDER = ("pdf", "xlsx", "docx")


def export_all(report: Report, folder: Path, formats: Sequence[str], options: object | None = None,
               inputs: Sequence[Path] = (), jobs: int | None = None) -> dict:
    """Write every format of ``report`` into ``folder`` plus ``<stem>.manifest.json``; returns the manifest.

    All or nothing: every file is staged under a hidden name first and the files are renamed
    into place only when every exporter has succeeded, so a refusal (``--strict``) or a
    crash in the last exporter leaves all previous outputs as they were.  A large report
    (``PARALLEL_ITEMS``) is exported by parallel processes (``jobs``, default: the cores).
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
    try:
        workers = min(jobs or os.cpu_count() or 1, len(exporters))
        if workers > 1 and report.item_count >= PARALLEL_ITEMS:
            staged, found = _export_parallel(report, targets, opts, workers)
        else:
            for name in exporters:
                staged[name], warnings = _stage_here(report, name, targets[name], opts)
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
    return manifest


def _export_parallel(report: Report, targets: dict[str, Path], options: object,
                     workers: int) -> tuple[dict[str, Path], list[Diagnostic]]:
    """The slowest formats in ``workers - 1`` processes of their own, the rest here meanwhile.

    Where processes can be forked (Linux), a worker inherits the report: its pages are shared
    copy-on-write until touched, and nothing is serialised.  The collector's generations are
    frozen first, so that no collection in either process walks (and copies) the report's
    pages.  Elsewhere a worker gets the report as JSON and validates its own copy.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .io import discard

    global _SHARED_REPORT
    order = sorted(targets, key=lambda n: _COST_ORDER.index(n) if n in _COST_ORDER else len(_COST_ORDER))
    remote, local = order[: max(1, workers - 1)], order[max(1, workers - 1):]
    staged: dict[str, Path] = {}
    found: list[Diagnostic] = []
    errors: list[BaseException] = []
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else None)
    if fork:
        _SHARED_REPORT = report
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=len(remote), mp_context=context) as pool:
            data = None if fork else report.model_dump_json()
            futures = {name: pool.submit(_stage_one, data, name, targets[name], options, os.getpid())
                       for name in remote}
            del data
            for name in local:
                try:
                    staged[name], warnings = _stage_here(report, name, targets[name], options)
                    found.extend(warnings)
                except BaseException as exc:  # noqa: BLE001 — collect, drop the others, re-raise the first
                    errors.append(exc)
                    break
            for name in remote:
                try:
                    staged[name], warnings = futures[name].result()
                    found.extend(warnings)
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)
    finally:
        if fork:
            _SHARED_REPORT = None
            gc.unfreeze()
    if errors:
        for path in staged.values():
            discard(path)
        raise errors[0]
    return {name: staged[name] for name in targets}, found


#: The report a forked worker of :func:`_export_parallel` inherits (None outside it).
_SHARED_REPORT: Report | None = None


def _stage_here(report: Report, fmt: str, target: Path, options: object,
                owner: int | None = None) -> tuple[Path, list[Diagnostic]]:
    """Export one format in this process to a staged file (``owner`` commits it)."""
    from .exporters import get_exporter
    from .io import staged_path

    exporter = get_exporter(fmt)
    box: list[Path] = []
    with staged_path(target, box, owner=owner) as tmp, gc_paused():
        exporter.export(report, tmp, options)  # type: ignore[arg-type]
    return box[0], list(getattr(exporter, "last_warnings", None) or [])


def _stage_one(data: str | None, fmt: str, target: Path, options: object,
               owner: int) -> tuple[Path, list[Diagnostic]]:
    """Worker process: one format staged for the parent to commit.  The report is the one
    inherited by a fork (``data`` None) or validated from JSON."""
    if data is None:
        if _SHARED_REPORT is None:
            raise RuntimeError("a forked export worker found no report")
        report = _SHARED_REPORT
    else:
        with gc_paused():
            report = Report.model_validate_json(data)
    return _stage_here(report, fmt, target, options, owner)
