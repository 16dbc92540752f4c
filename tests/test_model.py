"""The model's shared fields sets (reportexport.model.shared_fields_set)."""

from __future__ import annotations

import pickle

import pytest

from reportexport import api, model
from reportexport.model import SourceSpan, WorkItem


@pytest.fixture(scope="module")
def sample():
    return api.load_report()


def _item(**extra) -> WorkItem:
    return WorkItem(id="d1-i1", number=1, label="1.", title="标题", title_rule="sentence", text="标题", **extra)


def test_items_given_the_same_fields_share_one_set(sample) -> None:
    items = [item for _, item in sample.items()]
    sets = {id(item.model_fields_set) for item in items}
    kinds = {frozenset(item.model_fields_set) for item in items}
    assert len(items) == 61
    assert len(sets) == len(kinds)  # one set per combination of fields, not one per item
    assert all("facts" in item.model_fields_set for item in items)  # set by the extractor
    spans = {id(item.span.model_fields_set) for item in items}
    assert len(spans) == 1


def test_fields_set_still_says_what_was_given() -> None:
    plain, noted = _item(), _item(note="已上报")
    assert plain.model_fields_set == {"id", "number", "label", "title", "title_rule", "text"}
    assert noted.model_fields_set == plain.model_fields_set | {"note"}
    assert noted.model_dump(exclude_unset=True)["note"] == "已上报"
    assert "note" not in plain.model_dump(exclude_unset=True)


def test_a_copy_with_an_update_leaves_the_shared_set_alone() -> None:
    first, second = _item(), _item()
    assert first.model_fields_set is second.model_fields_set
    changed = first.model_copy(update={"status": "已完成"})
    assert "status" in changed.model_fields_set
    assert "status" not in first.model_fields_set
    assert "status" not in second.model_fields_set
    # the copy shares the set of an instance given the same fields, and equals it
    made = _item(status="已完成")
    assert changed.model_fields_set is made.model_fields_set and changed == made
    assert first.model_copy(deep=True).model_fields_set is first.model_fields_set
    assert first.model_copy().model_fields_set is first.model_fields_set


def test_pickle_and_json_round_trips_keep_the_fields(sample) -> None:
    again = pickle.loads(pickle.dumps(sample))
    assert again == sample
    pairs = zip(again.items(), sample.items())
    assert all(a.model_fields_set == b.model_fields_set for (_, a), (_, b) in pairs)
    from_json = type(sample).model_validate_json(sample.model_dump_json())
    assert from_json == sample


def test_past_the_bound_an_instance_keeps_its_own_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "_SHARED_FIELDS_SETS", {})
    monkeypatch.setattr(model, "_MAX_SHARED", 1)
    a, b = SourceSpan(first_line=1, last_line=2), SourceSpan(first_line=3, last_line=4)
    assert a.model_fields_set is b.model_fields_set
    c, d = SourceSpan(first_line=1, last_line=2, file="5版"), SourceSpan(first_line=1, last_line=2, file="6版")
    assert c.model_fields_set is not d.model_fields_set
    assert c.model_fields_set == d.model_fields_set == {"first_line", "last_line", "file"}
