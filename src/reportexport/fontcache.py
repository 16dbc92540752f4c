"""A per-user cache of parsed TrueType fonts, so that a PDF starts in milliseconds.

reportlab parses a font's cmap and metrics in pure Python every time it opens the file:
0.03 s for the bundled RX Serif SC, 0.13-0.15 s for LXGW WenKai and WenQuanYi Micro Hei,
about 0.35 s for the four files of the digest, which is a third of writing the sample's
digest.  The parsed state (everything but the file's bytes) is kept with :mod:`marshal`
in the per-user cache (:mod:`reportexport.cache`) and read back in about a quarter of the time.

An entry is keyed by the font file's path, face index, size and modification time, the
reportlab version and :data:`FORMAT`; anything unreadable, stale or unexpected is ignored
and the font parsed again.

This rebuilds reportlab objects without their constructors (``TTFont`` and
``TTFontFace``), which depends on reportlab's internals; the version is pinned in
pyproject.toml and ``tests/test_fonts.py`` checks that a cached font equals a parsed one
and gives the same PDF.
"""

from __future__ import annotations

import hashlib
import mmap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import cache_dir, read_entry, write_entry

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

#: Bump when what is stored changes.
FORMAT = 1
#: Attributes not stored: the file's bytes (read again) and the scaling function (rebuilt).
_NOT_STORED = frozenset({"_ttf_data", "_pdfScale"})
_NAME_TAG = "\x00TTFNameBytes"


def _entry(path: Path, subfont_index: int, stamp: tuple[int, int]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    from reportlab import Version

    key = f"{FORMAT}|{Version}|{path}|{subfont_index}|{stamp[0]}|{stamp[1]}"
    return folder / "fonts" / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.marshal"


def load_cached(path: Path, subfont_index: int, stamp: tuple[int, int], name: str) -> TTFont | None:
    """The font as reportlab's ``TTFont(name, path, subfontIndex=...)`` would parse it, from
    the cache; None when there is no usable entry."""
    entry = _entry(path, subfont_index, stamp)
    if entry is None:
        return None
    state = read_entry(entry)
    if not isinstance(state, dict) or state.get("filename") != str(path) or "unitsPerEm" not in state:
        return None
    try:
        data = _mapped(path)
    except (OSError, ValueError):
        return None
    return _rebuild(state, data, name)


def _mapped(path: Path) -> mmap.mmap:
    """The font file mapped read-only.  reportlab only slices and indexes the file's bytes,
    which a map does alike, and a subset reads a few thousand glyphs: only the pages it
    touches are in memory (of 26 MB of bundled fonts, WenKai alone is 15.7 MB)."""
    with open(path, "rb") as fh:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def release_pages(font: TTFont) -> None:
    """Let the system drop the pages of ``font``'s mapped file that this process has read.

    A font subset reads the glyphs it holds from the file; once made, those pages are no
    longer needed, but a mapped page stays in the process until it is unmapped or given
    back: after the subsets of a 25,000-item digest, all 15 MB of WenKai.  The pages stay
    in the system's file cache, so reading them again costs a page fault, not a disk read.
    A font read into bytes (no cache entry) is left alone."""
    data = getattr(font.face, "_ttf_data", None)
    if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        data.madvise(mmap.MADV_DONTNEED)


def store(path: Path, subfont_index: int, stamp: tuple[int, int], font: TTFont) -> None:
    """Keep the parsed state of ``font`` (quietly does nothing when it cannot)."""
    entry = _entry(path, subfont_index, stamp)
    if entry is None:
        return
    state: dict[str, Any] = {}
    for key, value in vars(font.face).items():
        if key in _NOT_STORED:
            continue
        if type(value) is not bytes and isinstance(value, bytes):  # TTFNameBytes
            value = (_NAME_TAG, bytes(value))
        state[key] = value
    write_entry(entry, state)


def _rebuild(state: dict[str, Any], data: bytes | mmap.mmap, name: str) -> TTFont:
    """``TTFont`` and ``TTFontFace`` with the stored state, as their constructors leave them."""
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace, unShapedFontGlob

    face = TTFontFace.__new__(TTFontFace)
    for key, value in state.items():
        if isinstance(value, tuple) and len(value) == 2 and value[0] == _NAME_TAG:
            value = TTFNameBytes(value[1])
        setattr(face, key, value)
    face._ttf_data = data
    units = face.unitsPerEm
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)  # as TTFont.__init__
    return font
