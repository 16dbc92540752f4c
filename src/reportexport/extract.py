"""Facts from item text: figures (Metric), dates (DateRef) and praise or rewards (Recognition).

:func:`extract_item_facts` reads one item's ``WorkItem.text``; :func:`extract_facts` returns a
copy of a whole :class:`~reportexport.model.Report` with every item's ``facts`` filled.  Both are
pure (no I/O) and use regular expressions compiled once at import.  Every fact's ``start`` /
``end`` slice the text back to its ``raw``: ``text[f.start:f.end] == f.raw``.

What counts as a metric
-----------------------
A metric answers "how many, how much, what share, how long" about the work: a number
(Arabic ``36``, ``3.38``, or Chinese ``两``, ``七``, ``百``, ``千``) followed by a unit of count or
measure (``篇``, ``个``, ``人次``, ``元``, ``吨``, ``平方米``, ``%`` ...), a magnitude (``万``,
``亿``) or both.  ``raw`` covers the qualifiers written around it:

* before: ``近`` / ``接近`` / ``将近`` / ``超过`` / ``超`` / ``逾`` / ``约`` / ``不足``, and ``过``
  before a bare magnitude (``过亿元``);
* inside: ``余`` / ``多`` (``70余首``, ``30多个``, ``1.2万余名``, ``近50余万人次``);
* after: ``以上`` / ``以下`` / ``左右`` / ``+`` (``10万+`` → qualifier ``以上``).

Several qualifiers are joined with ``、`` (``近50余万人次`` → ``近、余``).  A range
(``3万元至5万元``, ``3-5万元``) has ``value == (low, high)``.  A percentage is a fraction
(``87%`` → 0.87, unit ``%``).  A bare magnitude keeps an empty unit (``2000万`` → 20000000, unit
``""``).

Not metrics (decisions, kept consistent with ``tests/fixtures/sample_metrics.json``):

* dates and years (``2023年``, ``2023年度``, ``12月24日``, ``2023-2025年度``): they are DateRefs;
  anniversaries (``45周年``) name an occasion and are neither;
* ordinals and list labels: anything after ``第`` (``第一期``, ``第52期``, ``第三名``,
  ``第十一次``), a leading ``1.``;
* names: a number inside quotes or book-title marks (``“三个模式”``, ``“七个加力突破”``,
  ``《她的三重奏》``, ``“1+1+N”``), a Chinese numeral before ``大`` (``十大工程``, ``五大优势``,
  ``二十大``), tiers (``三级人大``, ``两级委员``: ``级`` is not a unit), idioms (``千家万户``);
* a lone Chinese ``一`` (``一批``, ``一起庭审``, ``一次存储``): it is an article, not a count;
* numbers glued to Latin letters or formulas (``PM2.5``, ``A4``, ``1+1+N``);
* a number with no unit and no magnitude (``潍坊1532文化产业园``) and vague amounts
  (``数百件``, ``多次``).

Chinese numerals count when followed by a unit (``两次``, ``七个方面``, ``四个阶段``) or by one of
the few nouns used as counters after them (``两案例``, ``四省``, ``三市``).

Dates and recognitions
----------------------
DateRef: ``2023年11月`` → ``2023-11``; ``12月24日`` → ``2023-12-24`` with the report's year
(``year_inferred``; without a year: ``--12-24``); ``10月上旬`` → ``part`` 上旬;
``2023-2025年度`` → ``2023`` until ``2025``.

Recognition types: ``endorsement`` (批示肯定, 签批, 批示, 充分肯定, 高度肯定, 通报表扬, 高度评价;
``by`` = who gave it when the text names them; ``重要指示批示精神`` is not one), ``award``
(一等奖, 优秀奖, 金奖, named prizes, honour titles such as 被评为…先进集体, 优秀等次),
``selection`` (入选/入围/列入/获批 …案例/名单/试点), ``publication`` (被《学习时报》刊发,
``outlet`` = the titles) and ``ranking`` (居全省第一, 全省唯一, 走在全省前列, 第三名).
Metrics and dates never overlap each other; a recognition may contain them
(``杨东奇7次批示肯定``).

:func:`reportexport.figures.distinct_recognitions` drops the repeats of a recognition (title and
body) for counts.

Speed
-----
A regular expression that starts with a lookahead or an optional part makes ``sre`` try
every position of the text; one that starts with a literal or a plain character class is
skipped to its candidates in C.  So dates and metrics are tried (``match``) only at the
number starts found by ``_NUM_START_RX`` that a figure or a date can follow (and the prefix
characters before them), which finds exactly what their ``finditer`` / ``search`` would; the
recognition patterns start with a literal, and the optional words before it (作出重要, 位居,
the 被/在 of a publication) are taken by looking back from the match; each recognition
pattern runs only when words it needs occur in the text.  Stretches a figure may not overlap
are sorted intervals, looked up with ``bisect``.  Facts and copies are built without
re-validating values the extractor made itself (:func:`_metric`, :func:`_date`,
:func:`_recognition`; ``model_copy`` of the model).  ``tools/facts_eval.py`` prints the time
beside the reader's, and with ``--instructions`` the instructions executed by each.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from pydantic.fields import FieldInfo

from reportexport.model import (
    DateRef,
    Department,
    Fact,
    Metric,
    Recognition,
    RecognitionType,
    Report,
)

__all__ = ["extract_item_facts", "extract_facts", "parse_chinese_number"]

# --------------------------------------------------------------------------- numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MAGNITUDE = {"百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "万亿": 10 ** 12}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def parse_chinese_number(s: str) -> int:
    """Value of a Chinese numeral: ``两`` → 2, ``十三`` → 13, ``三千五百`` → 3500, ``千`` → 1000."""
    total = 0
    section = 0
    digit = 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit or 1) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit or 1) * 100_000_000
            section = digit = 0
    return total + section + digit


_ARABIC_FIRST = frozenset("0123456789０１２３４５６７８９")


# --------------------------------------------------------------------------- metric grammar

# Units of count and measure, longest first so 人次 wins over 人 and 个月 over 个.
_UNITS = sorted(
    """
    平方公里 平方千米 平方米 立方米 微克/立方米 万千瓦时 千瓦时 个百分点 百分点 标准箱 公里 千米 公顷
    千瓦 兆瓦 小时 分钟 人次 篇次 场次 批次 家次 户次 车次 架次 件次 个月 美元 亿元 万元
    元 吨 亩 米 个 项 件 人 名 位 对 期 次 场 家 条 份 部 首 批 处 起 支 堂 天 所 座 台 套 辆
    张 本 册 篇 类 种 款 户 倍 岁 集 节 课 班 组 队 艘 株 棵 头 只 箱 斤 克 度 年 列 标箱
    """.split(),
    key=len,
    reverse=True,
)
_UNITS.remove("亿元")
_UNITS.remove("万元")
_PCT = r"[%％‰]"


def _trie_pattern(words: list[str]) -> str:
    """A pattern for ``"|".join(words)`` with ``words`` longest first, written as a trie:
    ``人次|人`` → ``人(?:次)?``, ``元|吨`` → ``[元吨]``.  sre tries the alternatives of a group
    one by one; here it tests one character per level instead of every unit in turn.  The
    matches and their order of preference are the same: at each level a longer word is tried
    before a shorter one, and siblings start with different characters.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        # Children that end a word and go no further are one character class: sre tests a
        # class in one step, and a group's alternatives one after another.
        leaves = [ch for ch, child in node.items() if ch and list(child) == [""]]
        branches = [re.escape(ch) + emit(child) for ch, child in node.items() if ch and ch not in leaves]
        if len(leaves) > 1:
            branches.append("[" + "".join(map(re.escape, leaves)) + "]")
        else:
            branches += leaves
        if not branches:
            return ""
        if len(branches) == 1 and ("" not in node or len(branches[0]) == 1):
            body = branches[0]
        else:
            body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


