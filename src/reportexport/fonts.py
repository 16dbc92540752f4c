"""Find, check and register the CJK fonts of the PDF digest (reportlab).

Roles (GB/T 9704 stand-ins): ``song`` 宋 (title and body of the digest), ``hei`` 黑 (headings),
``kai`` 楷 (second level), ``fangsong`` 仿宋 (the GB/T 9704 body).  Two extra keys may appear
in the mapping :func:`resolve_fonts` returns:

* ``title`` - the bold 宋 face for the digest title (bundled RX Serif SC Bold; when a
  ``song`` font is given by option/config and no ``title`` is, ``title`` follows ``song``);
* ``fallback`` - only when configured (``[pdf.fonts] fallback = ...``) or, with system fonts,
  found installed (SimSun-ExtB): the first font tried for a character the role font lacks,
  before the other role fonts.  It need not have ASCII digits.

Resolution order, per role: command-line override, ``[pdf.fonts]`` in reportexport.toml,
then - only when system fonts are asked for (``--system-fonts`` or ``[pdf] system_fonts``) -
fonts installed on the system (the official simfang/simhei/simkai/simsun files and the
GB2312 names come first, which is the point of asking), then the fonts bundled in ``fonts/``.
A configured value may name a face of a collection as ``file.ttc#1``.

Only TrueType-outline fonts can be embedded by reportlab; :func:`check_font` refuses CFF
fonts, bad collection indexes and fonts without ASCII digits (Droid Sans Fallback) with a
one-line :class:`~reportexport.errors.ResourceError`.  reportlab is imported inside the
functions that need it, never at module import; fontTools is never used here.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .config import Settings
from .errors import ConfigError, ResourceError
from .resources import resource_dir

if TYPE_CHECKING:  # pragma: no cover
    from reportlab.pdfbase.ttfonts import TTFont

ROLES: tuple[str, ...] = ("song", "hei", "kai", "fangsong")
#: Extra keys: the bold Song face for the title, and a configured last-resort font.
EXTRA_ROLES: tuple[str, ...] = ("title", "fallback")
#: Order in which fonts are tried for a character the role font lacks.  WenQuanYi Micro Hei
#: (hei) covers all of URO and Extension A, so it comes right after a configured fallback.
FALLBACK_ORDER: tuple[str, ...] = ("fallback", "hei", "kai", "song", "fangsong", "title")

Source = Literal["option", "config", "bundled", "system"]


@dataclass(frozen=True)
class FontSpec:
    """One font file (or one face of a collection) chosen for a role, and where it came from."""

    role: str
    path: Path
    subfont_index: int
    family: str
    source: Source


#: The bundled files: role -> (file in fonts/, face index).
BUNDLED: dict[str, tuple[str, int]] = {
    "song": ("RXSerifSC-Regular.ttf", 0),
    "title": ("RXSerifSC-Bold.ttf", 0),
    "hei": ("wqy-microhei.ttc", 0),
    "kai": ("LXGWWenKai-Regular.ttf", 0),
    "fangsong": ("FandolFang-Regular.ttf", 0),
}

#: Installed fonts looked for when system fonts are asked for: role -> (file names, family
#: names for fc-list), best first.  The GB2312 names and the Windows office files come first.
SYSTEM_CANDIDATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fangsong": (
        ("fs_gb2312.ttf", "fangsong_gb2312.ttf", "仿宋_gb2312.ttf", "simfang.ttf"),
        ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"),
    ),
    "song": (
        ("simsun.ttc", "simsun.ttf"),
        ("宋体", "SimSun", "AR PL SungtiL GB", "AR PL UMing CN"),
    ),
    "title": (
        ("fzxbsjw.ttf", "fzxbsjw--gb1-0.ttf"),
        ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
    ),
    "hei": (
        ("simhei.ttf",),
        ("黑体", "SimHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"),
    ),
    "kai": (
        ("kaiti_gb2312.ttf", "楷体_gb2312.ttf", "simkai.ttf"),
        ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "AR PL UKai CN", "AR PL KaitiM GB"),
    ),
    # a last resort for CJK Extension B characters (rare names): Windows' SimSun-ExtB
    "fallback": (
        ("simsunb.ttf", "mingliub.ttc"),
        ("SimSun-ExtB", "MingLiU-ExtB", "HanaMinB", "BabelStone Han"),
    ),
}

def _system_font_dirs() -> list[Path]:
    """Existing folders searched for installed fonts (fc-list is asked as well)."""
    home = Path.home()
    dirs = [
        Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
        Path(os.environ.get("LOCALAPPDATA", str(home / "AppData" / "Local"))) / "Microsoft" / "Windows" / "Fonts",
        Path("/mnt/c/Windows/Fonts"),  # WSL
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/opt/kingsoft/wps-office/office6/fonts"),
        Path("/Library/Fonts"),
        home / "Library" / "Fonts",
        Path("/System/Library/Fonts"),
    ]
    return [d for d in dirs if d.is_dir()]


DIGITS = "0123456789"
ASCII_PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))
#: Chinese punctuation a report uses; ``describe_fonts`` reports those a font lacks.
CJK_PUNCTUATION = "，。、；：？！“”‘’《》（）【】〔〕「」『』…—·％～〈〉\u3000"

_FACE_REF = re.compile(r"^(?P<path>.+)#(?P<index>\d+)$")


# --------------------------------------------------------------------------- checking


def parse_font_ref(value: str | os.PathLike[str]) -> tuple[Path, int]:
    """``"file.ttc#1"`` -> (file.ttc, 1); a plain path -> (path, 0)."""
    text = os.fspath(value)
    match = _FACE_REF.match(text)
    if match and not Path(text).exists():
        return Path(match["path"]).expanduser(), int(match["index"])
    return Path(text).expanduser(), 0


def _probe_header(path: Path, subfont_index: int) -> None:
    """Check the sfnt header: file exists, TrueType outlines, valid face index."""
    if not path.is_file():
        raise ResourceError("font file not found", path=str(path))
    cff_message = "postscript outlines are not supported by reportlab; convert with tools/otf2ttf.py or choose a TrueType font"
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12:
            raise ResourceError("not a font file (too short)", path=str(path))
        tag = head[:4]
        offset = 0
        if tag == b"ttcf":
            count = struct.unpack(">I", head[8:12])[0]
            if not 0 <= subfont_index < count:
                raise ResourceError(
                    f"font collection has {count} faces (0..{count - 1}); face {subfont_index} does not exist", path=str(path)
                )
            fh.seek(12 + 4 * subfont_index)
            offset = struct.unpack(">I", fh.read(4))[0]
            fh.seek(offset)
            tag = fh.read(4)
        elif subfont_index != 0:
            raise ResourceError(f"not a font collection, so face {subfont_index} does not exist (use 0)", path=str(path))
        if tag == b"OTTO":
            raise ResourceError(cff_message, path=str(path))
        if tag in (b"wOFF", b"wOF2"):
            raise ResourceError("web fonts (WOFF) are not supported by reportlab; choose a TrueType .ttf/.ttc font", path=str(path))
        if tag not in (b"\x00\x01\x00\x00", b"true"):
            raise ResourceError("not a TrueType font file", path=str(path))
        fh.seek(offset + 4)
        num_tables = struct.unpack(">H", fh.read(2))[0]
        fh.seek(offset + 12)
        directory = fh.read(16 * num_tables)
    tags = {directory[i : i + 4] for i in range(0, len(directory), 16)}
    if b"glyf" not in tags:
        raise ResourceError(cff_message if (b"CFF " in tags or b"CFF2" in tags) else "font has no TrueType outlines (no glyf table)", path=str(path))


@dataclass(frozen=True)
class _Loaded:
    """A font parsed by reportlab, and the code points its cmap maps to a real glyph."""

    font: TTFont
    codes: frozenset[int]


@cache
def _load(path: Path, subfont_index: int, stamp: tuple[int, int]) -> _Loaded:
    """Parse a font with reportlab once per process (``stamp`` = size and mtime of the file),
    or read it from the font cache (:mod:`reportexport.fontcache`)."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    from . import fontcache

    name = "reportexport-unregistered"
    font = fontcache.load_cached(path, subfont_index, stamp, name)
    if font is None:
        try:
            font = TTFont(name, str(path), subfontIndex=subfont_index)
        except TTFError as exc:
            raise ResourceError(f"reportlab cannot use this font: {exc}", path=str(path)) from None
        fontcache.store(path, subfont_index, stamp, font)
    codes = frozenset(code for code, gid in font.face.charToGlyph.items() if gid)
    return _Loaded(font, codes)


