"""Save an openpyxl workbook so that the same workbook gives the same bytes.

openpyxl's ``Workbook.save`` stamps ``docProps/core.xml`` with the current time and every
zip entry with the current (or temporary file's) time.  :func:`save_deterministic` writes
through openpyxl's own ``ExcelWriter`` into a zip archive whose entries all carry one fixed
date, with the document's created/modified dates set to the same moment.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

#: Used when ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) is not set.
DEFAULT_TIMESTAMP = _dt.datetime(2000, 1, 1, 0, 0, 0)


def fixed_timestamp() -> _dt.datetime:
    """The moment written into documents: ``SOURCE_DATE_EPOCH`` when set, else 2000-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).replace(tzinfo=None)
        return max(moment, _dt.datetime(1980, 1, 1))  # zip dates start in 1980
    return DEFAULT_TIMESTAMP


class _FixedDateZipFile(zipfile.ZipFile):
    """A zip archive whose entries all get one date and neutral attributes."""

    def __init__(self, file: Path, date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._fixed_date_time = date_time

    def _info(self, arcname: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(arcname, date_time=self._fixed_date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 0
        info.external_attr = 0
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        info = self._info(arcname or os.path.basename(filename))
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save_deterministic(workbook: Workbook, path: Path) -> None:
    """Write ``workbook`` to ``path``; equal workbooks give byte-identical files."""
    moment = fixed_timestamp()
    workbook.properties.created = moment
    workbook.properties.modified = moment
    if workbook.write_only and not workbook.worksheets:
        workbook.create_sheet()
    date_time = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    archive = _FixedDateZipFile(Path(path), date_time)
    try:
        ExcelWriter(workbook, archive).save()
    finally:
        if archive.fp is not None:
            archive.close()
