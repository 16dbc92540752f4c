"""Saving a python-docx document reproducibly: fixed properties, zip dates and order.

python-docx stamps each zip entry with the current time; :func:`save_deterministic` lets
it serialise the parts and then rewrites the zip with a fixed date, fixed attributes and a
fixed order, so the same input and options give byte-identical files.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .zipout import deflate, write_zip

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

#: The fixed creation/modification time of every summary, unless SOURCE_DATE_EPOCH is set
#: (the reproducible-builds convention).
FIXED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def fixed_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (and valid), else :data:`FIXED_TIME`."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return FIXED_TIME.replace(tzinfo=None)


def set_core_properties(doc: DocumentObject, *, title: str, subject: str, author: str, keywords: str = "") -> None:
    """Title, subject, author, language zh-CN and fixed timestamps."""
    props = doc.core_properties
    when = fixed_time()
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.language = "zh-CN"
    props.keywords = keywords
    props.comments = ""
    props.category = ""
    props.revision = 1
    props.created = when
    props.modified = when
    if props.last_printed is not None:
        props.last_printed = when


def rezip(data: bytes, extra: Mapping[str, bytes | Sequence[bytes]] | None = None) -> bytes:
    """``data`` (a zip) rewritten with fixed dates and order; ``extra`` replaces or adds
    entries, each given whole or as a sequence of pieces (deflated as they come, on two
    cores when long: :mod:`.zipout`)."""
    extra = dict(extra or {})
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        entries: dict[str, bytes | Sequence[bytes]] = {name: src.read(name) for name in names if name not in extra}
    entries.update(extra)
    order = [n for n in _FIRST if n in entries]
    order += [n for n in names if n not in _FIRST]
    order += sorted(n for n in extra if n not in names and n not in _FIRST)
    return write_zip((name, deflate(entries[name])) for name in order)


def save_deterministic(doc: DocumentObject, path: Path,
                       extra: Mapping[str, bytes | Sequence[bytes]] | None = None) -> None:
    """Save ``doc`` at ``path`` with fixed zip metadata (see module docstring)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(rezip(buffer.getvalue(), extra))
