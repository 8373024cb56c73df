"""The fear hierarchy, its template and the rules: validation and edits."""

from __future__ import annotations

import doctest

import pytest

from lacrima.care import desensitization
from lacrima.care.desensitization import (
    Hierarchy,
    HierarchyError,
    Item,
    ProgramError,
    Rules,
    RulesError,
    fear_of_crying_template,
)
from lacrima.care.desensitization import hierarchy as hierarchy_module
from lacrima.care.desensitization import machine as machine_module
from lacrima.care.desensitization import relaxation as relaxation_module
from lacrima.care.desensitization import template as template_module
from lacrima.errors import CareError, LacrimaError


def _three() -> Hierarchy:
    return Hierarchy((Item("a", "alone", 10), Item("b", "photo", 20), Item("c", "room", 30)))


@pytest.mark.parametrize("suds", [-1, 101, 140, 12.5, "40", True, None])
def test_item_refuses_suds_outside_0_100(suds: object) -> None:
    with pytest.raises(HierarchyError, match="SUDS"):
        Item("a", "alone", suds)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "x" * 301])
def test_item_refuses_empty_or_long_text(text: str) -> None:
    with pytest.raises(HierarchyError):
        Item("a", text, 10)


def test_errors_belong_to_the_one_hierarchy() -> None:
    assert issubclass(HierarchyError, ProgramError)
    assert issubclass(ProgramError, CareError)
    assert issubclass(CareError, LacrimaError)


def test_hierarchy_refuses_repeated_ids() -> None:
    with pytest.raises(HierarchyError, match="repeated: a"):
        Hierarchy((Item("a", "x", 1), Item("a", "y", 2)))


def test_hierarchy_refuses_more_than_max_items() -> None:
    items = tuple(Item(str(i), "scene", 10) for i in range(hierarchy_module.MAX_ITEMS + 1))
    with pytest.raises(HierarchyError, match="at most"):
        Hierarchy(items)


def test_add_remove_edit_keep_the_original() -> None:
    h = _three()
    assert h.add(Item("d", "new", 15), position=1).ids == ("a", "d", "b", "c")
    assert h.remove("b").ids == ("a", "c")
    assert h.edit("b", suds=25).get("b").suds == 25
    assert h.edit("b", text="other").get("b").text == "other"
    assert h.ids == ("a", "b", "c")
    assert h.get("b").suds == 20


def test_add_refuses_a_taken_id_and_a_bad_position() -> None:
    with pytest.raises(HierarchyError, match="repeated"):
        _three().add(Item("a", "again", 5))
    with pytest.raises(ProgramError, match="position"):
        _three().add(Item("d", "new", 5), position=7)


def test_edit_refuses_suds_140_and_keeps_the_hierarchy() -> None:
    h = _three()
    with pytest.raises(HierarchyError, match="from 0 to 100; got 140"):
        h.edit("a", suds=140)
    assert h.get("a").suds == 10


def test_unknown_id_is_named() -> None:
    with pytest.raises(HierarchyError, match="'zz'"):
        _three().remove("zz")


def test_reorder_is_a_permutation() -> None:
    assert _three().reorder(["c", "a", "b"]).ids == ("c", "a", "b")


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (["a", "a", "b"], "repeated: a"),
        (["a", "b"], "leaves out 'c'"),
        (["a", "b", "c", "x"], "no step with id 'x'"),
    ],
)
def test_reorder_refuses_duplicates_gaps_and_strangers(order: list[str], message: str) -> None:
    with pytest.raises(HierarchyError, match=message):
        _three().reorder(order)


def test_reorder_by_positions_from_a_form() -> None:
    assert _three().reorder_by_positions({"a": 3, "b": 1, "c": 2}).ids == ("b", "c", "a")
    with pytest.raises(HierarchyError, match="share a place; repeated place\\(s\\): 2"):
        _three().reorder_by_positions({"a": 2, "b": 2, "c": 1})
    with pytest.raises(HierarchyError, match="from 1 to 3; got 0"):
        _three().reorder_by_positions({"a": 0, "b": 2, "c": 1})


def test_large_steps_and_intermediate_suggestion() -> None:
    h = Hierarchy((Item("a", "x", 10), Item("b", "y", 40), Item("c", "z", 45)))
    gaps = h.large_steps(max_step_suds=10)
    assert [(g.lower_id, g.upper_id, g.rise_suds) for g in gaps] == [("a", "b", 30)]
    assert h.suggest_intermediate_suds("b") == 25
    assert h.suggest_intermediate_suds("a") == 5


def test_sorted_by_suds_is_stable() -> None:
    h = Hierarchy((Item("a", "x", 30), Item("b", "y", 10), Item("c", "z", 10)))
    assert h.sorted_by_suds().ids == ("b", "c", "a")


def test_template_climbs_gradually() -> None:
    h = fear_of_crying_template()
    assert 10 <= len(h) <= 15  # the "10-15 items"
    suds = [item.suds for item in h.items]
    assert suds == sorted(suds)
    assert h.large_steps(Rules().max_step_suds) == []
    assert "therapist" in h.items[3].text
    assert "session" in h.items[-1].text


def test_default_rules_are_consistent() -> None:
    rules = Rules()
    assert rules.pass_threshold_suds <= rules.stop_threshold_suds
    assert 10 <= rules.scene_s <= 30  # the "scenes of 10-30 s"
    assert rules.consecutive_passes == 3
    assert Rules.from_dict(rules.to_dict()) == rules


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pass_threshold_suds": 140}, "pass_threshold_suds must be from 0 to 100; got 140"),
        ({"pass_threshold_suds": 40, "stop_threshold_suds": 20}, "at least"),
        ({"consecutive_passes": 0}, "consecutive_passes"),
        ({"scene_s": -5}, "scene_s must be from 5 to 120 seconds; got -5"),
        ({"relax_s": float("nan")}, "finite"),
        ({"criterion": "mean"}, "criterion"),
        ({"review_last_passed": "yes"}, "true or false"),
    ],
)
def test_rules_refuse_bad_values(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RulesError, match=message):
        Rules(**changes)  # type: ignore[arg-type]


def test_rules_from_dict_refuses_unknown_keys() -> None:
    with pytest.raises(RulesError, match="unknown rule"):
        Rules.from_dict({"passes": 3})


@pytest.mark.parametrize(
    "module", [hierarchy_module, machine_module, relaxation_module, template_module]
)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0


def test_public_names_are_exported() -> None:
    for name in desensitization.__all__:
        assert hasattr(desensitization, name)
