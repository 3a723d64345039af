"""Choosing the check-in's optional questions: craving, body tension or pain, and questions of
one's own with words for both ends. Distress, pleasantness and energy are always asked.

What is chosen is asked from the check-in on screen on; answers already given keep what their
question meant then (the journal stores each question's definition with its answers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import (
    CRAVING,
    CUSTOM_PREFIX,
    MAX_ANCHOR_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_OPTIONAL_ITEMS,
    TENSION,
    CheckInError,
    CheckInItem,
    custom_item,
)
from mtcalm.ui.layout import fit_to_content
from mtcalm.ui.text import plain_label, tr

KEY_LETTERS = re.compile(r"[^a-z0-9]+")


def new_key(label: str, taken: set[str]) -> str:
    """A lasting journal name for a new question called ``label``, unlike any in ``taken``."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    stem = KEY_LETTERS.sub("-", plain).strip("-")[:24] or "question"
    key, number = f"{CUSTOM_PREFIX}{stem}", 2
    while key in taken:
        key, number = f"{CUSTOM_PREFIX}{stem}-{number}", number + 1
    return key


def from_therapist_note() -> QLabel:
    """Said under a question a therapist's homework added: the person may still change it."""
    return plain_label(tr("Added by your therapist’s homework"), "muted")


class OwnQuestionRow(QWidget):
    """One question of the person's own: its name, the words at 0 and at 10, and Remove."""

    def __init__(
        self, item: CheckInItem, parent: QWidget | None = None, *, from_therapist: bool = False
    ) -> None:
        super().__init__(parent)
        self.key = item.key
        self.label = QLineEdit(item.label)
        self.low = QLineEdit(item.low_anchor)
        self.high = QLineEdit(item.high_anchor)
        for field, limit, name in (
            (self.label, MAX_LABEL_LENGTH, self.tr("Question")),
            (self.low, MAX_ANCHOR_LENGTH, self.tr("Words at 0")),
            (self.high, MAX_ANCHOR_LENGTH, self.tr("Words at 10")),
        ):
            field.setMaxLength(limit)
            field.setAccessibleName(name)
            field.setPlaceholderText(name)
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setProperty("role", "quiet")
        self.remove.setAccessibleName(self.tr("Remove %1").replace("%1", item.label))
        # The question on a line of its own, so it is read whole; its words at both ends below.
        question = QHBoxLayout()
        question.addWidget(self.label, 1)
        question.addWidget(self.remove)
        ends = QHBoxLayout()
        for text, field in ((self.tr("At 0"), self.low), (self.tr("At 10"), self.high)):
            end = QLabel(text)
            end.setTextFormat(Qt.TextFormat.PlainText)
            end.setBuddy(field)
            ends.addWidget(end)
            ends.addWidget(field, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 8)
        column.setSpacing(4)
        column.addLayout(question)
        if from_therapist:
            column.addWidget(from_therapist_note())
        column.addLayout(ends)

    def item(self) -> CheckInItem:
        return custom_item(self.key, self.label.text(), self.low.text(), self.high.text())


