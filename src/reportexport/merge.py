"""Several pages of one report → one report (``reportexport all p5.txt p6.txt p7.txt``).

Pages are ordered by their markers: a page that says ``（上接N版）`` continues page N, and
page N says ``（下转M版）`` to it.  The section at the top of a continuing page joins the
department it continues (its items keep their numbers), and an item cut mid-sentence at
the bottom of a page is rejoined with its end on the next page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .errors import InputError
from .ingest.text import PARAGRAPH_END, make_title
from .model import Department, Diagnostic, Report, Severity, SourceInfo, SourceSpan, WorkItem


def own_page(report: Report) -> int | None:
    """The page's own number as its markers imply: N+1 after （上接N版）, M-1 before （下转M版）."""
    if report.continued_from_page is not None:
        return report.continued_from_page + 1
    if report.continues_on_page is not None:
        return report.continues_on_page - 1
    return None


def order_pages(pages: Sequence[Report]) -> tuple[list[Report], list[Diagnostic]]:
    """Pages in reading order; a warning when the given order differs; errors for gaps."""
    notes: list[Diagnostic] = []
    numbers = [own_page(p) for p in pages]
    if any(n is None for n in numbers):
        # without markers the order given is the only order there is
        return list(pages), notes
    ordered = sorted(pages, key=own_page)  # type: ignore[arg-type,return-value]
    if [p.source.name for p in ordered] != [p.source.name for p in pages]:
        notes.append(Diagnostic(
            severity=Severity.warning, code="pages-reordered",
            message="pages were given out of order and were put in order by their page markers: "
            + ", ".join(f"{p.source.name} (page {own_page(p)})" for p in ordered),
        ))
    seen: dict[int, str] = {}
    for page in ordered:
        number = own_page(page)
        assert number is not None
        if number in seen:
            raise InputError(f"{page.source.name} and {seen[number]} both claim to be page {number} by their markers",
                             path=page.source.path or page.source.name)
        seen[number] = page.source.name or "?"
    for before, after in zip(ordered, ordered[1:]):
        expected = own_page(after)
        if before.continues_on_page != expected or after.continued_from_page != own_page(before):
            says = f"（下转{before.continues_on_page}版）" if before.continues_on_page else "no （下转…版） marker"
            raise InputError(
                f"the pages do not follow each other: {before.source.name} has {says}, but the next page given, "
                f"{after.source.name}, continues from page {after.continued_from_page}; a page is missing or a marker "
                "points nowhere",
                path=after.source.path or after.source.name,
            )
    return ordered, notes


def merge_pages(pages: Sequence[Report]) -> Report:
    """One report from several pages of it (see module docstring)."""
    if not pages:
        raise InputError("no pages to merge")
    ordered, notes = order_pages(pages)
    first = ordered[0]
    departments: list[Department] = [_tag(d, first.source.name) for d in first.departments]
    diagnostics: list[Diagnostic] = list(first.diagnostics) + notes
    for page in ordered[1:]:
        diagnostics += page.diagnostics
        incoming = [_tag(d, page.source.name) for d in page.departments]
        if page.title and page.title == first.title:
            diagnostics.append(Diagnostic(
                severity=Severity.info, code="page-title-repeated", file=page.source.name, line=1,
                message=f"the running title of {page.source.name} repeats the report title and was dropped like a page marker",
            ))
        elif page.title or page.preamble:
            raise InputError(
                "this page starts with text that belongs to no department (a title different from the first page's, "
                "or a preamble); is it a page of the same report?", path=page.source.path or page.source.name)
        if incoming and incoming[0].continued and departments:
            departments[-1], join_notes = _join(departments[-1], incoming[0], page.source.name)
            diagnostics += join_notes
            incoming = incoming[1:]
        departments += incoming
    departments = _unique_ids(departments, diagnostics)
    shas = [p.source.sha256 or "" for p in ordered]
    source = SourceInfo(
        path=None, name=first.source.name, encoding=first.source.encoding, layout=first.source.layout,
        sha256=hashlib.sha256("\n".join(shas).encode()).hexdigest(),
        line_count=sum(p.source.line_count for p in ordered),
        pages=tuple(p.source.name or "?" for p in ordered),
    )
    return first.model_copy(update={
        "source": source,
        "continued_from_page": first.continued_from_page,
        "continues_on_page": ordered[-1].continues_on_page,
        "departments": tuple(departments),
        "trailer": "\n".join(p.trailer for p in ordered if p.trailer),
        "diagnostics": tuple(diagnostics),
    })


def _tag(dep: Department, name: str | None) -> Department:
    """Spans of a page's department and items name the page file."""
    def span(s: SourceSpan | None) -> SourceSpan | None:
        return s.model_copy(update={"file": name}) if s is not None else None

    items = tuple(i.model_copy(update={"span": span(i.span)}) for i in dep.items)
    return dep.model_copy(update={"span": span(dep.span), "items": items})


def _join(previous: Department, continued: Department, page: str | None) -> tuple[Department, list[Diagnostic]]:
    """The continued section's intro ends the previous page's last item; its items follow."""
    notes: list[Diagnostic] = []
    items = list(previous.items)
    if continued.number is not None and previous.number is not None and continued.number != previous.number:
        notes.append(Diagnostic(
            severity=Severity.warning, code="continued-number-mismatch", file=page,
            message=f"the continued section was taken for {continued.numeral or continued.number} but continues "
            f"{previous.heading or previous.display_name}",
        ))
    if continued.intro:
        if items:
            items[-1] = _rejoin(items[-1], continued.intro)
            notes.append(Diagnostic(
                severity=Severity.info, code="item-rejoined", file=page,
                line=continued.span.first_line if continued.span else None,
                message=f"item {items[-1].label}{items[-1].title} cut at the page end was rejoined with its end on {page}",
            ))
        else:
            previous = previous.model_copy(update={"intro": "\n".join(x for x in (previous.intro, continued.intro) if x)})
    items += continued.items
    return previous.model_copy(update={"items": tuple(items)}), notes


def _rejoin(item: WorkItem, rest: str) -> WorkItem:
    """The item with the text that continues it on the next page (title recomputed)."""
    glue = "" if item.text[-1:] not in PARAGRAPH_END else "\n"
    text = item.text + glue + rest
    first, _, more = text.partition("\n")
    title, mark, head_rest, rule = make_title(first, bool(more))
    body = "\n".join(x for x in (head_rest, more) if x)
    return item.model_copy(update={
        "title": title, "title_mark": mark, "title_rule": rule, "body": body, "text": title + mark + body,
    })


def _unique_ids(departments: list[Department], diagnostics: list[Diagnostic]) -> list[Department]:
    seen: set[str] = set()
    out = []
    for dep in departments:
        dep_id = dep.id
        k = 2
        while dep_id in seen:
            dep_id = f"{dep.id}_{k}"
            k += 1
        seen.add(dep_id)
        if dep_id != dep.id:
            items = tuple(i.model_copy(update={"id": i.id.replace(dep.id, dep_id, 1)}) for i in dep.items)
            dep = dep.model_copy(update={"id": dep_id, "items": items})
            diagnostics.append(Diagnostic(severity=Severity.warning, code="department-repeated",
                                          message=f"department {dep.heading or dep.display_name} appears on two pages; its id became {dep_id}"))
        out.append(dep)
    return out
