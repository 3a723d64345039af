"""Listening: what is playing, where in the track, pause, volume, a gentle end, and sound.

The main controls (pause, volume, end) sit in one row under the track; the session timer and
the background sound sit in a quieter row below them.

In guided mode (:meth:`ListeningPage.start_guided`) a script's words take the main place, the
track shrinks to one line, and the script sets the session's length. The script's clock is the
music heard plus a shift: a seek by Δ seconds, or a jump to another cue, shifts it by Δ, and the
page asks for the timer to change by −Δ (``timer_changed``) so the music still ends with the
return section. A jump also asks to move the music by Δ within its track (``seek_requested``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QStyledItemDelegate,
    QWidget,
)

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.guided import ScriptClock
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script, cue_at, next_cue_start, previous_cue_start
from mtcalm.settings import TIMER_MINUTES
from mtcalm.ui import theme
from mtcalm.ui.cue_view import CueView
from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.text import clock_text, plain_label, tr

SEEK_STEP_MS = 5_000  # arrow keys on the track's slider
SEEK_PAGE_MS = 30_000  # Page Up / Page Down
TIMER_STEPS_MINUTES = (-15, -5, 5, 15)
MIN_TIMER_LEFT_SECONDS = 60.0  # shortening never ends a session more abruptly than this
SEEK_SETTLE_POLLS = 10  # after a seek, how many updates may still show the old place
COMPACT_TITLE_WIDTH = 240  # the track's title in guided mode's one-line card, elided past this
CUE_KEYS_BACK = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
CUE_KEYS_FORWARD = (Qt.Key.Key_Right, Qt.Key.Key_PageDown)


def ends_in_text(seconds: float) -> str:
    """The time left on a running timer ("Ends in 14 min"), rounded up, never less than is left."""
    if seconds < 60:
        return tr("Ends in under a minute")
    return tr("Ends in %n min", None, math.ceil(seconds / 60))


class ListeningPage(QWidget):
    pause_requested = Signal()
    resume_requested = Signal()
    end_requested = Signal()
    volume_changed = Signal(float)
    seek_requested = Signal(float)  # seconds into the track being heard
    timer_chosen = Signal(int)  # minutes; 0 for "until the music ends"
    timer_changed = Signal(float)  # seconds to add to (or, negative, take from) the timer
    ambience_chosen = Signal(str)  # an ambience's key, "" for none
    ambience_volume_changed = Signal(float)
    cue_jump_requested = Signal(float)  # guided mode: the script's time the person jumped to
    breathe_requested = Signal()
    flag_requested = Signal(int, bool)  # a track's index; True to flag it as a trigger

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playlist: Playlist | None = None
        self.script: Script | None = None
        self._flagged: set[int] = set()
        self._shown_track = -1  # the track whose title shows (and which the flag button flags)
        self._clock: ScriptClock | None = None
        self._listened = 0.0
        self._heard_position = 0.0  # seconds into the track, as last heard (or just sought)
        self._track_duration = 0.0
        self._state = PlayerState.STOPPED
        self._track_index = -1
        self._timer_left: float | None = None
        self._seek_target: float | None = None
        self._seek_polls = 0
        layout = roomy_page(self, scrolls_when_small=True)
        self.playlist_title = plain_label("", "title")
        self.playlist_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.playlist_title)
        layout.addStretch(1)
        self.cue_view = CueView()
        self.cue_view.hide()
        layout.addWidget(self.cue_view, 8)
        layout.addWidget(self._build_track_card())
        self.message = plain_label("", "notice")
        self.message.hide()
        layout.addWidget(self.message)
        layout.addLayout(self._build_main_controls())
        layout.addSpacing(theme.SPACING // 2)
        layout.addLayout(self._build_sound_controls())
        layout.addStretch(2)
        # Keys the page's controls leave alone reach the scroll area, which would scroll with
        # them; in guided mode they move between cues instead.
        self._scroll_area = self.findChild(QScrollArea)
        if self._scroll_area is not None:
            self._scroll_area.installEventFilter(self)

    # -- building ------------------------------------------------------------------------------

    def _build_track_card(self) -> QWidget:
        panel, card_layout = card((32, 24, 32, 20), spacing=8)
        self._card_layout = card_layout
        self.now_playing = plain_label("", "large")
        self.now_playing.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        card_layout.addWidget(self.now_playing)
        self.track_note = plain_label("", "muted")
        self.track_note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        card_layout.addWidget(self.track_note)
        card_layout.addSpacing(4)

        place = QHBoxLayout()
        place.setSpacing(12)
        self._place_row = place
        self.compact_track = plain_label("", "muted", wrap=False)  # guided mode's one line
        self.compact_track.setMaximumWidth(COMPACT_TITLE_WIDTH)
        self.compact_track.hide()
        place.addWidget(self.compact_track)
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
        card_layout.addLayout(place)

        times = QHBoxLayout()
        self._times_row = times
        self.elapsed = plain_label("", "muted", wrap=False)
        self.remaining = plain_label("", "muted", wrap=False)
        times.addWidget(self.elapsed)
        times.addStretch(1)
        self.flag_button = QPushButton(self.tr("Flag this track"))
        self.flag_button.setProperty("role", "quiet")
        self.flag_button.setProperty("density", "compact")  # fits the guided mode's one line
        self.flag_button.setToolTip(
            self.tr("This track brings up urges or hard memories: skip it in future sessions")
        )
        self.flag_button.clicked.connect(self._toggle_flag)
        self.flag_button.setEnabled(False)
        times.addWidget(self.flag_button)
        times.addStretch(1)
        times.addWidget(self.remaining)
        card_layout.addLayout(times)
        return panel

    def _build_main_controls(self) -> QHBoxLayout:
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
        self.breathe_button = QPushButton(self.tr("Breathe"))
        self.breathe_button.setToolTip(
            self.tr("A breathing guide over the music; the music keeps playing")
        )
        self.breathe_button.clicked.connect(self.breathe_requested.emit)
        controls.addWidget(self.breathe_button)
        self.end_button = QPushButton(self.tr("End session"))
        self.end_button.setToolTip(self.tr("The music fades out gently, then you check in"))
        self.end_button.clicked.connect(self.end_requested.emit)
        controls.addWidget(self.end_button)
        return controls

    def _build_sound_controls(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)

        self.timer_choice = self._choice(
            self.tr("Session length"), self.tr("End the session with a gentle fade after a while")
        )
        self.timer_choice.addItem(self.tr("Until the music ends"), 0)
        for minutes in TIMER_MINUTES:
            self.timer_choice.addItem(self.tr("%n minutes", None, minutes), minutes)
        self.timer_choice.currentIndexChanged.connect(
            lambda index: self.timer_chosen.emit(int(self.timer_choice.itemData(index)))
        )
        self.timer_label = self._row_label(self.tr("Session length"), self.timer_choice)
        grid.addWidget(self.timer_label, 0, 0)
        grid.addWidget(self.timer_choice, 0, 1)

        steps = QHBoxLayout()
        steps.setSpacing(8)
        self.timer_buttons: dict[int, QPushButton] = {}
        for minutes in TIMER_STEPS_MINUTES:
            button = QPushButton(
                self.tr("−%n", "shorten the timer by minutes", -minutes)
                if minutes < 0
                else self.tr("+%n", "lengthen the timer by minutes", minutes)
            )
            button.setProperty("role", "chip")
            words = (
                self.tr("Shorten by %n minutes", None, -minutes)
                if minutes < 0
                else self.tr("Lengthen by %n minutes", None, minutes)
            )
            button.setAccessibleName(words)
            button.setToolTip(words)
            button.clicked.connect(lambda _=False, m=minutes: self._change_timer(m))
            self.timer_buttons[minutes] = button
            steps.addWidget(button)
        steps.addStretch(1)
        self.timer_steps = QWidget()
        self.timer_steps.setLayout(steps)
        steps.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.timer_steps, 0, 2)

        self.ambience_choice = self._choice(
            self.tr("Background sound"), self.tr("A quiet sound under the music")
        )
        self.ambience_choice.addItem(self.tr("None"), "")
        self.ambience_choice.currentIndexChanged.connect(self._on_ambience_chosen)
        grid.addWidget(self._row_label(self.tr("Background sound"), self.ambience_choice), 1, 0)
        grid.addWidget(self.ambience_choice, 1, 1)
        level = QHBoxLayout()
        level.setSpacing(theme.SPACING)
        level.addWidget(plain_label(self.tr("Volume"), "muted", wrap=False))
        self.ambience_volume = QSlider(Qt.Orientation.Horizontal)
        self.ambience_volume.setRange(0, 100)
        self.ambience_volume.setPageStep(10)
        self.ambience_volume.setAccessibleName(self.tr("Background sound volume"))
        self.ambience_volume.setToolTip(self.tr("Background sound volume"))
        self.ambience_volume.valueChanged.connect(
            lambda value: self.ambience_volume_changed.emit(value / 100)
        )
        level.addWidget(self.ambience_volume, 1)
        grid.addLayout(level, 1, 2)
        grid.setColumnStretch(2, 1)
        self.timer_steps.hide()
        return grid

    def _choice(self, name: str, tip: str) -> QComboBox:
        """A drop-down list whose items take the theme's padding and soft highlight."""
        combo = QComboBox()
        combo.setItemDelegate(QStyledItemDelegate(combo))
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        return combo

    def _row_label(self, text: str, buddy: QWidget) -> QLabel:
        label = plain_label(text, "muted", wrap=False)
        label.setBuddy(buddy)
        return label

    # -- what the window tells the page --------------------------------------------------------

    def start(self, playlist: Playlist, volume: float, silent_notice: str = "") -> None:
        """Show a listening session with ``playlist`` starting."""
        self._set_script(None)
        self._begin(playlist, volume, silent_notice)

    def start_guided(
        self, script: Script, playlist: Playlist, volume: float, silent_notice: str = ""
    ) -> None:
        """Show a guided-imagery session: ``script``'s words over ``playlist``'s music.

        The window plays the playlist with the player's timer set to ``script.duration``.
        """
        self._set_script(script)
        self._begin(playlist, volume, silent_notice)

    def set_reduced_motion(self, reduced: bool) -> None:
        """Cues switch at once, without fading."""
        self.cue_view.set_reduced_motion(reduced)

    def _begin(self, playlist: Playlist, volume: float, silent_notice: str) -> None:
        self.playlist = playlist
        self.playlist_title.setText(self.script.title if self.script else playlist.title)
        self._show_track_title(self.tr("Starting…"))
        self.track_note.setText("")
        self._track_index = -1
        self._shown_track = -1
        self._flagged = set()
        self.flag_button.setEnabled(False)
        self._show_flag_button()
        self._seek_target = None
        self._listened = 0.0
        self._heard_position = 0.0
        self._track_duration = 0.0
        self._set_quietly(self.volume, round(volume * 100))
        self.message.setText(silent_notice)
        self.message.setVisible(bool(silent_notice))
        self.pause_button.setEnabled(True)
        self.end_button.setEnabled(True)
        self.set_state(PlayerState.PLAYING)
        self.show_progress(PlayerStatus(PlayerState.PLAYING, -1, 0.0, 0.0, 0.0, volume))

    def set_ambience_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        """The background sounds to offer, as (key, title) pairs."""
        self.ambience_choice.blockSignals(True)
        while self.ambience_choice.count() > 1:
            self.ambience_choice.removeItem(1)
        for key, title in choices:
            self.ambience_choice.addItem(title, key)
        self.ambience_choice.blockSignals(False)

    def show_sound(self, timer_minutes: int, ambience: str, ambience_volume: float) -> None:
        """Show the remembered timer length and background sound, without acting on them."""
        self._set_quietly(self.timer_choice, max(0, self.timer_choice.findData(timer_minutes)))
        self._set_quietly(self.ambience_choice, max(0, self.ambience_choice.findData(ambience)))
        self._set_quietly(self.ambience_volume, round(ambience_volume * 100))
        self.ambience_volume.setEnabled(bool(self.ambience_choice.currentData()))

    def show_ambience_stopped(self) -> None:
        """The background sound could not go on: show "None" chosen."""
        self._set_quietly(self.ambience_choice, 0)
        self.ambience_volume.setEnabled(False)

    def show_track(self, index: int) -> None:
        if self.playlist is None or not 0 <= index < len(self.playlist.tracks):
            return
        self._shown_track = index
        self._show_track_title(self._title_of(index))
        self.track_note.setText(self.playlist.tracks[index].note)
        self.flag_button.setEnabled(True)
        self._show_flag_button()

    def set_flagged(self, indexes: Collection[int]) -> None:
        """Mark these tracks (by index) as flagged as triggers."""
        self._flagged = set(indexes)
        if self.playlist is not None and 0 <= self._shown_track < len(self.playlist.tracks):
            self._show_track_title(self._title_of(self._shown_track))
        self._show_flag_button()

    def _title_of(self, index: int) -> str:
        assert self.playlist is not None
        title = self.playlist.tracks[index].title
        return self.tr("%1 (flagged)").replace("%1", title) if index in self._flagged else title

    def _show_flag_button(self) -> None:
        flagged = self._shown_track in self._flagged
        self.flag_button.setText(
            self.tr("Remove the flag") if flagged else self.tr("Flag this track")
        )

    def _toggle_flag(self) -> None:
        if self._shown_track >= 0:
            self.flag_requested.emit(self._shown_track, self._shown_track not in self._flagged)

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def set_state(self, state: PlayerState) -> None:
        self._state = state
        paused = state is PlayerState.PAUSED
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if state is PlayerState.FADING:
            self._show_track_title(self.tr("Fading out…"))
            self.pause_button.setEnabled(False)
            self.end_button.setEnabled(False)
        self._update_timer_buttons()
        self.position.setEnabled(self._can_seek() and self.position.maximum() > 0)

    def show_progress(self, status: PlayerStatus) -> None:
        total = self.playlist.duration if self.playlist else 0.0
        played_before = 0.0
        if self.playlist is not None and status.index >= 0:
            played_before = sum(t.duration for t in self.playlist.tracks[: status.index])
        place = min(total, played_before + status.position)
        self.elapsed.setText(self.tr("%1 listened").replace("%1", clock_text(status.listened)))
        self._listened = status.listened
        if self._clock is not None:  # the script decides when it ends
            self.remaining.setText(ends_in_text(self._clock.remaining(status.listened)))
        elif status.timer_left is None:
            self.remaining.setText(self.tr("%1 left").replace("%1", clock_text(total - place)))
        else:  # the timer decides when it ends; the music plays round until then
            self.remaining.setText(ends_in_text(status.timer_left))
        self._show_place(status)
        self._timer_left = status.timer_left
        self.timer_steps.setVisible(status.timer_left is not None and self.script is None)
        self._update_timer_buttons()
        self._show_cue()

    # -- the track's place ---------------------------------------------------------------------

    def _show_place(self, status: PlayerStatus) -> None:
        if status.index != self._track_index:
            self._track_index = status.index
            self._seek_target = None
        if self._seek_target is not None:  # the seek may not be heard yet: hold the new place
            self._seek_polls += 1
            settled = abs(status.position - self._seek_target) < 1.0
            if not settled and self._seek_polls <= SEEK_SETTLE_POLLS:
                return
            self._seek_target = None
        self._heard_position = status.position
        self._track_duration = status.duration
        self.position.setEnabled(self._can_seek() and status.duration > 0)
        self.duration_label.setText(clock_text(status.duration))
        if self.position.isSliderDown():
            return  # the person is dragging it
        self.position.setMaximum(round(status.duration * 1000))
        # Whole seconds: the handle moves once a second, not on every poll (each move repaints).
        self._set_quietly(self.position, round(status.position) * 1000)
        self.position_label.setText(clock_text(status.position))

    def _can_seek(self) -> bool:
        return self._state in (PlayerState.PLAYING, PlayerState.PAUSED)

    def _on_position_action(self, action: int) -> None:
        kind = QAbstractSlider.SliderAction(action)
        if kind is QAbstractSlider.SliderAction.SliderMove:
            self.position_label.setText(clock_text(self.position.sliderPosition() / 1000))
            if self.position.isSliderDown():
                return  # a drag: go there when it is let go
        if kind is not QAbstractSlider.SliderAction.SliderNoAction:
            self._request_seek(self.position.sliderPosition())

    def _request_seek(self, milliseconds: int) -> None:
        """The person moved the track's slider: go there (and, guided, move the script too)."""
        if not self._can_seek():
            return
        seconds = max(0, milliseconds) / 1000
        if self._clock is not None:
            moved = seconds - self._heard_position
            now = self._clock.at(self._listened)
            self._move_script(self._clock.jump(self._listened, now + moved))
        self._seek_music(seconds)

    def _seek_music(self, seconds: float) -> None:
        self._seek_target = seconds
        self._seek_polls = 0
        self._heard_position = seconds
        self.position_label.setText(clock_text(seconds))
        self.seek_requested.emit(seconds)

    # -- guided mode ---------------------------------------------------------------------------

    def _set_script(self, script: Script | None) -> None:
        """Lay the page out for a guided session (a script) or for listening (None)."""
        self.script = script
        self._clock = ScriptClock(script) if script else None
        guided = script is not None
        self.cue_view.setVisible(guided)
        self.cue_view.set_words_hidden(False)
        self.cue_view.show_moment(None, None)
        for widget in (self.now_playing, self.track_note, self.elapsed):
            widget.setVisible(not guided)
        self.compact_track.setVisible(guided)
        self.timer_label.setVisible(not guided)  # the script sets the length
        self.timer_choice.setVisible(not guided)
        if guided:
            self.timer_steps.hide()
        margins = (24, 8, 24, 8) if guided else (32, 24, 32, 20)
        self._card_layout.setContentsMargins(*margins)
        # "Ends in" and the flag sit at the end of the track's one line, or under the track.
        for moved in (self.flag_button, self.remaining):
            self._times_row.removeWidget(moved)
            self._place_row.removeWidget(moved)
        if guided:
            self._place_row.addWidget(self.remaining)
            self._place_row.addWidget(self.flag_button)
        else:
            self._times_row.insertWidget(2, self.flag_button)  # between its stretches
            self._times_row.addWidget(self.remaining)

    def _show_track_title(self, title: str) -> None:
        self.now_playing.setText(title)
        metrics = self.compact_track.fontMetrics()
        elided = metrics.elidedText(title, Qt.TextElideMode.ElideRight, COMPACT_TITLE_WIDTH)
        self.compact_track.setText(elided)
        self.compact_track.setToolTip(title if elided != title else "")

    def _show_cue(self) -> None:
        if self.script is None or self._clock is None:
            return
        now = self._clock.at(self._listened)
        self.cue_view.show_moment(cue_at(self.script, now), self._clock.section_at(self._listened))

    def _jump_to_cue(self, forward: bool) -> None:
        """Go to the next cue, or back to this one's start (the one before, just after it)."""
        if self.script is None or self._clock is None or not self._can_seek():
            return
        now = self._clock.at(self._listened)
        target = (
            next_cue_start(self.script, now) if forward else previous_cue_start(self.script, now)
        )
        if target is None:
            return
        moved = self._clock.jump(self._listened, target)
        self.cue_jump_requested.emit(target)
        self._move_script(moved)
        if moved and self._track_duration > 0:
            self._seek_music(min(self._track_duration, max(0.0, self._heard_position + moved)))

    def _move_script(self, moved: float) -> None:
        """The script's clock moved by ``moved``: keep the music's end with the return section."""
        if moved:
            self.timer_changed.emit(-moved)
        self._show_cue()
        if self._clock is not None:
            self.remaining.setText(ends_in_text(self._clock.remaining(self._listened)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._scroll_area
            and self.script is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            key = event.key()
            if key in CUE_KEYS_BACK or key in CUE_KEYS_FORWARD:
                self._jump_to_cue(forward=key in CUE_KEYS_FORWARD)
                return True
            if key == Qt.Key.Key_H:
                self.cue_view.toggle_words()
                return True
        return super().eventFilter(watched, event)

    # -- the timer and the background sound ----------------------------------------------------

    def _change_timer(self, minutes: int) -> None:
        if self._timer_left is None:
            return
        change = minutes * 60.0
        if change < 0:  # never shorten past the last minute: the end stays a gentle fade
            change = -min(-change, max(0.0, self._timer_left - MIN_TIMER_LEFT_SECONDS))
        if change == 0:
            return
        self._timer_left += change
        self.remaining.setText(ends_in_text(self._timer_left))
        self._update_timer_buttons()
        self.timer_changed.emit(change)

    def _update_timer_buttons(self) -> None:
        fading = self._state is PlayerState.FADING
        self.timer_choice.setEnabled(not fading)
        left = self._timer_left or 0.0
        for minutes, button in self.timer_buttons.items():
            shortening_possible = minutes > 0 or left > MIN_TIMER_LEFT_SECONDS + 1
            button.setEnabled(not fading and shortening_possible)

    def _on_ambience_chosen(self, index: int) -> None:
        key = str(self.ambience_choice.itemData(index) or "")
        self.ambience_volume.setEnabled(bool(key))
        self.ambience_chosen.emit(key)

    def _toggle_pause(self) -> None:
        if self._state is PlayerState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()

    @staticmethod
    def _set_quietly(widget: QSlider | QComboBox, value: int) -> None:
        """Show a value without announcing it as the person's choice."""
        widget.blockSignals(True)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(value)
        else:
            widget.setValue(value)
        widget.blockSignals(False)
