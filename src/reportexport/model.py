"""The one document model every reader produces and every exporter consumes.

Readers (``reportexport.ingest``) build a :class:`Report`; the fact extractor
(``reportexport.extract``) returns a copy with ``WorkItem.facts`` filled; exporters
(``reportexport.exporters``) only read it.  All models are frozen: a change is a new
copy (``model_copy(update=...)``), so no exporter can alter what another one sees.

The JSON form (``Report.model_dump_json()``) is the interchange format of
``reportexport parse --json`` and is accepted back as input.
"""

from __future__ import annotations

from enum import Enum
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self, Union

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    """Base of the structural models: frozen, no extra fields, and one shared fields set.

    pydantic gives every instance its own set of the fields that were given
    (``model_fields_set``): 216–472 bytes, more than most items' other attributes together,
    27 MB in a report of 25,000 items.  A frozen model never changes that set (pydantic's
    ``model_copy`` copies it before changing it), so instances given the same fields share
    one (:func:`shared_fields_set`).  It is replaced as the instance is made, so that the set
    pydantic made is freed at once and its memory reused for the next one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_post_init(self, context: object, /) -> None:
        _SET_FIELDS_SET(self, shared_fields_set(self.__pydantic_fields_set__))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's ``model_copy`` (``update`` is not validated), with the copy's fields set
        shared too.  A shallow copy sets the four slots of the copy directly: a third of the
        time of pydantic's ``__copy__``, which copies each through ``copy.copy`` (the fact
        extractor copies every item and department)."""
        if deep or self.__pydantic_private__ is not None:
            copied = super().model_copy(update=update, deep=deep)
            _SET_FIELDS_SET(copied, shared_fields_set(copied.__pydantic_fields_set__))
            return copied
        values = self.__dict__.copy()
        fields = self.__pydantic_fields_set__
        if update:
            values.update(update)
            fields = _fields_with(fields, update)
        copied = object.__new__(type(self))
        _SET_DICT(copied, values)
        _SET_FIELDS_SET(copied, fields)
        _SET_EXTRA(copied, None)  # extra fields are forbidden
        _SET_PRIVATE(copied, None)
        return copied


_SET_DICT, _SET_FIELDS_SET, _SET_EXTRA, _SET_PRIVATE = (
    BaseModel.__dict__[name].__set__
    for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"))
#: The shared fields sets, by their fields.  Bounded: each model has only so many optional
#: fields, and past :data:`_MAX_SHARED` combinations an instance keeps its own set.
_SHARED_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_MAX_SHARED = 4096


def _fields_with(fields: set[str], update: Mapping[str, Any]) -> set[str]:
    """The shared set of ``fields`` and the keys of ``update``.  Remembered by the identity of
    ``fields`` (kept alive by the memo, so its id is not reused) and the keys: a copy that
    fills ``facts`` costs a tuple and a lookup, not a union and a frozenset."""
    key = (id(fields), *update)
    known = _UNIONS.get(key)
    if known is not None and known[0] is fields:
        return known[1]
    union = shared_fields_set(fields | update.keys())
    if len(_UNIONS) < _MAX_SHARED:
        _UNIONS[key] = (fields, union)
    return union


#: ``_fields_with``'s memo: (id of a fields set, *keys) → (that set, the shared union).
_UNIONS: dict[tuple[object, ...], tuple[set[str], set[str]]] = {}


def shared_fields_set(fields: set[str]) -> set[str]:
    """The one set of these field names that instances share (``fields`` itself when too many
    combinations have been seen).  Never change it in place: copy it first."""
    key = frozenset(fields)
    shared = _SHARED_FIELDS_SETS.get(key)
    if shared is None:
        if len(_SHARED_FIELDS_SETS) >= _MAX_SHARED:
            return fields
        shared = _SHARED_FIELDS_SETS[key] = set(key)
    return shared


class SourceSpan(_Frozen):
    """Lines of the source file a piece of the report came from (1-based, inclusive)."""

    first_line: int = Field(ge=1, description="First source line, 1-based.")
    last_line: int = Field(ge=1, description="Last source line, 1-based, inclusive.")
    file: str | None = Field(
        default=None, description="Source file name when the report was merged from several pages."
    )

    def __str__(self) -> str:
        where = f"{self.file}:" if self.file else ""
        if self.first_line == self.last_line:
            return f"{where}{self.first_line}"
        return f"{where}{self.first_line}-{self.last_line}"


class Severity(str, Enum):
    """How serious a diagnostic is: ``info`` (noted), ``warning`` (a repair), ``error``."""

    info = "info"
    warning = "warning"
    error = "error"


class Diagnostic(_Frozen):
    """One repair or doubt of a reader or extractor, e.g. a joined column break.

    ``code`` is stable and machine-readable (``column-break-joined``); ``message`` is for
    people; ``line`` points into the source file.
    """

    severity: Severity = Severity.warning
    code: str = Field(description="Stable identifier, e.g. 'column-break-joined'.")
    message: str = Field(description="One sentence for people, e.g. '第341行的空行位于句中，按分栏处理并接续'.")
    line: int | None = Field(default=None, description="1-based source line, when known.")
    file: str | None = Field(default=None, description="Source file name, when known.")

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity.value}: {self.message} [{self.code}]"


