"""The readable outline ``reportexport parse`` prints (rich tree + diagnostics table)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from .model import Metric, Report, Severity


def print_outline(report: Report, *, facts: bool = False, console: Console | None = None) -> None:
    """Departments with numeral, name and item count; items with number and title; diagnostics."""
    console = console or Console()
    src = report.source
    head = f"[bold]{escape(report.title or '(no title)')}[/bold]"
    meta = [f"year {report.year}" if report.year else "", f"{src.layout} layout" if src.layout else "",
            src.encoding or "", f"continued from page {report.continued_from_page}" if report.continued_from_page else "",
            f"continues on page {report.continues_on_page}" if report.continues_on_page else ""]
    tree = Tree(f"{head}  [dim]{escape(' · '.join(m for m in meta if m))}[/dim]")
    for dep in report.departments:
        numeral = dep.numeral or "—"
        flag = " [italic](continued from the previous page)[/italic]" if dep.continued else ""
        branch = tree.add(f"[bold]{escape(numeral)}[/bold] {escape(dep.display_name)}  [dim]{len(dep.items)} items[/dim]{flag}")
        for item in dep.items:
            leaf = branch.add(f"{escape(item.label or str(item.number))} {escape(item.title)}  [dim]{item.id}[/dim]")
            if facts:
                for fact in item.facts:
                    leaf.add(f"[cyan]{fact.kind}[/cyan] {escape(_fact_text(fact))}")
    console.print(tree)
    console.print(f"{len(report.departments)} sections, {report.item_count} items, "
                  f"{sum(len(i.facts) for _, i in report.items())} facts")
    if report.diagnostics:
        table = Table("line", "severity", "code", "message", title="Diagnostics (repairs the reader made)")
        for diag in report.diagnostics:
            style = "yellow" if diag.severity is Severity.warning else ("red" if diag.severity is Severity.error else "dim")
            table.add_row(str(diag.line or ""), f"[{style}]{diag.severity.value}[/{style}]", diag.code, escape(diag.message))
        console.print(table)


def _fact_text(fact) -> str:  # type: ignore[no-untyped-def]
    if isinstance(fact, Metric):
        qualifier = f" ({fact.qualifier})" if fact.qualifier else ""
        return f"{fact.raw} → {fact.value} {fact.unit}{qualifier}"
    extra = getattr(fact, "value", None) or getattr(fact, "type", "")
    extra = getattr(extra, "value", extra)
    by = getattr(fact, "by", None)
    return f"{fact.raw} → {extra}" + (f" by {by}" if by else "")
