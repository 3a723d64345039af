"""Building a real main window over a temporary data folder, with silent or failing audio."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.audio.events import PlayerError
from mtcalm.audio.null_backend import NullOutput
from mtcalm.audio.player import Player
from mtcalm.playlists import Playlist
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.rating_scale import RatingScale
from mtcalm.workspace import Workspace

WAIT_MS = 15000


def silent_audio(volume: float) -> tuple[Player, PlayerError | None]:
    return Player(NullOutput(), volume=volume), None


def no_device_audio(volume: float) -> tuple[Player, PlayerError | None]:
    return Player(NullOutput(), volume=volume), PlayerError(
        "No sound device", "mtcalm could not open one, so sessions play silently."
    )


def open_window(
    qtbot: QtBot,
    data_dir: Path,
    playlists: Sequence[Playlist],
    open_audio=silent_audio,
) -> MainWindow:
    window = MainWindow(Workspace.open(data_dir), playlists, open_audio)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # keyboard focus needs an active window
    return window


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible(), f"{button.text()!r} is not visible"
    assert button.isEnabled(), f"{button.text()!r} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_rating(qtbot: QtBot, scale: RatingScale | None, value: int) -> None:
    """Set a rating the way a keyboard user does: focus it, type the number."""
    assert scale is not None, "this question has a rating scale"
    scale.setFocus()
    for digit in str(value):
        qtbot.keyClick(scale, getattr(Qt.Key, f"Key_{digit}"))
    assert scale.value() == value


def wait_for_page(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=WAIT_MS)


def start_listening(qtbot: QtBot, window: MainWindow) -> None:
    """Begin the first playlist, skip the check-in, and wait until its first track plays."""
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.checkin_before.skip_all)
    qtbot.waitUntil(lambda: window.listening.now_playing.text() == "Track 1", timeout=WAIT_MS)
