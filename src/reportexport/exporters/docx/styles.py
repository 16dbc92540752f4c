"""The named styles the Word summary uses, and how they are found, completed and fonted.

Every paragraph, run and table of the summary refers to a style by role (``body``,
``heading1`` …).  A role is looked up by the style's *name* in the template
(``heading 1``, ``Body Text``, ``Item Title`` …), never by its id: Word in Chinese writes
ids such as ``1`` or ``a3`` for built-in styles, but keeps the English names.

A template that lacks a style gets it copied from the bundled ``templates/reference.docx``
(as pandoc does with its reference document), so a user's template only has to define
the styles it wants to change.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal

from docx.oxml.ns import qn
from lxml import etree

from ...config import DocxFonts

StyleKind = Literal["paragraph", "character", "table"]


@dataclass(frozen=True)
class StyleRole:
    """One style the exporter uses: its name in styles.xml, its kind and its font role."""

    name: str
    kind: StyleKind
    font_role: str | None  # field of DocxFonts giving its East Asian font, if any
    description: str


#: Every style the exporter refers to, by role.  ``templates/reference.docx`` defines
#: all of them (a test checks it); a user template may define any subset.
ROLES: dict[str, StyleRole] = {
    "normal": StyleRole("Normal", "paragraph", "body", "基础样式：三号仿宋，固定行距28.95磅"),
    "title": StyleRole("Title", "paragraph", "title", "标题：二号方正小标宋简体，居中"),
    "heading1": StyleRole("heading 1", "paragraph", "heading1", "部门标题：三号黑体，大纲1级"),
    "heading2": StyleRole("heading 2", "paragraph", "heading2", "二级标题：三号楷体_GB2312，大纲2级"),
    "body": StyleRole("Body Text", "paragraph", "body", "正文：三号仿宋_GB2312，首行缩进2字符"),
    "item_title": StyleRole("Item Title", "character", None, "事项标题（字符样式）：加粗，与正文接排"),
    "key_figures": StyleRole("Key Figures", "character", None, "关键数据（字符样式，摘要版）"),
    "table": StyleRole("Overview Table", "table", "body", "概览表：单线边框"),
    "table_header": StyleRole("Overview Table Header", "paragraph", "heading1", "概览表表头：四号黑体，居中"),
    "table_text": StyleRole("Overview Table Text", "paragraph", "body", "概览表文字：四号仿宋，居中"),
    "toc_heading": StyleRole("TOC Heading", "paragraph", "heading1", "目录标题：三号黑体，居中"),
    "toc1": StyleRole("toc 1", "paragraph", "body", "目录条目：三号仿宋，点线前导符"),
    "footer": StyleRole("footer", "paragraph", "page_number", "页码：四号宋体"),
}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
_THEME_TARGET = {"asciiTheme": "ascii", "hAnsiTheme": "hAnsi", "eastAsiaTheme": "eastAsia", "cstheme": "cs"}


def _style_name(style: etree._Element) -> str | None:
    name = style.find(qn("w:name"))
    return None if name is None else name.get(qn("w:val"))


def style_index(styles: etree._Element) -> dict[str, etree._Element]:
    """Map lower-cased style name -> ``w:style`` element (first definition wins)."""
    found: dict[str, etree._Element] = {}
    for style in styles.iterfind(qn("w:style")):
        name = _style_name(style)
        if name is not None:
            found.setdefault(name.lower(), style)
    return found


def style_ids(styles: etree._Element) -> dict[str, str]:
    """Role -> styleId in ``styles`` (only roles that ``styles`` defines with the right kind)."""
    index = style_index(styles)
    ids: dict[str, str] = {}
    for role, spec in ROLES.items():
        style = index.get(spec.name.lower())
        if style is not None and style.get(qn("w:type")) == spec.kind:
            ids[role] = style.get(qn("w:styleId"))
    return ids


def missing_roles(styles: etree._Element) -> list[str]:
    """Roles whose style ``styles`` does not define (with the expected kind)."""
    ids = style_ids(styles)
    return [role for role in ROLES if role not in ids]


def complete_styles(styles: etree._Element, reference: etree._Element) -> list[str]:
    """Copy into ``styles`` every style of a role it lacks, from ``reference``.

    Styles the copied ones are based on (``w:basedOn``/``w:next``/``w:link``) are copied
    too when missing; references are re-pointed at the ids ``styles`` uses, and a copied
    id that clashes with an existing one is renamed.  Returns the names copied.
    """
    ref_index = style_index(reference)
    ref_by_id = {s.get(qn("w:styleId")): s for s in reference.iterfind(qn("w:style"))}
    index = style_index(styles)
    taken = {s.get(qn("w:styleId")) for s in styles.iterfind(qn("w:style"))}
    copied: list[str] = []

    def ensure(name: str) -> str | None:
        """Id in ``styles`` of the style called ``name`` (copied from reference if needed)."""
        have = index.get(name.lower())
        if have is not None:
            return have.get(qn("w:styleId"))
        source = ref_index.get(name.lower())
        if source is None:
            return None
        new = copy.deepcopy(source)
        new_id = new.get(qn("w:styleId"))
        base = new_id
        n = 1
        while new_id in taken:
            n += 1
            new_id = f"{base}{n}"
        new.set(qn("w:styleId"), new_id)
        new.attrib.pop(qn("w:default"), None)
        taken.add(new_id)
        index[name.lower()] = new
        styles.append(new)
        copied.append(name)
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = new.find(qn(tag))
            if ref is None:
                continue
            target = ref_by_id.get(ref.get(qn("w:val")))
            target_name = _style_name(target) if target is not None else None
            target_id = ensure(target_name) if target_name else None
            if target_id is None:
                new.remove(ref)
            else:
                ref.set(qn("w:val"), target_id)
        return new_id

    for role in missing_roles(styles):
        spec = ROLES[role]
        existing = index.get(spec.name.lower())
        if existing is not None:  # right name, wrong kind: replace it
            styles.remove(existing)
            del index[spec.name.lower()]
        ensure(spec.name)
    return copied


# --------------------------------------------------------------------------- fonts


def _get_or_add(parent: etree._Element, tag: str, before: tuple[str, ...] = ()) -> etree._Element:
    """The child ``tag`` of ``parent``, created (before the first of ``before``) if absent."""
    child = parent.find(qn(tag))
    if child is not None:
        return child
    child = etree.SubElement(parent, qn(tag)) if not before else etree.Element(qn(tag))
    if before:
        for sibling in parent:
            if sibling.tag in {qn(b) for b in before}:
                sibling.addprevious(child)
                break
        else:
            parent.append(child)
    return child


# rPr children that may precede rFonts / lang (schema order of CT_RPr).
_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def _after(tag: str) -> tuple[str, ...]:
    return _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]


def _style_rpr(style: etree._Element) -> etree._Element:
    """The ``w:rPr`` of a style (created in schema position: before tblPr/trPr/tcPr/tblStylePr)."""
    return _get_or_add(style, "w:rPr", before=("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"))


def set_fonts(rpr: etree._Element, *, east_asia: str | None = None, latin: str | None = None) -> None:
    """Set the explicit font names on ``rpr``'s ``w:rFonts`` and drop its theme fonts.

    ``east_asia`` goes to ``w:eastAsia`` (what Word and WPS use for Chinese), ``latin`` to
    ``w:ascii``/``w:hAnsi``/``w:cs`` (digits and Latin text); ``w:hint="eastAsia"`` makes
    shared punctuation such as “ ” — use the East Asian font.
    """
    rfonts = _get_or_add(rpr, "w:rFonts", before=_after("w:rFonts"))
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    if latin:
        for attr in ("ascii", "hAnsi", "cs"):
            rfonts.set(qn(f"w:{attr}"), latin)
    if east_asia:
        rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def set_lang(rpr: etree._Element) -> None:
    """Declare the East Asian language zh-CN (and en-US for Latin text) on ``rpr``."""
    lang = _get_or_add(rpr, "w:lang", before=_after("w:lang"))
    lang.set(qn("w:val"), lang.get(qn("w:val")) or "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def doc_defaults_rpr(styles: etree._Element) -> etree._Element:
    """``w:docDefaults/w:rPrDefault/w:rPr`` of ``styles``, created when absent."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, defaults)
    rpr_default = _get_or_add(defaults, "w:rPrDefault", before=("w:pPrDefault",))
    return _get_or_add(rpr_default, "w:rPr")


