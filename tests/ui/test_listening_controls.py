"""The listening page's controls: session timer, background sound, moving within a track.

The session's length and the background sound sit under the page's quiet "More"; a test opens
it first, as a person does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mtcalm import ambience as ambience_module
from mtcalm.ambience import Ambience
from mtcalm.audio.events import EndReason, PlaybackEnded, PlayerState
from mtcalm.journal.store import Journal, Outcome
from mtcalm.playlists import load_playlist
from mtcalm.settings import load_settings
from tests.ui.helpers import (
    WAIT_MS,
    StoppedClock,
    click,
    open_window,
    recording_audio,
    start_listening,
    wait_for_page,
)


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("long.wav", seconds=20)]))


@pytest.fixture
def sounds(tmp_path: Path, make_tone, monkeypatch: pytest.MonkeyPatch) -> list[Ambience]:
    """Two background sounds that play and one that cannot, in place of the bundled ones."""
    broken = tmp_path / "audio" / "broken.ogg"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"OggS" + b"\x00 not really audio " * 64)
    found = [
        Ambience("rain", "Rain", make_tone("rain.wav", seconds=3, frequency=200, amplitude=0.1)),
        Ambience("sea", "Sea", make_tone("sea.wav", seconds=3, frequency=150, amplitude=0.1)),
        Ambience("broken", "Broken", broken),
    ]
    monkeypatch.setattr(ambience_module, "bundled_ambience", lambda: list(found))
    return found


def open_more(qtbot, page) -> None:
    """Open the controls under More, as a person does: by clicking it."""
    if not page.more_button.isChecked():
        click(qtbot, page.more_button)
    qtbot.waitUntil(page.more_panel.isVisible)


def choose(qtbot, combo, text: str) -> None:
    """Pick ``text`` in a combo box the keyboard way: focus it, then arrow keys."""
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is offered"
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)


# -- the session timer ----------------------------------------------------------------------


def test_a_chosen_timer_reaches_the_player_and_its_time_left_is_shown(qtbot, data_dir, playlist):
    # The clock stands still, so the timer does too: every check below is exact.
    open_audio, players = recording_audio(StoppedClock())
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    player = players[0]
    assert not page.timer_choice.isVisible(), "one step away, under More"
    open_more(qtbot, page)
    assert page.timer_choice.currentText() == "Until the music ends"
    assert not page.timer_steps.isVisible()
    assert page.remaining.isVisible() and "left" in page.remaining.text()
    assert player.called("play")[0][1]["timer"] is None

    choose(qtbot, page.timer_choice, "10 minutes")
    assert player.called("set_timer")[-1][0] == (600,)
    qtbot.waitUntil(lambda: player.status().timer_left == 600.0, timeout=WAIT_MS)
    qtbot.waitUntil(page.timer_steps.isVisible, timeout=WAIT_MS)
    assert page.remaining.text() == "Ends in 10 min", "the timer's end replaces the music's"

    steps = page.timer_buttons
    for minutes, expected in ((5, 900.0), (-5, 600.0), (15, 1500.0), (-15, 600.0)):
        click(qtbot, steps[minutes])
        qtbot.waitUntil(lambda e=expected: player.status().timer_left == e, timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda e=expected: page.remaining.text() == f"Ends in {round(e / 60)} min",
            timeout=WAIT_MS,
        )
    assert [args for args, _ in player.called("change_timer")] == [
        (300.0,),
        (-300.0,),
        (900.0,),
        (-900.0,),
    ]

    # Shortening stops at the last minute, so the end is still a fade, never a cut.
    click(qtbot, steps[-15])
    qtbot.waitUntil(lambda: player.status().timer_left == 60.0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.remaining.text() == "Ends in 1 min", timeout=WAIT_MS)
    assert not steps[-5].isEnabled() and not steps[-15].isEnabled()
    assert steps[5].isEnabled() and steps[15].isEnabled()

    choose(qtbot, page.timer_choice, "Until the music ends")
    assert player.called("set_timer")[-1][0] == (None,)
    qtbot.waitUntil(lambda: player.status().timer_left is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not page.timer_steps.isVisible(), timeout=WAIT_MS)
    assert page.remaining.text().endswith(" left")


def test_the_timer_running_out_ends_the_session_as_completed(qtbot, data_dir, playlist):
    open_audio, players = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    open_more(qtbot, window.screens.listening)
    choose(qtbot, window.screens.listening.timer_choice, "10 minutes")
    qtbot.waitUntil(window.screens.listening.timer_steps.isVisible, timeout=WAIT_MS)
    player = players[0]
    player.set_timer(0.5)  # ten minutes is too long to wait for in a test

    wait_for_page(qtbot, window, window.screens.checkin_after)
    assert PlaybackEnded(EndReason.TIMER) in player.events
    click(qtbot, window.screens.checkin_after.skip_all)
    wait_for_page(qtbot, window, window.screens.summary)
    texts = [label.text() for label in window.screens.summary.findChildren(QLabel)]
    assert any("listened to the end" in text for text in texts)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        assert journal.sessions()[0].outcome is Outcome.COMPLETED


# -- the background sound -------------------------------------------------------------------


def test_a_chosen_background_sound_plays_under_the_music_at_its_own_volume(
    qtbot, data_dir, playlist, sounds
):
    open_audio, players = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    player = players[0]
    open_more(qtbot, page)
    assert [page.ambience_choice.itemText(i) for i in range(page.ambience_choice.count())] == [
        "None",
        "Rain",
        "Sea",
        "Broken",
    ]
    assert not page.ambience_volume.isEnabled(), "no volume to set without a sound"

    choose(qtbot, page.ambience_choice, "Rain")
    assert player.called("set_ambience")[-1][0] == (sounds[0].path,)
    qtbot.waitUntil(lambda: player.status().ambience == sounds[0].path, timeout=WAIT_MS)
    assert page.ambience_volume.isEnabled()
    assert page.ambience_volume.value() == 50

    page.ambience_volume.setFocus()
    qtbot.keyClick(page.ambience_volume, Qt.Key.Key_PageDown)
    assert page.ambience_volume.value() == 40
    qtbot.waitUntil(lambda: player.status().ambience_volume == 0.4, timeout=WAIT_MS)
    assert player.status().volume == 0.7, "the music's own volume is left alone"

    choose(qtbot, page.ambience_choice, "Sea")
    qtbot.waitUntil(lambda: player.status().ambience == sounds[1].path, timeout=WAIT_MS)
    choose(qtbot, page.ambience_choice, "None")
    assert player.called("set_ambience")[-1][0] == (None,)
    qtbot.waitUntil(lambda: player.status().ambience is None, timeout=WAIT_MS)
    assert not page.message.isVisible()


def test_a_broken_background_sound_is_said_gently_and_the_music_goes_on(
    qtbot, data_dir, playlist, sounds
):
    open_audio, players = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    open_more(qtbot, page)

    choose(qtbot, page.ambience_choice, "Broken")
    qtbot.waitUntil(page.message.isVisible, timeout=WAIT_MS)
    assert page.message.text().startswith("The background sound “Broken” could not be played")
    assert page.message.text().endswith("The music goes on.")
    assert page.ambience_choice.currentText() == "None"
    assert not page.ambience_volume.isEnabled()
    assert window.workspace.settings.ambience == "", "a sound that fails is not kept"
    assert players[0].status().state is PlayerState.PLAYING
    assert window.pages.currentWidget() is page
    assert page.now_playing.text() == "Track 1"
    assert page.pause_button.isEnabled() and page.end_button.isEnabled()


# -- moving within the track ----------------------------------------------------------------


def test_arrow_keys_on_the_track_move_within_it(qtbot, data_dir, playlist):
    open_audio, players = recording_audio(StoppedClock())
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    player = players[0]
    qtbot.waitUntil(page.position.isEnabled, timeout=WAIT_MS)
    assert page.position.accessibleName() == "Place in the track"
    assert page.position_label.text() == "0:00"
    assert page.duration_label.text() == "0:20"

    page.position.setFocus()
    qtbot.keyClick(page.position, Qt.Key.Key_Right)
    assert player.called("seek")[-1][0] == (5.0,)
    assert page.position_label.text() == "0:05"
    qtbot.waitUntil(lambda: player.status().position == 5.0, timeout=WAIT_MS)

    qtbot.keyClick(page.position, Qt.Key.Key_PageUp)  # 30 seconds on: the end of this track
    assert player.called("seek")[-1][0] == (20.0,)
    qtbot.keyClick(page.position, Qt.Key.Key_Home)
    assert player.called("seek")[-1][0] == (0.0,)
    qtbot.keyClick(page.position, Qt.Key.Key_Right)
    qtbot.keyClick(page.position, Qt.Key.Key_Right)
    assert player.called("seek")[-1][0] == (10.0,)
    qtbot.waitUntil(lambda: player.status().position == 10.0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.position.value() == 10_000, timeout=WAIT_MS)
    assert page.position_label.text() == "0:10"


# -- crossfade, preparing, and remembering --------------------------------------------------


def test_the_playlists_crossfade_reaches_the_player_and_tracks_are_prepared(
    qtbot, data_dir, make_tone, make_playlist
):
    first = make_tone("one.wav", seconds=3)
    second = make_tone("two.wav", seconds=3, frequency=330)
    playlist = load_playlist(make_playlist([first, "../audio/gone.wav", second], crossfade=2.5))
    open_audio, players = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)

    click(qtbot, window.home.cards[0].begin_button)
    player = players[0]
    assert player.called("prepare") == [(([first, second],), {})], "playable tracks, ahead"
    assert not player.called("play")
    click(qtbot, window.screens.checkin_before.skip_all)
    qtbot.waitUntil(lambda: bool(player.called("play")), timeout=WAIT_MS)
    [(args, kwargs)] = player.called("play")
    assert list(args[0]) == [track.path for track in playlist.tracks]
    assert kwargs["crossfade"] == 2.5
    assert kwargs["timer"] is None


def test_timer_length_and_background_sound_are_remembered_across_a_restart(
    qtbot, data_dir, playlist, sounds
):
    open_audio, _ = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    assert not page.carry_over.isVisible(), "nothing carried over the first time"
    open_more(qtbot, page)
    choose(qtbot, page.timer_choice, "15 minutes")
    choose(qtbot, page.ambience_choice, "Sea")
    page.ambience_volume.setFocus()
    qtbot.keyClick(page.ambience_volume, Qt.Key.Key_PageUp)
    window.close()

    stored = load_settings(data_dir).settings
    assert (stored.timer_minutes, stored.ambience, stored.ambience_volume) == (15, "sea", 0.6)

    open_audio, players = recording_audio()
    again = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, again)
    page = again.screens.listening
    player = players[0]
    # What carried over is said where it applies, without opening anything.
    assert page.timer_carry.isVisible() and page.ambience_carry.isVisible()
    assert page.timer_carry.text() == (
        "Plays for 15 minutes, as last time: the music (under a minute) starts again until then."
    ), "twenty seconds of music, round and round"
    assert page.ambience_carry.text() == "Sea in the background, as last time."
    open_more(qtbot, page)
    assert page.timer_choice.currentText() == "15 minutes"
    assert page.ambience_choice.currentText() == "Sea"
    assert page.ambience_volume.value() == 60
    assert player.called("play")[0][1]["timer"] == 900
    assert player.called("set_ambience") == [((sounds[1].path,), {})]
    assert player.called("set_ambience_volume")[0][0] == (0.6,)
    qtbot.waitUntil(lambda: player.status().ambience == sounds[1].path, timeout=WAIT_MS)
    qtbot.waitUntil(page.timer_steps.isVisible, timeout=WAIT_MS)
    assert page.remaining.text() == "Ends in 15 min"


def test_a_remembered_sound_that_is_no_longer_bundled_is_quietly_none(
    qtbot, data_dir, playlist, sounds
):
    from mtcalm.settings import save_settings
    from mtcalm.workspace import Workspace

    workspace = Workspace.open(data_dir)
    save_settings(data_dir, workspace.settings.with_changes(ambience="birdsong"))
    workspace.close()
    open_audio, players = recording_audio()
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    assert window.screens.listening.ambience_choice.currentText() == "None"
    assert not players[0].called("set_ambience")
    assert not window.screens.listening.message.isVisible()
    assert not window.screens.listening.ambience_carry.isVisible(), "no sound, nothing to say"


def test_the_new_controls_are_named_and_work_from_the_keyboard(qtbot, data_dir, playlist):
    open_audio, players = recording_audio(StoppedClock())
    window = open_window(qtbot, data_dir, [playlist], open_audio)
    start_listening(qtbot, window)
    page = window.screens.listening
    open_more(qtbot, page)
    controls = [
        page.position,
        page.timer_choice,
        *page.timer_buttons.values(),
        page.ambience_choice,
        page.ambience_volume,
    ]
    for control in controls:
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.accessibleName()
    assert page.timer_buttons[-15].accessibleName() == "Shorten by 15 minutes"
    assert page.timer_buttons[5].accessibleName() == "Lengthen by 5 minutes"

    choose(qtbot, page.timer_choice, "30 minutes")
    qtbot.waitUntil(page.timer_steps.isVisible, timeout=WAIT_MS)
    lengthen = page.timer_buttons[5]
    lengthen.setFocus()
    qtbot.keyClick(lengthen, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: players[0].status().timer_left == 35 * 60.0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.remaining.text() == "Ends in 35 min", timeout=WAIT_MS)
