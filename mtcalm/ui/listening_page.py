"""Listening: what is playing, time listened and left, pause, volume, and a gentle end."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSlider,
    QWidget,
)

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.playlists import Playlist
from mtcalm.ui import theme
from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.text import clock_text, plain_label


class ListeningPage(QWidget):
    pause_requested = Signal()
    resume_requested = Signal()
    end_requested = Signal()
    volume_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playlist: Playlist | None = None
        self._state = PlayerState.STOPPED
        layout = roomy_page(self)
        self.playlist_title = plain_label("", "title")
        self.playlist_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.playlist_title)
        layout.addStretch(1)
        panel, card_layout = card((32, 28, 32, 28))
        self.now_playing = plain_label("", "large")
        self.now_playing.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        card_layout.addWidget(self.now_playing)
        self.track_note = plain_label("", "muted")
        self.track_note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        card_layout.addWidget(self.track_note)
        card_layout.addSpacing(8)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setRange(0, 1000)
        card_layout.addWidget(self.progress_bar)
        times = QHBoxLayout()
        self.elapsed = plain_label("", "muted", wrap=False)
        self.remaining = plain_label("", "muted", wrap=False)
        times.addWidget(self.elapsed)
        times.addStretch(1)
        times.addWidget(self.remaining)
        card_layout.addLayout(times)
        layout.addWidget(panel)
        self.message = plain_label("", "notice")
        self.message.hide()
        layout.addWidget(self.message)
        controls = QHBoxLayout()
        controls.setSpacing(theme.SPACING)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setProperty("role", "primary")
        self.pause_button.setMinimumWidth(120)
        self.pause_button.clicked.connect(self._toggle_pause)
        controls.addWidget(self.pause_button)
        controls.addSpacing(theme.SPACING)
        controls.addWidget(plain_label(self.tr("Volume"), "muted", wrap=False))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setMinimumWidth(160)
        self.volume.valueChanged.connect(lambda value: self.volume_changed.emit(value / 100))
        controls.addWidget(self.volume, 1)
        controls.addSpacing(theme.SPACING)
        self.end_button = QPushButton(self.tr("End session"))
        self.end_button.setToolTip(self.tr("The music fades out gently, then you check in"))
        self.end_button.clicked.connect(self.end_requested.emit)
        controls.addWidget(self.end_button)
        layout.addLayout(controls)
        layout.addStretch(2)

    def start(self, playlist: Playlist, volume: float, silent_notice: str = "") -> None:
        self.playlist = playlist
        self.playlist_title.setText(playlist.title)
        self.now_playing.setText(self.tr("Starting…"))
        self.track_note.setText("")
        self.volume.blockSignals(True)
        self.volume.setValue(round(volume * 100))
        self.volume.blockSignals(False)
        self.message.setText(silent_notice)
        self.message.setVisible(bool(silent_notice))
        self.pause_button.setEnabled(True)
        self.end_button.setEnabled(True)
        self.set_state(PlayerState.PLAYING)
        self.show_progress(PlayerStatus(PlayerState.PLAYING, -1, 0.0, 0.0, 0.0, volume))

    def show_track(self, index: int) -> None:
        if self.playlist is None or not 0 <= index < len(self.playlist.tracks):
            return
        track = self.playlist.tracks[index]
        self.now_playing.setText(track.title)
        self.track_note.setText(track.note)

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def set_state(self, state: PlayerState) -> None:
        self._state = state
        paused = state is PlayerState.PAUSED
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if state is PlayerState.FADING:
            self.now_playing.setText(self.tr("Fading out…"))
            self.pause_button.setEnabled(False)
            self.end_button.setEnabled(False)

    def show_progress(self, status: PlayerStatus) -> None:
        total = self.playlist.duration if self.playlist else 0.0
        listened = status.listened
        played_before = 0.0
        if self.playlist is not None and status.index >= 0:
            played_before = sum(t.duration for t in self.playlist.tracks[: status.index])
        position = min(total, played_before + status.position)
        self.elapsed.setText(self.tr("%1 listened").replace("%1", clock_text(listened)))
        self.remaining.setText(self.tr("%1 left").replace("%1", clock_text(total - position)))
        self.progress_bar.setValue(round(1000 * position / total) if total else 0)

    def _toggle_pause(self) -> None:
        if self._state is PlayerState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()
