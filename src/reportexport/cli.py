"""The ``reportexport`` command: thin; every command calls the library (``api``).

Heavy libraries (python-docx, openpyxl, reportlab, even pydantic) are imported inside the
commands, so ``reportexport --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from .exporters import ExportOptions
    from .model import Report

app = typer.Typer(
    name="reportexport",
    help="Chinese work reports → Word summary, Excel tracking sheet, PDF digest (and JSON).",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

#: ``all`` reads its outputs back (``check``) by default up to this many items.
CHECK_ITEMS = 500

Inputs = Annotated[
    Optional[list[Path]],
    typer.Argument(help="Report text(s) (.txt, UTF-8/GB18030) or model JSON; several pages merge. Default: the bundled sample."),
]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Output file (default: out/<input name>.<suffix>).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="reportexport.toml to use (default: ./reportexport.toml if present).")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat every warning (repair) as an error.")]
ContinuedName = Annotated[Optional[str], typer.Option("--continued-name", help="Name of the section continued from the previous page, e.g. 市委党校.")]
Tracking = Annotated[Optional[Path], typer.Option("--tracking", help="Tracking sheet (.xlsx) whose statuses, owners and notes flow into this export.")]
Template = Annotated[Optional[Path], typer.Option("--template", help="Reference .docx: its styles, page setup, headers and footers are used.")]
Brief = Annotated[bool, typer.Option("--brief", help="Word: titles and key figures only.")]
Toc = Annotated[bool, typer.Option("--toc", help="Word: insert a table of contents listing the departments.")]
EmbedFonts = Annotated[bool, typer.Option("--embed-fonts", help="Word: embed the bundled fonts.")]
Full = Annotated[bool, typer.Option("--full", help="PDF: complete item text instead of the digest.")]
SystemFonts = Annotated[bool, typer.Option("--system-fonts", help="PDF: also use fonts installed on this system (e.g. simfang.ttf).")]
FontOpt = Annotated[Optional[list[str]], typer.Option("--font", help="PDF: ROLE=FILE for a role (song, title, hei, kai, fangsong, fallback); repeatable.")]


def _fail(exc: Exception) -> typer.Exit:
    from .errors import ReportExportError

    assert isinstance(exc, ReportExportError)
    typer.echo(f"reportexport: error: {exc.one_line()}", err=True)
    return typer.Exit(exc.exit_code)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"reportexport {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Chinese work reports → Word summary, Excel tracking sheet, PDF digest."""


def _load(inputs: list[Path] | None, config: Path | None, strict: bool, continued_name: str | None,
          tracking: Path | None = None):  # -> tuple[Report, Settings]
    from .api import load_report
    from .config import load_settings

    settings = load_settings(config)
    report = load_report(inputs or [], settings=settings, strict=strict, tracking=tracking, continued_name=continued_name)
    return report, settings


