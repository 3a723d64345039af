"""Home: guided imagery first (grounding at the top), then music to listen to, then the
person's own playlists, as short sections of compact rows.

Why this order: a person who opens mtcalm anxious needs a way to settle that is safe right
now. "Here and now: grounding" keeps the eyes open and is the one script with no caution for
dissociation, so it comes first and its Begin is the page's one filled button; every other
Begin is outlined, so the page is not a column of identical dark buttons.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.assets import bundled_playlists_dir
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui import theme
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.text import minutes_text, plain_label, plural
from mtcalm.ui.theme import set_role

if TYPE_CHECKING:
    from mtcalm.homework.adherence import ThisWeek
    from mtcalm.ui.homework_week import HomeworkWeek

FIRST_STEP_SCRIPT = "grounding"  # the bundled script offered first (see the module's note)
ROW_MARGINS = (20, 14, 16, 14)


def row_title(text: str) -> QLabel:
    """A row's title: the body size, a little heavier (file text, so plain)."""
    label = plain_label(text)
    font = QFont()  # only the weight is set: the size still follows the page's font
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


def forget(widget: QWidget) -> None:
    """Take ``widget`` off the page now (out of sight and of the Tab order), delete it later."""
    widget.hide()
    widget.setParent(None)
    widget.deleteLater()


def is_bundled(playlist: Playlist) -> bool:
    """Whether ``playlist`` is one mtcalm ships (the rest are the person's own)."""
    try:
        return playlist.source.resolve().is_relative_to(bundled_playlists_dir().resolve())
    except OSError:
        return False


