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
    click(qtbot, window.header.buttons["pacer"])
    pacer = window.sections.pacer
    assert window.pages.currentWidget() is pacer
    assert window.header.buttons["pacer"].isChecked()
    assert pacer.done_button.text() == "Back home"
    assert window.header.ground_button.isVisible(), "Stop and ground is always one press away"
    assert not any(
        button.isChecked() for name, button in window.header.buttons.items() if name != "pacer"
    ), "one section highlighted"
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
    window.sections.show_pacer()
    pattern = window.sections.pacer.pacer.pattern()
    assert (pattern.breaths_per_minute, pattern.exhale_ratio) == (4.5, 2.0)
    assert window.sections.pacer.pacer.reduced_motion()


def test_breathing_during_the_music_returns_to_it(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)
    click(qtbot, window.screens.listening.breathe_button)
    pacer = window.sections.pacer
    assert window.pages.currentWidget() is pacer
    assert pacer.done_button.text() == "Back to the music"
    assert window.header.ground_button.isVisible(), "Stop and ground is still one press away"
    assert not window.header.buttons["home"].isVisible()
    assert window.screens.audio is not None
    assert window.screens.audio.status().state is PlayerState.PLAYING, "the music keeps playing"
    click(qtbot, pacer.done_button)
    assert window.pages.currentWidget() is window.screens.listening


def test_when_the_music_ends_during_the_guide_done_goes_on_to_the_check_in(
    qtbot, data_dir, playlist
):
    window = open_window(qtbot, data_dir, [playlist])
    start_listening(qtbot, window)
    click(qtbot, window.screens.listening.breathe_button)  # and the track plays to its end
    pacer = window.sections.pacer
    qtbot.waitUntil(lambda: pacer.done_button.text() == "Go on", timeout=WAIT_MS)
    assert window.pages.currentWidget() is pacer, "the guide is not snatched away"
    click(qtbot, pacer.done_button)
    wait_for_page(qtbot, window, window.screens.checkin_after)
