"""Listening: the music, where in it, Pause, the volume and a gentle end; the rest one step away.

The page is one centred column no wider than a readable line. Its top is a kept place for
messages (a problem in plain words, with any detail behind "Details"; the notice that the track
playing is flagged, with "Skip it now"), so a message coming or going never moves a control.
Under it the music: the track's title, its place and the time; then Pause, the volume and End.
What carried over from last time (a session length, a background sound) is said in a quiet line
with a way to change it; "Next track", "Breathe" and a quiet "More" follow, and More opens the
session's length, the background sound and flagging the track.

In guided mode (:meth:`ListeningPage.start_guided`) a script's words take the main place and the
player recedes to one quiet line (the track, the time, Pause, End and More); More opens the
rest above that line, so the line itself never moves. The script sets the session's length.
The script's clock is the music heard plus a shift: a seek by Δ seconds, or a jump to another
cue, shifts it by Δ, and the page asks for the timer to change by −Δ (``timer_changed``) so the
music still ends with the return section. A jump also asks to move the music by Δ within its
track (``seek_requested``).

Left and Right never move the focus between buttons here (Qt's buttons would, and a key could
then land on "End session"): in guided mode they move between the words, otherwise they do
nothing on a button. Tab moves the focus.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from mtcalm.audio.events import PlayerState, PlayerStatus
from mtcalm.guided import ScriptClock
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script, cue_at, next_cue_start, previous_cue_start
from mtcalm.settings import TIMER_MINUTES
from mtcalm.ui import theme
from mtcalm.ui.cue_view import CueView
from mtcalm.ui.keys import wheel_only_when_focused
from mtcalm.ui.layout import bring_into_view, card, roomy_page
from mtcalm.ui.listening_parts import (
    KeptPlace,
    OneLine,
    Sentence,
    TwoWays,
    ambience_carry_text,
    describe,
    empty,
    ends_in_text,
    fill,
    keep_width,
    timer_carry_text,
)
from mtcalm.ui.text import clock_text, plain_label
from mtcalm.ui.theme import set_role

SEEK_STEP_MS = 5_000  # arrow keys on the track's slider
SEEK_PAGE_MS = 30_000  # Page Up / Page Down
TIMER_STEPS_MINUTES = (-15, -5, 5, 15)
MIN_TIMER_LEFT_SECONDS = 60.0  # shortening never ends a session more abruptly than this
SEEK_SETTLE_POLLS = 10  # after a seek, how many updates may still show the old place
CONTENT_WIDTH = 720  # the column's content, at most: lines of about 70 characters
TOP_MARGIN = 12  # above the kept place; more on a tall page (the music sits lower, calmer)
TALLEST_TOP_MARGIN = 96
CUE_KEYS_BACK = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
CUE_KEYS_FORWARD = (Qt.Key.Key_Right, Qt.Key.Key_PageDown)
SIDE_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right)


class ListeningPage(QWidget):
    pause_requested = Signal()
    resume_requested = Signal()
    end_requested = Signal()
    skip_requested = Signal()  # on to the next track ("Next track", or "Skip it now")
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
        # What carried over from last time is said in a line kept for the whole session.
        self._timer_carried = False
        self._timer_changed = False
        self._ambience_carried = False
        self._ambience_changed = False

        column = roomy_page(
            self, scrolls_when_small=True, max_width=CONTENT_WIDTH + 2 * theme.PAGE_MARGIN
        )
        column.setContentsMargins(theme.PAGE_MARGIN, TOP_MARGIN, theme.PAGE_MARGIN, 24)
        self._column = column
        self.notice_area = self._build_notice_area()
        column.addWidget(self.notice_area)
        self.playlist_title = OneLine("muted", Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.playlist_title)
        self.cue_view = CueView()
        self.cue_view.hide()
        column.addWidget(self.cue_view, 1)
        self.track_card = self._build_track_card()
        column.addWidget(self.track_card)
        self.main_row = self._build_main_row()
        column.addWidget(self.main_row)
        self.guided_line = self._build_guided_line()
        self.compact_track.setParent(self.guided_line)  # shown there in guided mode only
        column.addWidget(self.guided_line)
        self.carry_over = self._build_carry_over()
        column.addWidget(self.carry_over)
        self.quiet_row = self._build_quiet_row()
        column.addWidget(self.quiet_row)
        self.more_panel = self._build_more_panel()
        column.addWidget(self.more_panel)
        column.addStretch(1)
        self._arrange(guided=False)
        # Keys the page's controls leave alone reach the scroll area, which would scroll with
        # them; in guided mode they move between cues instead.
        self._scroll_area = self.findChild(QScrollArea)
        if self._scroll_area is not None:
            self._scroll_area.installEventFilter(self)
        for button in self.findChildren(QAbstractButton):
            button.installEventFilter(self)  # Left and Right (see the module's docstring)
        wheel_only_when_focused(
            self.position,
            self.volume,
            self.timer_choice,
            self.ambience_choice,
            self.ambience_volume,
        )
        self._show_more(False)

    # -- building ------------------------------------------------------------------------------

    def _build_notice_area(self) -> QWidget:
        """The kept place at the top: a problem (with its detail) and the flag notice."""
        area = KeptPlace()
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)

        self.problem_box = QWidget()
        problem = QVBoxLayout(self.problem_box)
        problem.setContentsMargins(0, 0, 0, 0)
        problem.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.message = plain_label("", "notice")
        row.addWidget(self.message, 1)
        self.details_button = QPushButton(self.tr("Details"))
        set_role(self.details_button, "quiet", compact=True)
        self.details_button.setCheckable(True)
        self.details_button.setToolTip(self.tr("Show or hide what the computer said exactly"))
        self.details_button.toggled.connect(self._show_details)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignVCenter)
        problem.addLayout(row)
        self.message_detail = plain_label("", "muted")
        self.message_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_detail.setAccessibleName(self.tr("Details of the problem"))
        self.message_detail.hide()
        problem.addWidget(self.message_detail)
        self.problem_box.hide()
        box.addWidget(self.problem_box)

        self.flag_box = QWidget()
        flag_row = QHBoxLayout(self.flag_box)
        flag_row.setContentsMargins(0, 0, 0, 0)
        flag_row.setSpacing(8)
        self.flag_notice = plain_label("", "notice")
        flag_row.addWidget(self.flag_notice, 1)
        self.skip_now_button = QPushButton(self.tr("Skip it now"))
        set_role(self.skip_now_button, "", compact=True)
        self.skip_now_button.setToolTip(self.tr("Go on to the next track now"))
        self.skip_now_button.clicked.connect(self.skip_requested.emit)
        flag_row.addWidget(self.skip_now_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.flag_box.hide()
        box.addWidget(self.flag_box)
        box.addStretch(1)
        return area

    def _build_track_card(self) -> QWidget:
        panel, card_layout = card((28, 18, 28, 14), spacing=6)
        self._card_layout = card_layout
        self.now_playing = OneLine("large", Qt.AlignmentFlag.AlignHCenter)
        self.track_note = OneLine("muted", Qt.AlignmentFlag.AlignHCenter)
        self.compact_track = OneLine("muted", Qt.AlignmentFlag.AlignLeft)  # guided mode's line

        self.place_box = QWidget()
        place = QHBoxLayout(self.place_box)
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

        self.times_box = QWidget()
        self._times_row = QHBoxLayout(self.times_box)
        self._times_row.setContentsMargins(0, 0, 0, 0)
        self.elapsed = plain_label("", "muted", wrap=False)
        self.remaining = plain_label("", "muted", wrap=False)
        return panel

    def _build_main_row(self) -> QWidget:
        """Pause, the volume and End: the controls that always show while music plays."""
        row = QWidget()
        self._main_row = QHBoxLayout(row)
        self._main_row.setContentsMargins(0, 0, 0, 0)
        self._main_row.setSpacing(theme.SPACING)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self._toggle_pause)

        self.volume_box = QWidget()
        level = QHBoxLayout(self.volume_box)
        level.setContentsMargins(0, 0, 0, 0)
        level.setSpacing(8)
        self.volume_label = plain_label(self.tr("Volume"), "muted", wrap=False)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setMinimumWidth(100)
        self.volume.valueChanged.connect(self._on_volume)
        self.volume_label.setBuddy(self.volume)
        level.addWidget(self.volume_label)
        level.addWidget(self.volume, 1)
        self.volume_box.setMaximumWidth(300)

        self.end_button = QPushButton(self.tr("End session"))
        self.end_button.setToolTip(self.tr("The music fades out gently, then you check in"))
        self.end_button.clicked.connect(self.end_requested.emit)
        return row

    def _build_guided_line(self) -> TwoWays:
        """Guided mode's one quiet line: the track, the time, Pause, End and More (in two
        lines, the buttons under the track, when the page is too narrow for one).
        """

        def needed() -> int:
            metrics = self.remaining.fontMetrics()
            title_room = metrics.averageCharWidth() * 16
            time_room = metrics.horizontalAdvance(ends_in_text(0)) + 12  # the longest time
            buttons = (self.pause_button, self.end_button, self.more_button)
            return title_room + time_room + sum(part.sizeHint().width() + 12 for part in buttons)

        return TwoWays(needed, stretches=(1, 0))

    def _build_carry_over(self) -> QWidget:
        """What carried over from last time, where it applies, with a way to change it."""
        box = QWidget()
        lines = QVBoxLayout(box)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        self.timer_carry, self.timer_carry_button, self.timer_carry_box = self._carry_line(
            self.tr("Change the session length")
        )
        self.timer_carry_button.clicked.connect(lambda: self._change_in_more(self.timer_choice))
        self.ambience_carry, self.ambience_carry_button, self.ambience_carry_box = self._carry_line(
            self.tr("Change the background sound")
        )
        self.ambience_carry_button.clicked.connect(
            lambda: self._change_in_more(self.ambience_choice)
        )
        lines.addWidget(self.timer_carry_box)
        lines.addWidget(self.ambience_carry_box)
        return box

    def _carry_line(self, change_name: str) -> tuple[QLabel, QPushButton, QWidget]:
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        words = Sentence("muted")
        change = QPushButton(self.tr("Change"))
        set_role(change, "quiet", compact=True)
        change.setAccessibleName(change_name)
        change.setToolTip(change_name)
        fill(row, [None, words, change, None])
        line.hide()
        return words, change, line

    def _build_quiet_row(self) -> QWidget:
        """The next track, the breathing guide and More: quiet, one step from the music."""
        row = QWidget()
        self._quiet_row = QHBoxLayout(row)
        self._quiet_row.setContentsMargins(0, 0, 0, 0)
        self._quiet_row.setSpacing(8)
        self.next_button = QPushButton(self.tr("Next track"))
        self.next_button.setToolTip(self.tr("Go on to the next track now"))
        self.next_button.clicked.connect(self.skip_requested.emit)
        self.breathe_button = QPushButton(self.tr("Breathe"))
        self.breathe_button.setToolTip(
            self.tr("A breathing guide over the music; the music keeps playing")
        )
        self.breathe_button.clicked.connect(self.breathe_requested.emit)
        self.more_button = QPushButton(self.tr("More"))
        self.more_button.setCheckable(True)
        self.more_button.setAccessibleName(self.tr("More controls"))
        self.more_button.toggled.connect(self._show_more)
        for button in (self.next_button, self.breathe_button, self.more_button):
            set_role(button, "quiet")
        return row

    def _build_more_panel(self) -> QWidget:
        """Under More: the session's length, the background sound and flagging the track."""
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 4, 0, 4)
        box.setSpacing(12)
        self._panel_top = QVBoxLayout()
        self._panel_top.setSpacing(8)
        box.addLayout(self._panel_top)

        self.timer_group = QWidget()
        timer_box = QVBoxLayout(self.timer_group)
        timer_box.setContentsMargins(0, 0, 0, 0)
        timer_box.setSpacing(4)
        self.timer_choice = self._choice(
            self.tr("Session length"), self.tr("End the session with a gentle fade after a while")
        )
        self.timer_choice.addItem(self.tr("Until the music ends"), 0)
        for minutes in TIMER_MINUTES:
            self.timer_choice.addItem(self.tr("%n minutes", None, minutes), minutes)
        self.timer_choice.currentIndexChanged.connect(self._on_timer_chosen)
        self.timer_label = self._row_label(self.tr("Session length"), self.timer_choice)
        timer_box.addWidget(self.timer_label)
        timer_row = TwoWays(
            lambda: self.timer_choice.sizeHint().width() + 12 + self.timer_steps.sizeHint().width(),
            stretches=(0, 1),
        )
        timer_row.first.addWidget(self.timer_choice)
        timer_row.first.addStretch(1)
        steps = QHBoxLayout()
        steps.setContentsMargins(0, 0, 0, 0)
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
        self.timer_steps = QWidget()
        self.timer_steps.setLayout(steps)
        kept = self.timer_steps.sizePolicy()
        kept.setRetainSizeWhenHidden(True)  # the steps coming and going move nothing
        self.timer_steps.setSizePolicy(kept)
        self.timer_steps.hide()
        timer_row.second.addWidget(self.timer_steps)
        timer_row.second.addStretch(1)
        timer_box.addWidget(timer_row)
        box.addWidget(self.timer_group)

        ambience_group = QWidget()
        level = QHBoxLayout(ambience_group)
        level.setContentsMargins(0, 0, 0, 0)
        level.setSpacing(12)
        self.ambience_choice = self._choice(
            self.tr("Background sound"), self.tr("A quiet sound under the music")
        )
        self.ambience_choice.addItem(self.tr("None"), "")
        self.ambience_choice.currentIndexChanged.connect(self._on_ambience_chosen)
        level.addWidget(self._row_label(self.tr("Background sound"), self.ambience_choice))
        level.addWidget(self.ambience_choice)
        self.ambience_volume = QSlider(Qt.Orientation.Horizontal)
        self.ambience_volume.setRange(0, 100)
        self.ambience_volume.setPageStep(10)
        self.ambience_volume.setMinimumWidth(100)
        self.ambience_volume.setMaximumWidth(240)
        self.ambience_volume.setAccessibleName(self.tr("Background sound volume"))
        self.ambience_volume.setToolTip(self.tr("Background sound volume"))
        self.ambience_volume.valueChanged.connect(self._on_ambience_volume)
        volume_label = plain_label(self.tr("Volume"), "muted", wrap=False)
        volume_label.setBuddy(self.ambience_volume)
        level.addWidget(volume_label)
        level.addWidget(self.ambience_volume, 1)
        level.addStretch(1)
        box.addWidget(ambience_group)

        self._panel_buttons = QHBoxLayout()
        self._panel_buttons.setSpacing(8)
        self.flag_button = QPushButton(self.tr("Flag this track"))
        set_role(self.flag_button, "")
        self.flag_button.setToolTip(
            self.tr("This track brings up urges or hard memories: skip it in future sessions")
        )
        self.flag_button.clicked.connect(self._toggle_flag)
        self.flag_button.setEnabled(False)
        box.addLayout(self._panel_buttons)
        panel.hide()
        return panel

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

    def _arrange(self, guided: bool) -> None:
        """Put the player's parts where this mode has them (see the module's docstring)."""
        rows = (
            self._card_layout,
            self._times_row,
            self._main_row,
            self.guided_line.first,
            self.guided_line.second,
            self._quiet_row,
            self._panel_top,
            self._panel_buttons,
        )
        for row in rows:
            empty(row)
        self._column.removeWidget(self.more_panel)
        more_at = self._column.indexOf(self.guided_line if guided else self.quiet_row)
        self._column.insertWidget(more_at if guided else more_at + 1, self.more_panel)
        self._column.setStretch(self._column.count() - 1, 0 if guided else 1)
        if guided:
            fill(self._card_layout, [self.now_playing, self.track_note, self.times_box])
            fill(self._times_row, [self.elapsed, None])
            fill(self.guided_line.first, [self.compact_track, self.remaining, None])
            fill(self.guided_line.second, [self.pause_button, self.end_button, self.more_button])
            self.guided_line.second.addStretch(0)  # in two lines, the buttons keep their size
            fill(self._panel_top, [self.place_box, self.volume_box])
            fill(
                self._panel_buttons,
                [self.next_button, self.breathe_button, self.flag_button, None],
            )
        else:
            fill(
                self._card_layout,
                [self.now_playing, self.track_note, self.place_box, self.times_box],
            )
            fill(self._times_row, [self.elapsed, None, self.remaining])
            fill(
                self._main_row,
                [None, self.pause_button, 8, (self.volume_box, 2), 8, self.end_button, None],
            )
            fill(
                self._quiet_row,
                [None, self.next_button, self.breathe_button, self.more_button, None],
            )
            fill(self._panel_buttons, [self.flag_button, None])
        for moved in (
            self.remaining,
            self.pause_button,
            self.end_button,
            self.more_button,
            self.place_box,
            self.volume_box,
            self.next_button,
            self.breathe_button,
            self.flag_button,
        ):
            moved.show()  # a widget given a new parent is hidden until shown
        self.compact_track.setVisible(guided)
        self.cue_view.setVisible(guided)
        for widget in (self.track_card, self.main_row, self.quiet_row, self.timer_group):
            widget.setVisible(not guided)
        self.guided_line.setVisible(guided)
        set_role(self.pause_button, "" if guided else "primary", compact=guided)
        set_role(self.end_button, "quiet" if guided else "", compact=guided)
        set_role(self.more_button, "quiet", compact=guided)
        keep_width(self.pause_button, (self.tr("Pause"), self.tr("Resume")))
        keep_width(self.more_button, (self.tr("More"), self.tr("Less")))
        # Under More, beside the background sound's own volume, say whose volume it is.
        self.volume_label.setText(self.tr("Music volume") if guided else self.tr("Volume"))
        self._order_tabs(guided)

    def _order_tabs(self, guided: bool) -> None:
        """Tab goes in reading order; the controls under More come right after More."""
        panel = [
            self.timer_choice,
            *self.timer_buttons.values(),
            self.ambience_choice,
            self.ambience_volume,
            self.flag_button,
        ]
        order: list[QWidget] = [self.skip_now_button, self.details_button]
        if guided:
            order += [self.cue_view, self.cue_view.toggle_button, self.pause_button]
            order += [self.end_button, self.more_button, self.position, self.volume]
            order += [*panel[:-1], self.next_button, self.breathe_button, self.flag_button]
            order += [self.timer_carry_button, self.ambience_carry_button]
        else:
            order += [self.position, self.pause_button, self.volume, self.end_button]
            order += [self.timer_carry_button, self.ambience_carry_button, self.next_button]
            order += [self.breathe_button, self.more_button, *panel]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- what the window tells the page --------------------------------------------------------

    def start(
        self,
        playlist: Playlist,
        volume: float,
        silent_notice: str = "",
        *,
        notice_detail: str = "",
    ) -> None:
        """Show a listening session with ``playlist`` starting.

        ``silent_notice`` is a plain message to show from the start ("" for none), and
        ``notice_detail`` its technical detail, shown under "Details".
        """
        self._set_script(None)
        self._begin(playlist, volume, silent_notice, notice_detail)

    def start_guided(
        self,
        script: Script,
        playlist: Playlist,
        volume: float,
        silent_notice: str = "",
        *,
        notice_detail: str = "",
    ) -> None:
        """Show a guided-imagery session: ``script``'s words over ``playlist``'s music.

        The window plays the playlist with the player's timer set to ``script.duration``.
        """
        self._set_script(script)
        self._begin(playlist, volume, silent_notice, notice_detail)

    def set_reduced_motion(self, reduced: bool) -> None:
        """Cues switch at once, without fading."""
        self.cue_view.set_reduced_motion(reduced)

    def focus_first(self) -> None:
        """Open at the top, with the focus (and its ring) on Pause; in guided mode the arrow
        keys move between the words from there too."""
        if self._scroll_area is not None:
            self._scroll_area.verticalScrollBar().setValue(0)
            self._scroll_area.horizontalScrollBar().setValue(0)
        self._focus_main()

    def set_more_shown(self, shown: bool) -> None:
        """Open (or close) the controls under More."""
        self.more_button.setChecked(shown)

    def _begin(self, playlist: Playlist, volume: float, notice: str, detail: str) -> None:
        self.playlist = playlist
        self.playlist_title.setText(self.script.title if self.script else playlist.title)
        self._show_track_title(self.tr("Starting…"))
        self.track_note.setText("")
        self._track_index = -1
        self._shown_track = -1
        self._flagged = set()
        self.flag_button.setEnabled(False)
        self._show_flag_button()
        self._show_flag_notice()
        self._seek_target = None
        self._listened = 0.0
        self._heard_position = 0.0
        self._track_duration = 0.0
        self._timer_left = None
        self._set_quietly(self.volume, round(volume * 100))
        self._describe_level(self.volume)
        self.show_problem(notice, detail)
        self.set_more_shown(False)
        self._timer_carried = self._ambience_carried = False
        self._timer_changed = self._ambience_changed = False
        self._show_carry_over()
        for button in (self.pause_button, self.end_button, self.next_button):
            button.setEnabled(True)
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
        """Show the remembered timer length and background sound, without acting on them.

        What they do to this session is said on the page, "as last time": a timer that stops
        the music, a background sound that plays under it.
        """
        self._set_quietly(self.timer_choice, max(0, self.timer_choice.findData(timer_minutes)))
        self._set_quietly(self.ambience_choice, max(0, self.ambience_choice.findData(ambience)))
        self._set_quietly(self.ambience_volume, round(ambience_volume * 100))
        self._describe_level(self.ambience_volume)
        self.ambience_volume.setEnabled(bool(self.ambience_choice.currentData()))
        self._timer_carried = self.script is None and bool(self.timer_choice.currentData())
        self._ambience_carried = bool(self.ambience_choice.currentData())
        self._timer_changed = self._ambience_changed = False
        self._show_carry_over()

    def show_ambience_stopped(self) -> None:
        """The background sound could not go on: show "None" chosen."""
        self._set_quietly(self.ambience_choice, 0)
        self.ambience_volume.setEnabled(False)
        self._ambience_changed = True
        self._show_carry_over()

    def show_track(self, index: int) -> None:
        if self.playlist is None or not 0 <= index < len(self.playlist.tracks):
            return
        self._shown_track = index
        self._show_track_title(self._title_of(index))
        self.track_note.setText(self.playlist.tracks[index].note)
        self.flag_button.setEnabled(True)
        self._show_flag_button()
        self._show_flag_notice()

    def set_flagged(self, indexes: Collection[int]) -> None:
        """Mark these tracks (by index) as flagged as triggers.

        While the track playing is flagged, the page says so in its kept place, with a way to
        skip it now; the notice goes as soon as the flag is removed or another track plays.
        """
        self._flagged = set(indexes)
        if self.playlist is not None and 0 <= self._shown_track < len(self.playlist.tracks):
            self._show_track_title(self._title_of(self._shown_track))
        self._show_flag_button()
        self._show_flag_notice()

    def _title_of(self, index: int) -> str:
        assert self.playlist is not None
        title = self.playlist.tracks[index].title
        return self.tr("%1 (flagged)").replace("%1", title) if index in self._flagged else title

    def _show_flag_button(self) -> None:
        flagged = self._shown_track in self._flagged
        self.flag_button.setText(
            self.tr("Remove the flag") if flagged else self.tr("Flag this track")
        )

    def _show_flag_notice(self) -> None:
        playlist = self.playlist
        index = self._shown_track
        flagged = playlist is not None and 0 <= index < len(playlist.tracks)
        flagged = flagged and index in self._flagged
        if flagged and playlist is not None:
            self.flag_notice.setText(
                self.tr("“%1” is flagged and will be skipped from now on.").replace(
                    "%1", playlist.tracks[index].title
                )
            )
        leaving = not flagged and self.skip_now_button.hasFocus()
        self.flag_box.setVisible(flagged)
        if leaving:
            self._focus_main()

    def _toggle_flag(self) -> None:
        if self._shown_track >= 0:
            self.flag_requested.emit(self._shown_track, self._shown_track not in self._flagged)

    def show_problem(self, text: str, detail: str = "") -> None:
        """Say a problem in plain words in the kept place; ``detail`` (the technical words, if
        any) waits under "Details". Empty ``text`` clears it.
        """
        self.message.setText(text)
        self.message_detail.setText(detail)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(detail))
        self._show_details(False)
        leaving = not text and self.details_button.hasFocus()
        self.problem_box.setVisible(bool(text))
        if leaving:
            self._focus_main()

    def set_state(self, state: PlayerState) -> None:
        self._state = state
        paused = state is PlayerState.PAUSED
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        keep_width(self.pause_button, (self.tr("Pause"), self.tr("Resume")))
        if state is PlayerState.FADING:
            self._show_track_title(self.tr("Fading out…"))
            for button in (self.pause_button, self.end_button):
                button.setEnabled(False)
        for button in (self.next_button, self.skip_now_button):
            button.setEnabled(self._can_seek())
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

    # -- the kept place, More, and what carried over --------------------------------------------

    def _show_details(self, shown: bool) -> None:
        self.message_detail.setVisible(shown and bool(self.message_detail.text()))
        self.details_button.setAccessibleDescription(
            self.tr("The details are shown") if shown else self.tr("The details are hidden")
        )

    def _show_more(self, shown: bool) -> None:
        focus = QApplication.focusWidget()
        leaving = not shown and focus is not None and self.more_panel.isAncestorOf(focus)
        self.more_panel.setVisible(shown)
        self.more_button.setText(self.tr("Less") if shown else self.tr("More"))
        keep_width(self.more_button, (self.tr("More"), self.tr("Less")))
        self.more_button.setAccessibleDescription(
            self.tr("Open: the controls under it show")
            if shown
            else self.tr("Closed: opens the session length, the background sound and flagging")
        )
        if leaving:
            self.more_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if shown:  # once laid out: what opened can be seen, and More stays where it is
            QTimer.singleShot(0, self._bring_more_into_view)

    def _bring_more_into_view(self) -> None:
        """Guided, More's line stays where it was, under what it opened. Otherwise what opened
        is under More: the page scrolls only if none of it would show.
        """
        area = self._scroll_area
        if area is None:
            return
        if self.script is not None:
            area.ensureWidgetVisible(self.more_button, 16, 24)
            return
        top = self.more_panel.mapTo(area.viewport(), QPoint(0, 0)).y()
        if top > area.viewport().height() - 48:
            area.ensureWidgetVisible(self.timer_group, 16, 24)

    def _change_in_more(self, control: QWidget) -> None:
        """A "Change" beside what carried over: open More at that control."""
        self.set_more_shown(True)
        control.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: bring_into_view(control))

    def _show_carry_over(self) -> None:
        """Say what applies, kept for the session once said (so the line never comes and goes
        under the person's hand), without "as last time" once they changed it.
        """
        music = self.playlist.duration if self.playlist else 0.0
        minutes = int(self.timer_choice.currentData() or 0)
        self.timer_carry.setText(timer_carry_text(minutes, music, not self._timer_changed))
        sound = self.ambience_choice.currentText() if self.ambience_choice.currentData() else ""
        self.ambience_carry.setText(ambience_carry_text(sound, not self._ambience_changed))
        self.timer_carry_box.setVisible(self._timer_carried)
        self.ambience_carry_box.setVisible(self._ambience_carried)
        self.carry_over.setVisible(self._timer_carried or self._ambience_carried)

    def _focus_main(self) -> None:
        self.pause_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_volume(self, value: int) -> None:
        self._describe_level(self.volume)
        self.volume_changed.emit(value / 100)

    def _on_ambience_volume(self, value: int) -> None:
        self._describe_level(self.ambience_volume)
        self.ambience_volume_changed.emit(value / 100)

    def _describe_level(self, slider: QSlider) -> None:
        describe(slider, self.tr("%1 percent").replace("%1", str(slider.value())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_top_margin()

    def _set_top_margin(self) -> None:
        """On a tall page the music sits a little lower. This follows the page's height alone,
        never what shows on it, so nothing moves when a message or More opens.
        """
        top = TOP_MARGIN
        if self.script is None:
            top = max(TOP_MARGIN, min(TALLEST_TOP_MARGIN, (self.height() - 540) // 2))
        margins = self._column.contentsMargins()
        if margins.top() != top:
            margins.setTop(top)
            self._column.setContentsMargins(margins)

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
        describe(
            self.position,
            self.tr("%1 of %2")
            .replace("%1", clock_text(status.position))
            .replace("%2", clock_text(status.duration)),
        )

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
        self.cue_view.set_words_hidden(False)
        self.cue_view.show_moment(None, None)
        if script is not None:
            self.cue_view.reserve_room_for(cue.text for cue in script.cues)
        self._arrange(guided=script is not None)  # the script sets the length: no timer then
        self._set_top_margin()
        if script is not None:
            self.timer_steps.hide()

    def _show_track_title(self, title: str) -> None:
        self.now_playing.setText(title)
        self.compact_track.setText(title)

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
            event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            return super().eventFilter(watched, event)
        key = event.key()
        if isinstance(watched, QAbstractButton) and key in SIDE_KEYS:
            # Qt's buttons would move the focus to the next button, perhaps "End session".
            if self.script is not None:
                self._jump_to_cue(forward=key == Qt.Key.Key_Right)
            return True
        if watched is self._scroll_area and self.script is not None:
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
        self._timer_changed = True
        self._show_carry_over()
        self.timer_changed.emit(change)

    def _update_timer_buttons(self) -> None:
        fading = self._state is PlayerState.FADING
        self.timer_choice.setEnabled(not fading)
        left = self._timer_left or 0.0
        for minutes, button in self.timer_buttons.items():
            shortening_possible = minutes > 0 or left > MIN_TIMER_LEFT_SECONDS + 1
            button.setEnabled(not fading and shortening_possible)

    def _on_timer_chosen(self, index: int) -> None:
        self._timer_changed = True
        self._show_carry_over()
        self.timer_chosen.emit(int(self.timer_choice.itemData(index)))

    def _on_ambience_chosen(self, index: int) -> None:
        key = str(self.ambience_choice.itemData(index) or "")
        self.ambience_volume.setEnabled(bool(key))
        self._ambience_changed = True
        self._show_carry_over()
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
