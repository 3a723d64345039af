"""Building a real main window over a temporary data folder, with silent or failing audio."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.audio.events import PlayerError, PlayerEvent
from mtcalm.audio.null_backend import NullOutput
from mtcalm.audio.player import Player
from mtcalm.playlists import Playlist
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.rating_scale import RatingScale
from mtcalm.workspace import Workspace

WAIT_MS = 15000


def silent_audio(volume: float) -> tuple[Player, PlayerError | None]:
    return Player(NullOutput(), volume=volume), None


class RecordingPlayer(Player):
    """A real player that also remembers what it was asked to do and the events it gave."""

    def __init__(self, output: NullOutput, volume: float) -> None:
        super().__init__(output, volume=volume)
        self.output = output
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.events: list[PlayerEvent] = []

    def called(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """The arguments of every call to ``name``, oldest first."""
        return [(args, kwargs) for called, args, kwargs in self.calls if called == name]

    def prepare(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("prepare", args, kwargs))
        super().prepare(*args, **kwargs)

    def play(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("play", args, kwargs))
        super().play(*args, **kwargs)

    def seek(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("seek", args, kwargs))
        super().seek(*args, **kwargs)

    def set_timer(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("set_timer", args, kwargs))
        super().set_timer(*args, **kwargs)

    def change_timer(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("change_timer", args, kwargs))
        super().change_timer(*args, **kwargs)

    def set_ambience(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("set_ambience", args, kwargs))
        super().set_ambience(*args, **kwargs)

    def set_ambience_volume(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("set_ambience_volume", args, kwargs))
        super().set_ambience_volume(*args, **kwargs)

    def poll_events(self) -> list[PlayerEvent]:
        events = super().poll_events()
        self.events.extend(events)
        return events


class StoppedClock:
    """A clock that stands still until told to move: the silent output then plays nothing
    beyond its first two blocks, so positions and timers hold still for exact checks."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def recording_audio(
    clock: Callable[[], float] | None = None,
) -> tuple[Callable[[float], tuple[Player, PlayerError | None]], list[RecordingPlayer]]:
    """An audio opener giving :class:`RecordingPlayer` s, and the list they are put in."""
    made: list[RecordingPlayer] = []

    def open_audio(volume: float) -> tuple[Player, PlayerError | None]:
        output = NullOutput(clock) if clock is not None else NullOutput()
        player = RecordingPlayer(output, volume)
        made.append(player)
        return player, None

    return open_audio, made


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
    click(qtbot, window.screens.checkin_before.skip_all)
    qtbot.waitUntil(
        lambda: window.screens.listening.now_playing.text() == "Track 1", timeout=WAIT_MS
    )