def _size(path: Path) -> int:
    """Bytes of an input file (0 when it cannot be read: reading it will say why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _font_overrides(pairs: list[str] | None) -> dict[str, Path]:
    from .errors import ConfigError

    fonts: dict[str, Path] = {}
    for pair in pairs or []:
        role, sep, file = pair.partition("=")
        if not sep or not role.strip() or not file.strip():
            raise ConfigError(f"--font takes ROLE=FILE (e.g. song=/path/simsun.ttc), not {pair!r}")
        fonts[role.strip()] = Path(file.strip())
    return fonts


def _options(settings, *, strict: bool = False, template: Path | None = None, brief: bool = False, toc: bool = False,
             embed_fonts: bool = False, full: bool = False, system_fonts: bool = False,
             font: list[str] | None = None) -> ExportOptions:
    from . import __version__
    from .exporters import ExportOptions

    if template is not None and not template.is_file():
        from .errors import ConfigError

        raise ConfigError("template not found (give an existing .docx)", path=str(template))
    chosen = template or (Path(settings.docx.template) if settings.docx.template else None)
    return ExportOptions(
        settings=settings, template=chosen, brief=brief, toc=toc, embed_fonts=embed_fonts, full=full,
        system_fonts=system_fonts or settings.pdf.system_fonts, strict=strict, tool_version=__version__,
        extra={"fonts": _font_overrides(font)} if font else {},
    )


def _show_warnings(report: Report, extra: list | None = None) -> None:
    from .api import warnings_of

    found = warnings_of(report) + list(extra or [])
    for diag in found[:20]:
        typer.echo(f"reportexport: {diag}", err=True)
    if len(found) > 20:
        typer.echo(f"reportexport: … and {len(found) - 20} more warnings (see `reportexport parse`)", err=True)


def _run_export(fmt: str, inputs, output, config, strict, continued_name, tracking, **flags) -> None:
    from .api import export
    from .errors import ReportExportError

    found: list = []
    try:
        report, settings = _load(inputs, config, strict, continued_name, tracking)
        options = _options(settings, strict=strict, **flags)
        written = export(report, fmt, output, options, warnings=found)
    except ReportExportError as exc:
        raise _fail(exc) from None
    _show_warnings(report, found)
    typer.echo(str(written))


@app.command()
def docx(inputs: Inputs = None, output: Output = None, template: Template = None, brief: Brief = False, toc: Toc = False,
         embed_fonts: EmbedFonts = False, tracking: Tracking = None, config: ConfigOpt = None, strict: Strict = False,
         continued_name: ContinuedName = None) -> None:
    """Word summary laid out as an official document (GB/T 9704-2012)."""
    _run_export("docx", inputs, output, config, strict, continued_name, tracking,
                template=template, brief=brief, toc=toc, embed_fonts=embed_fonts)


@app.command()
def xlsx(inputs: Inputs = None, output: Output = None, tracking: Tracking = None, config: ConfigOpt = None,
         strict: Strict = False, continued_name: ContinuedName = None) -> None:
    """Excel tracking sheet: a row per item, status drop-downs, live totals."""
    _run_export("xlsx", inputs, output, config, strict, continued_name, tracking)


@app.command()
def pdf(inputs: Inputs = None, output: Output = None, full: Full = False, system_fonts: SystemFonts = False,
        font: FontOpt = None, tracking: Tracking = None, config: ConfigOpt = None, strict: Strict = False,
        continued_name: ContinuedName = None) -> None:
    """Print-ready PDF digest with embedded CJK fonts, bookmarks and page numbers."""
    _run_export("pdf", inputs, output, config, strict, continued_name, tracking, full=full, system_fonts=system_fonts,
                font=font)


@app.command("json")
def json_(inputs: Inputs = None, output: Output = None, tracking: Tracking = None, config: ConfigOpt = None,
          strict: Strict = False, continued_name: ContinuedName = None) -> None:
    """The report model as JSON (what `parse --json` writes)."""
    _run_export("json", inputs, output, config, strict, continued_name, tracking)


@app.command("all")
def all_(
    inputs: Inputs = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output folder (default: out/).")] = None,
    formats: Annotated[Optional[str], typer.Option("--formats", help="Comma-separated formats (default: every registered one).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="Export every report (.txt/.json) in this folder.")] = None,
    check: Annotated[Optional[bool], typer.Option("--check/--no-check", help=f"Read the outputs back and compare (default: on up to {CHECK_ITEMS} items).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes for --batch and for the formats of a large report (default: number of cores).")] = None,
    template: Template = None, brief: Brief = False, toc: Toc = False, embed_fonts: EmbedFonts = False,
    full: Full = False, system_fonts: SystemFonts = False, font: FontOpt = None, tracking: Tracking = None,
    config: ConfigOpt = None, strict: Strict = False, continued_name: ContinuedName = None,
) -> None:
    """Every format (json, docx, xlsx, pdf, and installed plug-ins) into one folder, with a manifest."""
    from .api import DEFAULT_OUT, early_workers, ensure_folder, export_all, load_report
    from .config import load_settings
    from .errors import ReportExportError
    from .exporters import names
    from .resources import sample_path

    flags = dict(template=template, brief=brief, toc=toc, embed_fonts=embed_fonts, full=full, system_fonts=system_fonts,
                 font=font)
    try:
        folder = ensure_folder(output or DEFAULT_OUT, create=output is None)
        chosen = [f.strip() for f in formats.split(",") if f.strip()] if formats else names()
        if batch is not None:
            if inputs:
                from .errors import ConfigError

                raise ConfigError("give either input files or --batch FOLDER, not both")
            options = _options(load_settings(config), strict=strict, **flags)
            failed = _run_batch(batch, folder, chosen, options, strict, jobs)
            raise typer.Exit(1 if failed else 0)
        settings = load_settings(config)
        options = _options(settings, strict=strict, **flags)
        sources = inputs or [sample_path()]
        input_bytes = sum(_size(p) for p in sources)
        checker = None
        if check is not False:  # --check, or the default for a report of up to CHECK_ITEMS items
            from .check import CHECKER as checker
        with early_workers(chosen, options, jobs, input_bytes, checker, folder) as workers:
            report = load_report(inputs or [], settings=settings, strict=strict, tracking=tracking,
                                 continued_name=continued_name, stream_to=workers)
            checked = check is True or (check is None and report.item_count <= CHECK_ITEMS)
            manifest = export_all(report, folder, chosen, options, inputs=sources, jobs=jobs,
                                  checker=checker if checked else None, workers=workers)
    except ReportExportError as exc:
        raise _fail(exc) from None
    _show_warnings(report)
    for line in manifest["export_warnings"]:
        typer.echo(f"reportexport: {line}", err=True)
    for entry in manifest["outputs"]:
        typer.echo(str(folder / entry["path"]))
    typer.echo(str(folder / manifest["manifest"]))
    if check is None and not checked:
        typer.echo(f"read-back check skipped for {report.item_count} items (it takes longer than the export); "
                   "run `reportexport check` or pass --check", err=True)
    elif checked and manifest["checks"] and _print_check_table(manifest["checks"], folder):
        raise typer.Exit(1)


def _run_batch(batch: Path, folder: Path, formats: list[str], options, strict: bool, jobs: int | None) -> int:
    """Run a batch with a progress bar; returns the number of failed reports."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import batch_inputs, run_batch

    paths = batch_inputs(batch)
    console = Console(stderr=True)
    failures: list[str] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("[red]{task.fields[errors]} errors"), console=console, transient=False) as progress:
        task = progress.add_task("reports", total=len(paths), errors=0)

        def done(result, count: int, total: int) -> None:  # type: ignore[no-untyped-def]
            if not result.ok:
                failures.append(result.error)
            progress.update(task, completed=count, errors=len(failures), description=f"{Path(result.input).name}")

        try:
            results = run_batch(paths, folder, formats, options, strict=strict, jobs=jobs, on_done=done)
        except KeyboardInterrupt:
            console.print("interrupted: finished reports are complete, nothing is half-written")
            raise typer.Exit(130) from None
    for error in failures:
        typer.echo(f"reportexport: error: {error}", err=True)
    typer.echo(f"{len(results) - len(failures)} of {len(results)} reports exported into {folder} "
               f"(index.json, index.xlsx); {len(failures)} failed")
    return len(failures)


