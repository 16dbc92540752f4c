"""Many reports at once: ``reportexport all --batch DIR -o out/``.

Every report in the folder gets its own output set (named after it) from a pool of
processes; one bad report is listed with its error and does not stop the others.
``out/index.json`` and ``out/index.xlsx`` list every report with its counts and files.
Ctrl-C stops cleanly: outputs are written atomically, so nothing is left half-written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, ReportExportError
from .io import atomic_path, write_bytes_atomic

INPUT_SUFFIXES = (".txt", ".json")


@dataclass
class BatchResult:
    """What happened to one report of a batch."""

    input: str
    ok: bool
    error: str = ""
    departments: int = 0
    items: int = 0
    facts: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0


def batch_inputs(folder: Path) -> list[Path]:
    """The report files of a folder (``.txt``/``.json``, not manifests), sorted by name."""
    if not folder.is_dir():
        raise InputError("--batch needs a folder of reports", path=str(folder))
    found = sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.endswith(".manifest.json")
    )
    if not found:
        raise InputError("the folder holds no .txt or .json reports", path=str(folder))
    return found


def export_one(path: Path, folder: Path, formats: Sequence[str], options: object, strict: bool,
               jobs: int | None = 1) -> BatchResult:
    """Load and export one report; a project error becomes a failed result, never an exception.
    ``jobs``: processes for its formats (a batch runs its reports in parallel instead)."""
    import time

    from .api import export_all, load_report

    started = time.perf_counter()
    try:
        settings = getattr(options, "settings", None)
        report = load_report([path], settings=settings, strict=strict)
        manifest = export_all(report, folder, formats, options, inputs=[path], jobs=jobs)
    except ReportExportError as exc:
        return BatchResult(str(path), False, exc.one_line(), seconds=time.perf_counter() - started)
    counts = manifest["counts"]
    return BatchResult(
        str(path), True, departments=counts["departments"], items=counts["items"], facts=counts["facts"],
        warnings=counts["warnings"], outputs=[o["path"] for o in manifest["outputs"]] + [manifest["manifest"]],
        seconds=time.perf_counter() - started,
    )


def run_batch(paths: Sequence[Path], folder: Path, formats: Sequence[str], options: object, *, strict: bool = False,
              jobs: int | None = None, on_done: Callable[[BatchResult, int, int], None] | None = None) -> list[BatchResult]:
    """Export every path into ``folder`` in ``jobs`` processes (default: the number of cores)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[str, BatchResult] = {}
    first_of_stem: dict[str, Path] = {}
    todo = []
    for path in paths:  # a.txt and a.json would write the same out/a.* files
        if path.stem in first_of_stem:
            results[str(path)] = BatchResult(str(path), False, f"{path}: has the same name as {first_of_stem[path.stem].name}; "
                                             "its outputs would overwrite those of that report (rename one of them)")
            if on_done:
                on_done(results[str(path)], len(results), len(paths))
        else:
            first_of_stem[path.stem] = path
            todo.append(path)
    paths_to_run = todo
    if jobs == 1:
        for path in paths_to_run:
            # one process, as --jobs 1 asks (and no fork beside the progress bar's thread)
            result = export_one(path, folder, formats, options, strict, 1)
            results[str(path)] = result
            if on_done:
                on_done(result, len(results), len(paths))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: set[Future[BatchResult]] = {pool.submit(export_one, p, folder, formats, options, strict, 1)
                                                 for p in paths_to_run}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        result = future.result()
                        results[result.input] = result
                        if on_done:
                            on_done(result, len(results), len(paths))
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    ordered = [results[str(p)] for p in paths]
    write_index(ordered, folder)
    return ordered


def write_index(results: Sequence[BatchResult], folder: Path) -> None:
    """``index.json`` and ``index.xlsx``: every report with its counts, files and error."""
    rows = [r.__dict__ for r in results]
    summary = {"reports": len(rows), "failed": sum(not r.ok for r in results), "results": rows}
    write_bytes_atomic(folder / "index.json", (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "报告清单"
    headers = ["报告", "结果", "部门数", "事项数", "要素数", "警告数", "输出文件", "错误", "用时(秒)"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in results:
        sheet.append([Path(r.input).name, "成功" if r.ok else "失败", r.departments, r.items, r.facts, r.warnings,
                      "\n".join(r.outputs), r.error, round(r.seconds, 2)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with = stays text
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHI", (28, 8, 8, 8, 8, 8, 40, 60, 10)):
        sheet.column_dimensions[letter].width = width
    with atomic_path(folder / "index.xlsx") as tmp:
        book.save(tmp)
