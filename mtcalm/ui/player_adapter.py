"""Turns the Qt-free player's status and events into Qt signals on the UI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from mtcalm.audio.events import (
    AmbienceFailed,
    PlaybackEnded,
    PlayerError,
    PlayerStatus,
    StateChanged,
    TrackFailed,
    TrackStarted,
)
from mtcalm.audio.player import Player

POLL_MILLISECONDS = 100
FADE_PATIENCE_SECONDS = 0.15  # beyond the fade itself, for the last block to be heard


class PlayerAdapter(QObject):
    """Polls a :class:`Player` a few times a second and re-emits what happened."""

    state_changed = Signal(str)
    track_started = Signal(int)
    track_failed = Signal(int, str, str)  # index, short text, long text
    ambience_failed = Signal(str, str, str)  # the file's path, short text, long text
    playback_ended = Signal(bool)  # completed
    progress = Signal(object)  # PlayerStatus

    def __init__(
        self, player: Player, notice: PlayerError | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.notice = notice  # why playback is silent, if it is
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MILLISECONDS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    @property
    def is_silent(self) -> bool:
        return self.notice is not None

    def status(self) -> PlayerStatus:
        return self.player.status()

    def poll(self) -> None:
        for event in self.player.poll_events():
            if isinstance(event, StateChanged):
                self.state_changed.emit(event.state.value)
            elif isinstance(event, TrackStarted):
                self.track_started.emit(event.index)
            elif isinstance(event, TrackFailed):
                self.track_failed.emit(event.index, event.error.short, event.error.long)
            elif isinstance(event, AmbienceFailed):
                self.ambience_failed.emit(str(event.path), event.error.short, event.error.long)
            elif isinstance(event, PlaybackEnded):
                self.playback_ended.emit(event.completed)
        self.progress.emit(self.player.status())

    def close(self) -> None:
        self._timer.stop()
        self.player.close()

    def fade_out_and_close(self, seconds: float) -> None:
        """End whatever plays with a short fade (it is heard: this waits for it), then close."""
        from mtcalm.audio.events import PlayerState

        self._timer.stop()
        if self.player.status().state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self.player.end(fade_out=seconds)
            deadline = time.monotonic() + seconds + FADE_PATIENCE_SECONDS
            while time.monotonic() < deadline:
                if self.player.status().state is PlayerState.STOPPED:
                    break
                time.sleep(0.02)
        self.player.close()
