"""The pieces of the therapist's homework editor: a section with its problem line, rows that
can be added and removed, and the checkable lists of content and tracks.

Everything shown from a file (titles of playlists, scripts and tracks) is plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mtcalm.homework.manifest import AvoidTrack
from mtcalm.ui.layout import bring_into_view
from mtcalm.ui.text import plain_label, plain_tooltip, tr


class Section(QWidget):
    """A plain section of the form: a heading, an optional hint, its controls, and a line
    that says what needs changing in it (hidden while nothing does).
    """

    def __init__(self, heading: str, hint: str = "") -> None:
        super().__init__()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 12, 0, 0)
        self.column.setSpacing(8)
        self.heading = plain_label(heading, "heading")
        self.column.addWidget(self.heading)
        if hint:
            self.column.addWidget(plain_label(hint, "muted"))
        self.problem = plain_label("", "notice")
        self.problem.setAccessibleName(tr("What needs changing in %1").replace("%1", heading))
        self.problem.hide()
        self.column.addWidget(self.problem)

    def say(self, text: str) -> None:
        """Show ``text`` as what needs changing here (hidden when empty)."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))


FieldT = TypeVar("FieldT", bound=QWidget)


def field_row(form: QFormLayout, label: str, field: FieldT) -> FieldT:
    """Add ``field`` to ``form`` under ``label``, named for screen readers."""
    title = plain_label(label)
    title.setBuddy(field)
    field.setAccessibleName(label)
    form.addRow(title, field)
    return field


def new_form() -> QFormLayout:
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    return form


def line_edit(limit: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(limit)
    return edit


class RowList(QWidget):
    """Rows of fields the therapist adds and removes ("Add a question", "Remove")."""

    changed = Signal()

    def __init__(
        self,
        add_text: str,
        make_row: Callable[[], QWidget],
        limit: int,
        on_add: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._make_row = make_row
        self._limit = limit
        self.rows: list[QWidget] = []  # the frames, each holding one row
        self.contents: list[QWidget] = []  # the rows themselves
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(8)
        column.addLayout(self._rows)
        self.add_button = QPushButton(add_text)
        self.add_button.setProperty("role", "quiet")
        self.add_button.clicked.connect(on_add or (lambda: self.add_row(focus=True)))
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def add_row(self, row: QWidget | None = None, *, focus: bool = False) -> QWidget:
        """``row`` (a new empty one when None) at the end; with ``focus`` its first field takes
        the focus.
        """
        row = row or self._make_row()
        frame = QFrame()
        frame.setProperty("role", "card")
        box = QVBoxLayout(frame)
        box.setContentsMargins(16, 12, 16, 12)
        box.addWidget(row)
        remove = QPushButton(tr("Remove"))
        remove.setProperty("role", "quiet")
        remove.setAccessibleName(tr("Remove this one"))
        remove.clicked.connect(lambda: self.remove_row(frame))
        box.addWidget(remove, 0, Qt.AlignmentFlag.AlignRight)
        self._rows.addWidget(frame)
        self.rows.append(frame)
        self.contents.append(row)
        self.add_button.setEnabled(len(self.rows) < self._limit)
        if focus:
            first = row.findChild(QLineEdit)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
                bring_into_view(first)
        self.changed.emit()
        return row

    def remove_row(self, frame: QWidget) -> None:
        del self.contents[self.rows.index(frame)]
        self.rows.remove(frame)
        frame.hide()
        frame.deleteLater()
        self.add_button.setEnabled(len(self.rows) < self._limit)
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def clear(self) -> None:
        for frame in self.rows:
            frame.hide()
            frame.deleteLater()
        self.rows, self.contents = [], []
        self.add_button.setEnabled(True)

    def fields(self) -> list[list[QLineEdit]]:
        """The line edits of each row, in order."""
        return [row.findChildren(QLineEdit) for row in self.contents]

    @property
    def full(self) -> bool:
        return len(self.rows) >= self._limit

    def first_field(self) -> QWidget:
        rows = self.fields()
        return rows[0][0] if rows and rows[0] else self.add_button


class Checklist(QWidget):
    """Checkable lines, each with a value; the checked values in order."""

    changed = Signal()

    def __init__(self, empty_text: str = "") -> None:
        super().__init__()
        self.boxes: list[tuple[QCheckBox, str]] = []
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(4)
        self.empty = plain_label(empty_text, "muted")
        self.empty.setVisible(bool(empty_text))
        self._column.addWidget(self.empty)

    def set_items(self, items: Sequence[tuple[str, str]], checked: set[str]) -> None:
        """Show ``items`` (text, value), those in ``checked`` ticked."""
        for box, _ in self.boxes:
            box.hide()
            box.deleteLater()
        self.boxes = []
        for text, value in items:
            box = QCheckBox(text)  # a check box never reads its text as HTML
            box.setChecked(value in checked)
            box.toggled.connect(lambda _checked: self.changed.emit())
            self._column.addWidget(box)
            self.boxes.append((box, value))
        self.empty.setVisible(not self.boxes and bool(self.empty.text()))

    def checked(self) -> list[str]:
        return [value for box, value in self.boxes if box.isChecked()]

    def check(self, values: set[str]) -> None:
        for box, value in self.boxes:
            box.setChecked(value in values)

    def first(self) -> QWidget:
        return self.boxes[0][0] if self.boxes else self


class FileRow(QWidget):
    """One of the therapist's own audio files: its name and a title the client will see."""

    def __init__(self, path: Path, title: str) -> None:
        super().__init__()
        self.path = path
        form = new_form()
        form.setContentsMargins(0, 0, 0, 0)
        name = plain_label(path.name)
        name.setToolTip(plain_tooltip(str(path)))
        name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(plain_label(tr("File")), name)
        self.title = field_row(form, tr("Title"), line_edit(200))
        self.title.setText(title)
        self.setLayout(form)


def avoid_items(
    tracks: Sequence[tuple[str, str]], chosen: Sequence[AvoidTrack]
) -> list[tuple[str, str]]:
    """The tracks to offer (title, key): those of the chosen content, then any chosen before
    that is no longer among them (kept, so nothing is dropped unseen).
    """
    keys = {key for _, key in tracks}
    return [*tracks, *[(a.title, a.track) for a in chosen if a.track not in keys]]


def focus_on(widget: QWidget) -> None:
    """Give ``widget`` the focus and scroll it into view."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    bring_into_view(widget)


def selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def row_widget(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return holder


class TimeRow(QWidget):
    """A reminder time of day."""

    def __init__(self) -> None:
        super().__init__()
        form = new_form()
        form.setContentsMargins(0, 0, 0, 0)
        self.edit = field_row(form, tr("Time"), QTimeEdit(QTime(20, 0)))
        self.edit.setDisplayFormat("HH:mm")
        self.setLayout(form)


class FieldsRow(QWidget):
    """A row of labelled line edits: (label, limit) each."""

    def __init__(self, fields: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        form = new_form()
        form.setContentsMargins(0, 0, 0, 0)
        self.edits = [field_row(form, label, line_edit(limit)) for label, limit in fields]
        self.setLayout(form)
