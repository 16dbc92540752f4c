"""The Word summary: a GB/T 9704-2012 styled .docx built on a reference document.

Like pandoc's ``--reference-doc``, the styles, page setup, headers and footers come from a
template (``--template``, ``[docx] template`` in reportexport.toml, or the bundled
``templates/reference.docx``); its body text is replaced.  Styles the template lacks are
copied from the bundled reference, theme fonts are resolved to explicit names (WPS ignores
themes), and fonts configured in ``[docx.fonts]`` are written into the styles.

Modules: :mod:`.writer` (the export), :mod:`.styles` (roles, lookup, fonts), :mod:`.body` (the linear-time body
builder), :mod:`.package` (reproducible save), :mod:`.zipout` (the zip written with the body deflated on two
cores), :mod:`.embed` (``--embed-fonts``), :mod:`.prepared` (the template prepared by the first
summary, so later ones need no python-docx).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ...model import Report
from .. import ExportOptions

__all__ = ["DocxExporter", "default_template", "open_template"]


def __getattr__(name: str) -> Any:
    if name == "default_template":
        from .prepared import default_template

        return default_template
    if name == "open_template":  # served from .writer (imports python-docx)
        from . import writer

        return getattr(writer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class DocxExporter:
    """Word summary in GB/T 9704-2012 layout (styles from a reference .docx).

    python-docx is imported (by :mod:`.writer`) only when a summary is written the full way:
    later summaries with the same template and fonts are written from the prepared
    template kept by the first (:mod:`.prepared`)."""

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    #: The module that does the work (and imports the library), loaded by ``export``.
    implementation: ClassVar[str] = "reportexport.exporters.docx.writer"
    description: ClassVar[str] = "Word summary, GB/T 9704-2012 layout (--template, --brief, --toc, --embed-fonts)"

    def export(self, report: Report, path: Path, options: ExportOptions) -> None:
        from .prepared import write_prepared

        if not write_prepared(report, Path(path), options):
            from .writer import write_summary

            write_summary(report, Path(path), options)
