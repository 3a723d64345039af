"""The flow of a session without any window: every path, and a journal failing mid-way."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from mtcalm.assets import bundled_scripts_dir
from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import Drawing
from mtcalm.journal.file import JournalError, JournalWriteFailed
from mtcalm.journal.store import Journal, Outcome
from mtcalm.playlists import Playlist, load_playlist
from mtcalm.scripts import Script, load_script
from mtcalm.session.flow import FlowView, SessionFlow, SessionPlan, Step
from mtcalm.session.record import ListeningSession
from mtcalm.track_flags import TriggerFlags
from tests.conftest import DiskMaker, PlaylistMaker, ToneMaker, fill_disk

CALM_BEFORE = CheckIn(Phase.BEFORE, {"distress": 4, "pleasantness": 5, "energy": 5})
HIGH_BEFORE = CheckIn(Phase.BEFORE, {"distress": 9})
AFTER = CheckIn(Phase.AFTER, {"distress": 2, "helpfulness": 3, "stirred_up": 0})
STIRRED_AFTER = CheckIn(Phase.AFTER, {"distress": 3, "stirred_up": 1})


class FakePlayer:
    """Remembers what it was asked; the test says when the music ends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.state = PlayerState.STOPPED
        self.listened = 0.0

    def play(self, tracks: Sequence[Path], **options: Any) -> None:
        self.calls.append(("play", (list(tracks), options)))
        self.state = PlayerState.PLAYING

    def pause(self) -> None:
        self.calls.append(("pause", None))
        self.state = PlayerState.PAUSED

    def resume(self) -> None:
        self.calls.append(("resume", None))
        self.state = PlayerState.PLAYING

    def end(self, fade_out: float = 4.0) -> None:
        self.calls.append(("end", fade_out))
        self.state = PlayerState.FADING

    def skip(self) -> None:
        self.calls.append(("skip", None))

    def status(self) -> PlayerStatus:
        return PlayerStatus(self.state, 0, 0.0, 1.0, self.listened, 0.8)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


class RecordingView:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.problems: list[JournalError] = []
        self.started: list[ListeningSession] = []

    def step_changed(self, step: Step) -> None:
        self.steps.append(step)

    def music_starting(self, session: ListeningSession, playlist: Playlist) -> None:
        self.started.append(session)

    def journal_failed(self, error: JournalError) -> None:
        self.problems.append(error)


@pytest.fixture
def journal(data_dir: Path) -> Iterator[Journal]:
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as opened:
        yield opened


@pytest.fixture
def playlist(make_tone: ToneMaker, make_playlist: PlaylistMaker) -> Playlist:
    tracks = [make_tone("one.wav", seconds=1.0), make_tone("two.wav", seconds=0.5)]
    return load_playlist(make_playlist(tracks, title="Evening calm", name="evening.toml"))


@pytest.fixture
def player() -> FakePlayer:
    return FakePlayer()


@pytest.fixture
def view() -> RecordingView:
    return RecordingView()


def make_flow(journal: Journal | None, player: FakePlayer, view: FlowView) -> SessionFlow:
    flags = TriggerFlags(journal, Path("/nonexistent-assets")) if journal else None
    return SessionFlow(lambda: journal, lambda: player, view, lambda: flags)


def at(flow: SessionFlow) -> Step:
    """The flow's step, read afresh (each action may change it)."""
    return flow.step


def sessions_in_file(path: Path) -> list[tuple[str, Any]]:
    """What a fresh reader of the journal file sees: each session's outcome and time heard."""
    connection = sqlite3.connect(path)
    try:
        return [
            (row[0], row[1])
            for row in connection.execute(
                "SELECT outcome, listened_seconds FROM sessions ORDER BY id"
            )
        ]
    finally:
        connection.close()


def bundled_script() -> Script:
    return load_script(sorted(bundled_scripts_dir().glob("*.toml"))[0])


def plan(
    playlist: Playlist, script: Script | None = None, timer: float | None = None
) -> SessionPlan:
    return SessionPlan(playlist, playlist.tracks, script, timer)


