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
    staged: list[Path] = []
    with staged_path(path, staged) as tmp:
        yield tmp
    commit(staged[0], path)


@contextlib.contextmanager
def staged_path(path: Path, staged: list[Path], owner: int | None = None) -> Iterator[Path]:
    """Like :func:`atomic_path`, but stop short of the rename: when the block ends the
    complete file has a hidden name (appended to ``staged``) and :func:`commit` puts it in
    place.  Several outputs can so be written (even by other processes) and then be put in
    place together, or all dropped with :func:`discard`.  ``owner`` is the process that will
    commit (default: this one); the staged file carries its pid, so another export removes it
    as stale only once that process is gone.
    """
    owner = owner or os.getpid()
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
                staged.append(_link_hidden(fd, path, owner))
            finally:
                os.close(fd)
        return
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.{owner}.", suffix=".part", dir=folder)
    os.close(handle)
    tmp = Path(name)
    done = False
    try:
        with _translate_errors(path):
            yield tmp
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            staged.append(tmp)
            done = True
    finally:
        if not done:
            _remove_quietly(tmp)


def commit(staged: Path, path: Path) -> None:
    """Rename a staged file over ``path`` (atomic); the staged file is gone afterwards."""
    with _translate_errors(path):
        try:
            os.replace(staged, path)
        except BaseException:
            _remove_quietly(staged)
            raise


def discard(staged: Path) -> None:
    """Drop a staged file that will not be committed."""
    _remove_quietly(staged)


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


def _link_hidden(fd: int, path: Path, owner: int) -> Path:
    """Give the unnamed file a hidden name next to ``path`` (``.<name>.<owner pid>.<random>.part``)."""
    hidden = path.parent / f".{path.name}.{owner}.{secrets.token_hex(4)}.part"
    folder_fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        # a directory fd makes Python call linkat(..., AT_SYMLINK_FOLLOW), which links the
        # unnamed file itself; plain link() would try to link the /proc symlink
        os.link(f"/proc/self/fd/{fd}", hidden.name, dst_dir_fd=folder_fd, follow_symlinks=True)
    finally:
        os.close(folder_fd)
    return hidden


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
