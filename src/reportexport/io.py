"""Atomic output writing: a temporary file in the target folder, renamed into place.

A crash, a kill or a failing exporter leaves the previous file untouched and no temporary
file behind (the temporary name starts with ``.`` and ends with ``.part``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError, ReportExportError


def check_output_path(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if path.is_dir():
        raise OutputError("the output path is a directory; give a file name (e.g. -o out/汇总.docx)", path=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"the output folder {folder} does not exist; create it or choose another with -o", path=str(path))
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder", path=str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"the output folder {folder} is not writable; choose another with -o", path=str(path))
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError("the existing output file is read-only; nothing was changed", path=str(path))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` when the block ends.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    check_output_path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        # keep the mode of an existing file, else the usual 0644 (mkstemp makes 0600)
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except ReportExportError:
        _remove_quietly(tmp)
        raise
    except OSError as exc:
        _remove_quietly(tmp)
        if exc.errno == errno.ENOSPC:
            raise OutputError("the disk is full; the previous file was left as it was", path=str(path)) from exc
        raise OutputError(f"cannot write: {exc.strerror or exc}; the previous file was left as it was", path=str(path)) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
