#!/usr/bin/env python3
"""Convert a CFF-outline OpenType font (.otf, or one face of an .otc/.ttc) to TrueType outlines.

reportlab can only embed fonts with TrueType (``glyf``) outlines; the free Chinese fonts for the
仿宋 and 宋 roles (FandolFang, Noto Serif CJK SC) ship with CFF outlines.  This script was run
once to make the converted files in ``fonts/``; it is kept for provenance (see fonts/README.md)
and is not used at runtime.  It needs fontTools (with its cu2qu module), which is not a runtime
dependency of reportexport.

What it does, in order:

1. optionally subsets the face to a character set (``--subset gb2312`` = every character of
   GB 2312 plus ASCII, plus the characters of ``--extra-text`` files); OpenType layout features
   are dropped with ``--no-layout`` (reportlab does not use them), which keeps the subset small;
2. draws every CFF glyph through ``Cu2QuPen`` (cubic → quadratic splines, maximum error
   ``--max-err`` font units, contour direction reversed to TrueType's clockwise rule) into a
   ``TTGlyphPen`` and builds new ``glyf``/``loca`` tables;
3. keeps advance widths, vertical metrics, ``cmap`` and the name table; updates left side
   bearings, ``maxp`` (version 1.0), ``head.glyphDataFormat`` and ``post`` (format 3, no glyph
   names); drops ``CFF ``/``VORG``;
4. optionally renames the family (``--family``; needed when a licence reserves the name of a
   modified version) and records the conversion in name ID 5 (version) and ID 10 (description);
5. saves without touching ``head.modified`` so that a re-run gives the same bytes.

Examples (the commands used for fonts/, see fonts/README.md)::

    python tools/otf2ttf.py FandolFang-Regular.otf fonts/FandolFang-Regular.ttf
    python tools/otf2ttf.py NotoSerifCJK-Regular.ttc fonts/RXSerifSC-Regular.ttf --face 2 \\
        --subset gb2312 --extra-text src/reportexport/samples/000_cf88b61c2d238c02.txt \\
        --no-layout --family "RX Serif SC"
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

#: Punctuation and symbols a Chinese report uses that are not all in GB 2312.
EXTRA_PUNCTUATION = (
    "\u3000、。〃〄々〆〇〈〉《》「」『』【】〒〓〔〕〖〗〘〙〚〛〜〝〞〟"
    "“”‘’…‥—–―‖·•′″‰℃№※←↑→↓①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ×÷±≤≥≠≈∶·﹏﹑﹔﹕﹖﹗"
    "！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠"
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～￥€£¥©®™°"
)


def gb2312_characters() -> set[int]:
    """Every code point of GB 2312 (rows 1-9 symbols, rows 16-87 hanzi) plus printable ASCII."""
    chars = set(range(0x20, 0x7F))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def subset_font(font: TTFont, unicodes: set[int], keep_layout: bool) -> None:
    """Subset ``font`` in place to the code points it has out of ``unicodes``."""
    options = ft_subset.Options()
    options.layout_features = ["*"] if keep_layout else []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # CFF hints do not survive the conversion anyway
    options.recalc_timestamp = False
    options.drop_tables = [*options.drop_tables, "VORG", "BASE"]
    available = set(font.getBestCmap())
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes & available))
    subsetter.subset(font)


def convert_outlines(font: TTFont, max_err: float) -> None:
    """Replace the ``CFF `` table of ``font`` by ``glyf``/``loca`` with quadratic outlines."""
    if "CFF " not in font:
        raise SystemExit("not a CFF font (no 'CFF ' table): nothing to convert")
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()

    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")

    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0))

    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1

    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0
    for attr in ("extraNames", "mapping", "glyphOrder"):
        if hasattr(post, attr):
            delattr(post, attr)


def rename_family(font: TTFont, family: str) -> None:
    """Give the font a new family name in every name record that carries the old one."""
    name = font["name"]
    style = name.getDebugName(17) or name.getDebugName(2) or "Regular"
    ps_family = family.replace(" ", "")
    full = family if style == "Regular" else f"{family} {style}"
    new = {
        1: family if style in ("Regular", "Bold", "Italic", "Bold Italic") else full,
        2: style if style in ("Regular", "Bold", "Italic", "Bold Italic") else "Regular",
        3: f"{ps_family}-{style.replace(' ', '')};reportexport",
        4: full,
        6: f"{ps_family}-{style.replace(' ', '')}",
        16: family,
        17: style,
    }
    # Drop every record of these IDs (all platforms and languages, e.g. localized CJK
    # family names) and write them once for Windows (en-US) and Mac (English).
    name.names = [rec for rec in name.names if rec.nameID not in new and rec.nameID not in (18, 20, 21, 22, 25)]
    for name_id, value in new.items():
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:  # keep the CFF top dict consistent should the outlines stay CFF
        font["CFF "].cff.fontNames = [new[6]]


def note_conversion(font: TTFont, source: Path, max_err: float, subset: str | None) -> None:
    """Record the conversion in name ID 5 (version string) and ID 10 (description)."""
    name = font["name"]
    version = (name.getDebugName(5) or "Version ?").split(";")[0]
    what = f"TrueType outlines converted from CFF of {source.name} by reportexport tools/otf2ttf.py (fontTools cu2qu, max_err {max_err:g})"
    if subset:
        what += f"; subset to {subset}"
    for rec in [r for r in name.names if r.nameID in (5, 10)]:
        name.names.remove(rec)
    for plat, enc, lang in ((3, 1, 0x409), (1, 0, 0)):
        name.setName(f"{version}; ttf-cu2qu", 5, plat, enc, lang)
        name.setName(what, 10, plat, enc, lang)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``otf2ttf.py SRC DEST [--face N] [--subset gb2312] ...``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="CFF .otf, or an .otc/.ttc collection with --face")
    parser.add_argument("dest", type=Path, help="the .ttf to write")
    parser.add_argument("--face", type=int, default=0, help="face index in a collection")
    parser.add_argument("--subset", choices=["gb2312"], help="keep only these characters")
    parser.add_argument("--extra-text", type=Path, action="append", default=[],
                        help="also keep every character of this UTF-8 text file (repeatable)")
    parser.add_argument("--no-layout", action="store_true", help="drop OpenType layout features when subsetting")
    parser.add_argument("--family", help="new family name (for licences that reserve the original name)")
    parser.add_argument("--max-err", type=float, default=1.0, help="cu2qu tolerance in font units")
    args = parser.parse_args(argv)

    started = time.process_time()
    font = TTFont(args.source, fontNumber=args.face, lazy=False, recalcTimestamp=False)
    if args.subset:
        wanted = gb2312_characters() | {ord(c) for c in EXTRA_PUNCTUATION}
        for path in args.extra_text:
            wanted |= {ord(c) for c in path.read_text(encoding="utf-8") if c not in "\r\n\t"}
        subset_font(font, wanted, keep_layout=not args.no_layout)
    convert_outlines(font, args.max_err)
    if args.family:
        rename_family(font, args.family)
    note_conversion(font, args.source, args.max_err, args.subset)
    args.dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(args.dest)
    glyphs = len(font.getGlyphOrder())
    size = args.dest.stat().st_size / 1e6
    print(f"{args.dest}: {glyphs} glyphs, {size:.2f} MB, {time.process_time() - started:.1f} s CPU", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