_UNIT_RX = "(?:" + _trie_pattern(_UNITS) + ")"
# Nouns that count directly after a Chinese numeral: 两案例, 四省, 三市.
_CN_NOUNS = "案例|省|市|县"
_CN_NOUN_SET = frozenset(_CN_NOUNS.split("|"))

_ARABIC = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
_CNNUM = r"[零〇一二两三四五六七八九十百千万亿]+"
_MAG = r"(?:万亿|亿|万|千|百)"
# Each alternative starts with its literal (the lookbehind after it), so sre tests one
# character per alternative before going on.
_PRE = r"(?:接近|将近|超过|突破|不足|不到|近(?<![最附就邻靠]近)|超(?<![赶]超)|逾|约(?<![节制预公契合签邀特条婚违履集]约))"
_SUF = r"(?:以上|以下|左右|[+＋](?![0-9A-Za-zＮ+＋]))"

_METRIC_RX = re.compile(
    rf"""
    (?=[接将超突不近逾约过0-9０-９零〇一二两三四五六七八九十百千万亿])  # cheap first-character test
    (?P<pre>{_PRE})?
    (?:
      # Arabic number, optional 余/多, magnitude, 余/多, unit
      (?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ.．+＋\-/第])
      (?P<num>{_ARABIC})(?![0-9０-９])
      (?P<q1>[余多])?
      (?P<mag>{_MAG})?
      (?P<q2>[余多])?
      (?P<unit>{_PCT}|{_UNIT_RX})?
      (?<!人(?=[口民]))
    |
      # Chinese numeral (or bare magnitude after 过) with a unit or counting noun
      (?<![零〇一二两三四五六七八九十百千万亿第统唯单数几上])
      (?P<cpre>过(?=[百千万亿]))?
      (?P<cnum>{_CNNUM})
      (?P<cq>[余多])?
      (?P<cunit>(?!期){_UNIT_RX}|{_CN_NOUNS})
    )
    (?<!人(?=[口民]))
    (?P<suf>{_SUF})?
    """,
    re.VERBOSE,
)

# _single_metric and _dates unpack m.groups() in these orders
assert list(_METRIC_RX.groupindex) == [
    "pre", "num", "q1", "mag", "q2", "unit", "cpre", "cnum", "cq", "cunit", "suf"]

# Where the number of a date or a metric can begin: the first character of a run of digits or
# of a run of Chinese numerals.  The pattern starts with a plain character class, so sre skips
# to the candidates in C; _METRIC_RX and _DATE_RX are then only tried (``match``) there and at
# the at most three characters of prefix (超过, 过) before them.  This is what their
# ``finditer`` / ``search`` would find, since each of their matches has its number at such a
# start, and it avoids a lookahead-first search trying every position of the text.
_CN_DIGIT_CLASS = "[零〇一二两三四五六七八九十百千万亿]"
_PRE_CLASS = "[接将超突不近逾约过]"  # first characters of _PRE and of 过 (cpre)
# Only the starts a figure or a date can follow are kept (looked at by lookaheads, in C):
# digits (and a decimal part) then 余/多, a magnitude, a unit, %, 年/月, a space or a period's
# separator; Chinese numerals then 余/多 and a unit or a counting noun.  The others (a list
# label ``1.``, 一批, 统一) are where _METRIC_RX could at most match a figure _single_metric
# rejects, so trying them changes nothing and costs a match each.
_UNIT_FIRST = "".join(sorted({unit[0] for unit in _UNITS}))
_NUM_START_RX = re.compile(
    rf"[0-9０-９零〇一二两三四五六七八九十百千万亿]"
    rf"(?<![0-9０-９][0-9０-９])(?<!{_CN_DIGIT_CLASS}{_CN_DIGIT_CLASS})"
    # one lookahead for both kinds (each class compiled once: a class of CJK characters
    # costs its pattern about 0.2 ms to compile in every process)
    rf"(?=[0-9０-９]*(?:[.．][0-9０-９]+)?{_CN_DIGIT_CLASS}*[余多]?"
    rf"[余多万亿千百%％‰年月\s\-－—–~～至到案省市县{_UNIT_FIRST}])"
    # "" when one of the three characters before may begin a prefix (超过, 近, 过), else None
    rf"(?P<pre>(?<={_PRE_CLASS}.)|(?<={_PRE_CLASS}..)|(?<={_PRE_CLASS}...))?",
    re.DOTALL,
)
_ASCII_DIGITS = frozenset("0123456789")

