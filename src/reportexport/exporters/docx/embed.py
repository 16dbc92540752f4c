"""``--embed-fonts``: the bundled fonts inside the .docx (ECMA-376 Part 1, §17.8).

Each font becomes an *obfuscated* font part (``/word/fonts/fontN.odttf``): the first 32
bytes of the TrueType file are XOR-ed with the 16 bytes of a GUID (in reverse order), and
the GUID is written as ``w:fontKey`` of ``w:embedRegular`` in fontTable.xml.  settings.xml
gets ``w:embedTrueTypeFonts``.  Word and LibreOffice then render the summary with these
fonts on a machine that has none of them installed (checked with LibreOffice).

The styles name the embedded fonts by their family names (``FandolFang R`` …), since a
renderer registers an embedded font under the name inside the file, not under
``仿宋_GB2312``.  Roles the user configured in ``[docx.fonts]`` keep the configured font and
are not embedded.  Fonts are embedded whole (no subsetting at run time), so a summary with
embedded fonts is several megabytes; the GUID is derived from the font data, so the output
stays reproducible.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from ...config import DocxFonts
from ...errors import ResourceError
from ...resources import resource_dir
from . import styles as st

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"

#: Word-summary font role -> bundled file, face index in a collection, bold face?
#: The title's heavy Song is the Bold face of RX Serif SC, so the Title style is made bold
#: and the face is embedded as ``w:embedBold`` of the family.
BUNDLED: dict[str, tuple[str, int, bool]] = {
    "body": ("FandolFang-Regular.ttf", 0, False),  # 仿宋
    "heading1": ("wqy-microhei.ttc", 0, False),  # 黑体
    "heading2": ("LXGWWenKai-Regular.ttf", 0, False),  # 楷体
    "title": ("RXSerifSC-Bold.ttf", 0, True),  # 小标宋
    "page_number": ("RXSerifSC-Regular.ttf", 0, False),  # 宋体
}

_SETTINGS_AFTER_EMBED = (
    "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop",
)


# --------------------------------------------------------------------------- sfnt helpers


def _face_offset(data: bytes, index: int) -> int:
    """Offset of the table directory of face ``index`` (0 for a plain .ttf)."""
    if data[:4] == b"ttcf":
        count = struct.unpack(">I", data[8:12])[0]
        if index >= count:
            raise ResourceError(f"font collection has {count} faces, not {index + 1}")
        return struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])[0]
    return 0


def _tables(data: bytes, offset: int) -> list[tuple[bytes, int, int, int]]:
    """(tag, checksum, offset, length) of each table of the face at ``offset``."""
    num = struct.unpack(">H", data[offset + 4 : offset + 6])[0]
    return [struct.unpack(">4sIII", data[offset + 12 + 16 * i : offset + 28 + 16 * i]) for i in range(num)]


def extract_face(data: bytes, index: int) -> bytes:
    """A standalone TrueType file of face ``index`` of a collection (``data`` itself for a .ttf)."""
    if data[:4] != b"ttcf":
        return data
    offset = _face_offset(data, index)
    version = data[offset : offset + 4]
    tables = sorted(_tables(data, offset))
    num = len(tables)
    entry_selector = max(n for n in range(16) if 2**n <= num)
    search_range = 16 * 2**entry_selector
    header = version + struct.pack(">HHHH", num, search_range, entry_selector, num * 16 - search_range)
    pos = 12 + 16 * num
    records, blobs = [], []
    for tag, checksum, off, length in tables:
        records.append(struct.pack(">4sIII", tag, checksum, pos, length))
        blob = data[off : off + length]
        blob += b"\0" * (-len(blob) % 4)
        blobs.append(blob)
        pos += len(blob)
    return header + b"".join(records) + b"".join(blobs)


def family_name(data: bytes, index: int = 0) -> str:
    """The font's family name (name ID 1; Windows English first), as renderers register it."""
    offset = _face_offset(data, index)
    for tag, _, off, _length in _tables(data, offset):
        if tag != b"name":
            continue
        _, count, string_offset = struct.unpack(">HHH", data[off : off + 6])
        found: dict[tuple[int, int], str] = {}
        for i in range(count):
            platform, encoding, lang, name_id, length, str_off = struct.unpack(
                ">HHHHHH", data[off + 6 + 12 * i : off + 18 + 12 * i]
            )
            if name_id != 1:
                continue
            raw = data[off + string_offset + str_off : off + string_offset + str_off + length]
            text = raw.decode("utf-16-be" if platform in (0, 3) else "latin-1", errors="replace")
            found.setdefault((platform, lang), text)
        for key in ((3, 0x409), (1, 0)):
            if key in found:
                return found[key]
        if found:
            return next(iter(found.values()))
    raise ResourceError("font has no family name (name table, ID 1)")


