"""The exporter registry: built-in and third-party exporters found by entry point.

An exporter is a class with ``name`` (the CLI command, e.g. ``docx``), ``suffix`` (``.docx``)
and ``export(report, path, options)`` that writes one file at ``path``.  The CLI hands it a
temporary path next to the target and renames it into place afterwards (see ``io.py``), so
an exporter never has to care about atomicity.

An exporter may also write a report it gets a department at a time, from a worker process
that never holds the whole report (``reportexport all`` does this with a large report, see
``api.early_workers``).  It then has three more methods: ``summarize(report, options)``
runs where the report is and returns what the file needs of the whole report (small,
picklable); ``export_departments(report, departments, summary, path, options)`` writes the
file in the worker (``report`` without its departments, ``departments`` an iterator that
may yield each department while the rest of the report is still being read) and returns a
picklable result; it gets the summary by calling ``summary()``, which it may do only once
``departments`` is exhausted (the PDF digest draws its cover then, and puts it first).
``finish(report, result, options)`` turns that result into the export's warnings where the
report is (and may refuse, like ``export``).

Exporters are registered in the ``reportexport.exporters`` entry-point group
(``pyproject.toml``); a third-party package adds a format with one line of its own
``pyproject.toml``.  Loading an exporter imports its libraries, so ``import
reportexport.exporters`` stays cheap.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from ..config import Settings
from ..errors import ExporterUnavailableError, UnknownFormatError
from ..model import Report

ENTRY_POINT_GROUP = "reportexport.exporters"

#: The order ``reportexport all`` writes the built-in formats in.
DEFAULT_ALL = ("json", "docx", "xlsx", "pdf")


@dataclass(frozen=True)
class ExportOptions:
    """Options of one export run, shared by every exporter (each reads what it knows).

    ``extra`` carries options without a field of their own (``fonts``: role → file from
    ``--font``) and options of third-party exporters.
    """

    settings: Settings = field(default_factory=Settings)
    template: Path | None = None  # docx: reference document (--template)
    brief: bool = False  # docx: titles and key figures only (--brief)
    toc: bool = False  # docx: table of contents (--toc)
    embed_fonts: bool = False  # docx: embed bundled fonts (--embed-fonts)
    full: bool = False  # pdf: complete item text instead of the digest (--full)
    system_fonts: bool = False  # pdf: also use fonts installed on the system
    write_only: bool | None = None  # xlsx: streaming mode; None = decide by size
    strict: bool = False
    tool_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The options as plain values, for the manifest and the 说明 sheet."""
        return {
            "template": str(self.template) if self.template else None,
            "brief": self.brief,
            "toc": self.toc,
            "embed_fonts": self.embed_fonts,
            "full": self.full,
            "system_fonts": self.system_fonts,
            "strict": self.strict,
            "config": self.settings.source,
            **{f"extra.{k}": _plain(v) for k, v in sorted(self.extra.items())},
        }


def _plain(value: Any) -> Any:
    """A JSON-ready copy of an option value (paths become strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@runtime_checkable
class Exporter(Protocol):
    """What the registry expects of an exporter class."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    description: ClassVar[str]

    def export(self, report: Report, path: Path, options: ExportOptions) -> None: ...


def streams(exporter: object) -> bool:
    """Whether ``exporter`` can write from a stream of departments (see the module docstring)."""
    return all(callable(getattr(exporter, m, None)) for m in ("summarize", "export_departments", "finish"))


#: The formats this package registers (the entry points of its ``pyproject.toml``; a test checks
#: they agree).  ``get_exporter`` loads them without scanning the installed distributions, and
#: a third-party exporter cannot take over their names.
BUILTIN: dict[str, str] = {
    "json": "reportexport.exporters.json:JsonExporter",
    "docx": "reportexport.exporters.docx:DocxExporter",
    "xlsx": "reportexport.exporters.xlsx:XlsxExporter",
    "pdf": "reportexport.exporters.pdf:PdfExporter",
}


@functools.cache
def _entry_points() -> dict[str, metadata.EntryPoint]:
    """The registered exporters, scanned once per process (a scan of the installed
    distributions takes 5-30 ms)."""
    found = {name: metadata.EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in BUILTIN.items()}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep)
    return found


def names() -> list[str]:
    """Registered exporter names, built-ins first in their usual order."""
    found = _entry_points()
    builtin = [n for n in DEFAULT_ALL if n in found]
    return builtin + sorted(n for n in found if n not in DEFAULT_ALL)


def get_exporter(name: str) -> Exporter:
    """An instance of the exporter registered as ``name``."""
    if name in BUILTIN:  # no scan of the installed distributions (5-30 ms)
        ep = metadata.EntryPoint(name, BUILTIN[name], ENTRY_POINT_GROUP)
    else:
        found = _entry_points()
        if name not in found:
            available = ", ".join(names()) or "none"
            raise UnknownFormatError(f"no exporter named {name!r} is installed (available: {available})")
        ep = found[name]
    try:
        cls = ep.load()
    except (ImportError, AttributeError) as exc:
        raise ExporterUnavailableError(
            f"the {name!r} exporter is registered ({ep.value}) but cannot be loaded: {exc}"
        ) from None
    for attr in ("name", "suffix", "export"):
        if not hasattr(cls, attr):
            raise ExporterUnavailableError(f"the {name!r} exporter ({ep.value}) has no {attr!r}")
    return cls()


def describe() -> list[tuple[str, str, str, str]]:
    """(name, suffix, source, status) of every registered exporter, for ``reportexport formats``."""
    rows = []
    for name in names():
        ep = _entry_points()[name]
        try:
            exporter = get_exporter(name)
            _load_implementation(name, exporter)
            rows.append((name, exporter.suffix, ep.value, getattr(exporter, "description", "") or "ok"))
        except ExporterUnavailableError as exc:
            rows.append((name, "?", ep.value, f"unavailable: {exc.message}"))
    return rows


def _load_implementation(name: str, exporter: Exporter) -> None:
    """Import what ``exporter`` imports only when it exports (its ``implementation`` module,
    when it names one), so that ``formats`` reports a missing library as it did."""
    module = getattr(exporter, "implementation", None)
    if not module:
        return
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ExporterUnavailableError(f"the {name!r} exporter cannot load {module}: {exc}") from None
