"""The guided session's clock: its arithmetic, and cues in time with a real (silent) player.

The player tests play a few seconds of real audio through the silent backend, which keeps
real time; waits end as soon as what they wait for happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mtcalm.audio.events import EndReason, PlaybackEnded, PlayerEvent, PlayerState, PlayerStatus
from mtcalm.audio.null_backend import NullOutput
from mtcalm.audio.player import Player
from mtcalm.guided import ScriptClock
from mtcalm.scripts import (
    Cue,
    CueMoment,
    Script,
    Section,
    SectionKind,
    cue_at,
    next_cue_start,
    previous_cue_start,
)

ToneMaker = Callable[..., Path]

# What the engine may lag or lead the wall clock by: a tick of its control thread (40 ms) and
# a block (93 ms), with room for a busy machine.
LATENCY = 0.3
PATIENCE = 10.0


def small_script(duration: float = 6.0, spacing: float = 1.0) -> Script:
    """Three sections of duration/3 seconds, a cue every ``spacing`` seconds; the fourth cue is
    held short, so a silence follows it."""
    third = duration / 3
    kinds = list(SectionKind)
    sections = tuple(Section(kind, i * third, (i + 1) * third) for i, kind in enumerate(kinds))
    cues = []
    for number in range(round(duration / spacing)):
        at = number * spacing
        section = next(s for s in sections if s.start <= at < s.end)
        until = at + (0.6 if number == 3 else 1.0) * spacing
        cues.append(Cue(at, until, f"cue {number}", section.kind))
    return Script(
        id="small",
        source=Path("small.toml"),
        title="Small",
        summary="A test script.",
        playlist="test",
        not_for="Nobody.",
        reflection="What did you notice?",
        sections=sections,
        cues=tuple(cues),
    )


def cue_index(script: Script, seconds: float) -> int | None:
    moment = cue_at(script, seconds)
    return moment.index if moment else None


def near_a_change(script: Script, seconds: float, margin: float = LATENCY) -> bool:
    """Within ``margin`` of a cue starting or ending, where the engine's latency may show either."""
    edges = [cue.at for cue in script.cues] + [cue.until for cue in script.cues]
    return any(abs(seconds - edge) < margin for edge in edges)


# -- the clock's arithmetic -----------------------------------------------------------------


def test_the_clock_is_the_music_heard_until_it_is_moved() -> None:
    clock = ScriptClock(small_script())
    assert clock.at(0.0) == 0.0
    assert clock.at(2.5) == 2.5
    assert clock.remaining(2.5) == 3.5
    assert clock.section_at(0.0) is SectionKind.SETTLE
    assert clock.section_at(2.5) is SectionKind.IMAGERY
    assert clock.section_at(5.9) is SectionKind.RETURN


def test_a_seek_shifts_the_clock_and_it_stays_within_the_script() -> None:
    clock = ScriptClock(small_script())
    clock.shift_by(2.0)
    assert clock.at(1.0) == 3.0
    assert clock.remaining(1.0) == 3.0
    assert clock.at(10.0) == 6.0, "never past the end"
    assert clock.remaining(10.0) == 0.0
    assert clock.section_at(10.0) is SectionKind.RETURN, "the end is still the return"
    clock.shift_by(-5.0)
    assert clock.at(1.0) == 0.0, "never before the start"


def test_a_jump_says_how_far_the_clock_moved_and_lands_exactly() -> None:
    clock = ScriptClock(small_script())
    assert clock.jump(1.5, 4.0) == 2.5
    assert clock.at(1.5) == 4.0
    assert clock.at(2.0) == 4.5, "the clock runs on from there"
    assert clock.jump(2.0, 1.0) == -3.5
    assert clock.at(2.0) == 1.0
    # Targets outside the script are clamped, and the reported move matches.
    assert clock.jump(2.0, 99.0) == 5.0
    assert clock.at(2.0) == 6.0
    assert clock.jump(2.0, -3.0) == -6.0
    assert clock.at(2.0) == 0.0


def test_a_jump_from_past_the_end_counts_from_the_end() -> None:
    clock = ScriptClock(small_script())
    assert clock.at(7.0) == 6.0
    assert clock.jump(7.0, 5.0) == -1.0, "the timer lengthens by what the clock moved back"
    assert clock.at(7.0) == 5.0


# -- against the real player ----------------------------------------------------------------


@pytest.fixture
def player() -> Iterator[Player]:
    made = Player(NullOutput(), volume=0.5)
    yield made
    made.close()


def wait_for(player: Player, holds: Callable[[PlayerStatus], bool], what: str) -> PlayerStatus:
    deadline = time.monotonic() + PATIENCE
    while True:
        status = player.status()
        if holds(status):
            return status
        if time.monotonic() > deadline:
            pytest.fail(f"waited {PATIENCE:.0f} s for {what}; status {status}")
        time.sleep(0.01)


def wait_until_still(player: Player, hold: float = 0.3) -> None:
    """Wait until the music heard has not grown for ``hold`` seconds."""
    last, since = -1.0, time.monotonic()

    def still(status: PlayerStatus) -> bool:
        nonlocal last, since
        if status.listened != last:
            last, since = status.listened, time.monotonic()
        return time.monotonic() - since >= hold

    wait_for(player, still, "the music to stand still")


