"""The per-user cache folder, and its entries written and read with :mod:`marshal`.

Two things live there: parsed fonts (:mod:`reportexport.fontcache`) and the Word template as
prepared for a summary (:mod:`reportexport.exporters.docx.prepared`).  The folder is
``$REPORTEXPORT_CACHE``, else ``$XDG_CACHE_HOME/reportexport`` or ``~/.cache/reportexport``;
``REPORTEXPORT_CACHE=off`` turns the cache off.  Writing an entry never fails an export (a
read-only home just means no cache), and an entry that cannot be read is as good as none.
(marshal does not guard against deliberately crafted data; the entries live in the user's
own cache folder.)
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "read_entry", "write_entry"]


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    configured = os.environ.get("REPORTEXPORT_CACHE", "")
    if configured.lower() in ("off", "0", "no", "false"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory can be determined: no cache
            return None
    return Path(base) / "reportexport"


def read_entry(entry: Path) -> Any:
    """The value kept in ``entry``, or None when it is missing or unreadable."""
    try:
        return marshal.loads(entry.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_entry(entry: Path, value: Any) -> None:
    """Keep ``value`` in ``entry``, atomically (quietly does nothing when it cannot)."""
    try:
        blob = marshal.dumps(value)
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, entry)
    except (OSError, ValueError):
        return
