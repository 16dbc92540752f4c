"""The prepared template, kept per user, so that a summary is written without python-docx.

A summary is the template's package with two parts rewritten: ``word/document.xml`` (the
body) and ``docProps/core.xml`` (title, subject, author, keywords).  The rest (styles
completed and de-themed, fonts written in, footers, settings) depends only on the template,
the font settings and the code, yet writing it the full way (:mod:`.writer`) means importing
python-docx and lxml, opening the template and serialising every part: about 0.15 s a
summary, more than the body of 2,500 items takes to build.

So after a summary is written the full way, :func:`store` keeps what surrounds its body: the
package as python-docx wrote it, with placeholders in ``core.xml``, the markup before and
after the body, the style ids and the text width.  :func:`write_prepared` writes the next
summary from that entry with :mod:`zipfile` alone.  The file is byte for byte what the full
way writes (``tests/exporters/test_docx.py`` compares both).

Entries live in the per-user cache folder (:mod:`reportexport.cache`)
(``REPORTEXPORT_CACHE=off`` turns it off), keyed by the template file (path, size,
modification time, and whether it is the bundled default), the font settings, the fixed document time, the versions of
python-docx and lxml, :data:`FORMAT` and the source of the modules that prepare the
package.  An unreadable or unexpected entry is ignored.  The full way is always taken with
``--embed-fonts`` (the faces embedded depend on the report) and for core properties that
python-docx would refuse or write differently (over 255 characters, control characters).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ...cache import cache_dir, read_entry, write_entry
from ...model import Report
from ...resources import resource
from .. import ExportOptions
from .body import BodyOptions, Layout, build_body, escape
from .package import fixed_time, rezip

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = ["FORMAT", "CoreValues", "body_options", "core_values", "default_template", "store", "template_path",
           "write_prepared"]

#: Bump when what is stored changes.
FORMAT = 1
DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
#: Placeholders written into core.xml in place of each value (ASCII: lxml writes them as they are).
_PLACEHOLDERS = {
    "title": "RXCORE7TITLE",
    "subject": "RXCORE7SUBJECT",
    "author": "RXCORE7AUTHOR",  # dc:creator and cp:lastModifiedBy
    "keywords": "RXCORE7KEYWORDS",
}
_EXPECTED_COUNT = {"title": 1, "subject": 1, "author": 2, "keywords": 1}
_PLACEHOLDER_STEM = "RXCORE7"  # a value containing it would be replaced again: the full way
#: Modules whose code shapes the prepared parts: a change to one of them is a new entry.
_SOURCES = ("writer.py", "styles.py", "package.py", "prepared.py")
#: What lxml would escape (\r) or refuse (other controls, surrogates, U+FFFE/U+FFFF) in text.
_UNSAFE = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_CORE_LIMIT = 255  # python-docx refuses longer core properties

CoreValues = dict[str, str]


def default_template() -> Path:
    """The bundled reference document (templates/reference.docx)."""
    return resource("templates", "reference.docx")


def template_path(options: ExportOptions) -> Path | None:
    """The template the options ask for (``--template``, then ``[docx] template``), or None
    for the bundled reference."""
    if options.template:
        return Path(options.template)
    return Path(options.settings.docx.template) if options.settings.docx.template else None


def body_options(options: ExportOptions) -> BodyOptions:
    """What the body builder needs of the export options."""
    return BodyOptions(
        brief=options.brief,
        toc=options.toc,
        continued_name=options.settings.document.continued_name,
        done_status=(options.settings.xlsx.statuses or ("已完成",))[0],
    )


def core_values(report: Report, options: ExportOptions) -> CoreValues:
    """Title, subject, author and keywords of the summary's core properties."""
    keywords = "；".join(d.display_name for d in report.departments if d.name)
    return {
        "title": report.title or body_options(options).fallback_title,
        "subject": "重点工作汇总（摘要）" if options.brief else "重点工作汇总",
        "author": options.settings.document.author,
        "keywords": keywords[:255],
    }


def _code_stamp() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _library_stamp(package: str) -> tuple[str, int, int]:
    """Which copy of ``package`` is installed, found without importing it or
    ``importlib.metadata`` (≈ 45 ms): its ``__init__.py`` with size and modification time,
    which an upgrade rewrites."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        raise OSError(f"{package} is not installed")
    stat = os.stat(spec.origin)
    return spec.origin, stat.st_size, stat.st_mtime_ns


def _entry(options: ExportOptions) -> Path | None:
    """The cache file for these options, or None when the full way must be taken."""
    folder = cache_dir()
    if folder is None or options.embed_fonts:
        return None
    chosen = template_path(options)
    template = chosen or default_template()
    try:
        stat = template.stat()
        versions = (_library_stamp("docx"), _library_stamp("lxml"))
        code = _code_stamp()
    except OSError:
        return None
    fonts = options.settings.docx.fonts
    key = "|".join(map(str, (
        FORMAT, *versions, chosen is None, template.resolve(), stat.st_size, stat.st_mtime_ns,
        fonts.model_dump_json(), sorted(fonts.model_fields_set), fixed_time().isoformat(), code,
    )))
    return folder / "docx" / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.marshal"


def _core_xml(placeheld: bytes, values: CoreValues) -> bytes | None:
    """``core.xml`` with the values in place of the placeholders; None when python-docx
    would not write a value as it is (the full way then decides)."""
    text = placeheld.decode("utf-8")
    for field, placeholder in _PLACEHOLDERS.items():
        value = values[field]
        if len(value) > _CORE_LIMIT or _UNSAFE.search(value) or _PLACEHOLDER_STEM in value:
            return None
        text = text.replace(placeholder, escape(value))
    return text.encode("utf-8")


def write_prepared(report: Report, path: Path, options: ExportOptions) -> bool:
    """Write the summary of ``report`` to ``path`` from a kept entry; False (nothing written)
    when there is none for these options."""
    entry = _entry(options)
    if entry is None:
        return False
    state = read_entry(entry)
    try:
        package, head, tail = state["package"], state["head"], state["tail"]
        ids, width, placeheld = dict(state["ids"]), int(state["width"]), state["core"]
    except (TypeError, KeyError, ValueError):
        return False
    core = _core_xml(placeheld, core_values(report, options))
    if core is None:
        return False
    body = build_body(report, Layout.for_width(ids, width), body_options(options))
    path.write_bytes(rezip(package, {DOCUMENT_PART: [head, *body, tail], CORE_PART: core}))
    return True


def store(doc: DocumentObject, options: ExportOptions, document_pieces: list[bytes],
          ids: dict[str, str], width: int) -> None:
    """Keep what surrounds the body of the summary just written from ``doc`` (quietly does
    nothing when it cannot).  Overwrites ``doc``'s core properties with the placeholders."""
    entry = _entry(options)
    if entry is None or entry.exists():
        return
    from .package import set_core_properties

    set_core_properties(doc, **_PLACEHOLDERS)
    buffer = io.BytesIO()
    doc.save(buffer)
    package = rezip(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        placeheld = zf.read(CORE_PART)
    text = placeheld.decode("utf-8")
    if any(text.count(p) != _EXPECTED_COUNT[f] for f, p in _PLACEHOLDERS.items()):
        return  # python-docx wrote the core properties some other way: keep the full way
    write_entry(entry, {"package": package, "head": document_pieces[0], "tail": document_pieces[-1],
                        "ids": ids, "width": width, "core": placeheld})