# --------------------------------------------------------------------------- facts
#
# A report of 25,000 items holds about 350,000 facts.  A fact is therefore a slotted, frozen
# pydantic dataclass rather than a BaseModel: the same validation, JSON form and schema, at
# about 200 bytes an instance instead of about 1,200 (no per-instance ``__dict__`` and
# ``model_fields_set``).  Fields are keyword-only so that ``kind`` can come first in the JSON.

_FACT = dict(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))


@dataclass(**_FACT)
class Metric:
    """A quantity: number + unit, magnitude and qualifier understood.

    ``3.38亿元`` → value 338000000, unit 元; ``87%`` → 0.87, unit %;
    ``10万+`` → 100000, qualifier 以上; ``3万元至5万元`` → [30000, 50000].
    """

    kind: Literal["metric"] = "metric"
    raw: str = Field(description="The exact text of the fact, e.g. '3.38亿元'.")
    start: int = Field(ge=0, description="Offset of the first character in WorkItem.text.")
    end: int = Field(ge=0, description="Offset after the last character in WorkItem.text.")
    value: float | tuple[float, float] = Field(description="The number, or [low, high] for a range.")
    unit: str = Field(default="", description="Unit as written after the magnitude, e.g. 元, 篇, 人次, %.")
    qualifier: str | None = Field(
        default=None, description="以上 / 余 / 多 / 近 / 超过 ... when the text qualifies the number."
    )


@dataclass(**_FACT)
class DateRef:
    """A date or period named in the text: ``12月24日`` → 2023-12-24 with the report year.

    ``value`` is ISO-like and as precise as the text: ``2023``, ``2023-11``, ``2023-12-24``;
    ``part`` keeps a part of a month (上旬 / 中旬 / 下旬 / 底 / 初); ``end`` of a period such
    as ``2023-2025年度`` goes into ``until``.
    """

    kind: Literal["date"] = "date"
    raw: str = Field(description="The exact text of the date, e.g. '12月24日'.")
    start: int = Field(ge=0, description="Offset of the first character in WorkItem.text.")
    end: int = Field(ge=0, description="Offset after the last character in WorkItem.text.")
    value: str = Field(description="ISO date as precise as the text, e.g. '2023-12-24', '2023-10'.")
    until: str | None = Field(default=None, description="End of a period, e.g. '2025' for 2023-2025年度.")
    part: str | None = Field(default=None, description="Part of the month, e.g. 上旬.")
    year_inferred: bool = Field(default=False, description="True when the year came from the report.")


class RecognitionType(str, Enum):
    """What kind of recognition: 批示肯定, 一等奖, 入选…案例, 被《…》刊发, 居全省第一."""

    endorsement = "endorsement"
    award = "award"
    selection = "selection"
    publication = "publication"
    ranking = "ranking"


@dataclass(**_FACT)
class Recognition:
    """Praise or reward of the work: an endorsement (批示肯定) and who gave it, an award
    (一等奖), a selection (入选全国典型案例), a publication (被《学习时报》刊发) or a ranking
    (居全省第一, 全省唯一)."""

    kind: Literal["recognition"] = "recognition"
    raw: str = Field(description="The exact text, e.g. '省委主要领导批示肯定'.")
    start: int = Field(ge=0, description="Offset of the first character in WorkItem.text.")
    end: int = Field(ge=0, description="Offset after the last character in WorkItem.text.")
    type: RecognitionType
    by: str | None = Field(default=None, description="Who gave it, e.g. 省委主要领导.")
    outlet: str | None = Field(default=None, description="Where it was published, e.g. 学习时报.")


Fact = Annotated[Union[Metric, DateRef, Recognition], Field(discriminator="kind")]


# --------------------------------------------------------------------------- structure

TitleRule = Literal["sentence", "lead_clause", "paragraph"]