_RANGE_RX = re.compile(
    rf"""
    (?=[接将超突不近逾约0-9０-９])
    (?<![0-9０-９A-Za-z.．+＋第])
    (?P<pre>{_PRE})?
    (?P<n1>{_ARABIC})(?P<m1>{_MAG})?(?P<u1>{_PCT}|{_UNIT_RX})?
    (?:至|到|[-－—–~～])
    (?P<n2>{_ARABIC})(?P<m2>{_MAG})?(?P<u2>{_PCT}|{_UNIT_RX})
    (?P<suf>{_SUF})?
    """,
    re.VERBOSE,
)

_RANGE_SEPARATORS = frozenset("至到-－—–~～")  # what _RANGE_RX allows between its two numbers
_CLASS_AFTER_RX = re.compile(rf"{_UNIT_RX}?级")

# Fixed phrases whose numerals are not counts.
_IDIOMS = (
    "千家万户|千方百计|千军万马|千辛万苦|千差万别|千变万化|万众一心|万无一失|亿万|百花齐放|百家争鸣|"
    "百尺竿头|百年大计|四面八方|五湖四海|三令五申|三番五次|三番两次|接二连三|一心一意|一举两得|两全其美|"
    "十全十美|十拿九稳|五花八门|四通八达|七上八下|九牛一毛|万家灯火|万人空巷|三心二意|百发百中|"
    # fixed political formulae and terms whose numerals are not counts
    "八项规定|三次产业|两个大局|两个确立|两个维护|两个毫不动摇|两个结合|四个意识|四个自信|四个全面|"
    "五位一体|三大攻坚战|两个一百年"
).split("|")
_IDIOM_RX = re.compile("|".join(_IDIOMS))
# An idiom overlapping [a, b) lies inside [a - _IDIOM_REACH, b + _IDIOM_REACH).
_IDIOM_REACH = max(map(len, _IDIOMS)) - 1
_QUOTES = {"“": "”", "《": "》", "「": "」", "『": "』", "〈": "〉", '"': '"'}
_QUOTE_CHAR_RX = re.compile('[“”《》「」『』〈〉"]')
_MAX_NAME = 40  # a quoted stretch longer than this is speech, not a name
_QUOTE_CHARS = "“”《》「」『』〈〉\""
# An opener, no quote char, its closer; or any other quote char alone.  When every token is a
# pair, pairing the quote chars on a stack (_quote_spans) finds exactly these pairs.  Each
# alternative starts with a literal, so sre skips to the quote chars in C.
_QUOTE_TOKEN_RX = re.compile(
    "|".join(f"{o}[^{_QUOTE_CHARS}]*{c}" for o, c in _QUOTES.items()) + "|" + "|".join(_QUOTE_CHARS)
)

# --------------------------------------------------------------------------- date grammar

_YEAR = r"(?:19|20)[0-9]{2}"
_MONTH = r"(?:1[0-2]|0?[1-9])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])"
_PART = r"(?:上旬|中旬|下旬|初|底|末)"
_DATE_RX = re.compile(
    rf"""
    (?=[0-9])
    (?<![0-9０-９.．第])
    (?:
      (?P<py1>{_YEAR})\s?[-－—–~～至到]\s?(?P<py2>{_YEAR})年度?
    |
      (?P<y>{_YEAR})年度?
      (?:(?P<ym>{_MONTH})月(?:(?P<yd>{_DAY})[日号])?(?P<ypart>{_PART})?)?
    |
      (?P<m>{_MONTH})月(?:(?P<d>{_DAY})[日号])?(?P<part>{_PART})?
    )
    (?![0-9０-９])
    """,
    re.VERBOSE,
)
assert list(_DATE_RX.groupindex) == ["py1", "py2", "y", "ym", "yd", "ypart", "m", "d", "part"]

# --------------------------------------------------------------------------- recognition grammar