def start(player: Player, make_tone: ToneMaker, seconds: float, timer: float | None) -> float:
    """Play one tone of ``seconds``; returns the wall-clock moment its first sound was heard."""
    tone = make_tone("music.wav", seconds=seconds)
    player.play([tone], fade_in=0.1, fade_out=0.3, timer=timer)
    status = wait_for(player, lambda s: s.listened > 0, "the first sound")
    return time.monotonic() - status.listened


def test_the_cue_shown_at_each_poll_matches_the_time_heard(
    player: Player, make_tone: ToneMaker
) -> None:
    script = small_script()
    clock = ScriptClock(script)
    start(player, make_tone, 8.0, timer=script.duration)
    seen: list[int | None] = []
    # Polled as the music plays, against the time the player says was heard (never the
    # wall clock, which a busy machine stretches); the poll count only catches a hang.
    for _ in range(int(PATIENCE / 0.04) * 4):
        listened = player.status().listened
        if listened >= 4.5:
            break
        shown = cue_at(script, clock.at(listened))
        if not near_a_change(script, listened):
            assert (shown.index if shown else None) == cue_index(script, listened), listened
        if not seen or seen[-1] != (shown.index if shown else None):
            seen.append(shown.index if shown else None)
        time.sleep(0.04)
    else:
        pytest.fail("the music did not reach 4.5 s")
    # Every cue in turn, with the silence after the fourth, and nothing skipped.
    assert seen == [0, 1, 2, 3, None, 4]


def test_while_paused_the_cue_and_its_opacity_stand_still(
    player: Player, make_tone: ToneMaker
) -> None:
    script = small_script(duration=12.0, spacing=3.0)  # cues fade in over a second
    clock = ScriptClock(script)
    start(player, make_tone, 8.0, timer=script.duration)
    wait_for(player, lambda s: s.listened > 0.1, "the first cue to begin fading in")
    player.pause()
    wait_for(player, lambda s: s.state is PlayerState.PAUSED, "the pause")
    wait_until_still(player)  # the pause's 0.4 s fade is heard first

    def moment() -> CueMoment | None:
        return cue_at(script, clock.at(player.status().listened))

    paused = moment()
    assert paused is not None and paused.index == 0
    assert 0 < paused.opacity < 1, "caught mid-fade, so a change would show"
    for _ in range(10):
        time.sleep(0.05)
        assert moment() == paused

    player.resume()
    wait_for(player, lambda s: cue_at(script, clock.at(s.listened)) != paused, "the cue to move")


def test_a_seek_forward_moves_the_cue_by_as_much(player: Player, make_tone: ToneMaker) -> None:
    script = small_script()
    clock = ScriptClock(script)
    start(player, make_tone, 8.0, timer=script.duration)
    before = wait_for(player, lambda s: s.listened > 0.5, "half a second of music")
    assert cue_index(script, clock.at(before.listened)) == 0

    delta = 2.0
    moved = clock.jump(before.listened, clock.at(before.listened) + delta)
    assert moved == pytest.approx(delta)
    player.change_timer(-moved)
    player.seek(before.position + delta)
    after = wait_for(player, lambda s: s.position >= before.position + delta, "the seek")
    assert cue_index(script, clock.at(after.listened)) == 2, "two cues on"
    # One track from 0:00, so the music's place and the script's clock stay together.
    for _ in range(10):
        status = player.status()
        assert abs(status.position - clock.at(status.listened)) < LATENCY
        assert status.timer_left is not None
        assert abs(status.timer_left - clock.remaining(status.listened)) < LATENCY
        time.sleep(0.05)


def test_after_a_jump_the_music_ends_with_the_script(player: Player, make_tone: ToneMaker) -> None:
    script = small_script()
    clock = ScriptClock(script)
    events: list[PlayerEvent] = []
    start(player, make_tone, 8.0, timer=script.duration)
    status = wait_for(player, lambda s: s.listened > 0.5, "half a second of music")

    target = next_cue_start(script, clock.at(status.listened))
    assert target == 1.0
    target = next_cue_start(script, 3.0)  # as if the person pressed Right three times
    assert target == 4.0
    moved = clock.jump(status.listened, target)
    player.change_timer(-moved)
    player.seek(min(8.0, status.position + moved))
    wait_for(
        player,
        lambda s: (
            s.timer_left is not None and abs(s.timer_left - clock.remaining(s.listened)) < 0.3
        ),
        "the timer to follow the jump",
    )
    assert clock.section_at(status.listened) is SectionKind.RETURN

    deadline = time.monotonic() + PATIENCE
    while PlaybackEnded(EndReason.TIMER) not in events:
        events.extend(player.poll_events())
        assert time.monotonic() < deadline, f"the end never came: {player.status()}"
        time.sleep(0.01)
    ended = player.status()
    assert abs(ended.listened + moved - script.duration) < LATENCY, "it ended with the script"
    assert ended.listened < script.duration - 1.0, "not the full length: the jump was kept"


def test_back_goes_to_this_cue_or_the_one_before_and_the_clock_follows() -> None:
    script = small_script(duration=30.0, spacing=5.0)
    clock = ScriptClock(script)
    listened = 14.0  # well into the third cue (10–15)
    back = previous_cue_start(script, clock.at(listened))
    assert back == 10.0
    assert clock.jump(listened, back) == -4.0
    again = previous_cue_start(script, clock.at(listened))
    assert again == 5.0, "pressed again at a cue's start: the one before"
    assert clock.jump(listened, again) == -5.0
    assert cue_index(script, clock.at(listened)) == 1
    assert cue_index(script, clock.at(listened + 5.0)) == 2, "and runs on from there"