class WorkItem(_Frozen):
    """One numbered item of a department's work, e.g. ``1.围绕中心发出正能量最强音。正文…``.

    ``text == title + title_mark + body`` always holds: nothing of the item is dropped.
    """

    id: str = Field(description="Stable id, e.g. 'd13-i2' (department 13, item 2).")
    number: int = Field(description="Item number as written (1 for '1.' or '（一）').")
    label: str = Field(description="The label as written, e.g. '1.', '１．', '（一）'.")
    title: str = Field(description="First sentence without its end mark, or its lead clause.")
    title_rule: TitleRule = Field(
        description="'sentence' (first sentence), 'lead_clause' (sentence > 40 chars: up to the "
        "first ，) or 'paragraph' (the title stands alone as its own paragraph)."
    )
    title_mark: str = Field(default="", description="The mark that ended the title: '。', '，' or ''.")
    body: str = Field(default="", description="Everything after the title and its mark; paragraphs joined by newlines.")
    text: str = Field(description="title + title_mark + body.")
    facts: tuple[Fact, ...] = Field(default=(), description="Figures, dates and recognitions in text.")
    span: SourceSpan | None = None
    status: str | None = Field(default=None, description="Tracking status, e.g. 已完成 (from the Excel sheet).")
    owner: str | None = Field(default=None, description="Person or unit responsible (责任人).")
    note: str | None = Field(default=None, description="Free note (备注).")


class Department(_Frozen):
    """A section of the report: a department under a heading such as ``十三、潍坊日报社``.

    A section at the top of a page that continues a department of the previous page has
    ``continued=True``, ``name=None`` and no heading; its number is inferred from the next
    heading.
    """

    id: str = Field(description="Stable id, e.g. 'd13'.")
    number: int | None = Field(description="Number of the heading, 13 for 十三; inferred for a continued section.")
    numeral: str | None = Field(description="The numeral as written or inferred, e.g. '十三'.")
    name: str | None = Field(description="Name after the numeral, e.g. '潍坊日报社'; None when unknown.")
    label: str = Field(default="", description="The label as written, e.g. '十三、' or '（一）'.")
    heading: str = Field(default="", description="The heading line as written, e.g. '十三、潍坊日报社'.")
    continued: bool = Field(default=False, description="True for a section continued from a previous page.")
    intro: str = Field(default="", description="Text between the heading and the first item.")
    items: tuple[WorkItem, ...] = ()
    span: SourceSpan | None = None

    @property
    def display_name(self) -> str:
        """Name to show: the name, or '（续上版）' for a continued section without one."""
        if self.name:
            return self.name
        return "（续上版）" if self.continued else "（未命名）"


class SourceInfo(_Frozen):
    """Where the report came from and how it was read."""

    path: str | None = Field(default=None, description="Path as given on the command line.")
    name: str | None = Field(default=None, description="File name, e.g. '000_cf88b61c2d238c02.txt'.")
    sha256: str | None = Field(default=None, description="SHA-256 of the input bytes.")
    encoding: str | None = Field(default=None, description="Encoding used to decode: utf-8, utf-8-sig, gb18030, utf-16.")
    layout: Literal["newspaper", "paragraphs", "json", "unknown"] = Field(
        default="unknown", description="'newspaper' (hard-wrapped columns) or 'paragraphs' (one per line)."
    )
    line_count: int = 0
    pages: tuple[str, ...] = Field(default=(), description="Page files merged into this report, in order.")


class Report(_Frozen):
    """A whole report: ``市直部门（单位）2023年度重点工作开展情况`` with its departments."""

    schema_version: int = SCHEMA_VERSION
    title: str = Field(default="", description="Report title, e.g. '市直部门（单位）2023年度重点工作开展情况'.")
    year: int | None = Field(default=None, description="Report year, e.g. 2023 (from the title when present).")
    source: SourceInfo = SourceInfo()
    continued_from_page: int | None = Field(default=None, description="N of （上接N版）: the page this one continues.")
    continues_on_page: int | None = Field(default=None, description="M of （下转M版）: the page it continues on.")
    masthead: str = Field(default="", description="Web-page debris before the title (下载 / 打印 / 【字号：】), kept.")
    preamble: str = Field(default="", description="Text before the first heading (other than the title), kept.")
    departments: tuple[Department, ...] = ()
    trailer: str = Field(default="", description="Web-page debris after the report (e.g. '相关报道：'), kept.")
    diagnostics: tuple[Diagnostic, ...] = ()

    # ------------------------------------------------------------------ helpers
    def items(self) -> list[tuple[Department, WorkItem]]:
        """Every (department, item) pair in document order."""
        return [(d, i) for d in self.departments for i in d.items]

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.departments)

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is not Severity.info]


def report_json_schema() -> dict:
    """The JSON Schema of :class:`Report` (``reportexport schema``)."""
    return Report.model_json_schema()
