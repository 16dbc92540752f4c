"""Fonts of the PDF digest: bundled files, resolution order, refusals, coverage, embedding."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reportexport import fonts
from reportexport.resources import resource_dir
from reportexport.config import PdfSettings, Settings, load_settings
from reportexport.errors import ConfigError, ResourceError

from .conftest import REPO, SAMPLE_TXT, need_program

FONTS_DIR = REPO / "fonts"
WQY = FONTS_DIR / "wqy-microhei.ttc"
WENKAI = FONTS_DIR / "LXGWWenKai-Regular.ttf"
SAMPLE_CHARS = sorted(set(SAMPLE_TXT.read_text(encoding="utf-8")) - set("\r\n\t"))
MUST_HAVE = "0123456789ABCXYZabcxyz“”‘’《》（）、。，；：？！…—·％【】\u3000"


# --------------------------------------------------------------------------- helpers


def _settings(**pdf_fonts: str) -> Settings:
    return Settings(pdf=PdfSettings(fonts=pdf_fonts))


def _sfnt(tables: dict[bytes, bytes], version: bytes = b"\x00\x01\x00\x00") -> bytes:
    """An sfnt file from its tables (table directory, 4-byte padding, checksums)."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = version + struct.pack(">HHHH", count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    directory, body = b"", b""
    for tag in tags:
        data = tables[tag]
        padded = data + b"\0" * (-len(data) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory += struct.pack(">4sIII", tag, checksum, offset + len(body), len(data))
        body += padded
    return header + directory + body


def tiny_ttf(chars: str, family: str = "Tiny Test") -> bytes:
    """A minimal valid TrueType font mapping each character of ``chars`` to an empty glyph."""
    codes = sorted({ord(c) for c in chars})
    glyphs = len(codes) + 1
    head = struct.pack(">HHHHIIHHqqhhhhHHhhh", 1, 0, 1, 0, 0, 0x5F0F3CF5, 0, 1000, 0, 0, 0, -120, 1000, 880, 0, 8, 2, 0, 0)
    hhea = struct.pack(">HHhhhHhhhhhhhhhhhH", 1, 0, 880, -120, 0, 1000, 0, 0, 1000, 1, 0, 0, 0, 0, 0, 0, 0, glyphs)
    maxp = struct.pack(">IH13H", 0x00010000, glyphs, *([0] * 12), 1)
    hmtx = struct.pack(f">{2 * glyphs}h", *([1000, 0] * glyphs))
    post = struct.pack(">IIhhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)
    loca = struct.pack(f">{glyphs + 1}H", *([0] * (glyphs + 1)))
    ps_name = family.replace(" ", "")
    records, strings = [], b""
    for name_id, text in ((1, family), (2, "Regular"), (4, family), (6, ps_name)):
        data = text.encode("utf-16-be")
        records.append(struct.pack(">HHHHHH", 3, 1, 0x409, name_id, len(data), len(strings)))
        strings += data
    name = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records)) + b"".join(records) + strings
    if codes[-1] > 0xFFFF:  # format 12 (platform 3, encoding 10): one group per character
        groups = b"".join(struct.pack(">III", code, code, gid) for gid, code in enumerate(codes, start=1))
        sub = struct.pack(">HHIII", 12, 0, 16 + len(groups), 0, len(codes)) + groups
        cmap = struct.pack(">HHHHI", 0, 1, 3, 10, 12) + sub
    else:  # format 4 (platform 3, encoding 1): one segment per character, then the 0xFFFF end
        seg_end = [*codes, 0xFFFF]
        deltas = [(gid - code) & 0xFFFF for gid, code in enumerate(codes, start=1)] + [1]
        seg = len(seg_end)
        power = 1 << (seg.bit_length() - 1)
        sub = struct.pack(">HHHH", 2 * seg, 2 * power, power.bit_length() - 1, 2 * seg - 2 * power)
        sub += struct.pack(f">{seg}H", *seg_end) + b"\0\0" + struct.pack(f">{seg}H", *seg_end)
        sub += struct.pack(f">{seg}H", *deltas) + struct.pack(f">{seg}H", *([0] * seg))
        sub = struct.pack(">HHH", 4, 6 + len(sub), 0) + sub
        cmap = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + sub
    return _sfnt({b"head": head, b"hhea": hhea, b"maxp": maxp, b"hmtx": hmtx, b"post": post,
                  b"loca": loca, b"glyf": b"\0\0\0\0", b"name": name, b"cmap": cmap})


def cff_otf(version: bytes = b"OTTO") -> bytes:
    """The start of a CFF OpenType font: 'OTTO' header and a table directory naming 'CFF '."""
    return _sfnt({b"CFF ": b"\x01\x00\x04\x04", b"cmap": b"\0" * 4, b"head": b"\0" * 54}, version)


