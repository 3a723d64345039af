"""The listening page's kept place for messages: a problem in plain words (with what the
computer said exactly behind "Details"), and the notice that the track playing is flagged, with
"Skip it now". The place keeps its height, so a message coming or going never moves a control.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.ui.listening_parts import KeptPlace
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import set_role


class NoticeArea(KeptPlace):
    """The kept place at the top: a problem (with its detail) and the flag notice."""

    skip_requested = Signal()  # "Skip it now"
    focus_given_up = Signal()  # a control with the focus went: the page puts the focus on Pause

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
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

    def show_problem(self, text: str, detail: str = "") -> None:
        """Say a problem (``text``; empty clears it), with ``detail`` under "Details"."""
        self.message.setText(text)
        self.message_detail.setText(detail)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(detail))
        self._show_details(False)
        leaving = not text and self.details_button.hasFocus()
        self.problem_box.setVisible(bool(text))
        if leaving:
            self.focus_given_up.emit()

    def show_flagged(self, title: str | None) -> None:
        """Say that the track playing, ``title``, is flagged; None: it is not."""
        if title is not None:
            self.flag_notice.setText(
                self.tr("“%1” is flagged and will be skipped from now on.").replace("%1", title)
            )
        leaving = title is None and self.skip_now_button.hasFocus()
        self.flag_box.setVisible(title is not None)
        if leaving:
            self.focus_given_up.emit()

    def _show_details(self, shown: bool) -> None:
        self.message_detail.setVisible(shown and bool(self.message_detail.text()))
        self.details_button.setAccessibleDescription(
            self.tr("The details are shown") if shown else self.tr("The details are hidden")
        )