# Each recognition pattern starts with a literal (alternatives that each start with one), so
# sre skips to the candidates in C: a pattern that starts with a lookahead or an optional part
# is tried at every position, several times slower.  What such a part matched before the
# literal is found by looking back from the match (_back_over), as the leftmost match would
# have taken it.
_ENDORSE_RX = re.compile(  # after an optional 作出/做出 and 重要 (_ENDORSE_BEFORE)
    r"批示肯定|签批|批示|给予了?充分肯定|予以充分肯定|给予了?高度肯定|给予了?肯定|予以肯定|"
    r"高度肯定|充分肯定|通报表扬|高度评价|肯定(?<=[到受获]肯定)|肯定(?<=领导肯定)"
)
_ENDORSE_BEFORE = (("重要",), ("作出", "做出"))
_CLAUSE_END = "，,。；;：:！!？?\n"
# Up to the last clause end: ``.*`` jumps to the end and backs off to it.
_TO_LAST_CLAUSE_END_RX = re.compile(rf".*[{_CLAUSE_END}]", re.DOTALL)
_WHO_CUT = re.compile(r".*(?:得到了?|受到了?|获得?|经)")
_WHO_TAIL = re.compile(r"(?:分别|先后|均|都|也|还|并|又|多次|[0-9]+次|[一二两三四五六七八九十]+次|的)+$")
_WHO_TAIL_LAST = frozenset("别后均都也还并又次的")  # the last characters _WHO_TAIL can end on
_WHO_VISIT = re.compile(r"^(.+?)(?:来潍坊?|到[^，。；]{0,12}?(?:调研|考察|视察)|在[^，。；]{0,12}?(?:调研|考察|视察)|调研|考察|视察)")
_WHO_OK = re.compile(
    r"领导|书记|主席|主任|委员长|部长|省长|市长|局长|院长|检察长|厅长|总理|总书记|常委|市委|省委|"
    r"政府|人大|政协|中央|国务院|群众|单位|委员会|办公室|办公厅|政法委|法院|检察院|总工会|协会|部|厅|局|委"
)

_PUB_VERBS = "专版报道|专题报道|刊发报道|刊发推介|刊发|刊登|刊载|转发|推介|报道|发表"
_AWARD_GRADE = r"(?:[一二三四特]等奖|优秀奖|金奖|银奖|铜奖|优胜奖|提名奖|推荐奖)"
_AWARD_NAME = r"[^\s，。；、“”《》（）()]{2,20}?奖(?![项励金补品状])"
# The next prize of a list: 获评A奖、B奖、C一等奖
_AWARD_NEXT_RX = re.compile(_AWARD_NAME)
_AWARD_PRIZE_RX = re.compile(  # runs only when 奖 occurs; a named prize starts with 荣/斩/获
    # Its first character is a class and the rest is told apart by looking back at it, so that
    # sre skips to candidates and the prize name is written (and compiled) once.
    rf"[荣斩获一二三四特优金银铜提推](?:(?:(?<=[荣斩])获|(?<=获)(?:得|评)?){_AWARD_NAME}"
    r"|(?<=[一二三四特])等奖|(?<=优)秀奖|(?<=[金银铜])奖|(?<=优)胜奖|(?<=提)名奖|(?<=推)荐奖)"
)
_AWARD_HONOUR_RX = re.compile(  # runs only when 为 or 荣获/获得 occurs
    r"""
    (?:荣获|获评|获得|被(?P<by>[^，。；被]{0,25}?)(?=[表评命授])(?:表彰为|评为|命名为|授予)|表彰为|评为|命名为)
    (?:“[^”]{2,40}”(?:荣誉称号|称号)?
      |[^，。；《》]{2,40}?(?=[先示组荣称品工])
       (?:先进集体|先进个人|先进典型|先进单位|示范单位|组织单位|荣誉称号|称号|品牌|工作者))
    """,
    re.VERBOSE,
)
_AWARD_GRADE2_RX = re.compile(r"(?=[获居评优A-Z])(?:获评?|居|评为)?(?:[A-Z]（优秀）|优秀)(?:等次|档次)")
_AWARD_INCENTIVE_RX = re.compile(r"获[^，。；]{0,10}?督查激励")
_SELECT_RX = re.compile(
    r"(?:入选|入围|列入|获批)[^，。；]{0,40}?"
    r"(?=[典案名试品艺展示之目])(?:典型案例|案例|名单|试点|品牌|艺术展|展|示范单位|之一|目录)(?:城市|项目|单位|名单)?”?"
)
_PUB_TITLE = r"《[^《》]{1,40}》[、和及]?"
_PUB_QUOTED = r"“[^“”]{1,20}”[、和及]?"
_PUB_RX = re.compile(  # after an optional lead (被/在 and up to six more characters: _pub_lead)
    rf"[《“](?:(?<=《)[^《》]{{1,40}}》[、和及]?(?:{_PUB_TITLE})*|(?<=被“)[^“”]{{1,20}}”[、和及]?(?:{_PUB_QUOTED})*)"
    rf"[^，。；《》“”]{{0,8}}?(?=[专刊转推报发])(?:{_PUB_VERBS})"
)
_PUB_LEAD_STOP = frozenset("，。；《》“”")  # what the lead's six characters may not be
_BY_TAIL_RX = re.compile(r"(?:联合|分别|共同)$")
_TITLE_RX = re.compile(r"《([^《》]+)》|“([^“”]+)”")
_RANK_AFTER_SCOPE = r"(?:各市|各地市|同类城市)?(?:第[一二三四五六七八九十0-9]+名?|前列|唯一|首位|首创|首家)"
_RANK_RX = re.compile(  # after an optional 位居/居/系/为/均居/列 (scope) or 位居/居 (第…名): _RANK_BEFORE
    rf"[全省市走第](?:(?:(?<=全)[国省市球县区]|(?<=[省市])内){_RANK_AFTER_SCOPE}"  # a scope (全省) first
    r"|(?<=走)在了?(?:全国|全省|全市)的?前列"
    r"|(?<=第)[一二三四五六七八九十0-9]+名)"
)
_RANK_BEFORE_SCOPE = (("位居", "均居", "居", "系", "为", "列"),)
_RANK_BEFORE_NTH = (("位居", "居"),)


# --------------------------------------------------------------------------- fact objects

