"""Chinese line breaking (禁则) for the PDF digest: our own, independent of reportlab.

The rules, all applied at every width:

* no line starts with a closing mark (:data:`CANNOT_START`, e.g. ``，。、”》``);
* no line ends with an opening mark (:data:`CANNOT_END`, e.g. ``（“《``);
* a number is never split, nor separated from its magnitude, unit or qualifier
  (``9378.72万元``, ``87%以上``, ``10万+``, ``2023-2025年``, ``70余首``), and runs of
  Latin letters/digits (``APP``, ``5G``) stay whole;
* dash and ellipsis pairs (``——``, ``……``) and the middle dot (``潍坊·金点子``) are not
  broken around.

Everything else (between two hanzi) is a legal break.  Lines are filled greedily: the
break goes at the last legal position that fits; only when a single unbreakable run is
wider than the line (a very long number in a narrow table cell) is it broken inside,
and then still never before a closing or after an opening mark when avoidable.

The functions take widths, not fonts, so they are testable on their own::

    >>> break_lines("在市级以上报刊发表文章36篇，其中", lambda c: 1.0, 6)
    ['在市级以上报', '刊发表文章', '36篇，其中']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

__all__ = [
    "CANNOT_START",
    "CANNOT_END",
    "NUMBER_TOKEN",
    "break_points",
    "break_lines",
    "nobreak_positions",
    "line_violations",
]

#: Characters that must not begin a line (the issue's list plus their ASCII/fullwidth kin).
CANNOT_START = frozenset(
    "，。、；：？！）」』”’》〉】〕…"  # required
    "〗〙〛］｝｠・·%％‰℃°"  # closing brackets, middle dots, percent-like signs
    ",.;:?!)]}"  # ASCII closing punctuation
    "々〻ー"  # iteration marks
)
#: Characters that must not end a line.
CANNOT_END = frozenset("（「『“‘《〈【〔" "〖〘〚［｛｟" "([{")

_DIGIT = "0-9０-９"
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
#: Units that follow a number (longest first, so that 人次 wins over 人).
_UNITS = sorted(
    """
    个百分点 百分点 平方公里 平方米 立方米 公里 千米 千克 公斤 万元 亿元 万人 人次 篇次 场次 户次 件次
    批次 架次 车次 小时 分钟 周年 年度 元 年 月 日 号 时 分 秒 个 篇 人 次 件 项 家 户 名 期 场 所
    座 处 条 首 部 台 辆 吨 亩 米 岁 天 周 倍 批 类 种 本 册 份 套 位 支 只 张 间 届 版 轮 组 队 对
    起 例 封 页 集 章 幅 株 棵 头 匹 元 美元 克 升 度 层 栋 孔 宗 笔 单 门 节 课 堂 卷 期次
    """.split(),
    key=len,
    reverse=True,
)
_QUALIFIERS = ("以上", "以下", "以内", "左右", "上下", "余", "多", "强", "+", "＋")
_alt = "|".join

#: A number (or Latin/digit run) with what must stay attached to it.
NUMBER_TOKEN = re.compile(
    rf"(?:第)?[{_ALNUM}]+(?:[.,:/\-–~～．：·'_&@][{_ALNUM}]+)*"  # 9378.72  2023-2025  5G  1+1
    rf"(?:[+＋][{_ALNUM}]+)*"
    r"(?:[十百千万亿]+)?"  # magnitude 万 / 亿
    r"(?:[余多])?"  # 70余首, 30多个
    r"(?:[%％‰])?"
    rf"(?:{_alt(re.escape(u) for u in _UNITS)})?"
    rf"(?:{_alt(re.escape(q) for q in _QUALIFIERS)})?"
)
#: Runs never broken inside: dashes, ellipses, and both sides of a middle dot.
_GLUE = re.compile(r"—{2,}|…{2,}|─{2,}|[^\s]·(?=[^\s])|[^\s]・(?=[^\s])")


def nobreak_positions(text: str) -> set[int]:
    """Positions ``i`` (0 < i < len) where a break before ``text[i]`` would split a token.

    Covers numbers with their units/qualifiers, Latin runs, dash/ellipsis pairs and
    middle dots; punctuation rules (:data:`CANNOT_START` / :data:`CANNOT_END`) are
    checked separately.
    """
    blocked: set[int] = set()
    for pattern in (NUMBER_TOKEN, _GLUE):
        for m in pattern.finditer(text):
            start, end = m.span()
            if end - start > 1:
                blocked.update(range(start + 1, end))
                if pattern is _GLUE and text[end - 1] in "·・":
                    blocked.add(end)
    return blocked


def _allowed(text: str, i: int, blocked: set[int]) -> bool:
    return text[i] not in CANNOT_START and text[i - 1] not in CANNOT_END and i not in blocked


def _punct_ok(text: str, i: int) -> bool:
    return text[i] not in CANNOT_START and text[i - 1] not in CANNOT_END


def _emergency_break(text: str, start: int, limit: int) -> int:
    """Where to cut a run wider than the line: keep digits and Latin words whole and obey
    the punctuation rules when possible (``9378.72|万元`` rather than ``9378.|72万元``)."""
    for candidate in range(limit, start, -1):
        if _punct_ok(text, candidate) and not (_is_word(text[candidate - 1]) and _is_word(text[candidate])):
            return candidate
    for candidate in range(limit, start, -1):
        if _punct_ok(text, candidate):
            return candidate
    return limit


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,:/-+%_") or "０" <= ch <= "９" or ch == "．"


def break_points(
    text: str,
    widths: Sequence[float],
    max_width: float,
    first_line_indent: float = 0.0,
    *,
    blocked: set[int] | None = None,
) -> list[tuple[int, int]]:
    """Line spans ``[(start, end), ...]`` of ``text`` for lines at most ``max_width`` wide.

    ``widths[i]`` is the advance of ``text[i]``; the first line is ``first_line_indent``
    narrower.  ``text`` is one paragraph (a newline is treated as an ordinary
    character; split paragraphs before calling).  Every character belongs to exactly
    one line, so ``"".join(text[s:e] for s, e in spans) == text``.
    """
    n = len(text)
    if n == 0:
        return []
    if len(widths) != n:
        raise ValueError(f"widths has {len(widths)} entries for {n} characters")
    if blocked is None:
        blocked = nobreak_positions(text)
    cum = [0.0, *accumulate(widths)]
    eps = 1e-6
    lines: list[tuple[int, int]] = []
    start = 0
    avail = max_width - first_line_indent
    while start < n:
        limit = bisect_right(cum, cum[start] + avail + eps) - 1  # last end that fits
        if limit >= n:
            lines.append((start, n))
            break
        end = limit
        while end > start and not _allowed(text, end, blocked):
            end -= 1
        if end == start:  # one unbreakable run wider than the line: break inside it
            end = _emergency_break(text, start, max(limit, start + 1))
        lines.append((start, end))
        start = end
        avail = max_width
    return lines


def break_lines(
    text: str,
    width_of: Callable[[str], float],
    max_width: float,
    first_line_indent: float = 0.0,
) -> list[str]:
    """The lines of ``text`` broken for ``max_width``; ``width_of(char)`` gives advances.

    Newlines in ``text`` are hard breaks (each piece is a paragraph of its own, and each
    paragraph's first line gets ``first_line_indent``).
    """
    cache: dict[str, float] = {}
    out: list[str] = []
    for para in text.split("\n"):
        widths = []
        for ch in para:
            w = cache.get(ch)
            if w is None:
                w = cache[ch] = float(width_of(ch))
            widths.append(w)
        out.extend(para[s:e] for s, e in break_points(para, widths, max_width, first_line_indent))
    return out


def line_violations(lines: Sequence[str], source: str | None = None) -> dict[str, list[str]]:
    """Count rule violations in laid-out ``lines`` (for tests and self-checks).

    Returns ``{"start": [...], "end": [...], "split": [...]}`` listing the offending
    line joints.  ``split`` is only computed when ``source`` (the unbroken text, equal
    to ``"".join(lines)``) is given: a joint strictly inside a :data:`NUMBER_TOKEN`.
    """
    found: dict[str, list[str]] = {"start": [], "end": [], "split": []}
    for prev, line in zip(lines, lines[1:]):
        if line and line[0] in CANNOT_START:
            found["start"].append(f"{prev[-6:]}|{line[:6]}")
        if prev and prev[-1] in CANNOT_END:
            found["end"].append(f"{prev[-6:]}|{line[:6]}")
    if source is not None:
        joints, pos = set(), 0
        for line in lines[:-1]:
            pos += len(line)
            joints.add(pos)
        for m in NUMBER_TOKEN.finditer(source):
            inside = [j for j in joints if m.start() < j < m.end()]
            if inside:
                found["split"].append(m.group())
    return found
