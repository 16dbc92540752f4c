"""The model as input: the JSON that ``reportexport parse --json`` writes, maybe hand-edited."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ..errors import InputError
from ..model import Diagnostic, Report, Severity

#: Characters XML 1.0 cannot hold (a hand-edited JSON may carry them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _json_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("metric", "date", "recognition"):
            continue  # discriminator tag inserted by pydantic
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def report_from_json(text: str, name: str) -> Report:
    """Validate ``text`` against the model; errors name the JSON path (``departments[3].items[1].title``)."""
    try:
        report = Report.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        if first["type"] == "json_invalid":
            raise InputError(f"not valid JSON: {first['msg']}", path=name) from None
        raise InputError(f"{_json_path(first['loc'])}: {first['msg']}{more}", path=name) from None
    _refuse_duplicate_ids(report, name)
    return clean_report(report, name)


def _refuse_duplicate_ids(report: Report, name: str) -> None:
    """Item and department ids match edited tracking rows: each must be unique."""
    seen: dict[str, str] = {}
    for d, dep in enumerate(report.departments):
        for key, where in [(dep.id, f"departments[{d}].id")] + [
            (item.id, f"departments[{d}].items[{i}].id") for i, item in enumerate(dep.items)
        ]:
            if key in seen:
                raise InputError(f"{where}: id {key!r} is used twice (also at {seen[key]}); give each item its own id, "
                                 "e.g. d13-i2a for an item split off d13-i2", path=name)
            seen[key] = where


def clean_report(report: Report, name: str) -> Report:
    """Remove characters no document format can hold from every text field (with a warning)."""
    removed: list[str] = []

    def clean(value: Any, where: str) -> Any:
        if isinstance(value, str):
            if _ILLEGAL.search(value):
                removed.append(where)
                return _ILLEGAL.sub("", value)
            return value
        if isinstance(value, dict):
            return {k: clean(v, f"{where}.{k}" if where else k) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return value

    data = clean(report.model_dump(mode="json", exclude={"diagnostics"}), "")
    notes = []
    if removed:
        notes.append(Diagnostic(
            severity=Severity.warning, code="control-character", file=name,
            message=f"control characters removed from {len(removed)} field(s): {', '.join(removed[:5])}",
        ))
    edited = []
    for d, department in enumerate(data["departments"]):
        if department["name"] is not None and not department["name"].strip():
            department["name"] = None  # an empty name is no name
        written = department["heading"].rstrip("。！？!?")
        if department["name"] and written != department["label"] + department["name"]:  # renamed by a person
            department["heading"] = department["label"] + department["name"]
            edited.append(f"departments[{d}].name")
        for i, item in enumerate(department["items"]):
            whole = item["title"] + item["title_mark"] + item["body"]
            changed = item["text"] != whole
            if changed:  # a person edited the title or body: they win
                item["text"] = whole
                edited.append(f"departments[{d}].items[{i}]")
            if removed or changed:
                item["facts"] = []  # offsets may have moved: facts are extracted again
    if edited:
        notes.append(Diagnostic(
            severity=Severity.info, code="edited-fields-applied", file=name,
            message=f"heading or text rebuilt from {len(edited)} edited field(s): {', '.join(edited[:5])}",
        ))
    if not notes:
        return report
    old = report.model_dump(mode="json")["diagnostics"]
    return Report.model_validate({**data, "diagnostics": [*old, *(n.model_dump(mode="json") for n in notes)]})
