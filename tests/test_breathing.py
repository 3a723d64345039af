"""The breath pattern, where a moment falls in a breath, and the clock that paces it."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcalm.breathing import (
    EXHALE_RATIOS,
    BreathClock,
    BreathPattern,
    breath_at,
    nearest_rate,
    nearest_ratio,
    next_ratio,
)


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


rates = st.sampled_from([4.0 + 0.5 * step for step in range(7)])
ratios = st.sampled_from(EXHALE_RATIOS)
patterns = st.builds(BreathPattern, rates, ratios)


# -- the pattern -----------------------------------------------------------------------------


def test_six_breaths_a_minute_one_to_one_and_a_half_is_four_seconds_in_six_out():
    pattern = BreathPattern(6.0, 1.5)
    assert pattern.cycle_seconds == pytest.approx(10.0)
    assert pattern.inhale_seconds == pytest.approx(4.0)
    assert pattern.exhale_seconds == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("rate", "ratio", "inhale", "exhale"),
    [(4.0, 1.0, 7.5, 7.5), (5.0, 2.0, 4.0, 8.0), (7.0, 1.0, 60 / 14, 60 / 14)],
)
def test_other_patterns_split_the_breath_by_the_ratio(rate, ratio, inhale, exhale):
    pattern = BreathPattern(rate, ratio)
    assert pattern.inhale_seconds == pytest.approx(inhale)
    assert pattern.exhale_seconds == pytest.approx(exhale)
    assert pattern.inhale_seconds + pattern.exhale_seconds == pytest.approx(60 / rate)


def test_the_default_pattern_is_six_a_minute_with_a_longer_out_breath():
    assert BreathPattern() == BreathPattern(6.0, 1.5)


@pytest.mark.parametrize(
    ("given_rate", "kept"),
    [(1.0, 4.0), (-6.0, 4.0), (0.0, 4.0), (30.0, 7.0), (5.3, 5.5), (6.7, 6.5), (5, 5.0)],
)
def test_rates_out_of_range_or_between_steps_become_the_nearest_offered(given_rate, kept):
    assert BreathPattern(given_rate, 1.5).breaths_per_minute == kept


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, True, "6", None])
def test_a_rate_that_is_no_number_gives_the_default(bad):
    assert BreathPattern(bad, 1.5).breaths_per_minute == 6.0
    assert BreathPattern(6.0, bad).exhale_ratio == 1.5


@pytest.mark.parametrize(("given_ratio", "kept"), [(0.0, 1.0), (1.2, 1.0), (1.4, 1.5), (9.0, 2.0)])
def test_ratios_become_the_nearest_offered(given_ratio, kept):
    assert BreathPattern(6.0, given_ratio).exhale_ratio == kept


def test_the_ratio_cycles_through_the_offered_ones():
    assert [next_ratio(r) for r in EXHALE_RATIOS] == [1.5, 2.0, 1.0]
    assert next_ratio(math.nan) == 2.0  # the default's next


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_number_becomes_an_offered_rate_and_ratio(value):
    assert nearest_rate(value) in {4.0 + 0.5 * step for step in range(7)}
    assert nearest_ratio(value) in EXHALE_RATIOS


# -- a moment in the breath ------------------------------------------------------------------


def test_a_breath_begins_breathed_out_and_turns_at_the_top():
    pattern = BreathPattern(6.0, 1.5)
    start = breath_at(pattern, 0.0)
    assert (start.phase, start.progress, start.size) == ("in", 0.0, 0.0)
    assert start.seconds_left == pytest.approx(4.0)

    halfway_in = breath_at(pattern, 2.0)
    assert halfway_in.phase == "in"
    assert halfway_in.size == pytest.approx(0.5)
    assert halfway_in.seconds_left == pytest.approx(2.0)

    just_before_top = breath_at(pattern, 3.999)
    assert just_before_top.phase == "in" and just_before_top.size > 0.999
    top = breath_at(pattern, 4.0)
    assert (top.phase, top.progress, top.size) == ("out", 0.0, 1.0)
    assert top.seconds_left == pytest.approx(6.0)

    halfway_out = breath_at(pattern, 7.0)
    assert halfway_out.phase == "out" and halfway_out.size == pytest.approx(0.5)

    just_before_end = breath_at(pattern, 9.999)
    assert just_before_end.phase == "out" and just_before_end.size < 0.001
    again = breath_at(pattern, 10.0)
    assert again.phase == "in" and again.size == pytest.approx(0.0)


def test_the_size_eases_gently_at_the_turns_and_moves_fastest_midway():
    pattern = BreathPattern(6.0, 1.0)  # 5 s in
    first_step = breath_at(pattern, 0.5).size - breath_at(pattern, 0.0).size
    middle_step = breath_at(pattern, 2.75).size - breath_at(pattern, 2.25).size
    assert 0 < first_step < middle_step / 5


def test_breaths_repeat_and_odd_times_do_not_break_the_arithmetic():
    pattern = BreathPattern(5.0, 2.0)
    later, first = breath_at(pattern, 3.3 + 12 * 100), breath_at(pattern, 3.3)
    assert later.phase == first.phase and later.size == pytest.approx(first.size)
    assert breath_at(pattern, -1.0).phase == "out"  # one second before a breath began
    assert breath_at(pattern, math.nan) == breath_at(pattern, 0.0)
    assert breath_at(pattern, math.inf) == breath_at(pattern, 0.0)


@given(patterns, st.floats(min_value=0, max_value=1e6))
def test_every_moment_is_within_its_bounds(pattern, seconds):
    moment = breath_at(pattern, seconds)
    assert moment.phase in ("in", "out")
    assert 0.0 <= moment.progress <= 1.0
    assert 0.0 <= moment.size <= 1.0
    assert 0.0 <= moment.seconds_left <= max(pattern.inhale_seconds, pattern.exhale_seconds)


@given(patterns, st.floats(min_value=0, max_value=100))
def test_the_size_never_jumps_between_frames(pattern, seconds):
    frame = 1 / 30
    change = abs(breath_at(pattern, seconds + frame).size - breath_at(pattern, seconds).size)
    # The steepest a half-cosine gets is pi/2 per phase length; the shortest phase is ~2.9 s.
    assert change <= math.pi / 2 * frame / pattern.inhale_seconds + 1e-9


# -- the clock -------------------------------------------------------------------------------


def test_the_clock_follows_time_from_the_start_of_an_in_breath():
    clock = FakeClock()
    breath = BreathClock(BreathPattern(6.0, 1.5), clock)
    assert breath.moment().phase == "in" and breath.moment().size == 0.0
    clock.now += 5.0
    assert breath.moment().phase == "out"
    assert breath.moment().seconds_left == pytest.approx(5.0)


def test_pausing_holds_the_breath_still_and_resuming_carries_on_from_there():
    clock = FakeClock()
    breath = BreathClock(BreathPattern(6.0, 1.5), clock)
    clock.now += 1.5
    breath.pause()
    held = breath.moment()
    clock.now += 60.0
    assert breath.is_paused()
    assert breath.moment() == held
    breath.pause()  # pausing twice changes nothing
    breath.resume()
    assert not breath.is_paused()
    assert breath.moment() == held
    clock.now += 0.5
    assert breath.moment() == breath_at(breath.pattern, 2.0)
    breath.resume()  # resuming while running changes nothing
    assert breath.moment() == breath_at(breath.pattern, 2.0)


@pytest.mark.parametrize("seconds_in", [0.7, 3.9, 4.0, 6.2, 9.95])
@pytest.mark.parametrize("new_rate", [4.0, 7.0])
def test_changing_the_rate_mid_breath_keeps_the_size_and_the_phase(seconds_in, new_rate):
    clock = FakeClock()
    breath = BreathClock(BreathPattern(6.0, 1.5), clock)
    clock.now += seconds_in
    before = breath.moment()
    breath.set_pattern(BreathPattern(new_rate, 1.5))
    after = breath.moment()
    assert after.phase == before.phase
    assert after.size == pytest.approx(before.size, abs=1e-9)
    assert after.progress == pytest.approx(before.progress, abs=1e-9)
    # ...and the breath goes on at the new pace from there.
    clock.now += 1 / 30
    assert abs(breath.moment().size - after.size) < 0.05


@given(patterns, patterns, st.floats(min_value=0, max_value=1000))
def test_no_change_of_pattern_ever_makes_the_shape_jump(old, new, seconds):
    clock = FakeClock()
    breath = BreathClock(old, clock)
    clock.now += seconds
    before = breath.moment()
    breath.set_pattern(new)
    assert breath.pattern == new
    after = breath.moment()
    # Exactly at a turn, the end of one phase and the start of the next are the same shape;
    # rounding may name either side of it, before or after the change.
    ends = {before.progress, after.progress}
    at_the_turn = any(p == pytest.approx(1.0) for p in ends) and any(
        p == pytest.approx(0.0) for p in ends
    )
    assert after.phase == before.phase or at_the_turn, "the end of a phase is the next's start"
    assert after.size == pytest.approx(before.size, abs=1e-9)


def test_a_pattern_changed_while_paused_stays_still_until_resumed():
    clock = FakeClock()
    breath = BreathClock(BreathPattern(6.0, 1.0), clock)
    clock.now += 2.0
    breath.pause()
    held = breath.moment()
    breath.set_pattern(BreathPattern(4.0, 2.0))
    clock.now += 30.0
    assert breath.moment().size == pytest.approx(held.size)
    assert breath.moment().phase == held.phase
    breath.resume()
    clock.now += 0.1
    assert breath.moment().size > held.size  # still breathing in, now slower


def test_restarting_begins_a_fresh_in_breath_and_keeps_a_pause():
    clock = FakeClock()
    breath = BreathClock(BreathPattern(), clock)
    clock.now += 7.0
    breath.pause()
    breath.restart()
    assert breath.is_paused()
    assert breath.moment() == breath_at(breath.pattern, 0.0)
    clock.now += 3.0
    assert breath.moment() == breath_at(breath.pattern, 0.0)
    breath.resume()
    clock.now += 1.0
    assert breath.moment() == breath_at(breath.pattern, 1.0)


def test_a_change_of_pace_at_the_very_turn_of_a_breath_keeps_the_shape_still():
    """Found by hypothesis: 232 s into 4.5 breaths a minute is the last instant of an in-breath."""
    clock = FakeClock()
    breath = BreathClock(BreathPattern(4.5, 1.5), clock)
    clock.now += 232.0
    before = breath.moment()
    breath.set_pattern(BreathPattern(4.0, 1.0))
    after = breath.moment()
    assert after.size == pytest.approx(before.size, abs=1e-9) == 1.0
    clock.now += 1 / 30
    assert breath.moment().phase == "out", "the out-breath follows, at the new pace"
