"""Where the listening page's music is in its track: the time heard, a slider to move within the
track, and the track's length.

A move shows at once; the player may still report the old place for a few updates after it,
and those are not shown, so the slider never jumps back and forth.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractSlider, QHBoxLayout, QSlider, QWidget

from mtcalm.audio.events import PlayerStatus
from mtcalm.ui.listening_parts import describe, set_quietly
from mtcalm.ui.text import clock_text, plain_label

SEEK_STEP_MS = 5_000  # arrow keys on the track's slider
SEEK_PAGE_MS = 30_000  # Page Up / Page Down
SEEK_SETTLE_POLLS = 10  # after a seek, how many updates may still show the old place


class TrackPlace(QWidget):
    """The place in the track being heard, and moving it."""

    moved_by = Signal(float)  # the person moved the music by these seconds (about to seek)
    seek_requested = Signal(float)  # seconds into the track being heard

    def __init__(self) -> None:
        super().__init__()
        self.heard_position = 0.0  # seconds into the track, as last heard (or just sought)
        self.track_duration = 0.0
        self._track_index = -1
        self._seek_target: float | None = None
        self._seek_polls = 0
        self._seekable = False  # the music plays or is paused

        place = QHBoxLayout(self)
        place.setContentsMargins(0, 0, 0, 0)
        place.setSpacing(8)
        self.position_label = plain_label("0:00", "muted", wrap=False)
        self.duration_label = plain_label("0:00", "muted", wrap=False)
        self.duration_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        for label in (self.position_label, self.duration_label):  # the slider keeps its width
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("00:00") + 2)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setRange(0, 0)
        self.position.setSingleStep(SEEK_STEP_MS)
        self.position.setPageStep(SEEK_PAGE_MS)
        self.position.setMinimumWidth(120)
        self.position.setAccessibleName(self.tr("Place in the track"))
        self.position.setToolTip(
            self.tr("Move within this track (arrow keys: 5 seconds, Page Up/Down: 30 seconds)")
        )
        self.position.actionTriggered.connect(self._on_position_action)
        self.position.sliderReleased.connect(
            lambda: self._request_seek(self.position.sliderPosition())
        )
        place.addWidget(self.position_label)
        place.addWidget(self.position, 1)
        place.addWidget(self.duration_label)

    def reset(self) -> None:
        """A new session: no track heard yet."""
        self._track_index = -1
        self._seek_target = None
        self.heard_position = 0.0
        self.track_duration = 0.0

    def set_seekable(self, seekable: bool) -> None:
        """The music can be moved (it plays or is paused) or not."""
        self._seekable = seekable
        self.position.setEnabled(seekable and self.position.maximum() > 0)

    def show_status(self, status: PlayerStatus) -> None:
        """Show where the player is in its track (unless a move is still settling)."""
        if status.index != self._track_index:
            self._track_index = status.index
            self._seek_target = None
        if self._seek_target is not None:  # the seek may not be heard yet: hold the new place
            self._seek_polls += 1
            settled = abs(status.position - self._seek_target) < 1.0
            if not settled and self._seek_polls <= SEEK_SETTLE_POLLS:
                return
            self._seek_target = None
        self.heard_position = status.position
        self.track_duration = status.duration
        self.position.setEnabled(self._seekable and status.duration > 0)
        self.duration_label.setText(clock_text(status.duration))
        if self.position.isSliderDown():
            return  # the person is dragging it
        self.position.setMaximum(round(status.duration * 1000))
        # Whole seconds: the handle moves once a second, not on every poll (each move repaints).
        set_quietly(self.position, round(status.position) * 1000)
        self.position_label.setText(clock_text(status.position))
        describe(
            self.position,
            self.tr("%1 of %2")
            .replace("%1", clock_text(status.position))
            .replace("%2", clock_text(status.duration)),
        )

    def seek_to(self, seconds: float) -> None:
        """Move the music to ``seconds`` into its track, and show it there now."""
        self._seek_target = seconds
        self._seek_polls = 0
        self.heard_position = seconds
        self.position_label.setText(clock_text(seconds))
        self.seek_requested.emit(seconds)

    def _on_position_action(self, action: int) -> None:
        kind = QAbstractSlider.SliderAction(action)
        if kind is QAbstractSlider.SliderAction.SliderMove:
            self.position_label.setText(clock_text(self.position.sliderPosition() / 1000))
            if self.position.isSliderDown():
                return  # a drag: go there when it is let go
        if kind is not QAbstractSlider.SliderAction.SliderNoAction:
            self._request_seek(self.position.sliderPosition())

    def _request_seek(self, milliseconds: int) -> None:
        """The person moved the slider: go there (guided, the page moves the script too)."""
        if not self._seekable:
            return
        seconds = max(0, milliseconds) / 1000
        self.moved_by.emit(seconds - self.heard_position)
        self.seek_to(seconds)