def _system_otf() -> Path | None:
    """A real CFF .otf installed on this machine, if any."""
    for folder in (Path("/usr/share/fonts"), Path("/usr/share/texlive")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*.otf")):
                with path.open("rb") as fh:
                    if fh.read(4) == b"OTTO":
                        return path
    return None


# --------------------------------------------------------------------------- bundled files


def test_bundled_files_match_readme_checksums_and_fit_the_budget() -> None:
    readme = (FONTS_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M))
    bundled_names = {name for name, _ in fonts.BUNDLED.values()}
    assert set(listed) == bundled_names
    for name, digest in listed.items():
        assert hashlib.sha256((FONTS_DIR / name).read_bytes()).hexdigest() == digest, name
    total = sum(p.stat().st_size for p in FONTS_DIR.rglob("*") if p.is_file())
    assert total < 50 * 1024 * 1024, f"fonts/ is {total / 1e6:.1f} MB"
    for licence in ("LXGWWenKai-OFL.txt", "RXSerifSC-OFL.txt", "Fandol-COPYING.txt", "Apache-2.0.txt",
                    "GPL-3.0.txt", "wqy-microhei-debian-copyright.txt"):
        assert (FONTS_DIR / "licenses" / licence).stat().st_size > 100, licence
    assert "font does not by itself cause the resulting document" in (FONTS_DIR / "licenses" / "Fandol-COPYING.txt").read_text()


def test_default_resolution_uses_the_bundled_fonts() -> None:
    specs = fonts.resolve_fonts(Settings())
    assert {role: spec.family for role, spec in specs.items()} == {
        "song": "RX Serif SC", "hei": "WenQuanYi Micro Hei", "kai": "LXGW WenKai",
        "fangsong": "FandolFang R", "title": "RX Serif SC",
    }
    assert {spec.source for spec in specs.values()} == {"bundled"}
    assert specs["title"].path.name == "RXSerifSC-Bold.ttf"
    # the installed copy (wheel: reportexport/fonts) or the checkout's fonts/ (editable install)
    installed = resource_dir("fonts").resolve()
    assert all(spec.path.parent == installed for spec in specs.values())
    assert all((FONTS_DIR / spec.path.name).read_bytes() == spec.path.read_bytes() for spec in specs.values())


@pytest.mark.parametrize("role", [*fonts.ROLES, "title"])
def test_bundled_role_fonts_cover_the_sample_gb2312_and_punctuation(role: str) -> None:
    spec = fonts.resolve_fonts(Settings())[role]
    assert fonts.missing_chars(spec, "".join(SAMPLE_CHARS)) == []
    assert fonts.missing_chars(spec, MUST_HAVE) == []
    row = fonts.coverage(spec)
    assert row["gb2312_hanzi_pct"] == 100.0
    assert row["ascii_ok"] and row["digits_ok"] and row["cjk_punctuation_ok"]


def test_describe_fonts_rows() -> None:
    rows = {row["role"]: row for row in fonts.describe_fonts(Settings())}
    assert set(rows) == {*fonts.ROLES, "title"}
    assert rows["hei"]["glyphs"] == 49531 and rows["hei"]["source"] == "bundled"
    assert rows["kai"]["file"].endswith("LXGWWenKai-Regular.ttf")
    assert rows["song"]["gb2312_hanzi_pct"] == 100.0


# --------------------------------------------------------------------------- resolution order


def test_option_beats_config_beats_bundled(tmp_path: Path) -> None:
    settings = _settings(song=str(WQY), kai=f"{WQY}#1")
    specs = fonts.resolve_fonts(settings, overrides={"song": WENKAI})
    assert (specs["song"].source, specs["song"].path, specs["song"].family) == ("option", WENKAI.resolve(), "LXGW WenKai")
    assert (specs["kai"].source, specs["kai"].subfont_index, specs["kai"].family) == ("config", 1, "WenQuanYi Micro Hei Mono")
    assert specs["hei"].source == specs["fangsong"].source == "bundled"
    # the title follows a song font chosen by the user rather than mixing in the bundled bold
    assert specs["title"].path == WENKAI.resolve() and specs["title"].source == "option"

    only_config = fonts.resolve_fonts(settings)
    assert (only_config["song"].source, only_config["song"].path) == ("config", WQY.resolve())


def test_config_file_relative_font_path(tmp_path: Path) -> None:
    shutil.copy(WQY, tmp_path / "hei.ttc")
    (tmp_path / "reportexport.toml").write_text('[pdf.fonts]\nhei = "hei.ttc#1"\n', encoding="utf-8")
    specs = fonts.resolve_fonts(load_settings(tmp_path / "reportexport.toml"))
    assert specs["hei"].path == (tmp_path / "hei.ttc").resolve()
    assert (specs["hei"].subfont_index, specs["hei"].source) == (1, "config")


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown font role 'body'"):
        fonts.resolve_fonts(Settings(), overrides={"body": WQY})


