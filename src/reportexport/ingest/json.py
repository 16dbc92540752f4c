"""The model as input: the JSON that ``reportexport parse --json`` writes, maybe hand-edited."""

from __future__ import annotations

from pydantic import ValidationError

from ..errors import InputError
from ..model import Report


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
        return Report.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        if first["type"] == "json_invalid":
            raise InputError(f"not valid JSON: {first['msg']}", path=name) from None
        raise InputError(f"{_json_path(first['loc'])}: {first['msg']}{more}", path=name) from None
