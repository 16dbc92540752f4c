"""The summary's zip writer: blocks deflated in parallel, read back by zipfile and python-docx."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from reportexport.exporters import ExportOptions, get_exporter
from reportexport.exporters.docx import zipout
from reportexport.model import Report

_DATE = (1980, 1, 1, 0, 0, 0)


def _zipfile_bytes(entries: dict[str, bytes]) -> bytes:
    """What zipfile writes for ``entries`` with the summary's fixed date and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, content, compresslevel=6)
    return out.getvalue()


def _body(sample_report: Report) -> bytes:
    """Realistic content: the sample's item texts as XML-ish lines, about 70 KB."""
    lines = [f'<w:p><w:t xml:space="preserve">{item.text}</w:t></w:p>' for _, item in sample_report.items()]
    return "\n".join(lines).encode("utf-8")


def test_one_block_is_what_zipfile_writes(sample_report):
    """Within one block the archive is byte for byte zipfile's (headers, directory, end record)."""
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": _body(sample_report),
               "docProps/\u6838\u5fc3.xml": b"<x/>", "empty": b""}  # a UTF-8 name and an empty entry
    ours = zipout.write_zip((name, zipout.deflate(content)) for name, content in entries.items())
    assert ours == _zipfile_bytes(entries)


@pytest.mark.parametrize(("block", "bound"), [(16 * 1024, 1.03), (50_000, 1.01)])
def test_blocks_make_one_stream(sample_report, monkeypatch, block, bound):
    """Cut into blocks, the entry reads back whole, with its CRC checked, and compresses
    almost as well as one serial stream because each block is primed with the 32 KB before
    it (unprimed, these blocks come out 15 % and 5 % larger)."""
    monkeypatch.setattr(zipout, "BLOCK", block)
    body = _body(sample_report) * 3
    pieces = [body[i:i + 1000] for i in range(0, len(body), 1000)]
    deflated = zipout.deflate(pieces)
    assert len(deflated.data) > len(body) // block  # really cut into blocks
    archive = zipout.write_zip([("word/document.xml", deflated)])
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert zf.testzip() is None
        assert zf.read("word/document.xml") == body
    serial = len(zlib.compress(body, 6)) - 6  # without the zlib header and checksum
    assert deflated.compressed_size <= serial * bound
    assert zipout.write_zip([("word/document.xml", zipout.deflate(pieces))]) == archive  # same bytes again
    # the same content cut into other pieces, given by a generator, or deflated in turn on one
    # processor: the same bytes
    other = (body[i:i + 777] for i in range(0, len(body), 777))
    assert zipout.write_zip([("word/document.xml", zipout.deflate(other))]) == archive
    monkeypatch.setattr(zipout, "_threads", lambda: 1)
    assert zipout.write_zip([("word/document.xml", zipout.deflate(pieces))]) == archive


def test_an_error_in_a_block_reaches_the_caller_and_no_thread_is_left(monkeypatch):
    import threading

    monkeypatch.setattr(zipout, "BLOCK", 1000)
    real = zipout._compress

    def failing(block: bytes, primer: bytes, last: bool) -> bytes:
        if block.startswith(b"c"):
            raise MemoryError("no memory for block c")
        return real(block, primer, last)

    monkeypatch.setattr(zipout, "_compress", failing)
    before = threading.active_count()
    with pytest.raises(MemoryError, match="block c"):
        zipout.deflate([b"a" * 1000, b"b" * 1000, b"c" * 1000, b"d" * 1000, b"e" * 1000])
    assert threading.active_count() == before


def test_block_boundaries(monkeypatch):
    """Content that ends exactly at a block boundary, no content at all, and one piece
    longer than three blocks (cut into blocks of its own, not deflated as one)."""
    monkeypatch.setattr(zipout, "BLOCK", 1000)
    text = bytes(range(32, 127)) * 40  # 3,800 bytes
    for content, blocks in (([b"a" * 1000, b"b" * 1000], 2), ([], 1), ([b""], 1), ([b"<", text, b">"], 4)):
        deflated = zipout.deflate(content)
        assert len(deflated.data) == blocks
        stream = zlib.decompressobj(-15)
        assert stream.decompress(b"".join(deflated.data)) + stream.flush() == b"".join(content)
        assert stream.eof and not stream.unused_data  # the last block is final, and last
        assert deflated.crc == zlib.crc32(b"".join(content))


def test_summary_written_in_blocks_reads_as_written_in_one(sample_report, tmp_path, monkeypatch):
    """The sample's summary with its body deflated in 8 KB blocks: the same parts, and the
    same document text paragraph by paragraph, as with one block."""
    exporter = get_exporter("docx")
    exporter.export(sample_report, tmp_path / "one.docx", ExportOptions())
    monkeypatch.setattr(zipout, "BLOCK", 8192)
    exporter.export(sample_report, tmp_path / "blocks.docx", ExportOptions())
    one, blocks = Path(tmp_path / "one.docx").read_bytes(), Path(tmp_path / "blocks.docx").read_bytes()
    assert one != blocks
    with zipfile.ZipFile(tmp_path / "blocks.docx") as zf, zipfile.ZipFile(tmp_path / "one.docx") as reference:
        assert zf.testzip() is None
        assert zf.namelist() == reference.namelist()
        assert all(zf.read(name) == reference.read(name) for name in zf.namelist())
    texts = [[p.text for p in docx.Document(str(tmp_path / name)).paragraphs] for name in ("one.docx", "blocks.docx")]
    assert texts[0] == texts[1]
    assert len(texts[0]) > 61


def test_a_package_past_zip_limits_is_refused_with_a_clear_error(monkeypatch):
    """Past 4 GB a zip needs ZIP64, which this writer does not write: an OutputError, not a
    corrupt file.  (The limit is lowered here; a real summary that large would need millions
    of items.)"""
    from reportexport.errors import OutputError

    monkeypatch.setattr(zipout, "_LIMIT", 100)
    small = zipout.deflate(b"x" * 50)  # 37 bytes: a 31-byte header and 6 of data
    assert zipout.write_zip([("a", small), ("b", small)])  # under the limit
    with pytest.raises(OutputError, match="part a is too large"):
        zipout.write_zip([("a", zipout.deflate(bytes(range(256)) * 2))])  # the entry itself
    with pytest.raises(OutputError, match="package would pass 4 GB"):
        zipout.write_zip([(name, small) for name in "abcd"])  # where the fourth entry starts
    with pytest.raises(OutputError, match="package would pass 4 GB"):
        zipout.write_zip([(name, small) for name in "abc"])  # where the directory starts
    monkeypatch.setattr(zipout, "_MAX_ENTRIES", 2)
    with pytest.raises(OutputError, match="65,535 parts"):
        zipout.write_zip([("a", small), ("b", small)])
    monkeypatch.setattr(zipout, "_MAX_NAME", 4)
    with pytest.raises(OutputError, match="a name of 64 KB"):
        zipout.write_zip([("abcd", small)])
