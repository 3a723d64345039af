"""The listening page's widgets, and where each mode puts them.

:class:`ListeningLayout` builds the page's one centred column (the kept place for messages, the
track card, Pause, the volume and End, what carried over, the quiet buttons, and what More
opens) and arranges it for listening or for guided mode, with Tab in reading order. The page
itself (:class:`mtcalm.ui.listening_page.ListeningPage`) gives the parts their behaviour.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QScrollArea, QWidget

from mtcalm.ui import theme
from mtcalm.ui.cue_view import CueView
from mtcalm.ui.keys import wheel_only_when_focused
from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.listening_notices import NoticeArea
from mtcalm.ui.listening_parts import OneLine, TwoWays, empty, ends_in_text, fill, keep_width
from mtcalm.ui.sound_panel import SoundPanel
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import set_role
from mtcalm.ui.track_place import TrackPlace

CONTENT_WIDTH = 720  # the column's content, at most: lines of about 70 characters
TOP_MARGIN = 12  # above the kept place; more on a tall page (the music sits lower, calmer)
TALLEST_TOP_MARGIN = 96


class ListeningLayout(QWidget):
    """The listening page's parts, placed for listening or (guided) around a script's words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guided = False
        column = roomy_page(
            self, scrolls_when_small=True, max_width=CONTENT_WIDTH + 2 * theme.PAGE_MARGIN
        )
        column.setContentsMargins(theme.PAGE_MARGIN, TOP_MARGIN, theme.PAGE_MARGIN, 24)
        self._column = column
        self.more_panel = SoundPanel()  # what More opens; it builds the volume and carry-over too
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
        self.carry_over = self.more_panel.carry_over
        column.addWidget(self.carry_over)
        self.quiet_row = self._build_quiet_row()
        column.addWidget(self.quiet_row)
        self._build_more_panel()
        column.addWidget(self.more_panel)
        column.addStretch(1)
        self._arrange(guided=False)
        self._scroll_area = self.findChild(QScrollArea)
        wheel_only_when_focused(
            self.position,
            self.volume,
            self.timer_choice,
            self.ambience_choice,
            self.ambience_volume,
        )
        self._show_more(False)

    # -- building ------------------------------------------------------------------------------

    def _build_notice_area(self) -> NoticeArea:
        """The kept place at the top: a problem (with its detail) and the flag notice."""
        area = NoticeArea()
        area.focus_given_up.connect(self._focus_main)
        self.problem_box = area.problem_box
        self.message = area.message
        self.message_detail = area.message_detail
        self.details_button = area.details_button
        self.flag_box = area.flag_box
        self.flag_notice = area.flag_notice
        self.skip_now_button = area.skip_now_button
        return area

    def _build_track_card(self) -> QWidget:
        panel, card_layout = card((28, 18, 28, 14), spacing=6)
        self._card_layout = card_layout
        self.now_playing = OneLine("large", Qt.AlignmentFlag.AlignHCenter)
        self.track_note = OneLine("muted", Qt.AlignmentFlag.AlignHCenter)
        self.compact_track = OneLine("muted", Qt.AlignmentFlag.AlignLeft)  # guided mode's line

        self.place_box = TrackPlace()
        self.position = self.place_box.position
        self.position_label = self.place_box.position_label
        self.duration_label = self.place_box.duration_label

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
        self.volume_box = self.more_panel.volume_box
        self.volume = self.more_panel.volume
        self.volume_label = self.more_panel.volume_label
        self.end_button = QPushButton(self.tr("End session"))
        self.end_button.setToolTip(self.tr("The music fades out gently, then you check in"))
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

    def _build_quiet_row(self) -> QWidget:
        """The next track, the breathing guide and More: quiet, one step from the music."""
        row = QWidget()
        self._quiet_row = QHBoxLayout(row)
        self._quiet_row.setContentsMargins(0, 0, 0, 0)
        self._quiet_row.setSpacing(8)
        self.next_button = QPushButton(self.tr("Next track"))
        self.next_button.setToolTip(self.tr("Go on to the next track now"))
        self.breathe_button = QPushButton(self.tr("Breathe"))
        self.breathe_button.setToolTip(
            self.tr("A breathing guide over the music; the music keeps playing")
        )
        self.more_button = QPushButton(self.tr("More"))
        self.more_button.setCheckable(True)
        self.more_button.setAccessibleName(self.tr("More controls"))
        self.more_button.toggled.connect(self._show_more)
        for button in (self.next_button, self.breathe_button, self.more_button):
            set_role(button, "quiet")
        return row

    def _build_more_panel(self) -> None:
        """Under More: the session's length and the background sound (the panel's, named here
        too), and flagging the track (the page's button, placed in the panel).
        """
        sound = self.more_panel
        sound.open_requested.connect(lambda: self.set_more_shown(True))
        self.timer_group = sound.timer_group
        self.timer_label = sound.timer_label
        self.timer_choice = sound.timer_choice
        self.timer_buttons = sound.timer_buttons
        self.timer_steps = sound.timer_steps
        self.ambience_choice = sound.ambience_choice
        self.ambience_volume = sound.ambience_volume
        self.timer_carry = sound.timer_carry
        self.timer_carry_button = sound.timer_carry_button
        self.timer_carry_box = sound.timer_carry_box
        self.ambience_carry = sound.ambience_carry
        self.ambience_carry_button = sound.ambience_carry_button
        self.ambience_carry_box = sound.ambience_carry_box
        self.flag_button = QPushButton(self.tr("Flag this track"))
        set_role(self.flag_button, "")
        self.flag_button.setToolTip(
            self.tr("This track brings up urges or hard memories: skip it in future sessions")
        )
        self.flag_button.setEnabled(False)

    # -- arranging -----------------------------------------------------------------------------

    def _arrange(self, guided: bool) -> None:
        """Put the player's parts where this mode has them (see the page's docstring)."""
        self._guided = guided
        rows = (
            self._card_layout,
            self._times_row,
            self._main_row,
            self.guided_line.first,
            self.guided_line.second,
            self._quiet_row,
            self.more_panel.parts_above,
            self.more_panel.parts_below,
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
            fill(self.more_panel.parts_above, [self.place_box, self.volume_box])
            fill(
                self.more_panel.parts_below,
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
            fill(self.more_panel.parts_below, [self.flag_button, None])
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
        panel = [*self.more_panel.controls(), self.flag_button]
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

    def _show_track_title(self, title: str) -> None:
        self.now_playing.setText(title)
        self.compact_track.setText(title)

    # -- More, the focus and the page's height -------------------------------------------------

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

    def _focus_main(self) -> None:
        self.pause_button.setFocus(Qt.FocusReason.OtherFocusReason)

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
        if self._guided:
            area.ensureWidgetVisible(self.more_button, 16, 24)
            return
        top = self.more_panel.mapTo(area.viewport(), QPoint(0, 0)).y()
        if top > area.viewport().height() - 48:
            area.ensureWidgetVisible(self.timer_group, 16, 24)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_top_margin()

    def _set_top_margin(self) -> None:
        """On a tall page the music sits a little lower. This follows the page's height alone,
        never what shows on it, so nothing moves when a message or More opens.
        """
        top = TOP_MARGIN
        if not self._guided:
            top = max(TOP_MARGIN, min(TALLEST_TOP_MARGIN, (self.height() - 540) // 2))
        margins = self._column.contentsMargins()
        if margins.top() != top:
            margins.setTop(top)
            self._column.setContentsMargins(margins)
