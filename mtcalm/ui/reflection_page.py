"""After guided imagery: a few minutes to write and draw what stays with the person."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.drawing import DEFAULT_COLOUR, PALETTE, Drawing
from mtcalm.journal.store import MAX_REFLECTION_NOTE_LENGTH
from mtcalm.ui import theme
from mtcalm.ui.drawing_canvas import DrawingCanvas
from mtcalm.ui.layout import ReflowRow, card, roomy_page, scroll_area_of, scroll_to_top
from mtcalm.ui.text import plain_label, tr

CANVAS_SIDE = 300
NOTE_MIN_WIDTH = 220  # the note is never narrower; short of room it goes above the drawing
NOTE_SEEN = 60  # at least this much of the note is in view when the page opens
PAGE_WIDTH = 1000  # wider windows centre the page rather than stretch the note
SWATCH_SIDE = 34
# The counter of characters left appears once the note comes this close to its limit.
NOTE_WARNING_MARGIN = 500


def colour_name(key: str) -> str:
    """The colour's name as the person reads it (and a screen reader says it)."""
    names = {
        "dusk": tr("Dusk blue", "colour"),
        "sage": tr("Sage green", "colour"),
        "sky": tr("Sky blue", "colour"),
        "lavender": tr("Lavender", "colour"),
        "rose": tr("Rose", "colour"),
        "sand": tr("Sand", "colour"),
    }
    return names.get(key, key)


def swatch_style(colour: str) -> str:
    """A round swatch; the chosen one gets a dark ring (and a tick, set as its text)."""
    inner = SWATCH_SIDE - 6  # the 3px ring on each side
    return (
        f"QPushButton {{ background: {colour}; border: 3px solid {theme.SURFACE};"
        f" border-radius: {SWATCH_SIDE // 2}px; padding: 0; color: white; font-weight: 700;"
        f" min-width: {inner}px; max-width: {inner}px; min-height: {inner}px;"
        f" max-height: {inner}px; }}"
        f"QPushButton:hover {{ border-color: {theme.BORDER}; }}"
        f"QPushButton:checked {{ border-color: {theme.CONTROL_BORDER}; }}"
        f"QPushButton:focus {{ border-color: {theme.FOCUS}; }}"  # after :checked, so it shows
    )