def font_key(data: bytes) -> str:
    """A GUID derived from the font data: reproducible, and different per font."""
    h = hashlib.sha256(data).hexdigest()[:32].upper()
    return "{%s-%s-%s-%s-%s}" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the GUID's 16 bytes in reverse order (ECMA-376 §17.8.1)."""
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


# --------------------------------------------------------------------------- embedding


@dataclass(frozen=True)
class EmbeddedFont:
    role: str
    family: str
    data: bytes
    bold: bool = False


def load_bundled(roles: list[str]) -> list[EmbeddedFont]:
    """The bundled font of each role (standalone TrueType data and family name)."""
    folder = resource_dir("fonts")
    fonts = []
    for role in roles:
        name, index, bold = BUNDLED[role]
        path = Path(folder) / name
        if not path.is_file():
            raise ResourceError(f"bundled font fonts/{name} is missing; reinstall reportexport", path=str(path))
        raw = path.read_bytes()
        fonts.append(EmbeddedFont(role, family_name(raw, index), extract_face(raw, index), bold))
    return fonts


def _font_table_part(doc: DocumentObject) -> Part:
    for rel in doc.part.rels.values():
        if rel.reltype == RT.FONT_TABLE and not rel.is_external:
            return rel.target_part
    part = Part(
        PackURI("/word/fontTable.xml"),
        FONT_TABLE_CT,
        f'<w:fonts xmlns:w="{st._W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'.encode(),
        doc.part.package,
    )
    doc.part.relate_to(part, RT.FONT_TABLE)
    return part


def _set_settings(doc: DocumentObject) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:embedTrueTypeFonts")) is not None:
        return
    flag = etree.Element(qn("w:embedTrueTypeFonts"))
    later = {qn(f"w:{t}") for t in _SETTINGS_AFTER_EMBED}
    for child in settings:
        if child.tag in later:
            child.addprevious(flag)
            break
    else:
        # nothing of the early group: put it after the leading view/zoom elements
        early = {qn(f"w:{t}") for t in ("writeProtection", "view", "zoom", "removePersonalInformation",
                                         "removeDateAndTime", "doNotDisplayPageBoundaries",
                                         "displayBackgroundShape", "printPostScriptOverText",
                                         "printFractionalCharacterWidth", "printFormsData")}
        position = sum(1 for child in settings if child.tag in early)
        settings.insert(position, flag)


def embed_fonts(doc: DocumentObject, configured: set[str], roles: list[str]) -> list[EmbeddedFont]:
    """Embed the bundled font of each of ``roles`` not in ``configured``; point the styles at them."""
    wanted = [r for r in roles if r in BUNDLED and r not in configured]
    fonts = load_bundled(wanted)
    if not fonts:
        return []
    st.apply_fonts(doc.styles.element, DocxFonts(**{f.role: f.family for f in fonts}), {f.role for f in fonts})
    table_part = _font_table_part(doc)
    table = etree.fromstring(table_part.blob)
    existing = {el.get(qn("w:name")): el for el in table.iterfind(qn("w:font"))}
    index = st.style_index(doc.styles.element)
    parts: dict[bytes, str] = {}
    for font in fonts:
        if font.bold:  # the renderer picks the bold face only for bold text
            style = index.get(st.ROLES[font.role].name.lower())
            if style is not None:
                rpr = st._style_rpr(style)
                for tag in ("w:b", "w:bCs"):
                    if rpr.find(qn(tag)) is None:
                        st._get_or_add(rpr, tag, before=st._after(tag))
        el = existing.get(font.family)
        if el is None:
            el = etree.SubElement(table, qn("w:font"))
            el.set(qn("w:name"), font.family)
            etree.SubElement(el, qn("w:charset")).set(qn("w:val"), "86")
            etree.SubElement(el, qn("w:family")).set(qn("w:val"), "auto")
            etree.SubElement(el, qn("w:pitch")).set(qn("w:val"), "variable")
            existing[font.family] = el
        tag = qn("w:embedBold") if font.bold else qn("w:embedRegular")
        if el.find(tag) is not None and font.data in parts:
            continue
        key = font_key(font.data)
        if font.data not in parts:
            n = len(parts) + 1
            part = Part(PackURI(f"/word/fonts/font{n}.odttf"), OBFUSCATED_FONT, obfuscate(font.data, key), doc.part.package)
            parts[font.data] = table_part.relate_to(part, RT.FONT)
        for old in el.findall(tag):
            el.remove(old)
        embed = etree.Element(tag)
        embed.set(qn("r:id"), parts[font.data])
        embed.set(qn("w:fontKey"), key)
        if font.bold:  # schema order: embedRegular, embedBold, embedItalic, embedBoldItalic
            regular = el.find(qn("w:embedRegular"))
            (regular.addnext(embed) if regular is not None else el.append(embed))
        else:
            el.append(embed)
            bold = el.find(qn("w:embedBold"))
            if bold is not None:
                el.remove(bold)
                embed.addnext(bold)
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    _set_settings(doc)
    return fonts
