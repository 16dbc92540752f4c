"""The PDF digest (reportlab platypus): printable anywhere, embedded CJK subset fonts.

Layout: A4 with a wider binding margin on the left; page 1 is a cover (title, source,
overview figures, a bar chart of items per department); then a department table and, per
department, a heading and its items (title + first sentence + key figures, or the full
text with ``options.full``).  Every page but the cover has the report title as header;
every page has ``第 X 页 共 Y 页`` as footer, the total being a form XObject filled in when
the document is saved (one layout pass).

Outline: 封面, one entry per department, one per item beneath it; the viewer opens with
the outline shown.  Metadata (title, subject, author, keywords, ``/Lang zh-CN``) is set and
the output is byte-identical across runs (``invariant``).

Characters no embedded font can draw are listed in :attr:`PdfExporter.last_warnings`
(one :class:`~reportexport.model.Diagnostic` per item and character).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ...model import Department, Diagnostic, Report
from .. import ExportOptions

if TYPE_CHECKING:
    from .summary import DigestSummary

__all__ = ["PdfExporter"]


class PdfExporter:
    """The PDF digest: ``reportexport pdf`` (``--full`` for the complete text).

    reportlab is imported (by :mod:`.writer`) only when a digest is written, so that the
    registry can list and name this exporter cheaply."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    #: The module that does the work (and imports the library), loaded by ``export``.
    implementation: ClassVar[str] = "reportexport.exporters.pdf.writer"
    description: ClassVar[str] = "PDF digest (A4, embedded CJK fonts, outline, Chinese line breaking)"

    def __init__(self) -> None:
        #: Characters no font could draw in the last export (one per item and character).
        self.last_warnings: list[Diagnostic] = []

    def warm(self, options: ExportOptions) -> None:
        """Import reportlab and load the digest's fonts ahead of an export (a worker process
        started before the report is read does this meanwhile)."""
        from .fontsetup import load_fonts

        load_fonts(options)

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        from .writer import write_digest

        self.last_warnings = []
        self.last_warnings = write_digest(report, Path(path), options)

    # A digest from a stream of departments (see reportexport.exporters): the departments are
    # drawn as they arrive, the cover and the overview table from the summary that comes last.
    def summarize(self, report: Report, options: ExportOptions) -> DigestSummary:
        """The numbers of the cover and the overview table (no reportlab needed)."""
        from .summary import digest_summary

        return digest_summary(report, options.settings.document.continued_name)

    def export_departments(self, report: Report, departments: Iterable[Department],
                           summary: Callable[[], DigestSummary], path: Path,
                           options: ExportOptions) -> list[tuple[str, str]]:
        """Write the digest; returns the (context, character) pairs no font could draw."""
        from .writer import write_digest_parts

        return write_digest_parts(report, departments, summary, Path(path), options)

    def finish(self, report: Report, result: list[tuple[str, str]], options: ExportOptions) -> list[Diagnostic]:
        """The warnings of :meth:`export_departments`' result (refused with ``--strict``)."""
        from .glyphs import glyph_warnings

        self.last_warnings = glyph_warnings(report, result, options)
        return self.last_warnings
