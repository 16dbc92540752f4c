"""``reportexport check``: read the Word, Excel and PDF files back and compare them with the model.

Each output is read with the library a recipient's program would resemble most (python-docx,
openpyxl, pypdf) and compared with the report: the same departments and items in the same
order, the same item ids, each item's text present in full (whitespace removed), the same
metric values.  Any mismatch names the item.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .api import default_output
from .model import Metric, Report

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text with all whitespace removed: the form every comparison uses."""
    return _WS.sub("", text)


@dataclass(frozen=True)
class Check:
    """One comparison: format, what was checked, whether it held, and what differed."""

    fmt: str
    name: str
    ok: bool
    detail: str = ""


def run_checks(report: Report, folder: Path) -> list[Check]:
    """Every check for the outputs of ``report`` found in ``folder``."""
    options = _manifest_options(report, folder)
    results: list[Check] = []
    for fmt in CHECKED_FORMATS:
        path = default_output(report, f".{fmt}", folder)
        if not path.exists():
            results.append(Check(fmt, "file present", False, f"{path} not found; run `reportexport all` first"))
            continue
        results += check_file(report, fmt, path, options)
    return results


def check_file(report: Report, fmt: str, path: Path, options: dict, name: str | None = None) -> list[Check]:
    """The checks of one output of ``report`` (none for a format without a checker).

    ``options`` are the export options as the manifest records them; ``name`` is the file
    name to show when ``path`` is a staged copy under another name."""
    checker = _CHECKERS.get(fmt)
    if checker is None:
        return []
    try:
        return checker(report, path, options)
    except Exception as exc:  # a file a reader cannot open is a failed check, not a crash  # noqa: BLE001
        return [Check(fmt, "file readable", False, f"{name or path.name}: {type(exc).__name__}: {exc}")]


def _manifest_options(report: Report, folder: Path) -> dict:
    manifest = default_output(report, ".manifest.json", folder)
    if manifest.exists():
        return json.loads(manifest.read_text(encoding="utf-8")).get("options", {})
    return {}


