"""A guided-imagery session through the window, and flagged tracks left out of sessions."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from mtcalm.assets import assets_dir, bundled_scripts_dir
from mtcalm.journal.store import Journal
from mtcalm.playlists import load_playlist
from mtcalm.scripts import load_script
from mtcalm.settings import load_settings
from mtcalm.track_flags import track_key
from mtcalm.ui.main_window import MainWindow
from mtcalm.workspace import Workspace
from tests.ui.helpers import WAIT_MS, click, recording_audio, wait_for_page
from tests.ui.test_reflection_page import draw


@pytest.fixture
def settle(make_tone, make_playlist):
    """A playlist with the id the bundled "A safe place" script pairs with."""
    tracks = [make_tone("one.wav", seconds=3.0), make_tone("two.wav", seconds=3.0, frequency=330)]
    return load_playlist(make_playlist(tracks, title="Settle", name="settle.toml"))


@pytest.fixture
def script():
    return load_script(bundled_scripts_dir() / "safe-place.toml")


def flag(data_dir, tracks):
    data_dir.mkdir(mode=0o700, exist_ok=True)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        for track in tracks:
            journal.flag_track(track_key(track.path, assets_dir()), track.title)


def open_guided_window(qtbot, data_dir, playlists, scripts, open_audio):
    window = MainWindow(Workspace.open(data_dir), playlists, open_audio, scripts=scripts)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_a_guided_session_from_first_use_note_to_a_kept_drawing(qtbot, data_dir, settle, script):
    open_audio, players = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [script], open_audio)
    card = window.home.script_cards[0]
    click(qtbot, card.begin_button)

    intro = window.screens.script_intro
    assert window.pages.currentWidget() is intro, "the first time, who it is not for comes first"
    assert "psychosis" in " ".join(label.text() for label in intro.findChildren(type(card.reason)))
    click(qtbot, intro.accept_button)
    assert window.pages.currentWidget() is window.screens.checkin_before
    click(qtbot, window.screens.checkin_before.skip_all)

    listening = window.screens.listening
    wait_for_page(qtbot, window, listening)
    assert listening.script is script
    qtbot.waitUntil(lambda: listening.cue_view.text() != "", timeout=WAIT_MS)
    assert "comfortable" in listening.cue_view.text(), "the first cue shows with the music"
    ((_args, kwargs),) = players[0].called("play")
    assert kwargs["timer"] == script.duration, "the script sets the session's length"

    window.flow.end()
    reflection = window.screens.reflection
    wait_for_page(qtbot, window, reflection)
    assert window.header.ground_button.isVisible(), "Stop and ground is still reachable"
    assert script.reflection.split()[0] in " ".join(
        label.text() for label in reflection.findChildren(type(card.reason))
    )
    qtbot.keyClicks(reflection.note, "A quiet beach at dusk")
    draw(reflection.canvas, (0.3, 0.5), (0.5, 0.4), (0.7, 0.5))
    click(qtbot, reflection.keep_button)
    wait_for_page(qtbot, window, window.screens.checkin_after)

    session_id = window.flow.session.session_id
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        record = journal.session(session_id)
        kept = journal.reflection(session_id)
    assert (record.content_ref, record.content_title) == ("script:safe-place", "A safe place")
    assert kept is not None
    assert kept.note == "A quiet beach at dusk"
    assert kept.prompt == script.reflection
    assert len(kept.drawing.strokes) == 1 and len(kept.drawing.strokes[0].points) >= 2

    window.close()
    assert "safe-place" in load_settings(data_dir).settings.introduced_scripts


def test_an_introduced_script_goes_straight_to_the_check_in(qtbot, data_dir, settle, script):
    workspace = Workspace.open(data_dir)
    workspace.save_settings(workspace.settings.with_changes(introduced_scripts=("safe-place",)))
    workspace.close()
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [script], open_audio)
    click(qtbot, window.home.script_cards[0].begin_button)
    assert window.pages.currentWidget() is window.screens.checkin_before


def test_declining_the_note_returns_home_and_asks_again_next_time(qtbot, data_dir, settle, script):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [script], open_audio)
    click(qtbot, window.home.script_cards[0].begin_button)
    click(qtbot, window.screens.script_intro.decline_button)
    assert window.pages.currentWidget() is window.home
    click(qtbot, window.home.script_cards[0].begin_button)
    assert window.pages.currentWidget() is window.screens.script_intro


def test_skipping_the_reflection_keeps_none(qtbot, data_dir, settle, script):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [script], open_audio)
    window.screens.begin(settle, script)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    window.flow.end()
    wait_for_page(qtbot, window, window.screens.reflection)
    click(qtbot, window.screens.reflection.skip_button)
    wait_for_page(qtbot, window, window.screens.checkin_after)
    assert window.flow.session is not None
    assert window.flow.session.journal.reflection(window.flow.session.session_id) is None


def test_flagged_tracks_are_left_out_of_the_session_and_said_so(qtbot, data_dir, settle):
    flag(data_dir, settle.tracks[:1])
    open_audio, players = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    ((args, _kwargs),) = players[0].called("play")
    assert list(args[0]) == [settle.tracks[1].path], "only the unflagged track plays"
    assert "flagged as a trigger will be skipped" in window.screens.listening.message.text()


def test_flagged_tracks_play_when_the_person_chose_so(qtbot, data_dir, settle):
    flag(data_dir, settle.tracks[:1])
    workspace = Workspace.open(data_dir)
    workspace.save_settings(workspace.settings.with_changes(play_flagged_tracks=True))
    workspace.close()
    open_audio, players = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.listening)
    ((args, _kwargs),) = players[0].called("play")
    assert len(list(args[0])) == 2


def test_a_playlist_of_only_flagged_tracks_does_not_begin(qtbot, data_dir, settle, monkeypatch):
    flag(data_dir, settle.tracks)
    told = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: told.append(box.text()))
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    assert told == ["Nothing to play"]
    assert window.pages.currentWidget() is window.home


def test_a_track_flagged_while_it_plays_is_marked_kept_and_can_be_unflagged(
    qtbot, data_dir, settle
):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    listening = window.screens.listening
    qtbot.waitUntil(lambda: listening.now_playing.text() == "Track 1", timeout=WAIT_MS)
    click(qtbot, listening.more_button)
    click(qtbot, listening.flag_button)
    assert listening.now_playing.text() == "Track 1 (flagged)"
    assert listening.flag_button.text() == "Remove the flag"
    assert "will be skipped from now on" in listening.flag_notice.text()
    assert listening.skip_now_button.isVisible(), "a flagged track can be skipped at once"
    assert window.workspace.journal is not None
    keys = set(window.workspace.journal.flagged_tracks())
    assert keys == {track_key(settle.tracks[0].path, assets_dir())}

    click(qtbot, listening.flag_button)
    assert listening.now_playing.text() == "Track 1"
    assert not listening.flag_notice.isVisible(), "the banner goes with the flag"
    assert window.workspace.journal.flagged_tracks() == {}


def test_after_urges_the_summary_offers_to_flag_the_tracks_heard(qtbot, data_dir, settle):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 1", timeout=WAIT_MS
    )
    window.flow.end()
    after = window.screens.checkin_after
    wait_for_page(qtbot, window, after)
    for question in after.questions:
        if question.choice is not None:
            click(qtbot, question.choice.yes_button)
        else:
            click(qtbot, question.skip_button)
    click(qtbot, after.continue_button)
    summary = window.screens.summary
    wait_for_page(qtbot, window, summary)
    assert summary.flags_panel.isVisible()
    assert list(summary.flag_buttons) == [0], "only the track heard is offered"
    button = summary.flag_buttons[0]
    assert button.text() == "Flag this track"
    click(qtbot, button)
    assert button.text() == "Remove the flag"
    assert window.workspace.journal is not None
    flagged = window.workspace.journal.flagged_tracks()
    assert [flag.title for flag in flagged.values()] == ["Track 1"]
    click(qtbot, button)
    assert window.workspace.journal.flagged_tracks() == {}


def test_without_urges_the_summary_offers_no_flags(qtbot, data_dir, settle):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 1", timeout=WAIT_MS
    )
    window.flow.end()
    wait_for_page(qtbot, window, window.screens.checkin_after)
    click(qtbot, window.screens.checkin_after.skip_all)
    wait_for_page(qtbot, window, window.screens.summary)
    assert not window.screens.summary.flags_panel.isVisible()


def test_the_home_page_counts_each_playlists_flagged_tracks(qtbot, data_dir, settle):
    flag(data_dir, settle.tracks[:1])
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    card = window.home.cards[0]
    assert any("1 flagged as a trigger" in label.text() for label in card.findChildren(QLabel))
    window.screens.begin(settle)
    click(qtbot, window.screens.checkin_before.skip_all)
    listening = window.screens.listening
    qtbot.waitUntil(lambda: listening.now_playing.text() == "Track 2", timeout=WAIT_MS)
    click(qtbot, listening.more_button)
    click(qtbot, listening.flag_button)
    card = window.home.cards[0]
    assert any("2 flagged as triggers" in label.text() for label in card.findChildren(QLabel))


def test_a_flag_set_in_my_music_is_the_windows_own_and_shows_on_home(qtbot, data_dir, settle):
    open_audio, _ = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.header.buttons["library"])
    library = window.sections.library
    assert library.flags is window.catalogue.flags, "one set of flags, read once"
    library.flag_tracks([(settle.tracks[0].path, "Track 1")])
    card = window.home.cards[0]
    assert any("1 flagged as a trigger" in label.text() for label in card.findChildren(QLabel))


def test_skip_it_now_goes_on_to_the_next_track_and_the_banner_goes(qtbot, data_dir, settle):
    open_audio, players = recording_audio()
    window = open_guided_window(qtbot, data_dir, [settle], [], open_audio)
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    listening = window.screens.listening
    qtbot.waitUntil(lambda: listening.now_playing.text() == "Track 1", timeout=WAIT_MS)
    click(qtbot, listening.more_button)
    click(qtbot, listening.flag_button)
    click(qtbot, listening.skip_now_button)
    qtbot.waitUntil(lambda: listening.now_playing.text() == "Track 2", timeout=WAIT_MS)
    assert players[0].status().index == 1, "the player itself went on, not just the page"
    assert not listening.flag_notice.isVisible(), "track 2 is not flagged: no banner"
