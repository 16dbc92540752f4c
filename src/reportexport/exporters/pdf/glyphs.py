"""Warnings for the characters no embedded font could draw in the digest (drawn as □).

The writer notes (context, character) pairs while it draws; these functions turn them into
warnings that name the item.  They need the whole report and no reportlab, so that a
process that streamed the departments to a worker can make them from the worker's notes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import StrictModeError
from ...model import Diagnostic, Report, Severity
from .. import ExportOptions


def glyph_warnings(report: Report, missing: Iterable[tuple[str, str]], options: ExportOptions) -> list[Diagnostic]:
    """The warnings of the characters ``missing`` from every font (see :func:`.writer.write_digest_parts`);
    with ``--strict`` the first one refuses the digest."""
    warnings = missing_glyph_warnings(report, missing)
    if options.strict and warnings:
        first = warnings[0]
        raise StrictModeError(f"{first.message} [{first.code}] (refused because of --strict)",
                              path=report.source.path or report.source.name, line=first.line)
    return warnings


def missing_glyph_warnings(report: Report, missing: Iterable[tuple[str, str]]) -> list[Diagnostic]:
    """One warning per (item, character) that no embedded font has (``missing``: the
    (context, character) pairs the font book noted; the context of an item's text is its id)."""
    from ... import fonts as rxfonts

    where = {item.id: item for _, item in report.items()}
    found = []
    for context, ch in missing:
        if rxfonts.is_ignorable(ch):
            continue
        item = where.get(context)
        name = f"事项 {item.id}（{item.label}{item.title[:16]}）" if item else context
        found.append(Diagnostic(
            severity=Severity.warning,
            code="pdf-missing-glyph",
            message=f"{name}中的字符“{ch}”(U+{ord(ch):04X}) 没有任何已嵌入字体包含，PDF 中印为 □（复制时仍为原字符）",
            line=item.span.first_line if item and item.span else None,
            file=(item.span.file if item and item.span else None) or report.source.name,
        ))
    return found