class CheckInItemsDialog(QDialog):
    """Which optional questions the check-in asks, from the next one on."""

    def __init__(
        self,
        chosen: Sequence[CheckInItem],
        parent: QWidget | None = None,
        *,
        from_therapist: frozenset[str] = frozenset(),
    ) -> None:
        """``from_therapist``: the keys of the questions a therapist's homework added."""
        super().__init__(parent)
        self._from_therapist = from_therapist
        self.setWindowTitle(self.tr("Questions in your check-in"))
        self.setMinimumWidth(520)
        # The questions scroll when the dialog is taller than the screen (large text, several
        # questions of one's own); Save and Cancel stay in view below them.
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 20, 24, 8)
        column.setSpacing(12)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        self._content = content
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 20)
        outer.setSpacing(8)
        outer.addWidget(self.scroll_area, 1)
        column.addWidget(
            plain_label(
                self.tr(
                    "Distress, pleasantness and energy are always asked. What you add here is "
                    "asked from this check-in on. What you answered before keeps its meaning."
                ),
                "muted",
            )
        )
        self.craving = QCheckBox(self.tr("Craving or urge to use, 0 to 10"))
        self.tension = QCheckBox(self.tr("Tension or pain in the body, 0 to 10"))
        self.craving.setChecked(CRAVING in chosen)
        self.tension.setChecked(TENSION in chosen)
        for box, item in ((self.craving, CRAVING), (self.tension, TENSION)):
            column.addWidget(box)
            if item.key in from_therapist and item in chosen:
                column.addWidget(from_therapist_note())

        column.addWidget(plain_label(self.tr("Questions of your own, 0 to 10"), "heading"))
        self.rows_box = QVBoxLayout()
        column.addLayout(self.rows_box)
        self.rows: list[OwnQuestionRow] = []
        for item in chosen:
            if item.is_custom:
                self._add_row(item)
        self.empty = plain_label(self.tr("None yet."), "muted")
        column.addWidget(self.empty)

        form = QFormLayout()
        self.new_label = QLineEdit()
        self.new_label.setMaxLength(MAX_LABEL_LENGTH)
        self.new_label.setPlaceholderText(self.tr("For example: How lonely do you feel?"))
        self.new_low = QLineEdit()
        self.new_low.setMaxLength(MAX_ANCHOR_LENGTH)
        self.new_low.setPlaceholderText(self.tr("not at all"))
        self.new_high = QLineEdit()
        self.new_high.setMaxLength(MAX_ANCHOR_LENGTH)
        self.new_high.setPlaceholderText(self.tr("very much"))
        form.addRow(self.tr("New question"), self.new_label)
        form.addRow(self.tr("Words at 0"), self.new_low)
        form.addRow(self.tr("Words at 10"), self.new_high)
        column.addLayout(form)
        self.add_button = QPushButton(self.tr("Add this question"))
        self.add_button.clicked.connect(self._add_new)
        self.new_label.returnPressed.connect(self._add_new)
        adding = QHBoxLayout()
        adding.addStretch(1)
        adding.addWidget(self.add_button)
        column.addLayout(adding)

        self.problem = plain_label("", "muted")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.save_button, cancel, self.add_button):
            button.setAutoDefault(False)  # Enter in a field adds the question, never saves
            button.setDefault(False)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        buttons.setContentsMargins(24, 0, 24, 0)
        outer.addWidget(buttons)
        focus_changed = QApplication.instance()
        if isinstance(focus_changed, QApplication):
            focus_changed.focusChanged.connect(self._show_focused)
        self._refresh()
        self._result: tuple[CheckInItem, ...] = tuple(chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field finishes that field (a new question is added), never the dialog:
        saving is a deliberate press of Save.
        """
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and isinstance(self.focusWidget(), QLineEdit):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Open tall enough to show every question when the screen has room for them."""
        super().showEvent(event)
        fit_to_content(self, self.scroll_area)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the control the keyboard reached in view."""
        if new is not None and self._content.isAncestorOf(new):
            self.scroll_area.ensureWidgetVisible(new)

    def chosen(self) -> tuple[CheckInItem, ...]:
        """The questions as saved (valid once the dialog is accepted)."""
        return self._result

    def _add_row(self, item: CheckInItem) -> None:
        row = OwnQuestionRow(item, from_therapist=item.key in self._from_therapist)
        row.remove.clicked.connect(lambda: self._remove_row(row))
        self.rows_box.addWidget(row)
        self.rows.append(row)

    def _remove_row(self, row: OwnQuestionRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self._refresh()
        self.new_label.setFocus()

    def _count(self) -> int:
        return len(self.rows) + self.craving.isChecked() + self.tension.isChecked()

    def _add_new(self) -> None:
        label = self.new_label.text().strip()
        if not label:
            self._say(self.tr("Write the question first."))
            self.new_label.setFocus()
            return
        if self._count() >= MAX_OPTIONAL_ITEMS:
            self._say(
                self.tr("At most %1 extra questions: a check-in should stay short.").replace(
                    "%1", str(MAX_OPTIONAL_ITEMS)
                )
            )
            return
        key = new_key(label, {row.key for row in self.rows})
        try:
            item = custom_item(key, label, self.new_low.text(), self.new_high.text())
        except CheckInError:
            self._say(self.tr("The question must be one line."))
            return
        self._add_row(item)
        for field in (self.new_label, self.new_low, self.new_high):
            field.clear()
        self._say("")
        self._refresh()
        self.new_label.setFocus()

    def _save(self) -> None:
        items: list[CheckInItem] = []
        if self.craving.isChecked():
            items.append(CRAVING)
        if self.tension.isChecked():
            items.append(TENSION)
        for row in self.rows:
            try:
                items.append(row.item())
            except CheckInError:
                self._say(self.tr("Each question of your own needs a name of one line."))
                row.label.setFocus()
                return
        if len(items) > MAX_OPTIONAL_ITEMS:
            self._say(
                self.tr("At most %1 extra questions: a check-in should stay short.").replace(
                    "%1", str(MAX_OPTIONAL_ITEMS)
                )
            )
            return
        self._result = tuple(items)
        self.accept()

    def _say(self, text: str) -> None:
        self.problem.setText(text)

    def _refresh(self) -> None:
        self.empty.setVisible(not self.rows)
