"""Fonts of the PDF digest: resolve the role fonts, register them, build the :class:`FontBook`.

All font finding and checking lives in :mod:`reportexport.fonts`; this module only adapts
its result to what the layout code needs (registered names per role, the character set
of each registered font and the fallback order).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ... import fonts as rxfonts
from .. import ExportOptions
from .paragraph import FontBook


@dataclass(frozen=True)
class PdfFonts:
    """Registered reportlab font name per role, and the book used for fallback and widths."""

    names: dict[str, str]
    specs: dict[str, rxfonts.FontSpec]
    book: FontBook

    def __getitem__(self, role: str) -> str:
        return self.names.get(role) or self.names["song"]


#: Roles the digest draws with (fangsong, the GB/T 9704 body of the Word summary, is not used).
DIGEST_ROLES = ("song", "title", "hei", "kai", "fallback")


def _charset(spec: rxfonts.FontSpec) -> frozenset[str]:
    """The characters a font draws, once per process and file.  Characters beyond U+FFFF
    are left out: reportlab writes a broken ToUnicode entry for them (odd-length hex), which
    would break copy-paste, so they are drawn as □ with /ActualText instead."""
    key = (spec.path.resolve(), spec.subfont_index)
    found = _CHARSETS.get(key)
    if found is None:
        found = _CHARSETS[key] = frozenset(map(chr, (code for code in rxfonts.cmap(spec) if code <= 0xFFFF)))
    return found


_CHARSETS: dict[tuple[Path, int], frozenset[str]] = {}


def load_fonts(options: ExportOptions) -> PdfFonts:
    """Resolve (option/config/system/bundled), register and index the digest's fonts."""
    specs = rxfonts.resolve_fonts(
        options.settings,
        overrides=options.extra.get("fonts") or None,
        system_fonts=options.system_fonts,
        roles=DIGEST_ROLES,
    )
    names = rxfonts.register_reportlab(specs)
    charsets: dict[str, frozenset[str]] = {}
    for role, spec in specs.items():
        name = names[role]
        if name not in charsets:
            charsets[name] = _charset(spec)
    chain = [names[spec.role] for spec in rxfonts.fallback_chain(specs)]
    return PdfFonts(names=names, specs=specs, book=FontBook(charsets, chain))
