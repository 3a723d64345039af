"""When the journal cannot be opened: say what is really wrong, and offer what can be done.

A damaged, empty or newer journal can be restored from a backup, set aside for another journal
file in the folder that opens cleanly, or left for a fresh one. A read-only journal can be made
writable again (only when the person asks). A folder that cannot be written to needs fixing
outside mtcalm, so the page offers to try again.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.journal.file import (
    JournalError,
    JournalFolderReadOnly,
    JournalReadOnly,
    JournalUnavailable,
    JournalWriteFailed,
)
from mtcalm.ui import theme
from mtcalm.ui.layout import READABLE_WIDTH, ReflowRow, page_with_actions, scroll_to_top
from mtcalm.ui.text import plain_label


class ProblemActions(Enum):
    """Which way forward a problem has."""

    SET_ASIDE = "set aside"  # damaged, empty, newer: restore, another journal, or a fresh one
    ALLOW_WRITING = "allow writing"  # the journal file is read-only
    TRY_AGAIN = "try again"  # the folder cannot be written to


def actions_for(problem: JournalError) -> ProblemActions:
    """The way forward a journal problem has."""
    if isinstance(problem, JournalReadOnly):
        return ProblemActions.ALLOW_WRITING
    if isinstance(problem, JournalFolderReadOnly | JournalUnavailable | JournalWriteFailed):
        return ProblemActions.TRY_AGAIN  # nothing is wrong with the journal itself
    return ProblemActions.SET_ASIDE


class JournalProblemPage(QWidget):
    fresh_journal_requested = Signal()
    restore_requested = Signal()
    alternative_requested = Signal()
    allow_writing_requested = Signal()
    try_again_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The ways forward stay in view below the text, however long it is and however large.
        layout, buttons = page_with_actions(
            self, max_width=READABLE_WIDTH, actions_overhang=theme.PAGE_MARGIN
        )
        self.heading = plain_label("", "title")
        layout.addWidget(self.heading)
        self.details = plain_label("")
        layout.addWidget(self.details)
        self.kept_note = plain_label(
            self.tr(
                "You can restore a backup, or start a fresh journal beside this one and keep "
                "it for later (for example, to open it with a newer mtcalm or to show your "
                "therapist)."
            ),
            "muted",
        )
        layout.addWidget(self.kept_note)
        self.alternative_note = plain_label("", "muted")
        layout.addWidget(self.alternative_note)
        self.result = plain_label("", "notice")  # what a "Try again" found, in its own place
        self.result.setAccessibleName(self.tr("What happened"))
        layout.addWidget(self.result)
        details_row = QHBoxLayout()
        self.details_button = QPushButton(self.tr("Details"))
        self.details_button.setProperty("role", "quiet")
        self.details_button.setCheckable(True)
        details_row.addWidget(self.details_button)
        details_row.addStretch(1)
        layout.addLayout(details_row)
        self.file_label = plain_label("", "muted")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setAccessibleName(self.tr("The file or folder"))
        self.file_label.hide()
        self.details_button.toggled.connect(self.file_label.setVisible)
        layout.addWidget(self.file_label)
        layout.addStretch(1)
        self.quit_button = QPushButton(self.tr("Quit"))
        self.quit_button.setProperty("role", "quiet")
        self.quit_button.clicked.connect(self.quit_requested.emit)
        self.alternative_button = QPushButton("")
        self.alternative_button.clicked.connect(self.alternative_requested.emit)
        self.restore_button = QPushButton(self.tr("Restore a backup…"))
        self.restore_button.clicked.connect(self.restore_requested.emit)
        self.fresh_button = QPushButton(self.tr("Start a fresh journal"))
        self.fresh_button.clicked.connect(self.fresh_journal_requested.emit)
        self.allow_button = QPushButton(self.tr("Let mtcalm write to it"))
        self.allow_button.clicked.connect(self.allow_writing_requested.emit)
        self.try_again_button = QPushButton(self.tr("Try again"))
        self.try_again_button.clicked.connect(self.try_again_requested.emit)
        buttons.addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addStretch(1)
        # Side by side when they fit; one above another (the first the main one) when not.
        self.action_row = ReflowRow(spacing=theme.SPACING, stacked_spacing=theme.SPACING // 2)
        for button in (
            self.alternative_button,
            self.restore_button,
            self.fresh_button,
            self.allow_button,
            self.try_again_button,
        ):
            self.action_row.add_widget(button)
        buttons.addWidget(self.action_row)

    def show_problem(
        self,
        short: str,
        long: str,
        actions: ProblemActions = ProblemActions.SET_ASIDE,
        *,
        has_backups: bool = False,
        alternative: str = "",
        path: Path | None = None,
        result: str = "",
    ) -> None:
        """Show the problem and the ways forward it has.

        ``alternative`` describes another journal in the folder that opens cleanly ("" if none);
        ``path`` is the file or folder concerned, shown under Details; ``result`` says what the
        last attempt found ("" for none).
        """
        self.heading.setText(short)
        self.details.setText(long)
        self.result.setText(result)
        self.result.setVisible(bool(result))
        self.details_button.setVisible(path is not None)
        self.details_button.setChecked(False)
        self.file_label.setText(self.tr("The file or folder: %1").replace("%1", str(path)))
        set_aside = actions is ProblemActions.SET_ASIDE
        self.kept_note.setVisible(set_aside)
        self.alternative_note.setVisible(set_aside and bool(alternative))
        self.alternative_note.setText(
            self.tr("Another journal in the same folder opens cleanly: %1.").replace(
                "%1", alternative
            )
        )
        self.alternative_button.setText(self.tr("Open that journal"))
        self.alternative_button.setVisible(set_aside and bool(alternative))
        self.restore_button.setVisible(set_aside and has_backups)
        self.fresh_button.setVisible(set_aside)
        self.allow_button.setVisible(actions is ProblemActions.ALLOW_WRITING)
        self.try_again_button.setVisible(actions is ProblemActions.TRY_AGAIN)
        main = self.main_action()
        for button in self._actions():
            button.setProperty("role", "primary" if button is main else "")
            button.style().unpolish(button)
            button.style().polish(button)

    def _actions(self) -> tuple[QPushButton, ...]:
        return (
            self.alternative_button,
            self.restore_button,
            self.fresh_button,
            self.allow_button,
            self.try_again_button,
        )

    def main_action(self) -> QPushButton:
        """The first way forward shown: a journal that opens, a backup, then a fresh start."""
        return next(button for button in self._actions() if not button.isHidden())

    def focus_first(self) -> None:
        """Open at the top, with the focus on the main way forward (always in view)."""
        scroll_to_top(self)
        self.main_action().setFocus(Qt.FocusReason.OtherFocusReason)