@app.command()
def parse(
    inputs: Inputs = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write the model as JSON to this file ('-' = stdout).")] = None,
    facts: Annotated[bool, typer.Option("--facts", help="List the facts (figures, dates, recognitions) of each item.")] = False,
    tracking: Tracking = None, config: ConfigOpt = None, strict: Strict = False, continued_name: ContinuedName = None,
) -> None:
    """Parse and print an outline: departments, items, diagnostics."""
    from .errors import ReportExportError
    from .exporters.json import report_json_chunks

    try:
        report, _ = _load(inputs, config, strict, continued_name, tracking)
        if json_out == "-":
            binary = getattr(sys.stdout, "buffer", None)  # a text-only stream gets the decoded text
            sys.stdout.flush()
            for chunk in report_json_chunks(report):
                if binary is not None:
                    binary.write(chunk)
                else:
                    sys.stdout.write(chunk.decode("utf-8"))
            (binary or sys.stdout).flush()
            return
        if json_out:
            from .io import atomic_path

            with atomic_path(Path(json_out)) as tmp, open(tmp, "wb") as fh:
                fh.writelines(report_json_chunks(report))
    except ReportExportError as exc:
        raise _fail(exc) from None
    from .outline import print_outline

    print_outline(report, facts=facts)


@app.command()
def check(
    inputs: Inputs = None,
    outputs: Annotated[Optional[Path], typer.Option("--outputs", help="Folder holding the outputs (default: out/).")] = None,
    tracking: Tracking = None, config: ConfigOpt = None, continued_name: ContinuedName = None,
) -> None:
    """Read the .docx, .xlsx and .pdf back and compare them with the model and each other."""
    from .errors import ReportExportError

    try:
        report, _ = _load(inputs, config, False, continued_name, tracking)
    except ReportExportError as exc:
        raise _fail(exc) from None
    failed = _print_checks(report, outputs or Path("out"))
    raise typer.Exit(1 if failed else 0)


def _print_checks(report, folder: Path) -> int:  # type: ignore[no-untyped-def]
    """Run the checks of the outputs in ``folder``, print a table; returns the number of failed checks."""
    from .check import run_checks

    return _print_check_table(run_checks(report, folder), folder)


def _print_check_table(results: list, folder: Path) -> int:
    """Print the checks as a table; returns the number of failed checks."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("format", "check", "result", "detail", title=f"check of {folder}")
    for r in results:
        table.add_row(r.fmt, r.name, "[green]ok[/green]" if r.ok else "[red]FAILED[/red]", escape(r.detail))
    Console(width=160).print(table)
    return sum(not r.ok for r in results)


@app.command()
def formats() -> None:
    """List the exporters the registry found (built-in and plug-ins)."""
    from rich.console import Console
    from rich.table import Table

    from .exporters import describe

    table = Table("format", "suffix", "provided by", "status")
    for row in describe():
        table.add_row(*row)
    Console().print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report model."""
    import json

    from .model import report_json_schema

    typer.echo(json.dumps(report_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def fonts(config: ConfigOpt = None, system_fonts: SystemFonts = False, font: FontOpt = None) -> None:  # noqa: F811
    """Which font serves each PDF role, from where, and its coverage."""
    from rich.console import Console
    from rich.table import Table

    from .config import load_settings
    from .errors import ReportExportError
    from .fonts import describe_fonts

    try:
        rows = describe_fonts(load_settings(config), system_fonts=system_fonts, overrides=_font_overrides(font) or None)
    except ReportExportError as exc:
        raise _fail(exc) from None
    if not rows:
        return
    table = Table(*rows[0].keys())
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console(width=max(160, Console().width)).print(table)


def main() -> None:
    """Console-script entry point."""
    import atexit
    import gc

    # At exit the interpreter runs the cyclic collector over every object it still holds,
    # several times (0.15-0.3 s once reportlab, the parsed fonts and a report are loaded).
    # Every output is written and closed by then: freezing the heap skips those passes;
    # objects are still freed as modules are cleared, only cyclic garbage is left to the OS.
    atexit.register(gc.freeze)
    app()


if __name__ == "__main__":
    main()