class ChoiceCard(QFrame):
    """A compact row for ``choice``: its title and a few lines beside a Begin button."""

    begin_requested = Signal(object)

    def __init__(self, choice: object, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = choice
        self.setProperty("role", "card")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(*ROW_MARGINS)
        self._layout.setSpacing(theme.SPACING)
        self.text = QVBoxLayout()
        self.text.setSpacing(4)
        self.title = row_title(title)
        self.text.addWidget(self.title)
        self._layout.addLayout(self.text, 1)
        self.begin_button = QPushButton(self.tr("Begin"))
        self.begin_button.clicked.connect(lambda: self.begin_requested.emit(self.choice))
        self._layout.addWidget(self.begin_button, 0, Qt.AlignmentFlag.AlignVCenter)


class PlaylistCard(ChoiceCard):
    """A listening playlist: how long, how many tracks, what it is for, and Begin."""

    def __init__(self, playlist: Playlist, flagged: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(playlist, playlist.title, parent)
        self.playlist = playlist
        self.setProperty("kind", "music")
        count = len(playlist.playable_tracks)
        tracks = plural(count, self.tr("%n track"), self.tr("%n tracks"))
        facts = f"{minutes_text(playlist.duration)} · {tracks}"
        if flagged:
            facts += " · " + plural(
                flagged,
                self.tr("%n flagged as a trigger"),
                self.tr("%n flagged as triggers"),
            )
        self.facts = plain_label(facts, "muted")
        if playlist.purpose:
            self.text.addWidget(plain_label(playlist.purpose))
        self.text.addWidget(self.facts)
        if playlist.suggested_use:  # how to listen: a hover away, and read out with Begin
            self.setToolTip(playlist.suggested_use)
            self.begin_button.setAccessibleDescription(playlist.suggested_use)
        if playlist.problems:
            self.text.addWidget(
                plain_label(
                    self.tr("Some tracks cannot be played: %1").replace(
                        "%1", "; ".join(playlist.problems)
                    ),
                    "muted",
                )
            )
        self.begin_button.setAccessibleName(self.tr("Begin %1").replace("%1", playlist.title))
        self.begin_button.setEnabled(bool(playlist.playable_tracks))


class ScriptCard(ChoiceCard):
    """A guided-imagery script: what it is, how long, with which music, and a Begin button."""

    def __init__(
        self, script: Script, playlist_title: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(script, script.title, parent)
        self.script = script
        self.setProperty("kind", "imagery")
        facts = minutes_text(script.duration)
        if playlist_title is not None:
            music = self.tr("with the “%1” music").replace("%1", playlist_title)
            facts = f"{facts} · {music}"
        self.text.addWidget(plain_label(script.summary))
        self.text.addWidget(plain_label(facts, "muted"))
        self.reason = plain_label("", "muted")
        if playlist_title is None:
            self.reason.setText(
                self.tr("It cannot begin: its music, the playlist “%1”, is not here.").replace(
                    "%1", script.playlist
                )
            )
        self.reason.setVisible(playlist_title is None)
        self.text.addWidget(self.reason)
        self.begin_button.setAccessibleName(
            self.tr("Begin guided imagery: %1").replace("%1", script.title)
        )
        self.begin_button.setEnabled(playlist_title is not None)

    def mark_first_step(self) -> None:
        """Say why this script is offered first."""
        self.text.insertWidget(
            1,
            plain_label(
                self.tr("A good place to start. Your eyes stay open."),
                "muted",
            ),
        )


class Notice(QFrame):
    """A calm message with its technical detail behind a "Details" toggle (both plain text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeNotice")
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 10, 10)
        column.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(theme.SPACING // 2)
        self.text = plain_label("")
        row.addWidget(self.text, 1)
        self.details_button = QPushButton(self.tr("Details"))
        self.details_button.setProperty("density", "compact")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._show_detail)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        self.detail = plain_label("")  # full text colour: it sits on the notice colour
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName(self.tr("Details"))
        self.detail.hide()
        column.addWidget(self.detail)
        self._show_detail(False)

    def set_message(self, text: str, detail: str) -> None:
        self.text.setText(text)
        self.detail.setText(detail)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(detail))
        self.setVisible(bool(text))

    def _show_detail(self, shown: bool) -> None:
        self.detail.setVisible(shown)
        self.details_button.setText(self.tr("Hide details") if shown else self.tr("Details"))
        self.details_button.setAccessibleName(
            self.tr("Hide the details") if shown else self.tr("Show the details")
        )


class HomePage(QWidget):
    """Choose something to listen to: guided imagery, music, or one of your own playlists."""

    begin_requested = Signal(object)  # Playlist
    script_requested = Signal(object)  # Script
    checkin_requested = Signal()  # a check-in on its own
    homework_reminders_requested = Signal()
    homework_leave_requested = Signal(object)  # the Homework to stop following

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_page(self, max_width=READABLE_WIDTH)
        self._layout.addWidget(plain_label(self.tr("What would you like to listen to?"), "title"))
        self._layout.addWidget(
            plain_label(
                self.tr("You check in briefly before and after, so you can see what changed."),
                "muted",
            )
        )
        self.checkin_button = QPushButton(self.tr("Just check in"))
        self.checkin_button.setProperty("role", "quiet")
        self.checkin_button.setToolTip(
            self.tr("Note how you are now, without listening: it goes into your journal")
        )
        self.checkin_button.setAccessibleName(self.checkin_button.text())
        self.checkin_button.setAccessibleDescription(self.checkin_button.toolTip())
        self.checkin_button.clicked.connect(self.checkin_requested)
        checkin_row = QHBoxLayout()
        checkin_row.addWidget(self.checkin_button)
        checkin_row.addStretch(1)
        self._layout.addLayout(checkin_row)
        self._homework_place = QVBoxLayout()  # "This week's homework", when there is some
        self._homework_place.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(self._homework_place)
        self.homework_week: HomeworkWeek | None = None
        self.notice_box = Notice()
        self.notice_box.hide()
        self.notice = self.notice_box.text
        self.details_button = self.notice_box.details_button
        self._layout.addWidget(self.notice_box)

        self.scripts_section, self._script_rows = self._section(
            self.tr("Guided imagery"),
            self.tr("Words to follow over music. You can open your eyes and stop at any time."),
        )
        self.music_section, self._music_rows = self._section(
            self.tr("Music to listen to"),
            self.tr("Music on its own: no words, nothing to follow."),
        )
        self.own_section, self._own_rows = self._section(
            self.tr("Your playlists"), self.tr("The playlists you made in My music.")
        )
        self.empty = plain_label(self.tr("No playlists were found."), "muted")
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self._layout.addWidget(
            plain_label(
                self.tr(
                    "mtcalm is a relaxation and self-help tool used alongside care. "
                    "It is not a medical device and does not diagnose."
                ),
                "muted",
            )
        )
        self.cards: list[PlaylistCard] = []  # music first, then the person's own
        self.script_cards: list[ScriptCard] = []  # in the order shown
        self.scroll_area = self.findChild(QScrollArea)
        self._order_focus()

    def _section(self, heading: str, intro: str) -> tuple[QWidget, QVBoxLayout]:
        section = QWidget()
        column = QVBoxLayout(section)
        column.setContentsMargins(0, theme.SPACING // 2, 0, 0)
        column.setSpacing(theme.SPACING // 2)
        column.addWidget(plain_label(heading, "heading"))
        column.addWidget(plain_label(intro, "muted"))
        rows = QVBoxLayout()
        rows.setSpacing(theme.SPACING // 2)
        column.addLayout(rows)
        section.hide()
        self._layout.addWidget(section)
        return section, rows

    # -- content -------------------------------------------------------------------------------

    def set_playlists(
        self,
        playlists: Sequence[Playlist],
        flagged: Mapping[str, int] | None = None,
        own_ids: Collection[str] | None = None,
    ) -> None:
        """Offer ``playlists``; ``flagged`` counts each one's tracks flagged as triggers, by id.

        ``own_ids`` names the person's own playlists; without it, any playlist that mtcalm does
        not ship is taken as their own.
        """
        for card in self.cards:
            forget(card)
        bundled: list[Playlist] = []
        own: list[Playlist] = []
        for playlist in playlists:
            mine = playlist.id in own_ids if own_ids is not None else not is_bundled(playlist)
            (own if mine else bundled).append(playlist)
        self.cards = []
        for group, rows in ((bundled, self._music_rows), (own, self._own_rows)):
            for playlist in group:
                card = PlaylistCard(playlist, (flagged or {}).get(playlist.id, 0))
                card.begin_requested.connect(self.begin_requested.emit)
                rows.addWidget(card)
                self.cards.append(card)
        self.music_section.setVisible(bool(bundled))
        self.own_section.setVisible(bool(own))
        self.empty.setVisible(not self.cards)
        self._content_changed()

    def set_homework(self, week: ThisWeek | None, to_listen: Sequence[tuple[str, object]]) -> None:
        """Show the programme in progress and this week of it (None: nothing to show)."""
        if self.homework_week is not None:
            forget(self.homework_week)
            self.homework_week = None
        if week is not None:
            from mtcalm.ui.homework_week import HomeworkWeek

            self.homework_week = HomeworkWeek(week, to_listen)
            self.homework_week.begin_requested.connect(self._begin_homework)
            self.homework_week.reminders_requested.connect(self.homework_reminders_requested)
            self.homework_week.leave_requested.connect(self.homework_leave_requested)
            self._homework_place.addWidget(self.homework_week)
            self.homework_week.show()  # made on a page already shown: hidden until shown
        self._content_changed()

    def _begin_homework(self, choice: object) -> None:
        if isinstance(choice, Script):
            self.script_requested.emit(choice)
        else:
            self.begin_requested.emit(choice)

    def set_scripts(self, scripts: Sequence[Script], playlist_titles: Mapping[str, str]) -> None:
        """Offer ``scripts``; ``playlist_titles`` maps the playlists' ids to their titles."""
        for card in self.script_cards:
            forget(card)
        ordered = sorted(scripts, key=lambda script: script.id != FIRST_STEP_SCRIPT)
        self.script_cards = []
        for script in ordered:
            card = ScriptCard(script, playlist_titles.get(script.playlist))
            if script.id == FIRST_STEP_SCRIPT:
                card.mark_first_step()
            card.begin_requested.connect(self.script_requested.emit)
            self._script_rows.addWidget(card)
            self.script_cards.append(card)
        self.scripts_section.setVisible(bool(self.script_cards))
        self._content_changed()

    def begin_buttons(self) -> list[QPushButton]:
        """Every Begin button, in reading order."""
        return [card.begin_button for card in (*self.script_cards, *self.cards)]

    def _content_changed(self) -> None:
        """One filled Begin (the first that can begin), the rest outlined; Tab in reading order."""
        ready = [button for button in self.begin_buttons() if button.isEnabled()]
        for button in self.begin_buttons():
            set_role(button, "primary" if ready and button is ready[0] else None)
        self._order_focus()

    def _order_focus(self) -> None:
        """Tab goes through the page as it reads: Just check in, this week's homework, the
        notice's Details, then each Begin.
        """
        homework = self.homework_week.buttons() if self.homework_week is not None else []
        chain: list[QWidget] = [
            self.checkin_button,
            *homework,
            self.details_button,
            *self.begin_buttons(),
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    # -- notice and focus ----------------------------------------------------------------------

    def show_notice(self, text: str, detail: str = "") -> None:
        """A calm message at the top ("" hides it); ``detail`` (plain text) waits behind
        "Details". The control that has the focus stays where it is on screen."""
        focused = self.focusWidget()
        keep = focused if focused is not None and focused is not self.details_button else None
        before = self._viewport_y(keep)
        self.notice_box.set_message(text, detail)
        self._hold_still(keep, before)

    def focus_first(self) -> None:
        """Open at the top, with the focus on the first Begin (this week's homework's first,
        when there is homework: it comes first on the page)."""
        if self.homework_week is not None:
            self.focus_homework()
            return
        if self.scroll_area is not None:
            self.scroll_area.verticalScrollBar().setValue(0)
        ready = [button for button in self.begin_buttons() if button.isEnabled()]
        first = ready[0] if ready else None
        if first is None and self.notice_box.isVisibleTo(self):
            first = self.details_button if self.details_button.isVisibleTo(self) else None
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)
            if self.scroll_area is not None:
                self.scroll_area.ensureWidgetVisible(first, 16, 24)

    def focus_homework(self) -> None:
        """At the top, the focus on this week's homework: where to begin it."""
        if self.homework_week is None:
            self.focus_first()
            return
        first = self.homework_week.buttons()[0]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        area = self.scroll_area
        if area is None:
            return
        area.verticalScrollBar().setValue(0)
        viewport = area.viewport()
        bottom = first.mapTo(viewport, first.rect().bottomLeft()).y()
        if bottom > viewport.height():  # a small window or large text: the card from its top
            card_top = self.homework_week.mapTo(viewport, self.homework_week.rect().topLeft())
            area.verticalScrollBar().setValue(max(0, card_top.y() - 16))

    def _viewport_y(self, widget: QWidget | None) -> int | None:
        if widget is None or self.scroll_area is None or not widget.isVisible():
            return None
        if not self.scroll_area.isAncestorOf(widget):
            return None
        return widget.mapTo(self.scroll_area.viewport(), widget.rect().topLeft()).y()

    def _hold_still(self, widget: QWidget | None, before: int | None) -> None:
        """After the notice changed height, scroll so ``widget`` is where it was."""
        if widget is None or before is None or self.scroll_area is None:
            return
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        content = self.scroll_area.widget()
        layout = content.layout() if content is not None else None
        if layout is not None:
            layout.activate()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        after = self._viewport_y(widget)
        if after is not None and after != before:
            bar = self.scroll_area.verticalScrollBar()
            bar.setValue(bar.value() + after - before)
