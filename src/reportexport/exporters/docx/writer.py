"""Writing the Word summary with python-docx and lxml (see the package docstring)."""


from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from lxml import etree

from ...errors import ConfigError, ResourceError
from ...model import Report
from .. import ExportOptions
from . import prepared
from . import styles as st
from .body import Layout, build_body
from .package import save_deterministic, set_core_properties
from .prepared import default_template

__all__ = ["default_template", "open_template", "replace_body", "write_summary"]

_TEMPLATE_CT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_CT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def open_template(path: Path) -> DocumentObject:
    """Open a .docx or .dotx as a python-docx document; one-line errors for bad files."""
    if not path.is_file():
        raise ConfigError("template not found", path=str(path))
    try:
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            types = zf.read("[Content_Types].xml")
            if _TEMPLATE_CT in types:  # a .dotx: open it as a document
                entries = {n: zf.read(n) for n in zf.namelist()}
                entries["[Content_Types].xml"] = types.replace(_TEMPLATE_CT, _DOCUMENT_CT)
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w") as out:
                    for name, blob in entries.items():
                        out.writestr(name, blob)
                data = buffer.getvalue()
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ConfigError(f"not a usable Word document (.docx/.dotx): {exc}", path=str(path)) from None


def _reference_styles() -> etree._Element:
    with zipfile.ZipFile(default_template()) as zf:
        return etree.fromstring(zf.read("word/styles.xml"))


def _theme_blob(doc: DocumentObject) -> bytes | None:
    for rel in doc.part.rels.values():
        if rel.reltype == RT.THEME and not rel.is_external:
            return rel.target_part.blob
    return None


def _story_parts(doc: DocumentObject) -> list[etree._Element]:
    """XML roots of the headers, footers and numbering (parts that carry run fonts)."""
    roots = []
    for rel in doc.part.rels.values():
        if rel.is_external:
            continue
        element = getattr(rel.target_part, "element", None)
        if element is not None and rel.reltype in (RT.HEADER, RT.FOOTER, RT.NUMBERING):
            roots.append(element)
    return roots


def _text_width(sect_pr: etree._Element | None) -> int:
    """Twips between the margins of the final section (A4/GB default when not given)."""
    default = 8844
    if sect_pr is None:
        return default
    pg_sz, pg_mar = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    try:
        width = int(pg_sz.get(qn("w:w"))) if pg_sz is not None else 11906
        left = int(pg_mar.get(qn("w:left"), "0")) if pg_mar is not None else 1587
        right = int(pg_mar.get(qn("w:right"), "0")) if pg_mar is not None else 1474
    except (TypeError, ValueError):
        return default
    return width - left - right if width - left - right > 1440 else default


def prepare_styles(doc: DocumentObject, options: ExportOptions, *, is_default: bool) -> dict[str, str]:
    """Complete, de-theme and font the template's styles; return role -> styleId."""
    styles = doc.styles.element
    if not is_default:
        st.complete_styles(styles, _reference_styles())
    resolved = st.theme_fonts(_theme_blob(doc))
    st.resolve_theme_fonts(styles, resolved)
    for root in _story_parts(doc):
        st.resolve_theme_fonts(root, resolved)
    st.set_lang(st.doc_defaults_rpr(styles))
    fonts = options.settings.docx.fonts
    st.apply_fonts(styles, fonts, set(fonts.model_fields_set))
    ids = st.style_ids(styles)
    missing = [st.ROLES[r].name for r in st.ROLES if r not in ids]
    if missing:  # only possible if the bundled reference itself is broken
        raise ResourceError(f"the reference document lacks the styles {', '.join(missing)}; reinstall reportexport")
    return ids


#: A comment put where the body goes while the template's document.xml is serialised.
_BODY_MARK = "reportexport:body"


def replace_body(doc: DocumentObject, body: list[bytes]) -> dict[str, list[bytes]]:
    """Replace the template's body content (keeping its final sectPr) with ``body``, the
    UTF-8 pieces of the body XML.

    ``word/document.xml`` becomes the template's markup up to the body content + ``body`` +
    its final ``w:sectPr`` and closing tags.  It is returned as the pieces of the zip entry
    that replaces the document part when the package is saved, so the body is never parsed
    into a tree, serialised again, nor joined into one string (at 25,000 items that string
    and its copies took over 100 MB).  (Moving tens of thousands of parsed paragraphs into
    the template's tree one by one, ``body.extend``, costs lxml superlinear time: 217 s for
    25,000 items.)

    Returns ``{zip entry name: pieces}``, or ``{}`` when a template with other namespace
    prefixes needed the body parsed and moved into ``doc`` instead.
    """
    part = doc.part
    root = part.element
    body_element = root.body
    sect_pr = body_element.find(qn("w:sectPr"))
    for child in list(body_element):
        body_element.remove(child)
    body_element.append(etree.Comment(_BODY_MARK))
    if sect_pr is not None:
        body_element.append(sect_pr)
    pieces = etree.tostring(root, encoding="unicode").split(f"<!--{_BODY_MARK}-->")
    if len(pieces) != 2 or not _binds_body_prefixes(root):
        _move_body(doc, b"".join(body).decode("utf-8"))
        return {}
    head = (_XML_DECLARATION + pieces[0]).encode("utf-8")
    return {part.partname.lstrip("/"): [head, *body, pieces[1].encode("utf-8")]}


#: What python-docx writes before every part's XML.
_XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def _binds_body_prefixes(root: etree._Element) -> bool:
    """Whether ``root`` binds ``w:`` and ``r:`` (the prefixes of the body XML) as python-docx does."""
    wanted = etree.fromstring(f"<x {nsdecls('w', 'r')}/>").nsmap
    return all(root.nsmap.get(prefix) == uri for prefix, uri in wanted.items())


def _move_body(doc: DocumentObject, body_xml: str) -> DocumentObject:
    """Fallback for a template with other prefixes: parse the body alone and move it in."""
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for child in list(body):
        body.remove(child)
    new = parse_xml(f"<w:body {nsdecls('w', 'r')}>{body_xml}</w:body>")
    body.extend(list(new))
    if sect_pr is not None:
        body.append(sect_pr)
    return doc


def _font_roles_used(report: Report, options: ExportOptions) -> list[str]:
    """Font roles the summary of ``report`` shows (楷体 only when an item title stands alone)."""
    roles = ["title", "body", "heading1", "page_number"]
    if not options.brief and any(item.title_mark == "" for _, item in report.items()):
        roles.append("heading2")
    return roles


def write_summary(report: Report, path: Path, options: ExportOptions) -> None:
    """Write the Word summary of ``report`` to ``path`` the full way, with python-docx, and
    keep what surrounds its body for the next summary (:mod:`.prepared`)."""
    template = prepared.template_path(options)
    is_default = template is None
    doc = open_template(template or default_template())
    ids = prepare_styles(doc, options, is_default=is_default)
    if options.embed_fonts:
        from .embed import embed_fonts

        embed_fonts(doc, set(options.settings.docx.fonts.model_fields_set), _font_roles_used(report, options))

    width = _text_width(doc.element.body.find(qn("w:sectPr")))
    body = build_body(report, Layout.for_width(ids, width), prepared.body_options(options))
    document_xml = replace_body(doc, body)
    set_core_properties(doc, **prepared.core_values(report, options))
    save_deterministic(doc, Path(path), document_xml)
    pieces = document_xml.get(prepared.DOCUMENT_PART)  # a template may name its part otherwise
    if pieces:
        prepared.store(doc, options, pieces, ids, width)