def test_system_fonts_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    windows_fonts = tmp_path / "Fonts"
    windows_fonts.mkdir()
    shutil.copy(WQY, windows_fonts / "SIMHEI.TTF")
    (windows_fonts / "simsunb.ttf").write_bytes(tiny_ttf("堃𠀀"))  # no digits: fine for the fallback
    monkeypatch.setattr(fonts, "_system_font_dirs", lambda: [windows_fonts])
    monkeypatch.setattr(fonts, "_fc_list", lambda: ())
    fonts._system_file_index.cache_clear()
    try:
        assert fonts.resolve_fonts(Settings())["hei"].source == "bundled"
        asked = fonts.resolve_fonts(Settings(), system_fonts=True)
        assert (asked["hei"].source, asked["hei"].path.name) == ("system", "SIMHEI.TTF")
        assert asked["kai"].source == "bundled"  # nothing installed for kai: bundled still serves
        assert (asked["fallback"].source, asked["fallback"].path.name) == ("system", "simsunb.ttf")
        assert fonts.fallback_chain(asked)[0] == asked["fallback"]
        assert "fallback" not in fonts.resolve_fonts(Settings())
        by_config = fonts.resolve_fonts(Settings(pdf=PdfSettings(system_fonts=True)))
        assert by_config["hei"].source == "system"
        # an explicit choice still beats an installed font
        assert fonts.resolve_fonts(_settings(hei=str(WENKAI)), system_fonts=True)["hei"].source == "config"
    finally:
        fonts._system_file_index.cache_clear()


# --------------------------------------------------------------------------- refusals


def test_cff_font_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    otf = tmp_path / "cff.otf"
    otf.write_bytes(cff_otf())
    cff_in_ttf_header = tmp_path / "cff-as-ttf.ttf"
    cff_in_ttf_header.write_bytes(cff_otf(b"\x00\x01\x00\x00"))
    candidates = [otf, cff_in_ttf_header]
    real = _system_otf()
    if real is not None:
        candidates.append(real)
    for path in candidates:
        with pytest.raises(ResourceError) as info:
            fonts.check_font(path, 0)
        message = str(info.value)
        assert "\n" not in message and str(path) in message
        assert "postscript outlines are not supported by reportlab; convert with tools/otf2ttf.py" in message


def test_cff_face_in_a_collection_is_refused(tmp_path: Path) -> None:
    face = cff_otf()
    ttc = b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + face
    path = tmp_path / "cff.ttc"
    path.write_bytes(ttc)
    with pytest.raises(ResourceError, match="postscript outlines are not supported"):
        fonts.check_font(path, 0)


def test_configured_cff_font_names_the_role(tmp_path: Path) -> None:
    otf = tmp_path / "fang.otf"
    otf.write_bytes(cff_otf())
    with pytest.raises(ResourceError, match=r"fangsong font from \[pdf.fonts\] in reportexport.toml: postscript outlines"):
        fonts.resolve_fonts(_settings(fangsong=str(otf)))


@pytest.mark.parametrize(
    ("make", "index", "pattern"),
    [
        (lambda d: d / "absent.ttf", 0, "font file not found"),
        (lambda d: WQY, 2, r"font collection has 2 faces \(0..1\); face 2 does not exist"),
        (lambda d: WENKAI, 1, "not a font collection"),
        (lambda d: (d / "x.ttf", (d / "x.ttf").write_text("hello, not a font"))[0], 0, "not a TrueType font file"),
    ],
)
def test_unusable_font_files_are_refused(tmp_path: Path, make: Callable[[Path], Path], index: int, pattern: str) -> None:
    with pytest.raises(ResourceError, match=pattern):
        fonts.check_font(make(tmp_path), index)


def test_font_lacking_ascii_digits_is_refused(tmp_path: Path) -> None:
    droid_like = tmp_path / "nodigits.ttf"
    droid_like.write_bytes(tiny_ttf("ABC中文堃"))
    with pytest.raises(ResourceError, match="font lacks the ASCII digits 0123456789"):
        fonts.check_font(droid_like)
    with pytest.raises(ResourceError, match="song font from --font option: font lacks the ASCII digits"):
        fonts.resolve_fonts(Settings(), overrides={"song": droid_like})
    # a last-resort fallback font need not have digits
    assert fonts.check_font(droid_like, require_digits=False) == "Tiny Test"
    with_digits = tmp_path / "digits.ttf"
    with_digits.write_bytes(tiny_ttf("0123456789中"))
    assert fonts.check_font(with_digits) == "Tiny Test"