def test_the_whole_way_through_keeps_everything(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist, timer=600))
    assert at(flow) is Step.CHECKIN_BEFORE and journal.sessions() == []
    assert flow.check_in(CALM_BEFORE)
    assert at(flow) is Step.LISTENING
    tracks, options = player.calls[-1][1]
    assert tracks == [track.path for track in playlist.tracks]
    assert options["timer"] == 600
    flow.track_started(0)
    flow.track_started(1)
    player.listened = 1.4
    flow.music_ended(completed=True)
    assert at(flow) is Step.CHECKIN_AFTER
    assert flow.check_out(AFTER)
    assert at(flow) is Step.SUMMARY
    assert flow.summary is not None and flow.summary.outcome is Outcome.COMPLETED
    flow.finish()
    assert view.steps == [
        Step.CHECKIN_BEFORE,
        Step.LISTENING,
        Step.CHECKIN_AFTER,
        Step.SUMMARY,
        Step.IDLE,
    ]
    assert sessions_in_file(journal.path) == [("completed", pytest.approx(1.4))]
    record = journal.sessions()[0]
    assert record.after is not None and record.after.value("helpfulness") == 3


def test_cancel_before_listening_keeps_nothing(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.cancel()
    assert at(flow) is Step.IDLE
    assert journal.sessions() == [] and player.calls == []
    flow.begin(plan(playlist))  # and a new one can begin at once
    assert at(flow) is Step.CHECKIN_BEFORE


def test_ending_from_the_first_check_in_is_a_cancel(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.end()
    assert at(flow) is Step.IDLE and journal.sessions() == []


def test_a_second_session_cannot_begin_over_the_first(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    with pytest.raises(RuntimeError):
        flow.begin(plan(playlist))


def test_high_distress_offers_support_then_grounding_starts_the_music(
    journal, playlist, player, view
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(HIGH_BEFORE)
    assert at(flow) is Step.SUPPORT_BEFORE and player.calls == []
    flow.ground()
    assert at(flow) is Step.GROUNDING and flow.grounding_starts_music
    flow.go_back()
    assert at(flow) is Step.LISTENING and player.names() == ["play"]
    player.listened = 30.0
    flow.music_ended(completed=True)
    # A high-distress start: grounding and support come before any questions.
    assert at(flow) is Step.SUPPORT_AFTER
    flow.carry_on()
    assert at(flow) is Step.CHECKIN_AFTER


def test_high_distress_and_straight_on_to_the_music(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(HIGH_BEFORE)
    flow.carry_on()
    assert at(flow) is Step.LISTENING and player.names() == ["play"]


def test_ending_from_grounding_fades_then_offers_support(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    player.listened = 95.0
    flow.ground()
    assert at(flow) is Step.GROUNDING and player.names() == ["play", "pause"]
    flow.end()
    assert at(flow) is Step.ENDING and player.names()[-1] == "end"
    flow.music_ended(completed=False)
    assert at(flow) is Step.SUPPORT_AFTER
    flow.end()  # and not answering anything is fine
    assert at(flow) is Step.SUMMARY
    assert sessions_in_file(journal.path) == [("ended_early", pytest.approx(95.0))]
    record = journal.sessions()[0]
    assert record.after is not None and record.after.skipped
    assert [event.kind for event in journal.events(record.id)] == ["grounding"]


def test_grounding_pauses_and_going_back_resumes(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.ground()
    flow.go_back()
    assert at(flow) is Step.LISTENING
    assert player.names() == ["play", "pause", "resume"]


def test_grounding_over_paused_music_leaves_it_paused(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    player.pause()
    flow.ground()
    flow.go_back()
    assert player.names() == ["play", "pause"]  # no resume the person did not ask for


def test_music_ending_during_grounding_goes_on_after_it(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.ground()
    flow.music_ended(completed=True)
    assert at(flow) is Step.GROUNDING  # never pulled away mid-exercise
    flow.go_back()
    assert at(flow) is Step.CHECKIN_AFTER
    assert "resume" not in player.names()


def test_breathing_over_the_music_and_the_music_ending(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.breathe()
    assert at(flow) is Step.BREATHING and "pause" not in player.names()
    flow.go_back()
    assert at(flow) is Step.LISTENING
    flow.breathe()
    flow.music_ended(completed=False)
    assert at(flow) is Step.BREATHING
    flow.go_back()
    assert at(flow) is Step.CHECKIN_AFTER


def test_grounding_outside_a_session_keeps_nothing(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.ground()
    assert at(flow) is Step.GROUNDING
    flow.go_back()
    assert at(flow) is Step.IDLE and journal.sessions() == [] and player.calls == []


def test_grounding_from_the_check_in_goes_back_to_it(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.ground()
    flow.go_back()
    assert at(flow) is Step.CHECKIN_BEFORE and journal.sessions() == []
    flow.ground()
    flow.end()  # nothing was kept: ending is cancelling
    assert at(flow) is Step.IDLE and journal.sessions() == []


def test_a_guided_session_reflects_before_checking_out(journal, playlist, player, view) -> None:
    script = bundled_script()
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist, script=script, timer=60))
    flow.check_in(CALM_BEFORE)
    _, options = player.calls[-1][1]
    assert options["timer"] == script.duration  # the script sets the length, not the setting
    flow.music_ended(completed=True)
    assert at(flow) is Step.REFLECTION
    assert flow.keep_reflection("a meadow in the sun", Drawing())
    assert at(flow) is Step.CHECKIN_AFTER
    flow.check_out(AFTER)
    reflection = journal.reflection(journal.sessions()[0].id)
    assert reflection is not None and reflection.note == "a meadow in the sun"


def test_skipping_the_reflection(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist, script=bundled_script()))
    flow.check_in(CALM_BEFORE)
    flow.end()
    flow.music_ended(completed=False)
    flow.skip_reflection()
    assert at(flow) is Step.CHECKIN_AFTER


def test_ending_the_music_goes_on_only_when_the_fade_is_over(
    journal, playlist, player, view
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.end()
    assert at(flow) is Step.ENDING
    flow.end()  # a second press changes nothing
    assert player.names() == ["play", "end"]
    player.listened = 12.0
    flow.music_ended(completed=False)
    assert at(flow) is Step.CHECKIN_AFTER
    assert sessions_in_file(journal.path) == [("ended_early", pytest.approx(12.0))]


def test_skip_goes_to_the_next_track_only_while_listening(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.skip()
    flow.check_in(CALM_BEFORE)
    flow.skip()
    assert player.names() == ["play", "skip"]


def test_flags_offered_after_a_session_that_stirred_up(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.track_started(0)
    flow.track_started(1)
    flow.track_started(0)  # round again under a timer: still offered once
    assert flow.set_flagged(1, True)
    assert flow.flagged_indexes() == [1]
    flow.music_ended(completed=True)
    flow.check_out(STIRRED_AFTER)
    offers = flow.flag_offers()
    assert [(offer.index, offer.title, offer.flagged) for offer in offers] == [
        (0, playlist.tracks[0].title, False),
        (1, playlist.tracks[1].title, True),
    ]


def test_no_flags_offered_when_not_stirred_up(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.track_started(0)
    flow.music_ended(completed=True)
    flow.check_out(AFTER)
    assert flow.flag_offers() == []


def test_closing_mid_session_keeps_the_time_heard(journal, playlist, player, view) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    player.listened = 42.0
    flow.shut_down()
    assert sessions_in_file(journal.path) == [("ended_early", pytest.approx(42.0))]


# -- a journal that fails mid-way --------------------------------------------------------------


def failing(*_: Any, **__: Any) -> None:
    raise JournalWriteFailed("Your journal could not be written", "The disk is full.")


def test_a_check_in_that_cannot_be_kept_stays_on_screen(
    journal, playlist, player, view, monkeypatch
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    monkeypatch.setattr(journal, "start_session", failing)
    assert not flow.check_in(CALM_BEFORE)
    assert at(flow) is Step.CHECKIN_BEFORE and player.calls == []
    assert [error.short for error in view.problems] == ["Your journal could not be written"]
    monkeypatch.undo()
    assert flow.check_in(CALM_BEFORE)  # trying again works once the journal can be written
    assert at(flow) is Step.LISTENING


def test_finishing_that_fails_is_kept_at_the_check_out(
    journal, playlist, player, view, monkeypatch
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    monkeypatch.setattr(journal, "finish_session", failing)
    player.listened = 61.0
    flow.music_ended(completed=True)
    assert at(flow) is Step.CHECKIN_AFTER and len(view.problems) == 1
    monkeypatch.undo()
    assert flow.check_out(AFTER)
    assert sessions_in_file(journal.path) == [("completed", pytest.approx(61.0))]


def test_a_check_out_that_cannot_be_kept_can_be_tried_again(
    journal, playlist, player, view, monkeypatch
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.music_ended(completed=True)
    monkeypatch.setattr(journal, "record_after", failing)
    assert not flow.check_out(AFTER)
    assert at(flow) is Step.CHECKIN_AFTER and flow.summary is None
    monkeypatch.undo()
    assert flow.check_out(AFTER) and at(flow) is Step.SUMMARY


def test_events_that_cannot_be_kept_never_stop_the_music(
    journal, playlist, player, view, monkeypatch
) -> None:
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    monkeypatch.setattr(journal, "record_event", failing)
    monkeypatch.setattr(journal, "record_progress", failing)
    flow.track_started(0)
    flow.progress(30.0)
    flow.ground()
    assert at(flow) is Step.GROUNDING  # grounding matters more than its record
    flow.go_back()
    assert at(flow) is Step.LISTENING and len(view.problems) == 3


def test_a_full_disk_mid_session(small_disk: DiskMaker, playlist, player, view) -> None:
    """A real disk filling up between the check-in and the check-out."""
    folder = small_disk(2048)
    with Journal.open(folder / "journal.sqlite3") as journal:
        flow = make_flow(journal, player, view)
        flow.begin(plan(playlist))
        assert flow.check_in(CALM_BEFORE)
        filler = fill_disk(folder)
        flow.end()
        flow.music_ended(completed=False)
        assert at(flow) is Step.CHECKIN_AFTER  # the music's end never waits on the disk
        long_note = CheckIn(Phase.AFTER, {"distress": 2}, note="x" * 4900)
        kept = flow.check_out(long_note)
        filler.unlink()
        if kept:
            pytest.skip("the check-out fitted in the journal's free pages")
        assert at(flow) is Step.CHECKIN_AFTER
        assert view.problems and "disk is full" in view.problems[-1].long.lower()
        assert flow.check_out(long_note)  # room again: kept, nothing lost
    assert sessions_in_file(folder / "journal.sqlite3")[0][0] == "ended_early"


def test_grounding_from_breathing_goes_back_to_breathing_then_the_music(
    journal, playlist, player, view
) -> None:
    """Found walking through the real window: this once left the session behind."""
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.breathe()
    flow.ground()
    assert player.names() == ["play", "pause"]
    flow.go_back()
    assert at(flow) is Step.BREATHING and player.names()[-1] == "resume"
    flow.go_back()
    assert at(flow) is Step.LISTENING and flow.music_on
    flow.music_ended(completed=True)
    assert at(flow) is Step.CHECKIN_AFTER


def test_after_the_summary_grounding_only_goes_back(journal, playlist, player, view) -> None:
    """Grounding after the summary has no session to end, and writes nothing twice."""
    flow = make_flow(journal, player, view)
    flow.begin(plan(playlist))
    flow.check_in(CALM_BEFORE)
    flow.music_ended(completed=True)
    flow.check_out(AFTER)
    flow.ground()
    assert not flow.can_end
    flow.end()  # as if "End the session" were pressed: it only goes back
    assert at(flow) is Step.SUMMARY and view.problems == []
    flow.finish()
    flow.ground()
    assert not flow.can_end
    flow.go_back()
    assert at(flow) is Step.IDLE and len(journal.sessions()) == 1