class ReflectionPage(QWidget):
    """The script's prompt, a note, a drawing circle with soft colours, Keep this / Skip.

    The title, then the prompt a step smaller, then the hints: one thing to read at a time.
    The note and the drawing sit side by side, or one under the other when space is short.
    """

    kept = Signal(str, object)  # the note, the Drawing
    skipped = Signal()

    def __init__(self, prompt: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = roomy_page(self, scrolls_when_small=True, max_width=PAGE_WIDTH)
        layout.setContentsMargins(theme.PAGE_MARGIN * 2, 32, theme.PAGE_MARGIN * 2, 28)
        self.title = plain_label(self.tr("A moment to reflect"), "title")
        layout.addWidget(self.title)
        self.prompt = plain_label("", "heading")  # from the script's file: plain text
        layout.addWidget(self.prompt)
        self.hint = plain_label(
            self.tr("Write, draw, or both. It is kept in your journal, with this session."),
            "muted",
        )
        layout.addWidget(self.hint)

        frame, inside = card((24, 20, 24, 20), spacing=12)
        self.parts = ReflowRow(spacing=24, stacked_spacing=20)
        self.parts.add_layout(self._build_note(), 1)
        self.parts.add_layout(self._build_drawing())
        inside.addWidget(self.parts)
        layout.addWidget(frame)

        buttons = QHBoxLayout()
        self.skip_button = QPushButton(self.tr("Skip"))
        self.skip_button.setProperty("role", "quiet")
        self.skip_button.setToolTip(self.tr("Go on without keeping a reflection"))
        self.skip_button.clicked.connect(self._skip)
        self.keep_button = QPushButton(self.tr("Keep this"))
        self.keep_button.setProperty("role", "primary")
        self.keep_button.setToolTip(self.tr("Keep the note and the drawing in your journal"))
        self.keep_button.clicked.connect(self._keep)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)
        layout.addStretch(1)

        # Inside the note box, Ctrl+Z undoes typing (the box takes the key first).
        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.canvas.undo)
        self._points_shown = 0
        self.reset(prompt)

    def _build_note(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(8)
        words = plain_label(self.tr("Words"), "muted")
        column.addWidget(words)
        self.note = QPlainTextEdit()
        words.setBuddy(self.note)
        self.note.setPlaceholderText(
            self.tr("Images, feelings, a colour, a word… whatever you want to keep")
        )
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(self.tr("Your note"))
        self.note.setMinimumHeight(120)
        self.note.setMinimumWidth(NOTE_MIN_WIDTH)
        self.note.textChanged.connect(self._on_note_changed)
        column.addWidget(self.note, 1)
        self.note_left = plain_label("", "muted")
        self.note_left.hide()
        column.addWidget(self.note_left)
        return column

    def _build_drawing(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(plain_label(self.tr("A drawing"), "muted"))
        drawing_row = QHBoxLayout()
        drawing_row.setSpacing(12)
        self.canvas = DrawingCanvas()
        self.canvas.setFixedSize(CANVAS_SIDE, CANVAS_SIDE)
        self.canvas.changed.connect(self._on_drawing_changed)
        self.canvas.full.connect(self._on_full)
        drawing_row.addWidget(self.canvas)
        drawing_row.addLayout(self._build_tools())
        drawing_row.addStretch(1)  # the tools stay beside the circle when it has the width
        column.addLayout(drawing_row)
        self.full_notice = plain_label(
            self.tr("The drawing is as full as it can be. Undo or Clear to draw more."), "muted"
        )
        self.full_notice.setMaximumWidth(CANVAS_SIDE + 120)
        self.full_notice.hide()
        column.addWidget(self.full_notice)
        column.addStretch(1)
        return column

    def _build_tools(self) -> QVBoxLayout:
        tools = QVBoxLayout()
        tools.setSpacing(10)
        swatches = QGridLayout()
        swatches.setSpacing(8)
        self._colours = QButtonGroup(self)
        self._colours.setExclusive(True)
        self.colour_buttons: dict[str, QPushButton] = {}
        for index, (key, colour) in enumerate(PALETTE.items()):
            button = QPushButton()
            button.setCheckable(True)
            button.setFixedSize(SWATCH_SIDE, SWATCH_SIDE)
            button.setStyleSheet(swatch_style(colour))
            button.setAccessibleName(colour_name(key))
            button.setToolTip(self.tr("Draw in %1").replace("%1", colour_name(key).lower()))
            button.toggled.connect(lambda checked, key=key: self._on_colour(key, checked))
            self._colours.addButton(button)
            swatches.addWidget(button, index // 2, index % 2)
            self.colour_buttons[key] = button
        tools.addLayout(swatches)
        tools.addSpacing(6)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Take back the last line (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setProperty("role", "quiet")
        self.clear_button.setToolTip(self.tr("Start the drawing again (Undo brings it back)"))
        self.clear_button.clicked.connect(self.canvas.clear)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        tools.addStretch(1)
        return tools

    # -- state ---------------------------------------------------------------------------------

    def set_prompt(self, prompt: str) -> None:
        """Show the script's prompt (plain text); an empty one gets a gentle default."""
        self.prompt.setText(
            prompt.strip()
            or self.tr("What stays with you from the music? Write or draw whatever comes.")
        )

    def reset(self, prompt: str = "") -> None:
        """Start blank for a new session."""
        self.set_prompt(prompt)
        self.note.clear()
        self.canvas.set_drawing(Drawing())
        self.colour_buttons[DEFAULT_COLOUR].setChecked(True)
        self.full_notice.hide()
        self._update_buttons()

    def _skip(self) -> None:
        """Go on without a reflection; words or a drawing already made are not lost unasked."""
        if self.note_text() or not self.drawing().is_empty:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setWindowTitle(self.tr("mtcalm"))
            box.setText(self.tr("Leave out what you wrote and drew?"))
            box.setInformativeText(self.tr("It is not kept unless you choose Keep this."))
            keep = box.addButton(self.tr("Keep this"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("Leave it out"), QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(keep)
            box.exec()
            if box.clickedButton() is keep:
                self._keep()
                return
        self.skipped.emit()

    def note_text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_REFLECTION_NOTE_LENGTH]

    def drawing(self) -> Drawing:
        return self.canvas.drawing()

    def focus_first(self) -> None:
        """Open at the top, with the keyboard in the note (whose top is in view)."""
        scroll_to_top(self)
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)
        area = scroll_area_of(self.note)
        body = area.widget() if area is not None else None
        if area is not None and body is not None:
            top = self.note.mapTo(body, QPoint(0, 0)).y()
            if top + NOTE_SEEN > area.viewport().height():  # only with very large text
                area.verticalScrollBar().setValue(top - theme.SPACING)

    # -- reactions -----------------------------------------------------------------------------

    def _on_colour(self, key: str, checked: bool) -> None:
        button = self.colour_buttons[key]
        button.setText("✓" if checked else "")  # not by colour alone
        button.setAccessibleDescription(self.tr("chosen") if checked else "")
        if checked:
            self.canvas.set_colour(key)

    def _on_note_changed(self) -> None:
        text = self.note.toPlainText()
        if len(text) > MAX_REFLECTION_NOTE_LENGTH:
            cursor = self.note.textCursor()
            position = min(cursor.position(), MAX_REFLECTION_NOTE_LENGTH)
            self.note.setPlainText(text[:MAX_REFLECTION_NOTE_LENGTH])
            cursor = self.note.textCursor()
            cursor.setPosition(position)
            self.note.setTextCursor(cursor)
            return  # setPlainText calls this again
        left = MAX_REFLECTION_NOTE_LENGTH - len(text)
        self.note_left.setVisible(left <= NOTE_WARNING_MARGIN)
        self.note_left.setText(
            self.tr("%1 characters left").replace("%1", str(left))
            if left
            else self.tr("The note is as long as it can be.")
        )
        self._update_buttons()

    def _on_drawing_changed(self) -> None:
        points = self.canvas.drawing().point_count
        if points < self._points_shown:  # undone or cleared: there is room again
            self.full_notice.hide()
        self._points_shown = points
        self._update_buttons()

    def _on_full(self) -> None:
        self.full_notice.show()

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo)
        self.clear_button.setEnabled(not self.canvas.drawing().is_empty)
        self.keep_button.setEnabled(bool(self.note_text()) or not self.canvas.drawing().is_empty)

    def _keep(self) -> None:
        if self.keep_button.isEnabled():
            self.kept.emit(self.note_text(), self.canvas.drawing())
