"""Writing a zip package whose large entry is deflated on two cores.

The body of a long summary is most of the package (2.7 MB of ``word/document.xml`` for
2,500 items) and deflating it at level 6 takes about as long as building it.  :func:`deflate`
cuts an entry into blocks of :data:`BLOCK` bytes and compresses them in a thread pool (zlib
releases the interpreter lock while it compresses).  Each block but the last ends with a
sync flush (an empty stored block, so the next block starts on a byte boundary) and each
block after the first is primed with the 32 KB before it, so the concatenation is one valid
deflate stream that compresses almost as well as a serial one (+91 bytes of 156 KB at
2,500 items).  Blocks are cut at fixed offsets of the content, never by timing or by where
the pieces fall, so the same entry always gives the same bytes.

:mod:`zipfile` cannot take data that is already compressed, so :func:`write_zip` writes the
archive itself: local headers, data, central directory and end record, as :mod:`zipfile`
writes them for a seekable file (no data descriptors, no extra fields), with one fixed date.
An entry of one block (under 1 MB) is byte for byte what :mod:`zipfile` writes; a longer one
is a different, equally valid and equally reproducible deflate stream.

Threads: as many as the process may run on, at most two (one: the blocks are deflated in
turn).  ``deflate`` joins its threads before it returns, so none is alive when the caller
forks; it must not run beside another thread that forks.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from ...errors import OutputError

__all__ = ["BLOCK", "Deflated", "deflate", "write_zip"]

#: Bytes of input per deflate block (the unit of work of a thread).
BLOCK = 1 << 20
#: When this many blocks are submitted and not yet collected, the oldest is waited for: two
#: in flight, one per thread (bounds the memory held).
_AHEAD = 3
_WINDOW = 32 * 1024  # deflate's history: what a block is primed with
_LEVEL = 6
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VERSION = 20  # 2.0: deflate
_DEFLATED = 8
_UTF8_NAME = 0x800
#: From these values on a zip needs ZIP64 (the fields hold them as markers), which the
#: packages written here never reach.
_LIMIT = 0xFFFFFFFF
_MAX_ENTRIES = 0xFFFF
_MAX_NAME = 0xFFFF
_ATTRIBUTES = 0o600 << 16  # read and write for the owner, as zipfile marks what it writes


class Deflated:
    """One entry's content, deflated (raw, without zlib header) and measured.

    A plain class: a dataclass costs a millisecond to create at import, and the summary's
    imports are part of every summary written in a fresh process."""

    __slots__ = ("compressed_size", "crc", "data", "size")

    def __init__(self, data: Sequence[bytes], crc: int, size: int) -> None:
        self.data = data  # the compressed stream, in pieces
        self.crc = crc  # CRC-32 of the uncompressed content
        self.size = size  # bytes before compression
        self.compressed_size = sum(len(piece) for piece in data)


def _blocks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` joined and cut into blocks of exactly :data:`BLOCK` bytes (the last may be
    shorter).  A piece longer than a block (the overview table of 5,000 departments is one
    piece of 5 MB) is cut too, through a memoryview, so that no block held in flight is larger."""
    batch: list[memoryview] = []
    size = 0
    given = False
    for piece in pieces:
        view = memoryview(piece)
        while size + len(view) >= BLOCK:
            cut = BLOCK - size
            batch.append(view[:cut])
            yield b"".join(batch)
            batch, size, given = [], 0, True
            view = view[cut:]
        if view:
            batch.append(view)
            size += len(view)
    if batch or not given:
        yield b"".join(batch)


def _compress(block: bytes, primer: bytes, last: bool) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, *([primer] if primer else []))
    return compressor.compress(block) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class _Now:
    """What ``deflate`` submits to when it has one processor: each call runs at once."""

    def submit(self, fn: Callable[..., bytes], *args: object) -> Future[bytes]:
        done: Future[bytes] = Future()
        done.set_result(fn(*args))
        return done

    def shutdown(self, cancel_futures: bool = False) -> None:
        pass

    def __enter__(self) -> _Now:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _threads() -> int:
    """Deflate threads: the processors this process may run on, at most two."""
    try:
        return max(1, min(2, len(os.sched_getaffinity(0))))
    except (AttributeError, OSError):  # no affinity on this system
        return max(1, min(2, os.cpu_count() or 1))


def deflate(content: bytes | bytearray | memoryview | Iterable[bytes]) -> Deflated:
    """``content`` (whole, or as pieces) deflated at level 6; in parallel blocks when it is
    longer than one block and the process may use two processors."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        content = [content]
    blocks = _blocks(content)
    first = next(blocks)
    following = next(blocks, None)
    crc = zlib.crc32(first)
    size = len(first)
    if following is None:  # one block: no thread
        return Deflated([_compress(first, b"", True)], crc, size)
    threads = _threads()
    out: list[bytes] = []
    pending: list[Future[bytes]] = []
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="deflate") if threads > 1 else _Now() as pool:
        try:
            previous, block = first, following
            pending.append(pool.submit(_compress, first, b"", False))
            while block is not None:
                upcoming = next(blocks, None)
                crc = zlib.crc32(block, crc)
                size += len(block)
                pending.append(pool.submit(_compress, block, previous[-_WINDOW:], upcoming is None))
                previous, block = block, upcoming
                while len(pending) >= _AHEAD:
                    out.append(pending.pop(0).result())
            out.extend(future.result() for future in pending)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the blocks not yet begun are not deflated for nothing
            raise
    return Deflated(out, crc, size)


def _dos_date_time() -> tuple[int, int]:
    year, month, day, hour, minute, second = _ZIP_DATE
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def write_zip(entries: Iterable[tuple[str, Deflated]]) -> bytes:
    """A zip archive of ``entries`` (name, deflated content), in the order given."""
    date, time = _dos_date_time()
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for name, entry in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        compressed = entry.compressed_size
        if max(entry.size, compressed) >= _LIMIT or len(encoded) >= _MAX_NAME:
            raise OutputError(f"the summary's part {name[:80]} is too large for a package without ZIP64 "
                              "(4 GB, or a name of 64 KB); export the report in parts")
        if offset >= _LIMIT:
            raise OutputError("the summary's package would pass 4 GB, which needs ZIP64; export the report in parts")
        fields = (_VERSION, 0, flags, _DEFLATED, time, date, entry.crc, compressed, entry.size, len(encoded))
        local = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fields, 0) + encoded
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", _VERSION, 0, *fields, 0, 0, 0, 0, _ATTRIBUTES, offset)
                       + encoded)
        out.append(local)
        out.extend(entry.data)
        offset += len(local) + compressed
        count += 1
    if offset >= _LIMIT or count >= _MAX_ENTRIES:  # where the directory starts; how many entries it has
        raise OutputError("the summary's package would pass 4 GB or 65,535 parts, which needs ZIP64; "
                          "export the report in parts")
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*out, directory, end])