# --------------------------------------------------------------------------- fallback


def test_fallback_chain_draws_rare_characters_and_reports_the_rest(tmp_path: Path) -> None:
    specs = fonts.resolve_fonts(Settings())
    song = specs["song"]
    chain = fonts.fallback_chain(specs)
    assert [spec.role for spec in chain] == ["hei", "kai", "song", "fangsong", "title"]
    text = "张堃和李喆发言😀𠀀，2024年"
    assert fonts.missing_chars(song, text) == ["堃", "喆", "😀", "𠀀"]  # outside the GB2312 subset
    runs = fonts.font_runs(text, song, chain)
    assert "".join(run for _, run in runs) == text
    assert [(spec.role if spec else None, run) for spec, run in runs] == [
        ("song", "张"), ("hei", "堃"), ("song", "和李"), ("hei", "喆"), ("song", "发言"), (None, "😀𠀀"), ("song", "，2024年"),
    ]
    assert fonts.unrenderable(text, song, chain) == ["😀", "𠀀"]

    # a configured fallback font is tried first
    extra = tmp_path / "extra.ttf"
    extra.write_bytes(tiny_ttf("堃𠀀"))
    with_fallback = fonts.resolve_fonts(_settings(fallback=str(extra)))
    assert with_fallback["fallback"].source == "config"
    chain = fonts.fallback_chain(with_fallback)
    assert chain[0].role == "fallback"
    assert fonts.font_for_char("堃", song, chain).role == "fallback"
    assert fonts.font_for_char("𠀀", song, chain).role == "fallback"  # ext-B, via a format 12 cmap
    assert fonts.unrenderable(text, song, chain) == ["😀"]
    assert fonts.font_for_char("喆", song, chain).role == "hei"
    assert fonts.font_for_char("张", song, chain) is song


# --------------------------------------------------------------------------- reportlab


def test_module_import_does_not_load_reportlab_or_fonttools() -> None:
    code = "import sys, reportexport.fonts; print('reportlab' in sys.modules, 'fontTools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def _build_pdf(specs: dict[str, fonts.FontSpec], paragraphs: list[tuple[str, str]]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    names = fonts.register_reportlab(specs)
    chain = fonts.fallback_chain(specs)
    story = []
    for role, text in paragraphs:
        markup = "".join(
            escape(run) if spec is None or spec == specs[role] else f'<font name="{names[spec.role]}">{escape(run)}</font>'
            for spec, run in fonts.font_runs(text, specs[role], chain)
        )
        style = ParagraphStyle(role, fontName=names[role], fontSize=11, leading=17, wordWrap="CJK")
        story.append(Paragraph(markup, style))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=names["song"], invariant=1).build(story)
    return buffer.getvalue()


def test_register_reportlab_is_idempotent_and_pdf_text_round_trips(tmp_path: Path) -> None:
    from pypdf import PdfReader

    specs = fonts.resolve_fonts(Settings())
    names = fonts.register_reportlab(specs)
    assert fonts.register_reportlab(specs) == names
    assert len(set(names.values())) == len(names)  # five distinct files
    assert fonts.registered_name(specs["hei"]) == names["hei"]

    sample = SAMPLE_TXT.read_text(encoding="utf-8").replace("\n", "")
    paragraphs = [(role, f"{role}：{sample[i * 300:(i + 1) * 300]} 2024年9378.72万元“引号”《书名》") for i, role in enumerate(fonts.ROLES)]
    paragraphs.append(("song", "张堃和李喆（罕用字由备用字体绘制）"))
    data = _build_pdf(specs, paragraphs)
    assert data == _build_pdf(specs, paragraphs)  # deterministic

    reader = PdfReader(io.BytesIO(data))
    got = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    want = re.sub(r"\s+", "", "".join(text for _, text in paragraphs))
    assert got == want

    base_fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            base_fonts.add(str(font["/BaseFont"]))
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert all(re.fullmatch(r"/[A-Z]{6}\+[A-Za-z0-9-]+", name) for name in base_fonts), base_fonts
    families = {name.split("+", 1)[1] for name in base_fonts}
    assert families == {"RXSerifSC-Regular", "WenQuanYiMicroHei-0", "LXGWWenKai-Regular", "FandolFang-Regular"}
    assert not any("Helvetica" in name for name in base_fonts)

    out = tmp_path / "fonts.pdf"
    out.write_bytes(data)
    pdffonts = need_program("pdffonts")
    table = subprocess.run([pdffonts, str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert table and all(re.search(r"\byes\s+yes\s+yes\b", line) for line in table), table
