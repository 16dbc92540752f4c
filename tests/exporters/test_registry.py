"""The exporter registry: built-in formats load without a scan of the installed distributions,
and agree with the entry points the package declares."""

from __future__ import annotations

from importlib import metadata

import pytest

from reportexport import exporters
from reportexport.errors import UnknownFormatError


def test_builtin_table_is_the_declared_entry_points() -> None:
    declared = {ep.name: ep.value for ep in metadata.distribution("reportexport").entry_points
                if ep.group == exporters.ENTRY_POINT_GROUP}
    assert declared == exporters.BUILTIN


def test_a_builtin_format_loads_without_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    exporters._entry_points.cache_clear()

    def no_scan(**kw: object) -> list:
        raise AssertionError("the installed distributions were scanned")

    monkeypatch.setattr(exporters.metadata, "entry_points", no_scan)
    for name in exporters.BUILTIN:
        assert exporters.get_exporter(name).name == name
    exporters._entry_points.cache_clear()


def test_a_third_party_format_is_found_by_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = metadata.EntryPoint("csvx", "reportexport.exporters.json:JsonExporter", exporters.ENTRY_POINT_GROUP)
    clash = metadata.EntryPoint("docx", "reportexport.exporters.json:JsonExporter", exporters.ENTRY_POINT_GROUP)
    exporters._entry_points.cache_clear()
    monkeypatch.setattr(exporters.metadata, "entry_points", lambda **kw: [clash, plugin])
    try:
        assert exporters.names() == ["json", "docx", "xlsx", "pdf", "csvx"]
        assert type(exporters.get_exporter("csvx")).__name__ == "JsonExporter"
        assert type(exporters.get_exporter("docx")).__name__ == "DocxExporter"  # a built-in name stays built in
        with pytest.raises(UnknownFormatError, match="available: json, docx, xlsx, pdf, csvx"):
            exporters.get_exporter("nope")
    finally:
        exporters._entry_points.cache_clear()