def _loaded(path: Path, subfont_index: int) -> _Loaded:
    path = path.resolve()
    stat = path.stat()
    return _load(path, subfont_index, (stat.st_size, stat.st_mtime_ns))


def check_font(path: Path | str, subfont_index: int = 0, *, require_digits: bool = True) -> str:
    """Check that reportlab can embed ``path`` (face ``subfont_index``); return its family name.

    Raises :class:`ResourceError` with a one-line message for a missing file, a CFF/OTTO font,
    a bad face index, a font reportlab cannot parse or embed, and (unless ``require_digits`` is
    false, as for a last-resort fallback font) a font lacking the ASCII digits.
    """
    path = Path(path)
    _probe_header(path, subfont_index)
    loaded = _loaded(path, subfont_index)
    if require_digits:
        codes = loaded.codes
        lacking = [c for c in DIGITS if ord(c) not in codes]
        if lacking:
            raise ResourceError(
                f"font lacks the ASCII digits {''.join(lacking)} (numbers would print as blanks); choose a font with Latin digits",
                path=str(path),
            )
    return _family(loaded.font)


def _family(font: TTFont) -> str:
    name = font.face.familyName
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)


def _spec(role: str, path: Path, index: int, source: Source, *, require_digits: bool = True) -> FontSpec:
    family = check_font(path, index, require_digits=require_digits)
    return FontSpec(role=role, path=path.resolve(), subfont_index=index, family=family, source=source)


