"""The check-in model: what may be stored, and what the numbers are taken to mean."""

from __future__ import annotations

from typing import Any

import pytest

from mtcalm.checkin import (
    DISTRESS_RISE_TO_FLAG,
    HIGH_DISTRESS_BEFORE,
    MAX_NOTE_LENGTH,
    CheckIn,
    CheckInError,
    ItemChange,
    Phase,
    compare,
    distress_rose,
    items_for,
    suggests_support_first,
)


def before(**answers: int | None) -> CheckIn:
    return CheckIn(Phase.BEFORE, answers)


def after(**answers: int | None) -> CheckIn:
    return CheckIn(Phase.AFTER, answers)


# -- what is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("distress", -1),
        ("distress", 11),
        ("pleasantness", 11),
        ("energy", -5),
        ("distress", 1000),
    ],
)
def test_a_value_outside_its_scale_is_refused(key: str, value: int) -> None:
    with pytest.raises(CheckInError, match="outside the scale"):
        CheckIn(Phase.BEFORE, {key: value})


def test_helpfulness_outside_zero_to_four_is_refused() -> None:
    with pytest.raises(CheckInError, match="helpfulness"):
        after(helpfulness=5)
    with pytest.raises(CheckInError, match="stirred_up"):
        after(stirred_up=2)


def test_the_ends_of_a_scale_are_accepted() -> None:
    low = before(distress=0, pleasantness=0, energy=0)
    high = before(distress=10, pleasantness=10, energy=10)
    assert low.value("distress") == 0
    assert high.value("distress") == 10


def test_an_item_nobody_asks_is_refused() -> None:
    with pytest.raises(CheckInError, match="'mood'"):
        CheckIn(Phase.BEFORE, {"mood": 3})


def test_an_after_only_item_is_refused_before_a_session() -> None:
    with pytest.raises(CheckInError, match="helpfulness"):
        CheckIn(Phase.BEFORE, {"helpfulness": 3})


@pytest.mark.parametrize("value", [5.5, 5.0, 0.1, float("nan"), float("inf"), "5", b"5", [5], True])
def test_a_value_that_is_not_an_integer_is_refused(value: Any) -> None:
    with pytest.raises(CheckInError):
        CheckIn(Phase.BEFORE, {"distress": value})


def test_an_unknown_emotion_word_is_refused() -> None:
    with pytest.raises(CheckInError, match="furious"):
        CheckIn(Phase.BEFORE, emotions=("calm", "furious"))


def test_known_emotion_words_are_kept_in_order() -> None:
    checkin = CheckIn(Phase.BEFORE, emotions=("tired", "hopeful", "craving"))
    assert checkin.emotions == ("tired", "hopeful", "craving")


def test_a_note_longer_than_allowed_is_refused() -> None:
    CheckIn(Phase.BEFORE, note="x" * MAX_NOTE_LENGTH)  # exactly the limit is fine
    with pytest.raises(CheckInError, match="note"):
        CheckIn(Phase.BEFORE, note="x" * (MAX_NOTE_LENGTH + 1))


def test_a_skipped_checkin_with_answers_is_refused() -> None:
    with pytest.raises(CheckInError, match="skipped"):
        CheckIn(Phase.BEFORE, {"distress": 4}, skipped=True)


def test_a_skipped_checkin_with_emotions_is_refused() -> None:
    with pytest.raises(CheckInError, match="skipped"):
        CheckIn(Phase.AFTER, emotions=("calm",), skipped=True)


def test_a_skipped_checkin_carries_no_answers() -> None:
    skipped = CheckIn.skipped_in(Phase.AFTER)
    assert skipped.skipped
    assert skipped.all_answers() == {item.key: None for item in items_for(Phase.AFTER)}
    assert skipped.emotions == ()


def test_checkin_error_is_a_value_error() -> None:
    """Callers that guard input with ``except ValueError`` catch it too."""
    assert issubclass(CheckInError, ValueError)


# -- unanswered items -------------------------------------------------------------------------