# Facts are built without re-validating values the extractor made with the right types:
# validation would cost about 3 µs a fact.  Each builder is a plain class with the fact's slot
# layout: its ``__init__`` fills the slots (specialised attribute stores, the cheapest way
# Python has) and then makes the instance a fact by assigning ``__class__``, which CPython
# allows between classes of the same slots.  This costs half of setting the slots of
# ``object.__new__(Metric)`` through their descriptors.  The ``__init__`` is generated from
# the fact's fields, as :mod:`dataclasses` generates one, so that it sets every field in
# order (``tests/test_extract.py`` checks that each fact equals its validated copy).
_intern = sys.intern


def _builder(cls: type) -> Callable[..., Any]:
    """A constructor of the fact class ``cls`` that does not validate: called with the
    fields after ``kind`` (``_metric("36篇", 0, 3, 36.0, "篇", None)``), it returns a ``cls``."""
    fields: dict[str, FieldInfo] = cls.__pydantic_fields__  # type: ignore[attr-defined]
    names = tuple(fields)
    if names[0] != "kind" or cls.__slots__ != names:  # type: ignore[attr-defined]
        raise AssertionError(f"{cls.__name__}: slots {cls.__slots__} are not its fields {names}")  # type: ignore[attr-defined]
    params = names[1:]
    defaults = tuple(fields[n].default for n in params if not fields[n].is_required())
    if any(fields[n].is_required() for n in params[len(params) - len(defaults):]):
        raise AssertionError(f"{cls.__name__}: a required field follows an optional one")
    source = (f"def __init__(self, {', '.join(params)}):\n"
              f"    self.kind = {fields['kind'].default!r}\n"
              + "".join(f"    self.{n} = {n}\n" for n in params)
              + "    self.__class__ = fact_class\n")
    namespace: dict[str, Any] = {"fact_class": cls}
    exec(source, namespace)  # noqa: S102 — generated from the field names above
    init = namespace["__init__"]
    init.__defaults__ = defaults
    return type(f"_New{cls.__name__}", (), {"__slots__": names, "__init__": init})


_metric: Callable[..., Metric] = _builder(Metric)
_date: Callable[..., DateRef] = _builder(DateRef)
_recognition: Callable[..., Recognition] = _builder(Recognition)


# --------------------------------------------------------------------------- helpers