def apply_fonts(styles: etree._Element, fonts: DocxFonts, roles: set[str]) -> None:
    """Write the fonts of ``fonts`` named in ``roles`` (DocxFonts fields) into the styles.

    Only the given roles are written, so a template keeps the fonts the user did not
    configure.  ``latin`` goes to every style except the footer (page numbers are 宋体
    throughout, GB/T 9704-2012 §7.5); ``page_number`` goes to all slots of the footer.
    """
    if not roles:
        return
    index = style_index(styles)
    if "body" in roles or "latin" in roles:
        set_fonts(
            doc_defaults_rpr(styles),
            east_asia=fonts.body if "body" in roles else None,
            latin=fonts.latin if "latin" in roles else None,
        )
    for spec in ROLES.values():
        style = index.get(spec.name.lower())
        if style is None or spec.font_role is None:
            continue
        rpr = _style_rpr(style)
        if spec.font_role == "page_number":
            if "page_number" in roles:
                name = fonts.page_number
                set_fonts(rpr, east_asia=name, latin=name)
            continue
        east = getattr(fonts, spec.font_role) if spec.font_role in roles else None
        latin = fonts.latin if "latin" in roles else None
        if east or latin:
            set_fonts(rpr, east_asia=east, latin=latin)


# --------------------------------------------------------------------------- theme fonts

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def theme_fonts(theme_xml: bytes | None) -> dict[str, str]:
    """Map ``majorEastAsia``/``minorHAnsi``/… to the font names a theme part defines.

    East Asian slots use the theme's ``ea`` font, or its ``Hans`` (simplified Chinese)
    script font when ``ea`` is empty, the way Word does for a zh-CN document.
    """
    if not theme_xml:
        return {}
    root = etree.fromstring(theme_xml)
    found: dict[str, str] = {}
    for which in ("major", "minor"):
        font = root.find(f".//{{{_A}}}{which}Font")
        if font is None:
            continue
        latin = font.find(f"{{{_A}}}latin")
        ea = font.find(f"{{{_A}}}ea")
        cs = font.find(f"{{{_A}}}cs")
        hans = font.find(f"{{{_A}}}font[@script='Hans']")
        if latin is not None and latin.get("typeface"):
            found[f"{which}Ascii"] = found[f"{which}HAnsi"] = latin.get("typeface")
        east = ea.get("typeface") if ea is not None else ""
        if not east and hans is not None:
            east = hans.get("typeface") or ""
        if east:
            found[f"{which}EastAsia"] = east
        if cs is not None and cs.get("typeface"):
            found[f"{which}Bidi"] = cs.get("typeface")
    return found


def resolve_theme_fonts(root: etree._Element, resolved: dict[str, str]) -> int:
    """Replace every theme font reference under ``root`` by the font name it stands for.

    WPS ignores theme fonts, and a theme attribute beats the explicit name in Word; so
    each ``w:*Theme`` attribute is turned into the explicit attribute (unless one is
    already there) and removed.  Returns the number of ``w:rFonts`` changed.
    """
    changed = 0
    for rfonts in root.iter(qn("w:rFonts")):
        touched = False
        for attr in _THEME_ATTRS:
            value = rfonts.attrib.pop(qn(f"w:{attr}"), None)
            if value is None:
                continue
            touched = True
            target = qn(f"w:{_THEME_TARGET[attr]}")
            if rfonts.get(target) is None and value in resolved:
                rfonts.set(target, resolved[value])
        changed += touched
    return changed