def test_unanswered_items_are_none_never_a_number() -> None:
    checkin = before(distress=3)
    assert checkin.value("pleasantness") is None
    assert checkin.value("energy") is None
    assert checkin.all_answers() == {"distress": 3, "pleasantness": None, "energy": None}


def test_an_explicit_none_stays_none() -> None:
    checkin = before(distress=None, energy=0)
    assert checkin.value("distress") is None
    assert checkin.value("energy") == 0  # zero is an answer, not "missing"


def test_items_after_a_session_include_helpfulness_and_stirred_up() -> None:
    keys = [item.key for item in items_for(Phase.AFTER)]
    assert keys == ["distress", "pleasantness", "energy", "helpfulness", "stirred_up"]
    assert [item.key for item in items_for(Phase.BEFORE)] == ["distress", "pleasantness", "energy"]


# -- comparing before and after ---------------------------------------------------------------


def test_compare_gives_the_change_of_every_compared_item() -> None:
    changes = compare(
        before(distress=7, pleasantness=3, energy=5),
        after(distress=4, pleasantness=6, energy=5, helpfulness=3),
    )
    assert changes == (
        ItemChange("distress", 7, 4),
        ItemChange("pleasantness", 3, 6),
        ItemChange("energy", 5, 5),
    )
    assert [change.difference for change in changes] == [-3, 3, 0]


def test_compare_without_an_after_checkin() -> None:
    changes = compare(before(distress=6), None)
    assert changes[0] == ItemChange("distress", 6, None)
    assert all(change.difference is None for change in changes)


def test_compare_without_a_before_checkin() -> None:
    changes = compare(None, after(distress=2))
    assert changes[0] == ItemChange("distress", None, 2)
    assert all(change.difference is None for change in changes)


def test_compare_with_neither_side() -> None:
    changes = compare(None, None)
    assert [change.key for change in changes] == ["distress", "pleasantness", "energy"]
    assert all(c.before is None and c.after is None and c.difference is None for c in changes)


def test_compare_with_an_item_skipped_on_one_side() -> None:
    changes = compare(before(distress=5, energy=4), after(distress=5))
    energy = next(change for change in changes if change.key == "energy")
    assert energy.before == 4
    assert energy.after is None
    assert energy.difference is None


def test_compare_with_skipped_checkins() -> None:
    changes = compare(CheckIn.skipped_in(Phase.BEFORE), after(distress=9))
    assert changes[0].difference is None


# -- safety thresholds ------------------------------------------------------------------------


def test_distress_of_seven_before_does_not_suggest_support_first() -> None:
    assert HIGH_DISTRESS_BEFORE == 8
    assert not suggests_support_first(before(distress=7))


@pytest.mark.parametrize("distress", [8, 9, 10])
def test_distress_of_eight_or_more_suggests_support_first(distress: int) -> None:
    assert suggests_support_first(before(distress=distress))


def test_unanswered_distress_does_not_suggest_support_first() -> None:
    assert not suggests_support_first(before(pleasantness=0, energy=10))
    assert not suggests_support_first(CheckIn.skipped_in(Phase.BEFORE))


def test_distress_up_by_one_is_not_flagged() -> None:
    assert DISTRESS_RISE_TO_FLAG == 2
    assert not distress_rose(compare(before(distress=4), after(distress=5)))


@pytest.mark.parametrize(("start", "end"), [(4, 6), (0, 10), (8, 10)])
def test_distress_up_by_two_or_more_is_flagged(start: int, end: int) -> None:
    assert distress_rose(compare(before(distress=start), after(distress=end)))


def test_distress_that_fell_is_not_flagged() -> None:
    assert not distress_rose(compare(before(distress=9), after(distress=2)))


def test_a_rise_in_another_item_is_not_a_distress_rise() -> None:
    changes = compare(before(distress=3, energy=1), after(distress=3, energy=9))
    assert not distress_rose(changes)


def test_distress_rise_with_a_missing_side_is_not_flagged() -> None:
    assert not distress_rose(compare(before(distress=1), None))
    assert not distress_rose(compare(None, after(distress=10)))
    assert not distress_rose(compare(before(distress=1), after(energy=3)))
    assert not distress_rose(compare(before(energy=3), after(distress=10)))