def _idiom_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _IDIOM_RX.finditer(text)]


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted names and book titles, quotes included."""
    spans: list[tuple[int, int]] = []
    for m in _QUOTE_TOKEN_RX.finditer(text):
        start, end = m.span()
        if end - start == 1:  # a quote char outside a simple pair: nested or unbalanced
            spans = _quote_spans(text)
            break
        if end - start <= _MAX_NAME + 2:
            spans.append((start, end))
    return spans


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted names, pairing the quote chars on a stack (for nested or unbalanced
    quotes; :func:`_name_spans` finds simple pairs with one regex)."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for q in _QUOTE_CHAR_RX.finditer(text):
        i = q.start()
        ch = text[i]
        if stack and ch == _QUOTES[stack[-1][0]] and (ch != '"' or stack[-1][0] == '"'):
            opener, at = stack.pop()
            if i + 1 - at <= _MAX_NAME + 2:
                spans.append((at, i + 1))
        elif ch in _QUOTES:
            stack.append((ch, i))
    return spans


def _qualifier(*parts: str | None) -> str | None:
    """The qualifiers written around a figure, joined with ``、``: (近, None, 余, None) → 近、余.

    The combinations are few (prefixes × 余/多 × suffixes), so each is worked out once."""
    qualifier = _QUALIFIERS.get(parts, _UNSEEN)
    if qualifier is _UNSEEN:
        out: list[str] = []
        for p in parts:
            if not p:
                continue
            q = "以上" if p in ("+", "＋") else p
            if q not in out:
                out.append(q)
        qualifier = _intern("、".join(out)) if out else None
        if len(_QUALIFIERS) < _MAX_CACHED:
            _QUALIFIERS[parts] = qualifier
    return qualifier  # type: ignore[return-value]


_UNSEEN = object()
_MAX_CACHED = 4096  # bound of each small cache of this module
_QUALIFIERS: dict[tuple[str | None, ...], str | None] = {}


# --------------------------------------------------------------------------- extractors


def _dates(text: str, year: int | None, starts: list[tuple[int, int | None]]) -> list[DateRef]:
    """The dates of ``text``; ``starts`` are its number starts (``_NUM_START_RX``)."""
    out: list[DateRef] = []
    pos = 0
    match = _DATE_RX.match
    for n, _pre in starts:
        if n < pos or text[n] not in _ASCII_DIGITS or (m := match(text, n)) is None:
            continue
        pos = m.end()
        out.append(_date_of(m, year))
    return out


def _date_of(m: re.Match[str], year: int | None) -> DateRef:
    """The date of a ``_DATE_RX`` match; ``year`` is given to a date written without one."""
    py1, py2, y, ym, yd, ypart, mo, d, part = m.groups()
    start, end = m.span()
    if py1:
        return _date(m.group(), start, end, py1, until=py2)
    if y:
        mo, d, part, inferred = ym, yd, ypart, False
    else:
        y = f"{year:04d}" if year is not None else None
        inferred = year is not None
    value = y if y is not None else "-"
    if mo:
        value += f"-{int(mo):02d}"
        if d:
            value += f"-{int(d):02d}"
    return _date(m.group(), start, end, _intern(value), part=part and _intern(part), year_inferred=inferred)


def _metric_value(num: str, mag: str | None, unit: str) -> int | float:
    """The value of a figure: ``9378.72`` ``万`` → 93787200, ``87`` ``%`` → 0.87, ``两`` → 2.

    Worked out on integers (``9378.72`` is 937872 hundredths), so the one rounding is that of
    the final division, the same as rounding the exact decimal result to a float.
    """
    if num.isascii():  # the usual case: no full-width digits to translate
        if "." in num:
            whole, _dot, fraction = num.partition(".")
            numerator, denominator = int(whole + fraction), 10 ** len(fraction)
        else:
            numerator, denominator = int(num), 1
    elif num[0] in _ARABIC_FIRST:
        whole, _dot, fraction = num.translate(_FULLWIDTH).partition(".")
        numerator = int(whole + fraction)
        denominator = 10 ** len(fraction)
    else:
        numerator = _CN_VALUES.get(num)
        if numerator is None:
            numerator = parse_chinese_number(num)
            if len(_CN_VALUES) < _MAX_CACHED:
                _CN_VALUES[num] = numerator
        denominator = 1
    if mag:
        numerator *= _MAGNITUDE[mag]
    if unit == "%":
        denominator *= 100
    elif unit == "‰":
        denominator *= 1000
    return numerator if denominator == 1 else numerator / denominator


#: Values of Chinese numerals seen (两 → 2): few distinct ones occur.
_CN_VALUES: dict[str, int] = {}


def _norm_unit(unit: str | None) -> str:
    if unit in ("%", "％"):
        return "%"
    return unit or ""


def _range_metric(m: re.Match[str]) -> Metric | None:
    u1, u2 = m.group("u1"), m.group("u2")
    if u1 and _norm_unit(u1) != _norm_unit(u2):
        return None
    m1 = m.group("m1") or (m.group("m2") if not u1 else None)
    unit = _norm_unit(u2)
    lo = _metric_value(m.group("n1"), m1, unit)
    hi = _metric_value(m.group("n2"), m.group("m2"), unit)
    if lo >= hi:
        return None
    return _metric(m.group(0), m.start(), m.end(), (float(lo), float(hi)), _intern(unit),
                   _qualifier(m.group("pre"), m.group("suf")))


def _single_metric(m: re.Match[str]) -> Metric | None:
    """The metric of a ``_METRIC_RX`` match, or None when it is not one (no unit, a year, 一…)."""
    pre, num, q1, mag, q2, unit, cpre, cnum, cq, cunit, suf = m.groups()
    if num is not None:
        if unit is None:
            if mag is None:
                return None  # a bare number, including a year before 年/月 (2023年 is a date)
            unit_n = ""
        elif unit == "年" and (mag or _metric_value(num, None, "") > 100):
            return None
        else:
            unit_n = "%" if unit == "％" else unit
        if mag is None and unit_n != "%" and unit_n != "‰" and num.isdigit() and num.isascii():
            value = int(num)  # the usual case: 36篇
        else:
            value = _metric_value(num, mag, unit_n)
    else:
        num, unit_n, q1, q2 = cnum, cunit, cq, None
        if num == "一" or (unit_n == "年" and not cq):
            return None
        if not num.strip("百千万亿") and not (pre or cpre or suf) and (
                num not in ("百", "千") or unit_n in _CN_NOUN_SET):
            return None  # 万元生产总值, 万亿元大关, 千亿县: a class, not an amount
        value = _metric_value(num, None, unit_n)
    if value == 0:
        return None
    qualifier = _qualifier(pre or cpre, q1, q2, suf) if (pre or cpre or q1 or q2 or suf) else None
    start, end = m.span()
    return _metric(m.group(), start, end, float(value), _intern(unit_n), qualifier)


# What may stand between the start of a metric and its number: a prefix of _PRE, and 过
# before a bare magnitude (cpre), alone or after a prefix (超过过亿 is not Chinese, but the
# grammar allows it).  A match that starts before a number start has one of these before it.
_PRE_WORDS = ("接近", "将近", "超过", "突破", "不足", "不到", "近", "超", "逾", "约")
assert re.sub(r"\(\?<!\[[^]]*\].\)", "", _PRE)[3:-1].split("|") == list(_PRE_WORDS)  # the words of _PRE
_PREFIXES = frozenset((*_PRE_WORDS, *(w + "过" for w in _PRE_WORDS), "过"))
assert max(map(len, _PREFIXES)) == 3 and {w[0] for w in _PREFIXES} == set(_PRE_CLASS[1:-1])
_BACK_PREFIXED = (3, 2, 1, 0)  # how far before a number start a match may begin
_BACK_NONE = (0,)


def _numbers(text: str, year: int | None) -> tuple[list[DateRef], list[Metric]]:
    """The dates and metrics of ``text``: dates first, then ranges, then single figures, none
    overlapping dates, quoted names, idioms or each other.

    Taken stretches are kept as sorted disjoint intervals (:class:`_Taken`), so that whether a
    figure overlaps one is a ``bisect``.
    """
    starts = [(m.start(), m.lastindex) for m in _NUM_START_RX.finditer(text)]
    if not starts:
        return [], []
    dates = _dates(text, year, starts)
    taken = _Taken(text, _name_spans(text) + [(d.start, d.end) for d in dates])
    # A range's second number follows its separator (3万元至5万元), and a start is kept there
    metrics = _ranges(text, taken) if any(n and text[n - 1] in _RANGE_SEPARATORS for n, _pre in starts) else []
    singles = _single_metrics(text, starts, taken)
    return dates, metrics + singles if metrics else singles


class _Taken:
    """Stretches of a text no figure may overlap (dates, quoted names, ranges kept, idioms),
    as sorted disjoint intervals.  Idioms are rare and a search of the whole text costs as
    much as all the other work on it: they are added when one is near a figure
    (:meth:`overlaps`), which is when any idiom could overlap one."""

    __slots__ = ("text", "spans", "starts", "ends", "idioms")

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans
        self.starts, self.ends = _disjoint(spans)
        self.idioms = False  # whether the idioms are in

    def overlaps(self, a: int, b: int) -> bool:
        """Whether ``[a, b)`` overlaps a taken stretch."""
        ends = self.ends
        if ends and (i := bisect_right(ends, a)) < len(ends) and self.starts[i] < b:
            return True
        if self.idioms or not _IDIOM_RX.search(self.text, max(0, a - _IDIOM_REACH), b + _IDIOM_REACH):
            return False
        self.idioms = True
        self.add(_idiom_spans(self.text))
        return self.overlaps(a, b)

    def add(self, spans: list[tuple[int, int]]) -> None:
        self.spans = self.spans + spans
        self.starts, self.ends = _disjoint(self.spans)


def _ranges(text: str, taken: _Taken) -> list[Metric]:
    """Ranges (``_RANGE_RX``) not overlapping ``taken`` or each other; the ones kept are added to it."""
    out: list[Metric] = []
    for m in _RANGE_RX.finditer(text):
        start, end = m.span()
        if not taken.overlaps(start, end) and (metric := _range_metric(m)) is not None:
            out.append(metric)
    if out:
        taken.add([(r.start, r.end) for r in out])
    return out


def _single_metrics(text: str, starts: list[tuple[int, int | None]], taken: _Taken) -> list[Metric]:
    """Single figures (``_METRIC_RX``) at the number ``starts``, none overlapping ``taken`` or
    each other."""
    out: list[Metric] = []
    match = _METRIC_RX.match
    overlaps = taken.overlaps
    classes = "级" in text  # 10万吨级泊位: a size class, not an amount
    pos = 0  # the next position a figure may start at
    for n, prefixed in starts:
        if n < pos:
            continue
        for back in _BACK_PREFIXED if prefixed else _BACK_NONE:
            p = n - back
            if p < pos or (back and text[p:n] not in _PREFIXES) or (m := match(text, p)) is None:
                continue
            end = m.end()
            if overlaps(p, end) or (classes and _CLASS_AFTER_RX.match(text, end)):
                continue
            metric = _single_metric(m)
            if metric is not None:
                out.append(metric)
                pos = end
                break
    return out


def _disjoint(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The starts and ends of the union of ``spans``, as sorted disjoint intervals."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a < ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _visit(clause: str) -> re.Match[str] | None:
    """``_WHO_VISIT.match(clause)``, skipped when none of the words it needs occurs."""
    if "来潍" in clause or "调研" in clause or "考察" in clause or "视察" in clause:
        return _WHO_VISIT.match(clause)
    return None


def _clause_start(text: str, at: int) -> int:
    """Offset just after the last clause end (，。；…) before ``at``; 0 when there is none."""
    m = _TO_LAST_CLAUSE_END_RX.match(text, 0, at)
    return m.end() if m else 0


def _who_before(text: str, at: int) -> tuple[str | None, int]:
    """Who gave an endorsement ending at ``at``: (name, start offset) or (None, at)."""
    start = _clause_start(text, at)
    clause = text[start:at]
    cut = _WHO_CUT.match(clause)
    if cut:
        start += cut.end()
        clause = clause[cut.end():]
    tail = _WHO_TAIL.search(clause) if clause and clause[-1] in _WHO_TAIL_LAST else None
    if tail:
        clause = clause[: tail.start()]
    if clause.startswith("对") or not clause:
        return _visitor_before(text, start), at
    visit = _visit(clause)
    if visit and _WHO_OK.search(visit.group(1)):
        return visit.group(1), at
    if _WHO_OK.search(clause) and len(clause) <= 40:
        return clause, start
    return None, at


def _visitor_before(text: str, at: int) -> str | None:
    """``省政协主席葛慧君来潍坊调研期间，对…给予充分肯定`` → 省政协主席葛慧君 (up to two clauses back)."""
    end = at
    for _ in range(3):
        end = _clause_start(text, end)
        if end == 0 or text[end - 1] in "。；;\n":
            return None
        end -= 1
        start = _clause_start(text, end)
        visit = _visit(text[start:end])
        if visit and _WHO_OK.search(visit.group(1)):
            return visit.group(1)
    return None


def _back_over(text: str, start: int, floor: int, groups: tuple[tuple[str, ...], ...]) -> int:
    """Where a match at ``start`` begins once the optional words before it are taken, as an
    optional part at the front of its pattern would have taken them: ``groups`` from the
    innermost out (作出重要批示: 重要, then 作出), each a choice of words, longest first.  Not
    before ``floor``, the end of the pattern's previous match."""
    for words in groups:
        for word in words:
            before = start - len(word)
            if before >= floor and text.startswith(word, before):
                start = before
                break
    return start


