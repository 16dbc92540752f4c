"""Figures every output counts the same way, so the Word overview, the PDF cover and the
tracking sheet agree: recognitions of an item (a recognition its title states and its body
repeats counts once) and its metrics.

Kept apart from :mod:`reportexport.extract`, whose import compiles every pattern of the
extractor (about 40 ms): an exporter given a report with its facts counts them without it."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from .model import Fact, Metric, Recognition, RecognitionType, WorkItem

__all__ = ["distinct_recognitions", "item_metrics", "item_recognitions", "recognition_counts"]

_NOT_IN_KEY = re.compile(r"[\s“”‘’\"'「」『』]+")


@functools.lru_cache(maxsize=4096)
def _comparable(raw: str) -> str:
    """``raw`` as recognitions are compared: NFKC, without white space and quotation marks."""
    return _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", raw))


def _recognition_key(r: Recognition) -> tuple[RecognitionType, str | None, str | None, str]:
    return (r.type, r.by, r.outlet, _comparable(r.raw))


def distinct_recognitions(facts: Iterable[Fact], *, title_end: int | None = None) -> list[Recognition]:
    """The recognitions among ``facts`` with repeats dropped, for counting them.

    An item often states a recognition in its title and again in its body
    (``科技工作者建议获省委主要领导批示`` … ``获省委主要领导批示``).  Two recognitions are the same when
    type, ``by``, ``outlet`` and raw text agree; the raw text is compared after NFKC
    normalisation without white space and quotation marks.  The first of each is kept, in the
    order of ``facts``; other facts are ignored and ``facts`` itself is left as it is (every
    recognition stays in ``WorkItem.facts``, with its own offsets).

    With ``title_end`` (``len(item.title) + len(item.title_mark)``), only a repeat of a
    recognition stated in the title (starting before ``title_end``) is dropped: two equal ones
    in the body (``居全国第一`` said of two different things) both count.
    """
    recognitions = [f for f in facts if isinstance(f, Recognition)]
    if len(recognitions) < 2 or (title_end is not None and all(r.start >= title_end for r in recognitions)):
        return recognitions  # nothing can repeat
    seen: set[tuple[RecognitionType, str | None, str | None, str]] = set()
    out: list[Recognition] = []
    for fact in recognitions:
        key = _recognition_key(fact)
        if key in seen:
            continue
        if title_end is None or fact.start < title_end:
            seen.add(key)
        out.append(fact)
    return out


def item_recognitions(item: WorkItem, *types: RecognitionType) -> list[Recognition]:
    """The item's recognitions of the given types (all types when none), repeats dropped."""
    found = distinct_recognitions(item.facts, title_end=len(item.title) + len(item.title_mark))
    return [f for f in found if f.type in types] if types else found


def recognition_counts(items: Iterable[WorkItem]) -> dict[RecognitionType, int]:
    """How many recognitions of each type the items have (every type present, 0 when none),
    in one pass: what the Word overview and the PDF cover count per department."""
    counts = dict.fromkeys(RecognitionType, 0)
    for item in items:
        if item.facts:
            for recognition in item_recognitions(item):
                counts[recognition.type] += 1
    return counts


def item_metrics(item: WorkItem) -> list[Metric]:
    """The item's metrics in text order."""
    return [f for f in item.facts if isinstance(f, Metric)]
