"""The breathing guide inside the window: on its own, and over a session's music."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mtcalm.audio.events import PlayerState
from mtcalm.playlists import load_playlist
from mtcalm.settings import load_settings
from tests.ui.helpers import WAIT_MS, click, open_window, start_listening, wait_for_page


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("one.wav", seconds=2.0)], title="Evening"))


def test_the_guide_opens_from_the_header_and_keeps_the_chosen_pace(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.nav_breathe)
    pacer = window.pacer
    assert window.pages.currentWidget() is pacer
    assert window.nav_breathe.isChecked()
    assert pacer.done_button.text() == "Back home"
    assert not window.ground_button.isVisible(), "no session: the header stays as it is"
    assert pacer.pacer.is_animating()

    qtbot.keyClick(pacer.pause_button, Qt.Key.Key_Up)
    assert window.workspace.settings.breaths_per_minute == 6.5
    qtbot.keyClick(pacer.pause_button, Qt.Key.Key_M)
    assert window.workspace.settings.reduced_motion

    click(qtbot, pacer.done_button)
    assert window.pages.currentWidget() is window.home
    assert not pacer.pacer.is_animating(), "the guide stops drawing once it is left"
    window.close()
    saved = load_settings(data_dir).settings
    assert (saved.breaths_per_minute, saved.reduced_motion) == (6.5, True)


def test_the_guide_opens_with_the_remembered_pace(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.settings = window.workspace.settings.with_changes(
        breaths_per_minute=4.5, exhale_ratio=2.0, reduced_motion=True
    )
    window.show_pacer()
    pattern = window.pacer.pacer.pattern()
    assert (pattern.breaths_per_minute, pattern.exhale_ratio) == (4.5, 2.0)
    assert window.pacer.pacer.reduced_motion()


def test_breathing_during_the_music_returns_to_it(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)
    click(qtbot, window.listening.breathe_button)
    pacer = window.pacer
    assert window.pages.currentWidget() is pacer
    assert pacer.done_button.text() == "Back to the music"
    assert window.ground_button.isVisible(), "Stop and ground is still one press away"
    assert not window.nav_listen.isVisible()
    assert window.audio is not None
    assert window.audio.status().state is PlayerState.PLAYING, "the music keeps playing"
    click(qtbot, pacer.done_button)
    assert window.pages.currentWidget() is window.listening


def test_when_the_music_ends_during_the_guide_done_goes_on_to_the_check_in(
    qtbot, data_dir, playlist
):
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)
    window.show_pacer()  # and the two-second track plays to its end
    pacer = window.pacer
    qtbot.waitUntil(lambda: pacer.done_button.text() == "Go on", timeout=WAIT_MS)
    assert window.pages.currentWidget() is pacer, "the guide is not snatched away"
    click(qtbot, pacer.done_button)
    wait_for_page(qtbot, window, window.checkin_after)
