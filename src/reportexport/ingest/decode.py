"""Bytes → text: BOM, UTF-8, UTF-16, GB18030; binary files refused with a clear message."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import Diagnostic, Severity

#: Magic numbers of files people drop on the tool by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document (export the text first)"),
    (b"PK\x03\x04", "a ZIP archive or an Office document (.docx/.xlsx; save it as .txt first)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls; save it as .txt first)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)

#: Refuse inputs larger than this: a report is kilobytes; hundreds of megabytes is a mistake.
MAX_BYTES = 100 * 1024 * 1024


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used, and what had to be repaired."""

    text: str
    encoding: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def decode_bytes(data: bytes, name: str) -> Decoded:
    """Decode ``data`` (the content of file ``name``) or raise :class:`InputError`."""
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the file is {len(data) / 2**20:.0f} MB; reports larger than {MAX_BYTES // 2**20} MB are refused "
            "(split it into pages or reports)",
            path=name,
        )
    if not data:
        raise InputError("the file is empty; give a report text (UTF-8 or GB18030)", path=name)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this is {what}, not a report text; give a .txt or .json file", path=name)

    decoded = _decode(data, name)
    _refuse_binary(decoded.text, name)
    if not decoded.text.strip():
        raise InputError("the file holds only whitespace; give a report text", path=name)
    return decoded


def _decode(data: bytes, name: str) -> Decoded:
    if data.startswith(codecs.BOM_UTF8):
        return _utf8(data[3:], name, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"broken UTF-16 text at byte {exc.start}", path=name) from None
    guess = _utf16_without_bom(data)
    if guess:
        try:
            text = data.decode(guess)
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(text, guess, [_note("utf16-no-bom", f"no byte-order mark; read as {guess.upper()}", Severity.warning)])
    return _utf8(data, name, "utf-8")


def _utf8(data: bytes, name: str, label: str) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), label)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            text = data[: exc.start].decode("utf-8")
            line = text.count("\n") + 1
            return Decoded(
                text,
                label,
                [_note("truncated-utf8", f"the last character is cut off ({len(data) - exc.start} stray bytes removed)", Severity.warning, line)],
            )
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(
            f"cannot decode as UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}) nor as "
            f"GB18030 (offset {exc.start}); save the file as UTF-8",
            path=name,
            line=line,
        ) from None
    return Decoded(text, "gb18030", [_note("decoded-gb18030", "not UTF-8 and no encoding label; read as GB18030 (GBK)", Severity.warning)])


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (ASCII) or the text decodes as CJK."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul > half * 0.3 and even_nul < half * 0.05:
        return "utf-16-le"
    if even_nul > half * 0.3 and odd_nul < half * 0.05:
        return "utf-16-be"
    if b"\n\x00" in sample and sample.count(b"\n\x00") * 2 >= sample.count(b"\n"):
        # CJK text: no NUL bytes, but newlines are 0A 00
        try:
            text = data.decode("utf-16-le")
        except UnicodeDecodeError:
            return None
        if _cjk_share(text) > 0.3:
            return "utf-16-le"
    return None


def _cjk_share(text: str) -> float:
    sample = text[:2000]
    if not sample:
        return 0.0
    return sum("\u4e00" <= ch <= "\u9fff" for ch in sample) / len(sample)


def _refuse_binary(text: str, name: str) -> None:
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\t\n\r\f\v")
    )
    if bad > max(8, len(sample) * 0.1):
        raise InputError(
            f"this looks like a binary file ({bad} control or undefined characters in the first "
            f"{len(sample)}), not a report text; give a .txt or .json file",
            path=name,
        )


def _note(code: str, message: str, severity: Severity, line: int | None = None) -> Diagnostic:
    return Diagnostic(severity=severity, code=code, message=message, line=line)
