"""Atomic output writing: a temporary file in the target folder, renamed into place.

A crash, a kill or a failing exporter leaves the previous file untouched and no temporary
file behind:

* On Linux the temporary file is *unnamed* (``O_TMPFILE``): it has no name in the folder
  until it is complete, so even ``kill -9`` leaves nothing behind (the kernel frees it).
  The exporter writes it through ``/proc/self/fd/N``; when done it is linked under a
  hidden name and renamed over the target in one step.
* Elsewhere (or on a file system without ``O_TMPFILE``) the temporary file is named
  ``.<name>.<pid>.<random>.part``; one left by a killed process is removed by the next
  export of the same target once its process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
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
    """Yield a temporary path for ``path``'s content; put it in place when the block ends.

    If the block raises, the temporary file is dropped and ``path`` is left as it was.
    """
    path = Path(path)
    check_output_path(path)
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temporaries(path)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    fd = _unnamed_file(folder)
    if fd is not None:
        with _translate_errors(path):
            try:
                yield Path(f"/proc/self/fd/{fd}")
                os.fsync(fd)
                os.fchmod(fd, mode)
                _link_into_place(fd, path)
            finally:
                os.close(fd)
        return
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=folder)
    os.close(handle)
    tmp = Path(name)
    try:
        with _translate_errors(path):
            yield tmp
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
    finally:
        _remove_quietly(tmp)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove ``.<name>.<pid>.*.part`` files of ``path`` whose writing process is gone."""
    removed = []
    for candidate in path.parent.glob(f".{path.name}.*.part"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _remove_quietly(candidate)
            removed.append(candidate)
    return removed


@contextlib.contextmanager
def _translate_errors(path: Path) -> Iterator[None]:
    """OS errors while writing become one-line :class:`OutputError`; ours pass through."""
    try:
        yield
    except ReportExportError:
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise OutputError("the disk is full; the previous file was left as it was", path=str(path)) from exc
        raise OutputError(f"cannot write: {exc.strerror or exc}; the previous file was left as it was", path=str(path)) from exc


def _unnamed_file(folder: Path) -> int | None:
    """A file descriptor of an unnamed file in ``folder`` (Linux ``O_TMPFILE``), or None."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o600)
    except OSError:
        return None  # not supported by this file system: use a named temporary file


def _link_into_place(fd: int, path: Path) -> None:
    """Give the unnamed file a hidden name, then rename it over ``path`` (atomic)."""
    hidden = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
    folder_fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        # a directory fd makes Python call linkat(..., AT_SYMLINK_FOLLOW), which links the
        # unnamed file itself; plain link() would try to link the /proc symlink
        os.link(f"/proc/self/fd/{fd}", hidden.name, dst_dir_fd=folder_fd, follow_symlinks=True)
    finally:
        os.close(folder_fd)
    try:
        os.replace(hidden, path)
    except BaseException:
        _remove_quietly(hidden)
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
