"""Figures every output counts the same way, so the Word overview, the PDF cover and the
tracking sheet agree: recognitions of an item (a recognition its title states and its body
repeats counts once) and its metrics."""

from __future__ import annotations

from .extract import distinct_recognitions
from .model import Metric, Recognition, RecognitionType, WorkItem


def item_recognitions(item: WorkItem, *types: RecognitionType) -> list[Recognition]:
    """The item's recognitions of the given types (all types when none), repeats dropped."""
    found = distinct_recognitions(item.facts, title_end=len(item.title) + len(item.title_mark))
    return [f for f in found if not types or f.type in types]


def count_recognitions(items: list[WorkItem] | tuple[WorkItem, ...], *types: RecognitionType) -> int:
    """How many recognitions of the given types the items have."""
    return sum(len(item_recognitions(item, *types)) for item in items)


def item_metrics(item: WorkItem) -> list[Metric]:
    """The item's metrics in text order."""
    return [f for f in item.facts if isinstance(f, Metric)]
