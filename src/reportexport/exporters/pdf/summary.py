"""What the digest's cover and overview table show about the whole report, in a few numbers
per department.

The cover and the overview come before the first department, so they need the whole
report.  Computing these numbers where the report is lets a worker draw the digest from a
stream of departments (one at a time, see ``api._export_parallel``) without holding the
report.  Imports no reportlab: the process that computes the summary may not draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...figures import item_metrics, recognition_counts
from ...model import Department, RecognitionType, Report


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    """One department's row of the overview table and bar of the chart."""

    id: str
    #: Name in the chart and the table, without the numeral: ``潍坊日报社``.
    short_name: str
    #: The name as the report gives it (empty for a section continued from the previous page),
    #: for the PDF's keywords.
    name: str
    items: int
    endorsed: int
    awards: int
    #: Selections, publications and rankings.
    others: int
    metrics: int
    #: The item titles joined by ``；``, for the overview table of a report without facts.
    titles: str


@dataclass(frozen=True, slots=True)
class DigestSummary:
    """The numbers of the cover and the overview table, per department; the totals are sums."""

    departments: tuple[DepartmentFigures, ...]
    #: Whether any item has facts (the table then counts them instead of listing titles).
    has_facts: bool

    def total(self, field: str) -> int:
        """The sum of one of :class:`DepartmentFigures`' counts: ``total("items")``."""
        return sum(getattr(d, field) for d in self.departments)


def short_department_name(dep: Department, continued_name: str | None) -> str:
    """Name for the chart and the overview table (no numeral)."""
    if dep.continued and not dep.name:
        return continued_name or dep.display_name
    return dep.display_name


_OTHERS = (RecognitionType.selection, RecognitionType.publication, RecognitionType.ranking)


def _department(dep: Department, continued_name: str | None, has_facts: bool) -> DepartmentFigures:
    """The figures of one department, each item's recognitions counted once."""
    counts = recognition_counts(dep.items) if has_facts else dict.fromkeys(RecognitionType, 0)
    return DepartmentFigures(
        id=dep.id, short_name=short_department_name(dep, continued_name), name=dep.name, items=len(dep.items),
        endorsed=counts[RecognitionType.endorsement], awards=counts[RecognitionType.award],
        others=sum(counts[t] for t in _OTHERS),
        metrics=sum(len(item_metrics(item)) for item in dep.items) if has_facts else 0,
        titles="" if has_facts else "；".join(item.title for item in dep.items),
    )


def digest_summary(report: Report, continued_name: str | None) -> DigestSummary:
    """The summary of ``report`` (``continued_name``: the name given to a continued section)."""
    has_facts = any(item.facts for _, item in report.items())
    return DigestSummary(tuple(_department(dep, continued_name, has_facts) for dep in report.departments), has_facts)
