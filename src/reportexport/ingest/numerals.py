"""Chinese numerals as used in headings: ``十三`` ↔ 13, from 一 to 九千九百九十九."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_CHARS = "零一二三四五六七八九"

NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def cn_to_int(numeral: str) -> int | None:
    """``十三`` → 13, ``二十`` → 20, ``一百零五`` → 105; ``None`` for a malformed numeral."""
    if not numeral or any(ch not in _DIGITS and ch not in _UNITS for ch in numeral):
        return None
    total = 0
    pending: int | None = None
    last_unit = 10_000
    for ch in numeral:
        if ch in _DIGITS:
            if pending is not None and pending != 0:
                return None  # two digits in a row: 一二
            pending = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None  # 十十, 百千
            value = 1 if pending is None else pending
            if pending == 0:
                return None
            total += value * unit
            last_unit = unit
            pending = None
    if pending:
        total += pending
    return total or None


def int_to_cn(number: int) -> str:
    """13 → ``十三``, 20 → ``二十``, 105 → ``一百零五`` (1 … 9999)."""
    if not 0 < number < 10_000:
        raise ValueError(f"numeral out of range: {number}")
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        if not (unit == 10 and digit == 1 and number < 20):
            parts.append(_DIGIT_CHARS[digit])
        parts.append(name)
    return "".join(parts)
