"""Reading an edited tracking sheet back (``--tracking``): by id, by header, with reports."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest

from reportexport.errors import InputError, ReportExportError
from reportexport.exporters import ExportOptions, get_exporter
from reportexport.model import Report
from reportexport.tracking import TrackingSheetError, apply_tracking

from .conftest import need_program

STATUS, OWNER, NOTE, ID = 9, 10, 11, 13  # 1-based columns as written


def write_sheet(report: Report, path: Path) -> Path:
    get_exporter("xlsx").export(report, path, ExportOptions())
    return path


def tracking(report: Report) -> dict[str, tuple]:
    return {item.id: (item.status, item.owner, item.note) for _, item in report.items()}


def without_tracking(report: Report) -> dict:
    data = report.model_dump()
    for dep in data["departments"]:
        for item in dep["items"]:
            for key in ("status", "owner", "note"):
                item.pop(key)
    return data


def codes(diags: list) -> list[str]:
    return [d.code for d in diags]


def test_untouched_sheet_changes_nothing(sample_report: Report, tmp_path: Path) -> None:
    new, diags = apply_tracking(sample_report, write_sheet(sample_report, tmp_path / "t.xlsx"))
    assert diags == []
    assert new == sample_report


def test_edits_survive_sorting_deleting_and_new_columns(sample_report: Report, tmp_path: Path) -> None:
    path = write_sheet(sample_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    ids = [item.id for _, item in sample_report.items()]
    edits = {
        ids[0]: ("已完成", "张三", "12月已验收"),
        ids[3]: ("推进中", "李四", None),
        ids[-1]: ("滞后", None, "待定（王处长）"),
    }
    deleted = rows[5][ID - 1]
    for row in rows:
        if row[ID - 1] in edits:
            row[STATUS - 1], row[OWNER - 1], row[NOTE - 1] = edits[row[ID - 1]]
    kept = [r for r in rows if r[ID - 1] != deleted]
    kept.sort(key=lambda r: -r[0])  # re-sorted: 序号 descending
    ws.delete_rows(2, ws.max_row)
    for row in kept:
        ws.append(row)
    ws.row_dimensions[3].hidden = True  # filtered out: still read
    ws.insert_cols(1)  # a column of the user's own in front: positions shift
    ws["A1"] = "我的批注"
    ws["A3"] = "随手记"
    wb.save(path)

    new, diags = apply_tracking(sample_report, path)
    got = tracking(new)
    for item_id, values in edits.items():
        assert got[item_id] == values
    untouched = set(got) - set(edits) - {deleted}
    assert all(got[i] == (None, None, None) for i in untouched)
    assert codes(diags) == ["tracking-row-missing"]
    assert deleted in diags[0].message and "工作台账" in diags[0].message
    assert diags[0].file == "t.xlsx"
    assert without_tracking(new) == without_tracking(sample_report)  # nothing else changed
    assert new.diagnostics == sample_report.diagnostics


def test_bad_status_duplicate_unknown_and_idless_rows_are_reported(tiny_report: Report, tmp_path: Path) -> None:
    path = write_sheet(tiny_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    ws.cell(2, STATUS).value = "完成了"  # not in the list
    ws.cell(2, OWNER).value = "王五"
    ws.cell(3, STATUS).value = "推进中"
    ws.append([None] * (ID - 1) + ["d1-i2"])  # row 5: duplicate of row 3
    ws.append([None] * (ID - 1) + ["d9-i9"])  # row 6: unknown
    ws.append(["", "", "", "孤行"])  # row 7: no id
    wb.save(path)

    new, diags = apply_tracking(tiny_report, path)
    by_code = {d.code: d for d in diags}
    assert sorted(by_code) == ["tracking-bad-status", "tracking-duplicate-id", "tracking-row-without-id", "tracking-unknown-id"]
    assert by_code["tracking-bad-status"].line == 2 and "完成了" in by_code["tracking-bad-status"].message
    assert by_code["tracking-duplicate-id"].line == 5 and "第3行" in by_code["tracking-duplicate-id"].message
    assert by_code["tracking-unknown-id"].line == 6 and "d9-i9" in by_code["tracking-unknown-id"].message
    assert by_code["tracking-row-without-id"].line == 7
    assert all("工作表“工作台账”" in d.message for d in diags)
    got = tracking(new)
    assert got["d1-i1"] == (None, "王五", None)  # owner applied, bad status not
    assert got["d1-i2"][0] == "推进中"  # the first row of a duplicated id wins


def test_configured_statuses_are_the_allowed_ones(tiny_report: Report, tmp_path: Path) -> None:
    path = write_sheet(tiny_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["工作台账"].cell(2, STATUS).value = "已办结"
    wb.save(path)
    _, diags = apply_tracking(tiny_report, path)
    assert codes(diags) == ["tracking-bad-status"]
    new, diags = apply_tracking(tiny_report, path, statuses=("已办结", "办理中"))
    assert diags == [] and tracking(new)["d1-i1"][0] == "已办结"


def test_values_are_read_as_typed_and_empty_cells_clear(tiny_report: Report, tmp_path: Path) -> None:
    first = tiny_report.departments[0].items[0].model_copy(update={"status": "推进中", "owner": "旧人", "note": "旧注"})
    dep = tiny_report.departments[0].model_copy(update={"items": (first, *tiny_report.departments[0].items[1:])})
    report = tiny_report.model_copy(update={"departments": (dep, *tiny_report.departments[1:])})
    path = write_sheet(report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    ws.cell(2, STATUS).value = None
    ws.cell(2, OWNER).value = 12345
    ws.cell(2, NOTE).value = dt.datetime(2024, 3, 1)
    ws.cell(3, OWNER).value = "  赵六  "
    wb.save(path)
    new, diags = apply_tracking(report, path)
    assert diags == []
    got = tracking(new)
    assert got["d1-i1"] == (None, "12345", "2024-03-01")
    assert got["d1-i2"] == (None, "赵六", None)


def test_header_row_found_below_a_title_row_and_in_a_renamed_sheet(tiny_report: Report, tmp_path: Path) -> None:
    path = write_sheet(tiny_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    ws.cell(2, STATUS).value = "已完成"
    ws.insert_rows(1)
    ws["A1"] = "2024年一季度督查台账"
    ws.title = "督查台账"
    wb.save(path)
    new, diags = apply_tracking(tiny_report, path)
    assert diags == [] and tracking(new)["d1-i1"][0] == "已完成"


def test_missing_status_column_is_reported(tiny_report: Report, tmp_path: Path) -> None:
    path = write_sheet(tiny_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["工作台账"].delete_cols(STATUS)
    wb.save(path)
    _, diags = apply_tracking(tiny_report, path)
    assert codes(diags) == ["tracking-column-missing"] and "完成状态" in diags[0].message


def test_files_that_are_not_tracking_sheets_raise(tiny_report: Report, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "名称"])
    wb.save(other)
    text = tmp_path / "text.xlsx"
    text.write_text("不是表格", encoding="utf-8")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    for path, words in ((other, "事项ID"), (text, "not an Excel"), (old, ".xlsx"), (tmp_path / "none.xlsx", "not found")):
        with pytest.raises(TrackingSheetError) as info:
            apply_tracking(tiny_report, path)
        assert isinstance(info.value, InputError) and isinstance(info.value, ReportExportError)
        assert words in info.value.one_line() and path.name in info.value.one_line()


def test_sheet_of_another_report_raises(tiny_report: Report, sample_report: Report, tmp_path: Path) -> None:
    path = write_sheet(sample_report, tmp_path / "sample.xlsx")
    with pytest.raises(TrackingSheetError, match="没有一个属于这份报告"):
        apply_tracking(tiny_report, path)


@pytest.mark.client
def test_sheet_saved_by_libreoffice_reads_back(sample_report: Report, tmp_path: Path) -> None:
    soffice = need_program("soffice")
    path = write_sheet(sample_report, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    ws.cell(2, STATUS).value = "已完成"
    ws.cell(3, OWNER).value = "张三"
    wb.save(path)
    outdir = tmp_path / "lo-out"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    resaved = outdir / "t.xlsx"
    assert resaved.read_bytes() != path.read_bytes()
    new, diags = apply_tracking(sample_report, resaved)
    assert diags == []
    got = tracking(new)
    assert got["d12-i2"][0] == "已完成" and got["d12-i3"][1] == "张三"
    # LibreOffice kept the drop-down
    (dv,) = openpyxl.load_workbook(resaved)["工作台账"].data_validations.dataValidation
    assert dv.type == "list" and "I2:I62" in str(dv.sqref)


def test_cli_round_trip_edited_sheet_flows_into_word_and_pdf(tmp_path: Path) -> None:
    """xlsx → edit (statuses, owners, notes, re-sort, delete a row) → docx/pdf --tracking."""
    import subprocess
    import sys

    from docx import Document
    from pypdf import PdfReader

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reportexport.cli", *args], capture_output=True, text=True, timeout=300)

    sheet_path = tmp_path / "台账.xlsx"
    assert cli("xlsx", "-o", str(sheet_path)).returncode == 0
    book = openpyxl.load_workbook(sheet_path)
    ws = book["工作台账"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in ("完成状态", "责任人", "备注", "事项ID")}
    rows = {ws.cell(r, col["事项ID"]).value: r for r in range(2, ws.max_row + 1)}
    for item_id in ("d13-i1", "d13-i2", "d20-i1"):
        ws.cell(rows[item_id], col["完成状态"]).value = "已完成"
    ws.cell(rows["d13-i1"], col["责任人"]).value = "张三"
    ws.cell(rows["d13-i1"], col["备注"]).value = "12月底前报送"
    ws.cell(rows["d14-i2"], col["完成状态"]).value = "滞后"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    values.reverse()  # re-sorted by someone
    values = [v for v in values if v[col["事项ID"] - 1] != "d15-i3"]  # a row deleted
    ws.delete_rows(2, ws.max_row - 1)
    for v in values:
        ws.append(v)
    book.save(sheet_path)

    docx_path = tmp_path / "汇总.docx"
    result = cli("docx", "--tracking", str(sheet_path), "-o", str(docx_path))
    assert result.returncode == 0, result.stderr
    assert "d15-i3" in result.stderr  # the deleted row is reported, not silently dropped
    document = Document(str(docx_path))
    table = document.tables[0]
    header_cells = [c.text for c in table.rows[0].cells]
    done = header_cells.index("已完成")
    total = [c.text for c in table.rows[-1].cells]
    assert total[done] == "3"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "完成状态：已完成；责任人：张三；备注：12月底前报送。" in text
    assert "完成状态：滞后。" in text

    pdf_path = tmp_path / "摘要.pdf"
    assert cli("pdf", "--tracking", str(sheet_path), "-o", str(pdf_path)).returncode == 0
    pdf_text = "".join(page.extract_text() for page in PdfReader(str(pdf_path)).pages).replace(" ", "").replace("\n", "")
    assert "张三" in pdf_text and "12月底前报送" in pdf_text