def _endorsements(text: str, out: list[Recognition]) -> None:
    floor = 0
    for m in _ENDORSE_RX.finditer(text):
        t0, end = m.span()
        if (t0 >= 2 and text.startswith("指示", t0 - 2)) or text.startswith("批示精神", t0):
            floor = end
            continue  # 重要指示批示精神
        by, start = _who_before(text, _back_over(text, t0, floor, _ENDORSE_BEFORE))
        floor = end
        out.append(_recognition(text[start:end], start, end, _ENDORSEMENT, by))


def _awards(text: str, out: list[Recognition]) -> None:
    if "奖" in text:
        for m in _AWARD_PRIZE_RX.finditer(text):
            start, end = m.span()
            out.append(_recognition(m.group(), start, end, _AWARD))
            if text[start] in "荣斩获":  # a named prize, maybe the first of a list: 获评A奖、B奖、C一等奖
                while text.startswith("、", end) and (nxt := _AWARD_NEXT_RX.match(text, end + 1)):
                    start, end = nxt.span()
                    out.append(_recognition(nxt.group(), start, end, _AWARD))
    if "荣获" in text or "获评" in text or "获得" in text or "评为" in text or "命名为" in text or (
        "授予" in text or "表彰为" in text
    ):  # each branch of _AWARD_HONOUR_RX contains one of these
        for m in _AWARD_HONOUR_RX.finditer(text):
            by = m.group("by") or None
            if by is not None:
                by = _BY_TAIL_RX.sub("", by) or None
            out.append(_recognition(m.group(), m.start(), m.end(), _AWARD, by))
    if "等次" in text or "档次" in text:
        out += [_recognition(m.group(), m.start(), m.end(), _AWARD) for m in _AWARD_GRADE2_RX.finditer(text)]
    if "督查激励" in text:
        out += [_recognition(m.group(), m.start(), m.end(), _AWARD) for m in _AWARD_INCENTIVE_RX.finditer(text)]