def _in_order(haystack: str, needles: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(missing, out of order) labels of needles searched one after another in ``haystack``.
    A needle is looked for after the previous one first (in a file written in order that
    finds it at once: linear time), and only then in the whole text."""
    missing, disorder = [], []
    position = 0
    for label, needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            if haystack.find(needle) < 0:
                missing.append(label)
            else:
                disorder.append(label)
            continue
        position = found + len(needle)
    return missing, disorder


def _containing(titles: list[str], names: list[str]) -> list[bool]:
    """For each title, whether one of ``names`` occurs in it (both squashed).  Looks the
    title's substrings of the names' lengths up in a set: time linear in the titles, where
    testing every name against every title would be quadratic in a report's departments."""
    wanted = set(names)
    lengths = sorted({len(n) for n in wanted})
    return [any(title[i:i + n] in wanted for n in lengths for i in range(len(title) - n + 1)) for title in titles]


def _describe(labels: list[str], what: str) -> str:
    shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
    return f"{what}: {shown}"


def _order_checks(fmt: str, report: Report, text: str, full: bool) -> list[Check]:
    needles: list[tuple[str, str]] = []
    for dep in report.departments:
        needles.append((f"department {dep.id} {dep.display_name}", squash(dep.display_name)))
        for item in dep.items:
            needles.append((f"item {item.id} {item.title}", squash(item.title)))
    missing, disorder = _in_order(text, needles)
    out = [Check(fmt, "departments and item titles in order", not missing and not disorder,
                 "; ".join(x for x in (_describe(missing, "missing") if missing else "",
                                       _describe(disorder, "out of order") if disorder else "") if x))]
    if full:
        lost, _ = _in_order(text, [(f"item {i.id} {i.title}", squash(i.text)) for _, i in report.items()])
        out.append(Check(fmt, "every item's text in full", not lost, _describe(lost, "text missing or changed") if lost else ""))
    return out


# --------------------------------------------------------------------------- docx


def check_docx(report: Report, path: Path, options: dict) -> list[Check]:
    from docx import Document

    document = Document(str(path))
    body = squash("".join(p.text for p in document.paragraphs
                          if not (p.style is not None and p.style.name.lower().startswith("toc"))))
    return _order_checks("docx", report, body, full=not options.get("brief", False))


# --------------------------------------------------------------------------- xlsx


def _sheet_rows(sheet) -> tuple[dict[str, int], list[tuple]]:  # type: ignore[no-untyped-def]
    rows = list(sheet.iter_rows(values_only=True))
    for index, row in enumerate(rows[:10]):
        header = {str(v).strip(): i for i, v in enumerate(row) if v is not None}
        if "事项ID" in header or "原文" in header:
            return header, rows[index + 1 :]
    return {}, []


def check_xlsx(report: Report, path: Path, options: dict) -> list[Check]:
    from openpyxl import load_workbook

    # an open file: openpyxl refuses a path whose suffix is not .xlsx (a staged file's is not)
    with path.open("rb") as handle:
        book = load_workbook(handle, read_only=True, data_only=True)
        try:
            return _check_workbook(report, book)
        finally:
            book.close()


def _check_workbook(report: Report, book) -> list[Check]:  # type: ignore[no-untyped-def]
    checks: list[Check] = []
    header, rows = _sheet_rows(book["工作台账"])
    if "事项ID" not in header:
        return [Check("xlsx", "tracking sheet layout", False, "sheet 工作台账 has no 事项ID column")]
    col_id, col_text = header["事项ID"], header.get("主要内容")
    by_id: dict[str, tuple] = {}
    order: list[str] = []
    for row in rows:
        if row and row[col_id]:
            by_id[str(row[col_id])] = row
            order.append(str(row[col_id]))
    expected = [i.id for _, i in report.items()]
    known = set(expected)
    missing = [i for i in expected if i not in by_id]
    extra = [i for i in order if i not in known]
    checks.append(Check("xlsx", "same item ids", not missing and not extra,
                        "; ".join(x for x in (_describe(missing, "missing rows") if missing else "",
                                              _describe(extra, "unknown ids") if extra else "") if x)))
    checks.append(Check("xlsx", "items in source order", [i for i in order if i in known] == [i for i in expected if i in by_id]))
    if col_text is not None:
        long_texts = _long_texts(book)
        def cell_text(item_id: str) -> str:
            return long_texts.get(item_id) or str(by_id[item_id][col_text] or "")
        changed = [f"item {item.id} {item.title}" for _, item in report.items()
                   if item.id in by_id and squash(cell_text(item.id)) != squash(item.text)]
        checks.append(Check("xlsx", "every item's text in full", not changed, _describe(changed, "cell differs") if changed else ""))
    checks.append(_metric_check(report, book))
    return checks


def _long_texts(book) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Item texts longer than a cell, joined back from the 长文本 sheet."""
    if "长文本" not in book.sheetnames:
        return {}
    pieces: dict[str, list[tuple[int, str]]] = {}
    for row in list(book["长文本"].iter_rows(values_only=True))[1:]:
        if row and row[0]:
            pieces.setdefault(str(row[0]), []).append((int(row[1]), str(row[2] or "")))
    return {key: "".join(text for _, text in sorted(parts)) for key, parts in pieces.items()}


def _metric_check(report: Report, book) -> Check:  # type: ignore[no-untyped-def]
    wanted = sorted((f.raw, _num(f.value)) for _, i in report.items() for f in i.facts if isinstance(f, Metric))
    if "关键数据" not in book.sheetnames:
        return Check("xlsx", "metric values", not wanted, "sheet 关键数据 missing")
    header, rows = _sheet_rows(book["关键数据"])
    if "原文" not in header or "数值" not in header:
        return Check("xlsx", "metric values", not wanted, "sheet 关键数据 has no 原文/数值 columns")
    high = header.get("上限")  # a range: 数值 is the low end, 上限 the high end
    got = []
    for row in rows:
        if not row or row[header["原文"]] is None:
            continue
        value = row[header["数值"]]
        if high is not None and row[high] is not None:
            value = (value, row[high])
        got.append((str(row[header["原文"]]), _num(value)))
    got.sort()
    differ = [raw for (raw, v), (raw2, v2) in zip(wanted, got) if raw != raw2 or v != v2]
    ok = len(wanted) == len(got) and not differ
    return Check("xlsx", "metric values", ok, "" if ok else f"{len(wanted)} metrics in the model, {len(got)} in the sheet; differ: {differ[:5]}")


def _num(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return tuple(_num(v) for v in value)
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return value


# --------------------------------------------------------------------------- pdf


def _pdf_text(path: Path) -> str | None:
    """Text as poppler's pdftotext copies it (it honours /ActualText), or None without it."""
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    result = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


_PAGE_LABEL = re.compile(r"^\s*第\s*\d+\s*页\s*共\s*\d+\s*页\s*$")


def _without_page_furniture(text: str, title: str) -> list[str]:
    """Lines of the PDF text without running headers (the title) and page labels, which a
    reader may place in the middle of a heading that wraps at the foot of a page."""
    title = title.strip()
    return [line for line in text.splitlines() if not _PAGE_LABEL.match(line) and (not title or line.strip() != title)]


def check_pdf(report: Report, path: Path, options: dict) -> list[Check]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    # two readers: poppler's pdftotext (fast; honours /ActualText for characters drawn as □,
    # but may move a line that starts with a space) and pypdf; a check holds if one agrees
    full = bool(options.get("full", False))
    texts: list[str] = []
    checks: list[Check] = []
    for read in (lambda: _pdf_text(path), lambda: "\n".join(page.extract_text() or "" for page in reader.pages)):
        raw = read()
        if not raw:
            continue
        texts.append(squash("".join(_without_page_furniture(raw, report.title))))
        attempt = _order_checks("pdf", report, texts[-1], full=full)
        checks = attempt if not checks else [old if old.ok else new for old, new in zip(checks, attempt)]
        if all(c.ok for c in checks):
            break
    if full and not all(c.ok for c in checks):  # an item may read back whole in one reader only
        needles = [(f"item {i.id} {i.title}", squash(i.text)) for _, i in report.items()]
        lost_in = [set(_in_order(t, needles)[0]) for t in texts]
        lost = [label for label, _ in needles if all(label in lost_here for lost_here in lost_in)]
        checks[-1] = Check("pdf", "every item's text in full", not lost, _describe(lost, "text missing or changed") if lost else "")
    outline = reader.outline
    deps: list[tuple[str, int]] = []
    for index, entry in enumerate(outline):
        if isinstance(entry, list):
            continue
        children = outline[index + 1] if index + 1 < len(outline) and isinstance(outline[index + 1], list) else []
        deps.append((str(entry.title), len(children)))
    wanted = [(d.display_name, len(d.items)) for d in report.departments]
    named = _containing([squash(t) for t, _ in deps], [squash(name) for name, _ in wanted])
    got = [entry for entry, has_name in zip(deps, named) if has_name]
    ok = len(got) == len(wanted) and all(squash(w[0]) in squash(g[0]) and w[1] == g[1] for w, g in zip(wanted, got))
    checks.append(Check("pdf", "bookmarks: a department each, its items beneath", ok,
                        "" if ok else f"expected {len(wanted)} departments / {report.item_count} items, found {len(got)} / {sum(n for _, n in got)}"))
    return checks


#: The formats read back, in the order their checks are shown.
CHECKED_FORMATS = ("docx", "xlsx", "pdf")
_CHECKERS = {"docx": check_docx, "xlsx": check_xlsx, "pdf": check_pdf}


class FileChecker:
    """:func:`check_file` as the checker ``api.export_all`` and ``api.early_workers`` take."""

    def __call__(self, report: Report, fmt: str, path: Path, options: dict, name: str) -> list[Check]:
        return check_file(report, fmt, path, options, name)

    def warm(self, fmt: str) -> None:
        """Import the reader of ``fmt`` now (a worker does this while the report is read)."""
        reader = {"docx": "docx", "xlsx": "openpyxl", "pdf": "pypdf"}.get(fmt)
        if reader is not None:
            importlib.import_module(reader)


#: The checker of ``reportexport all``.
CHECKER = FileChecker()
