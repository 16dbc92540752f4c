"""Readers: one module per input format, each turning a file into a :class:`Report`.

``read_path`` picks the reader by content: a ``.json`` file (or text starting with ``{``)
is the model as JSON; anything else goes to the text reader.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..model import Report
from .decode import MAX_BYTES, decode_bytes
from .text import build_report


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, or an :class:`InputError` naming the file and the problem."""
    shown = str(path)
    try:
        if path.is_dir():
            raise InputError("this is a folder, not a report file; give a .txt or .json file inside it", path=shown)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"the file is {size / 2**20:.0f} MB; reports larger than {MAX_BYTES // 2**20} MB are refused "
                "(split it into pages or reports)",
                path=shown,
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file; check the path", path=shown) from None
    except PermissionError:
        raise InputError("the file cannot be read (permission denied)", path=shown) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a report file", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=shown) from None


def parse_text(text: str, name: str = "<text>") -> Report:
    """Parse already-decoded report text (tests, library use)."""
    return build_report(text, name=name, encoding="str")


def read_path(path: Path) -> Report:
    """Read one input file (text or JSON model) into a :class:`Report`."""
    data = read_bytes(path)
    decoded = decode_bytes(data, str(path))
    if path.suffix.lower() == ".json" or decoded.text.lstrip().startswith("{"):
        from .json import report_from_json

        report = report_from_json(decoded.text, str(path))
        # outputs are named after the file given (out/<this name>.docx), not the original text
        source = report.source.model_copy(update={"path": str(path), "name": path.name})
        return report.model_copy(update={"source": source})
    return build_report(
        decoded.text,
        name=path.name,
        path=str(path),
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        diagnostics=decoded.diagnostics,
    )
