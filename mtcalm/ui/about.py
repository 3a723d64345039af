"""What mtcalm is, and is not, said plainly: a relaxation and self-help tool used alongside
care, not a medical device, and it does not diagnose.

Said once on the first run (no entries in the journal, and no setting saying it was shown), in
the home page's place for messages with one button to put it away; and always under "About
mtcalm" in Your data.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm import __version__
from mtcalm.journal.file import JournalError
from mtcalm.ui import theme
from mtcalm.ui.layout import roomy_page
from mtcalm.ui.text import plain_label, tr
from mtcalm.workspace import Workspace

if TYPE_CHECKING:
    from mtcalm.ui.home_page import HomePage

ABOUT_WIDTH, ABOUT_HEIGHT = 640, 560


def what_mtcalm_is() -> str:
    """The one sentence every place that says what mtcalm is uses."""
    return tr(
        "mtcalm is a relaxation and self-help tool, used alongside care. It is not a medical "
        "device, and it does not diagnose."
    )


def about_paragraphs() -> list[str]:
    """What About says, paragraph by paragraph."""
    return [
        what_mtcalm_is(),
        tr(
            "It offers guided listening and imagery, a breathing guide and grounding, with a "
            "short check-in before and after, so you can see what helps you. It never gives "
            "you a score or a label, and it is no replacement for the people who care for you."
        ),
        tr(
            "mtcalm has no phone numbers of its own. Under “Get support” you keep the people "
            "you reach out to when things are hard; it shows only what you enter there."
        ),
        tr(
            "Everything you enter stays on this computer, in your data folder; mtcalm sends "
            "nothing over the internet."
        ),
    ]


def journal_is_empty(workspace: Workspace) -> bool:
    """No session or check-in has been kept yet (one indexed look, whatever the size)."""
    journal = workspace.journal
    if journal is None:
        return False
    try:
        rows = journal.reading("SELECT EXISTS (SELECT 1 FROM sessions)")
    except (sqlite3.Error, JournalError):
        return False  # unsure: better not to greet someone who has used mtcalm for years
    return not (rows and rows[0][0])


def welcome_on_first_run(workspace: Workspace, home: HomePage) -> Welcome | None:
    """On the first run, the welcome on the home page, and remember it was shown."""
    if workspace.settings.first_run_shown or workspace.journal is None:
        return None
    first = journal_is_empty(workspace)
    workspace.settings = workspace.settings.with_changes(first_run_shown=True)
    return Welcome(home) if first else None


class Welcome(QFrame):
    """The first run's welcome: what mtcalm is, and one button to put it away.

    It sits in the home page's place for messages, under its notice, from the first frame on
    (so nothing moves while the person looks), and reads before the choices; it takes no focus.
    """

    def __init__(self, home: HomePage) -> None:
        super().__init__()
        self.home = home
        self.setObjectName("homeNotice")  # the notice's calm colour: a message, not a choice
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 12, 14, 12)
        row.setSpacing(theme.SPACING)
        self.text = plain_label(
            " ".join(
                [
                    self.tr("Welcome."),
                    what_mtcalm_is(),
                    self.tr(
                        "“Get support” at the top keeps the people you reach out to. You can "
                        "read this again in Your data, under About mtcalm."
                    ),
                ]
            )
        )
        row.addWidget(self.text, 1)
        self.close_button = QPushButton(self.tr("Got it"))
        self.close_button.setAccessibleDescription(self.tr("Puts this welcome away"))
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        notice = home.notice_box
        holder = notice.parentWidget()
        column = holder.layout() if holder is not None else None
        if isinstance(column, QBoxLayout):
            column.insertWidget(column.indexOf(notice) + 1, self)
        QWidget.setTabOrder(home.details_button, self.close_button)  # read before the choices

    def dismiss(self) -> None:
        """Put the welcome away; the focus goes on to the page's first choice."""
        had_focus = self.close_button.hasFocus()
        self.hide()
        self.deleteLater()
        if had_focus:
            self.home.focus_first()


class AboutDialog(QDialog):
    """About mtcalm: what it is and is not, its version, and where the data stays."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About mtcalm"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        body = QWidget()
        layout = roomy_page(body, scrolls_when_small=True)
        layout.setContentsMargins(theme.PAGE_MARGIN, 28, theme.PAGE_MARGIN, 8)
        layout.addWidget(plain_label(self.tr("About mtcalm"), "title"))
        self.paragraphs = [plain_label(text) for text in about_paragraphs()]
        for label in self.paragraphs:
            layout.addWidget(label)
        layout.addWidget(plain_label(self.tr("Version %1").replace("%1", __version__), "muted"))
        layout.addStretch(1)
        column.addWidget(body, 1)
        footer = QWidget()
        buttons = QHBoxLayout(footer)
        buttons.setContentsMargins(theme.PAGE_MARGIN, 8, theme.PAGE_MARGIN, 20)
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setProperty("role", "primary")
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.close_button)
        column.addWidget(footer)
        if parent is not None:
            window = parent.window()
            self.resize(
                max(200, min(ABOUT_WIDTH, window.width() - 32)),
                max(200, min(ABOUT_HEIGHT, window.height() - 32)),
            )
            centre = window.mapToGlobal(window.rect().center())
            self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)


def show_about(parent: QWidget) -> AboutDialog:
    """Open About over ``parent``'s window; Esc or Close puts it away."""
    dialog = AboutDialog(parent)
    dialog.open()
    dialog.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog
