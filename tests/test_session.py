"""A listening session: in the journal from its first moment, summarised at its end."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtcalm.assets import bundled_scripts_dir
from mtcalm.checkin import CheckIn, ItemChange, Phase
from mtcalm.journal.store import EventKind, Journal, Outcome
from mtcalm.playlists import Playlist, load_playlist
from mtcalm.scripts import load_script
from mtcalm.session.record import PROGRESS_SAVE_SECONDS, ListeningSession, SessionSummary
from tests.conftest import PlaylistMaker, ToneMaker

BEFORE = CheckIn(Phase.BEFORE, {"distress": 6, "pleasantness": 4, "energy": 5}, note="tense")


@pytest.fixture
def journal(data_dir: Path) -> Iterator[Journal]:
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as opened:
        yield opened


@pytest.fixture
def playlist(make_tone: ToneMaker, make_playlist: PlaylistMaker) -> Playlist:
    tracks = [make_tone("one.wav", seconds=1.0), make_tone("two.wav", seconds=0.5)]
    return load_playlist(make_playlist(tracks, title="Evening calm", name="evening.toml"))


def saved_listened_seconds(journal: Journal, session_id: int) -> float:
    """What a fresh reader of the file sees, not what this connection believes."""
    connection = sqlite3.connect(journal.path)
    try:
        row = connection.execute(
            "SELECT listened_seconds FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
    finally:
        connection.close()
    return float(row[0])


def test_begin_writes_the_session_at_once(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)

    record = journal.session(session.session_id)
    assert record.content_ref == "playlist:evening"
    assert record.content_title == "Evening calm"
    assert record.planned_seconds == pytest.approx(1.5, abs=0.01)
    assert record.outcome is Outcome.IN_PROGRESS
    assert record.before is not None
    assert record.before.all_answers() == BEFORE.all_answers()
    assert record.before.note == "tense"
    assert session.outcome is Outcome.IN_PROGRESS


def test_a_playlist_without_playable_audio_plans_no_length(
    journal: Journal, make_playlist: PlaylistMaker
) -> None:
    silent = load_playlist(make_playlist(["missing.wav"], name="silent.toml"))
    session = ListeningSession.begin(journal, silent, BEFORE)
    assert journal.session(session.session_id).planned_seconds is None


def test_a_session_without_the_flagged_tracks_plans_only_what_it_plays(
    journal: Journal, playlist: Playlist
) -> None:
    kept = playlist.tracks[1:]
    session = ListeningSession.begin(journal, playlist, BEFORE, tracks=kept)
    assert session.tracks == kept
    assert journal.session(session.session_id).planned_seconds == pytest.approx(0.5, abs=0.01)


def test_a_guided_imagery_session_is_named_and_timed_by_its_script(
    journal: Journal, playlist: Playlist
) -> None:
    script = load_script(bundled_scripts_dir() / "safe-place.toml")
    session = ListeningSession.begin(journal, playlist, BEFORE, script=script)
    record = journal.session(session.session_id)
    assert (record.content_ref, record.content_title) == ("script:safe-place", "A safe place")
    assert record.planned_seconds == 18 * 60
    assert session.script is script


def test_progress_is_saved_at_most_every_few_seconds(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    step = PROGRESS_SAVE_SECONDS

    session.note_progress(step / 4)
    session.note_progress(step / 2)
    assert session.listened_seconds == step / 2
    assert saved_listened_seconds(journal, session.session_id) == 0  # not yet worth a write

    session.note_progress(step)
    assert saved_listened_seconds(journal, session.session_id) == step

    session.note_progress(step * 1.5)
    assert saved_listened_seconds(journal, session.session_id) == step

    session.note_progress(step * 2 + 1)
    assert saved_listened_seconds(journal, session.session_id) == step * 2 + 1


def test_progress_never_goes_backwards(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(PROGRESS_SAVE_SECONDS * 3)
    session.note_progress(1.0)  # e.g. a track restarted
    assert session.listened_seconds == PROGRESS_SAVE_SECONDS * 3
    assert saved_listened_seconds(journal, session.session_id) == PROGRESS_SAVE_SECONDS * 3


def test_finish_listening_completed(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(1.0)
    session.finish_listening(True, 1.5)
    record = journal.session(session.session_id)
    assert record.outcome is Outcome.COMPLETED
    assert record.listened_seconds == 1.5
    assert record.ended_at is not None
    assert session.outcome is Outcome.COMPLETED


def test_finish_listening_ended_early(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(PROGRESS_SAVE_SECONDS + 2)
    session.finish_listening(False, 3.0)  # a smaller figure never erases time listened
    record = journal.session(session.session_id)
    assert record.outcome is Outcome.ENDED_EARLY
    assert record.listened_seconds == PROGRESS_SAVE_SECONDS + 2


def test_events_are_recorded_with_the_session(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_event(EventKind.TRACK_FAILED, "two.wav")
    session.note_event(EventKind.GROUNDING)
    events = journal.events(session.session_id)
    assert [(event.kind, event.detail) for event in events] == [
        ("track_failed", "two.wav"),
        ("grounding", ""),
    ]


def test_check_out_returns_the_changes(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.finish_listening(True, 1.5)
    after = CheckIn(Phase.AFTER, {"distress": 3, "pleasantness": 7, "helpfulness": 4})

    summary = session.check_out(after)

    assert summary == SessionSummary(
        changes=(
            ItemChange("distress", 6, 3),
            ItemChange("pleasantness", 4, 7),
            ItemChange("energy", 5, None),
        ),
        outcome=Outcome.COMPLETED,
        listened_seconds=1.5,
        distress_rose=False,
        after=after,
    )
    assert not summary.stirred_up
    record = journal.session(session.session_id)
    assert record.after is not None
    assert record.after.value("helpfulness") == 4
    assert record.after.value("energy") is None
    assert record.changes == summary.changes


def test_check_out_flags_a_rise_in_distress(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.finish_listening(True, 1.5)
    summary = session.check_out(CheckIn(Phase.AFTER, {"distress": 8}))
    assert summary.distress_rose
    assert summary.changes[0].difference == 2
    assert journal.session(session.session_id).distress_rose


def test_check_out_after_a_rise_of_one_is_not_flagged(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    summary = session.check_out(CheckIn(Phase.AFTER, {"distress": 7}))
    assert not summary.distress_rose


def test_check_out_without_finishing_records_ended_early(
    journal: Journal, playlist: Playlist
) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(4.0)  # below the save interval: only known in memory

    summary = session.check_out(CheckIn.skipped_in(Phase.AFTER))

    assert summary.outcome is Outcome.ENDED_EARLY
    assert summary.listened_seconds == 4.0
    assert not summary.distress_rose  # nothing to compare with a skipped check-in
    record = journal.session(session.session_id)
    assert record.outcome is Outcome.ENDED_EARLY
    assert record.listened_seconds == 4.0
    assert record.ended_at is not None
    assert record.after is not None and record.after.skipped


def test_a_session_left_open_stays_in_progress(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(PROGRESS_SAVE_SECONDS)
    journal.close()
    with Journal.open(journal.path) as reopened:
        record = reopened.session(session.session_id)
    assert record.outcome is Outcome.IN_PROGRESS
    assert record.listened_seconds == PROGRESS_SAVE_SECONDS


def test_how_long_each_track_was_heard_is_kept(journal: Journal, playlist: Playlist) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_progress(0.0, -1)  # before the first track: nothing to anyone
    session.note_progress(4.0, 0)
    session.note_progress(4.0, 0)  # paused: the time does not grow
    session.note_progress(7.5, 1)  # on to the second track
    assert journal.tracks_heard(session.session_id) == []  # not saved yet: under ten seconds
    session.note_progress(PROGRESS_SAVE_SECONDS + 1, 1)
    heard = journal.tracks_heard(session.session_id)
    assert [title for title, _ in heard] == ["Track 1", "Track 2"]
    assert heard[0][1] == pytest.approx(4.0)
    assert heard[1][1] == pytest.approx(PROGRESS_SAVE_SECONDS + 1 - 4.0)
    session.note_progress(PROGRESS_SAVE_SECONDS + 3, 0)  # back to the first (a replay)
    session.finish_listening(completed=False, listened_seconds=PROGRESS_SAVE_SECONDS + 3)
    heard = journal.tracks_heard(session.session_id)
    assert heard[0][1] == pytest.approx(6.0)  # saved when the music stopped
    keys = [
        row[0]
        for row in sqlite3.connect(journal.path).execute(
            "SELECT track_key FROM session_tracks ORDER BY position"
        )
    ]
    assert all(key.endswith(".wav") for key in keys)


def test_the_background_sound_is_kept_with_the_session(
    journal: Journal, playlist: Playlist
) -> None:
    session = ListeningSession.begin(journal, playlist, BEFORE)
    session.note_ambience("rain")
    session.note_ambience("")  # turned off: the last choice is what is kept
    assert journal.session(session.session_id).ambience == ""
    session.note_ambience("stream")
    assert journal.session(session.session_id).ambience == "stream"
