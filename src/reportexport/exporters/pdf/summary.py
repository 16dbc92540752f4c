"""What the digest's cover and overview table show about the whole report, in a few numbers
per department.

The cover and the overview come before the first department, so they need the whole
report.  Computing these numbers where the report is lets a worker draw the digest from a
stream of departments (one at a time, see ``api._export_parallel``) without holding the
report.  Imports no reportlab: the process that computes the summary may not draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...figures import item_recognitions
from ...model import Department, Metric, RecognitionType, Report


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
    #: Endorsements and awards told apart from each other once (the chart's second bar).
    praised: int
    metrics: int
    #: The item titles joined by ``；``, for the overview table of a report without facts.
    titles: str


@dataclass(frozen=True, slots=True)
class DigestSummary:
    """The numbers of the cover and the overview table: per department, and in total."""

    departments: tuple[DepartmentFigures, ...]
    item_count: int
    #: Whether any item has facts (the table then counts them instead of listing titles).
    has_facts: bool
    endorsed: int
    awards: int
    #: Selections, publications and rankings.
    others: int
    metrics: int


def short_department_name(dep: Department, continued_name: str | None) -> str:
    """Name for the chart and the overview table (no numeral)."""
    if dep.continued and not dep.name:
        return continued_name or dep.display_name
    return dep.display_name


def _department(dep: Department, continued_name: str | None, has_facts: bool) -> tuple[DepartmentFigures, int]:
    """The department's figures, and its count of selections, publications and rankings."""
    endorsed = awards = praised = metrics = others = 0
    if has_facts:
        for item in dep.items:
            endorsed += len(item_recognitions(item, RecognitionType.endorsement))
            awards += len(item_recognitions(item, RecognitionType.award))
            praised += len(item_recognitions(item, RecognitionType.endorsement, RecognitionType.award))
            others += len(item_recognitions(item, RecognitionType.selection, RecognitionType.publication,
                                            RecognitionType.ranking))
            metrics += sum(isinstance(f, Metric) for f in item.facts)
    titles = "" if has_facts else "；".join(item.title for item in dep.items)
    figures = DepartmentFigures(id=dep.id, short_name=short_department_name(dep, continued_name), name=dep.name,
                                items=len(dep.items), endorsed=endorsed, awards=awards, praised=praised,
                                metrics=metrics, titles=titles)
    return figures, others


def digest_summary(report: Report, continued_name: str | None) -> DigestSummary:
    """The summary of ``report`` (``continued_name``: the name given to a continued section)."""
    has_facts = any(item.facts for _, item in report.items())
    rows = [_department(dep, continued_name, has_facts) for dep in report.departments]
    deps = tuple(figures for figures, _ in rows)
    return DigestSummary(
        departments=deps,
        item_count=sum(d.items for d in deps),
        has_facts=has_facts,
        endorsed=sum(d.endorsed for d in deps),
        awards=sum(d.awards for d in deps),
        others=sum(others for _, others in rows),
        metrics=sum(d.metrics for d in deps),
    )