def _publications(text: str, out: list[Recognition]) -> None:
    floor = 0
    for m in _PUB_RX.finditer(text):
        titles, end = m.span()
        start = _pub_lead(text, titles, floor)
        floor = end
        outlets = [a or b for a, b in _TITLE_RX.findall(m.group())]
        out.append(_recognition(text[start:end], start, end, _PUBLICATION, None, "、".join(outlets)))


def _pub_lead(text: str, titles: int, floor: int) -> int:
    """Start of a publication whose titles begin at ``titles``: at the furthest 被 or 在 up to
    seven characters before them (被《学习时报》, 在国家级媒体《…》) with none of
    :data:`_PUB_LEAD_STOP` between, not before ``floor``; else the titles themselves."""
    start = titles
    for i in range(titles - 1, max(floor, titles - 7) - 1, -1):
        ch = text[i]
        if ch == "被" or ch == "在":
            start = i
        if ch in _PUB_LEAD_STOP:
            break
    return start


def _may_rank(text: str) -> bool:
    """Whether ``_RANK_RX`` can match: a scope (全省) with 第/前列/唯一/首…, or 第…名."""
    if "第" in text and "名" in text:
        return True
    return ("第" in text or "前列" in text or "唯一" in text or "首" in text) and any(
        scope in text for scope in _RANK_SCOPES)


def _rankings(text: str, out: list[Recognition]) -> None:
    floor = 0
    for m in _RANK_RX.finditer(text):
        start, end = m.span()
        first = text[start]
        if first != "走":
            start = _back_over(text, start, floor, _RANK_BEFORE_NTH if first == "第" else _RANK_BEFORE_SCOPE)
        floor = end
        out.append(_recognition(text[start:end], start, end, _RANKING))


_RANK_SCOPES = ("全国", "全省", "全市", "全球", "全县", "全区", "省内", "市内")
_ENDORSEMENT, _AWARD, _SELECTION, _PUBLICATION, _RANKING = (
    RecognitionType.endorsement, RecognitionType.award, RecognitionType.selection,
    RecognitionType.publication, RecognitionType.ranking)


def _recognitions(text: str) -> list[Recognition]:
    """Every recognition in ``text``; each kind's regex runs only when its trigger words occur."""
    out: list[Recognition] = []
    if "批示" in text or "签批" in text or "肯定" in text or "表扬" in text or "评价" in text:
        _endorsements(text, out)
    _awards(text, out)
    if "入选" in text or "入围" in text or "列入" in text or "获批" in text:
        out += [_recognition(m.group(), m.start(), m.end(), _SELECTION) for m in _SELECT_RX.finditer(text)]
    if ("《" in text or "被“" in text) and (
            "刊" in text or "报道" in text or "推介" in text or "转发" in text or "发表" in text):
        _publications(text, out)
    if _may_rank(text):
        _rankings(text, out)
    return _drop_contained(out) if len(out) > 1 else out


def _by_start_longest_first(r: Recognition) -> tuple[int, int]:
    return r.start, -r.end


def _drop_contained(recs: list[Recognition]) -> list[Recognition]:
    """Keep the longest of recognitions of one type that contain each other, sorted by start
    (longest first at one start).

    In that order a recognition is contained in a kept one of its type exactly when it ends
    no later than the furthest end kept for the type so far: every kept one starts no later.
    """
    recs.sort(key=_by_start_longest_first)
    kept: list[Recognition] = []
    furthest: dict[RecognitionType, int] = {}
    for r in recs:
        if r.end <= furthest.get(r.type, -1):
            continue
        furthest[r.type] = r.end
        kept.append(r)
    return kept


# Facts are sorted by start only, stably: recognitions come first in the list (sorted by
# start, longest first, when there are several) and a metric and a date never share a start,
# so ties keep the order (start, recognition < metric < date, longest first).
_START = attrgetter("start")


def extract_item_facts(text: str, year: int | None) -> tuple[Fact, ...]:
    """All facts in one item's text, sorted by start offset.

    ``year`` is the report's year, given to dates written without one (``12月24日``).
    """
    dates, metrics = _numbers(text, year)
    facts: list[Fact] = [*_recognitions(text), *metrics, *dates]
    facts.sort(key=_START)
    return tuple(facts)


def extract_facts(report: Report, each: Callable[[Department], object] | None = None) -> Report:
    """A copy of ``report`` with every item's ``facts`` filled from its text; ``each`` (when
    given) is called with each department as soon as its facts are in."""
    year = report.year
    departments = []
    for dep in report.departments:
        done = dep.model_copy(update={"items": tuple(
            item.model_copy(update={"facts": extract_item_facts(item.text, year)}) for item in dep.items
        )})
        if each is not None:
            each(done)
        departments.append(done)
    return report.model_copy(update={"departments": tuple(departments)})