# --------------------------------------------------------------------------- resolution


def _bundled(role: str) -> FontSpec | None:
    entry = BUNDLED.get(role)
    if entry is None:
        return None
    name, index = entry
    path = resource_dir("fonts") / name
    if not path.is_file():
        raise ResourceError(
            f"bundled font fonts/{name} for the {role} role is missing; reinstall reportexport or set [pdf.fonts] {role} in reportexport.toml"
        )
    return _spec(role, path, index, "bundled")


@cache
def _system_file_index() -> dict[str, Path]:
    """Lower-cased file name -> path of every font file in the usual font folders."""
    found: dict[str, Path] = {}
    for folder in _system_font_dirs():
        for root, _dirs, files in os.walk(folder):
            for name in sorted(files):
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


@cache
def _fc_list() -> tuple[tuple[Path, int, tuple[str, ...]], ...]:
    """(file, index, family names) of the Chinese TrueType fonts fontconfig knows, if fc-list exists."""
    program = shutil.which("fc-list")
    if program is None:
        return ()
    try:
        out = subprocess.run(
            [program, "--format", "%{file}\t%{index}\t%{family}\n", ":lang=zh:fontformat=TrueType"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    rows = []
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((Path(parts[0]), int(parts[1]), tuple(f.strip() for f in parts[2].split(","))))
    return tuple(rows)


def find_system_font(role: str) -> FontSpec | None:
    """The best installed font for ``role`` that reportlab can embed, or None."""
    files, families = SYSTEM_CANDIDATES.get(role, ((), ()))
    index = _system_file_index()
    candidates: list[tuple[Path, int]] = [(index[name], 0) for name in files if name in index]
    rows = _fc_list()
    for family in families:
        candidates += [(path, face) for path, face, names in rows if family in names]
    for path, face in candidates:
        try:
            return _spec(role, path, face, "system", require_digits=role != "fallback")
        except (ResourceError, OSError):
            continue
    return None


def resolve_fonts(
    settings: Settings,
    overrides: Mapping[str, Path] | None = None,
    system_fonts: bool = False,
    roles: Iterable[str] | None = None,
) -> dict[str, FontSpec]:
    """The font for every role (and ``title``; ``fallback`` when configured).

    Order per role: ``overrides`` (command line), ``settings.pdf.fonts`` (reportexport.toml),
    installed fonts when ``system_fonts`` (or ``settings.pdf.system_fonts``) is true, bundled.
    A font given by option or configuration that cannot be used raises :class:`ResourceError`
    naming the role; unusable system fonts are skipped.  ``roles`` limits the resolution to
    the roles a document uses (default: all).
    """
    overrides = dict(overrides or {})
    configured = dict(settings.pdf.fonts)
    use_system = system_fonts or settings.pdf.system_fonts
    unknown = sorted((set(overrides) | set(configured)) - set(ROLES) - set(EXTRA_ROLES))
    if unknown:
        raise ConfigError(f"unknown font role {unknown[0]!r}; roles are {', '.join(ROLES + EXTRA_ROLES)}")

    result: dict[str, FontSpec] = {}
    wanted = set(roles) if roles is not None else None  # parsing a font costs ~0.1–0.3 s: only those needed
    for role in (*ROLES, *EXTRA_ROLES):
        if wanted is not None and role not in wanted:
            continue
        spec = _given(role, overrides, configured)
        if spec is None and role == "fallback":
            spec = find_system_font(role) if use_system else None
            if spec is not None:
                result[role] = spec
            continue
        if spec is None and role == "title" and "song" in result and result["song"].source in ("option", "config"):
            song = result["song"]
            spec = FontSpec("title", song.path, song.subfont_index, song.family, song.source)
        if spec is None and use_system:
            spec = find_system_font(role)
        if spec is None:
            spec = _bundled(role)
        if spec is not None:
            result[role] = spec
    return result


def _given(role: str, overrides: Mapping[str, Path], configured: Mapping[str, str]) -> FontSpec | None:
    """The font named for ``role`` by option or configuration, checked."""
    for source, table in (("option", overrides), ("config", configured)):
        value = table.get(role)
        if value is None or str(value) == "":
            continue
        path, index = parse_font_ref(value)
        try:
            return _spec(role, path, index, source, require_digits=role != "fallback")  # type: ignore[arg-type]
        except ResourceError as exc:
            where = "--font option" if source == "option" else "[pdf.fonts] in reportexport.toml"
            raise ResourceError(f"{role} font from {where}: {exc.message}", path=exc.path) from None
    return None


# --------------------------------------------------------------------------- coverage


def cmap(spec: FontSpec) -> frozenset[int]:
    """The code points ``spec``'s face maps to a glyph (cached per process)."""
    return _loaded(spec.path, spec.subfont_index).codes


_NOT_DRAWN = frozenset("\n\r\t")


def missing_chars(spec: FontSpec, text: str) -> list[str]:
    """Distinct characters of ``text`` (first-seen order) that ``spec`` has no glyph for."""
    codes = cmap(spec)
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in seen and ch not in _NOT_DRAWN and ord(ch) not in codes:
            seen[ch] = None
    return list(seen)


def fallback_chain(specs: Mapping[str, FontSpec]) -> list[FontSpec]:
    """Fonts to try, in order, for a character a role font lacks (distinct files/faces)."""
    chain: list[FontSpec] = []
    seen: set[tuple[Path, int]] = set()
    for role in FALLBACK_ORDER:
        spec = specs.get(role)
        if spec is not None and (spec.path, spec.subfont_index) not in seen:
            seen.add((spec.path, spec.subfont_index))
            chain.append(spec)
    return chain


def font_for_char(char: str, primary: FontSpec, chain: Sequence[FontSpec]) -> FontSpec | None:
    """``primary`` when it has ``char``, else the first font of ``chain`` that has it, else None."""
    code = ord(char)
    if char in _NOT_DRAWN or code in cmap(primary):
        return primary
    for spec in chain:
        if code in cmap(spec):
            return spec
    return None


def font_runs(text: str, primary: FontSpec, chain: Sequence[FontSpec]) -> list[tuple[FontSpec | None, str]]:
    """Split ``text`` into runs drawn with one font each; ``None`` marks characters no font has.

    ``"".join(run for _, run in font_runs(...)) == text`` always holds.
    """
    runs: list[tuple[FontSpec | None, str]] = []
    for char in text:
        spec = font_for_char(char, primary, chain)
        if runs and runs[-1][0] == spec:
            runs[-1] = (spec, runs[-1][1] + char)
        else:
            runs.append((spec, char))
    return runs


def unrenderable(text: str, primary: FontSpec, chain: Sequence[FontSpec]) -> list[str]:
    """Distinct characters of ``text`` that neither ``primary`` nor any chain font has."""
    return [ch for ch in missing_chars(primary, text) if font_for_char(ch, primary, chain) is None]


# --------------------------------------------------------------------------- reportlab


_registered: dict[tuple[Path, int], str] = {}


def register_reportlab(specs: Mapping[str, FontSpec]) -> dict[str, str]:
    """Register every font with reportlab; return role -> registered font name.

    Idempotent: a file/face is registered once per process under a name derived from its
    PostScript name, whatever role uses it.  Each name is also registered as a reportlab
    font family so that ``<b>`` works: for ``song`` the bold face is the ``title`` font when
    there is one; for the other roles bold is the regular face (no synthetic bold).
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    names: dict[str, str] = {}
    for role, spec in specs.items():
        key = (spec.path.resolve(), spec.subfont_index)
        name = _registered.get(key)
        if name is None:
            font = _loaded(*key).font
            base = re.sub(r"[^A-Za-z0-9-]", "", font.face.name.decode("latin-1") if isinstance(font.face.name, bytes) else str(font.face.name))
            name = f"RX-{base or 'font'}-{spec.subfont_index}"
            taken = set(_registered.values())
            suffix = 2
            while name in taken:
                name = f"RX-{base}-{spec.subfont_index}-{suffix}"
                suffix += 1
            font.fontName = name
            pdfmetrics.registerFont(font)
            _registered[key] = name
        names[role] = name
    # song last, so that a file shared with another role keeps song's bold face (title)
    for role, name in sorted(names.items(), key=lambda item: item[0] == "song"):
        bold = names.get("title", name) if role == "song" else name
        for is_bold, is_italic, face in ((0, 0, name), (1, 0, bold), (0, 1, name), (1, 1, bold)):
            addMapping(name, is_bold, is_italic, face)
    return names


def registered_name(spec: FontSpec) -> str:
    """The reportlab font name of ``spec`` (registering it first when needed)."""
    return register_reportlab({spec.role: spec})[spec.role]


# --------------------------------------------------------------------------- reporting


@cache
def gb2312_hanzi() -> str:
    """The 6,763 hanzi of GB 2312 (rows 16-87)."""
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def coverage(spec: FontSpec) -> dict[str, Any]:
    """Coverage figures of one font: glyphs, GB2312 hanzi %, ASCII/digits, CJK punctuation."""
    font = _loaded(spec.path, spec.subfont_index).font
    codes = cmap(spec)
    hanzi = gb2312_hanzi()
    covered = sum(1 for ch in hanzi if ord(ch) in codes)
    missing_punct = [ch for ch in CJK_PUNCTUATION if ord(ch) not in codes]
    return {
        "glyphs": int(font.face.numGlyphs),
        "gb2312_hanzi_pct": round(100.0 * covered / len(hanzi), 2),
        "ascii_ok": all(ord(c) in codes for c in ASCII_PRINTABLE),
        "digits_ok": all(ord(c) in codes for c in DIGITS),
        "cjk_punctuation_ok": not missing_punct,
        "missing_punctuation": "".join(missing_punct),
    }


def describe_fonts(
    settings: Settings,
    system_fonts: bool = False,
    overrides: Mapping[str, Path] | None = None,
) -> list[dict[str, Any]]:
    """One row per role for ``reportexport fonts``: role, family, file, face, source, coverage."""
    specs = resolve_fonts(settings, overrides, system_fonts)
    rows = []
    for role, spec in specs.items():
        rows.append(
            {
                "role": role,
                "family": spec.family,
                "file": str(spec.path),
                "subfont_index": spec.subfont_index,
                "source": spec.source,
                **coverage(spec),
            }
        )
    return rows


def is_ignorable(char: str) -> bool:
    """True for format characters (ZWJ, variation selectors) that need no glyph of their own."""
    return unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def describe_missing(text: str, specs: Mapping[str, FontSpec], role: str) -> list[str]:
    """Characters of ``text`` no font can draw in ``role`` (ignorable format characters left out)."""
    return [ch for ch in unrenderable(text, specs[role], fallback_chain(specs)) if not is_ignorable(ch)]


__all__ = [
    "ROLES", "EXTRA_ROLES", "FALLBACK_ORDER", "BUNDLED", "FontSpec", "resolve_fonts", "check_font",
    "cmap", "missing_chars", "fallback_chain", "font_for_char", "font_runs", "unrenderable",
    "register_reportlab", "registered_name", "describe_fonts", "coverage", "find_system_font", "parse_font_ref", "gb2312_hanzi",
    "describe_missing", "is_ignorable",
]
