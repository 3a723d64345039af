"""One session of the journal, read whole: every answer before and after with its change, the
feeling words, the notes, the reflection and drawing, the flags, and the music heard.

Everything is plain text (nothing the person wrote is read as HTML). Esc or "Back to the list"
goes back to the list, to the same row.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import CheckIn, CheckInItem
from mtcalm.drawing import Drawing
from mtcalm.journal.history import Flag, SessionDetail
from mtcalm.journal.store import EventKind, Reflection, SessionKind
from mtcalm.ui import theme
from mtcalm.ui.drawing_canvas import DrawingCanvas
from mtcalm.ui.journal_words import (
    answer_line,
    change_line,
    clock,
    flag_reason,
    flag_reasons,
    item_title,
    listened_sentence,
    long_when,
)
from mtcalm.ui.layout import READABLE_WIDTH, card, scroll_to_top, scrolling_page
from mtcalm.ui.text import clock_text, emotion_name, plain_label, tr

SMALL_DRAWING_SIDE = 150
LARGE_DRAWING_SIDE = 520
LONG_WORD = re.compile(r"\S{30,}")  # longer than any word, as a pasted link is
BREAK = "\u200b"  # a zero-width space: where a long word may wrap


def breakable(text: str) -> str:
    """``text`` with places to wrap inside very long words (a pasted link), so it never
    widens the page; the words look the same.
    """
    return LONG_WORD.sub(
        lambda match: BREAK.join(match[0][i : i + 20] for i in range(0, len(match[0]), 20)), text
    )


class SessionDetailView(QWidget):
    """A session read whole. ``back_requested``: Esc or the button, back to the list."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        self.back_button = QPushButton(self.tr("Back to the list"))
        self.back_button.setToolTip(self.tr("Back to your journal's list (Esc)"))
        self.back_button.clicked.connect(self.back_requested.emit)
        back_row = QHBoxLayout()
        back_row.addWidget(self.back_button)
        back_row.addStretch(1)
        layout.addLayout(back_row)
        heading = QVBoxLayout()
        heading.setSpacing(4)
        self.title = plain_label("", "title")
        self.title.setAccessibleName(self.tr("Session"))
        heading.addWidget(self.title)
        self.when = plain_label("", "muted")
        heading.addWidget(self.when)
        layout.addLayout(heading)
        self.flags = plain_label("", "notice")
        layout.addWidget(self.flags)
        # What the person gave (answers, words, notes, reflection), then what happened.
        self.sections = QVBoxLayout()
        self.sections.setSpacing(theme.SPACING)
        layout.addLayout(self.sections)
        self.reflection_view = ReflectionView()
        layout.addWidget(self.reflection_view)
        self.later_sections = QVBoxLayout()
        self.later_sections.setSpacing(theme.SPACING)
        layout.addLayout(self.later_sections)
        layout.addStretch(1)
        self._section_frames: list[QWidget] = []
        self.session_id: int | None = None

    # -- showing a session -----------------------------------------------------------------------

    def show_detail(self, detail: SessionDetail) -> None:
        record = detail.record
        self.session_id = record.id
        is_checkin = record.kind is SessionKind.CHECKIN
        self.title.setText(tr("Check-in") if is_checkin else (record.content_title or "…"))
        when = [long_when(record.started_at)]
        if not is_checkin:
            when.append(listened_sentence(record.listened_seconds, record.outcome))
        self.when.setText(" · ".join(when))
        reasons = flag_reasons(detail.flags)
        if detail.trigger_tracks:  # which tracks, in place of the general words
            reasons = [
                tr("It played a track you flagged: %1").replace(
                    "%1", ", ".join(detail.trigger_tracks)
                )
                if reason == flag_reason(Flag.TRIGGER_TRACK)
                else reason
                for reason in reasons
            ]
        self.flags.setText("\n".join(reasons))
        self.flags.setVisible(bool(reasons))
        for frame in self._section_frames:
            frame.deleteLater()
        self._section_frames = []
        self._add_section(
            tr("How you felt") if is_checkin else tr("Before and after"), self._answers(detail)
        )
        self._add_section(tr("Feelings"), self._feelings(detail))
        self._add_notes(detail)
        self._add_section(tr("The music"), self._music(detail), self.later_sections)
        self._add_section(tr("What happened"), self._events(detail), self.later_sections)
        if detail.reflection is not None:
            self.reflection_view.show_reflection(detail.reflection)
        self.reflection_view.setVisible(detail.reflection is not None)

    def _add_section(
        self, heading: str, lines: list[str], where: QVBoxLayout | None = None
    ) -> None:
        if not lines:
            return
        frame, layout = card((24, 18, 24, 18), spacing=8)
        layout.addWidget(plain_label(heading, "heading"))
        for line in lines:
            label = plain_label(breakable(line))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        (where or self.sections).addWidget(frame)
        self._section_frames.append(frame)

    def _add_notes(self, detail: SessionDetail) -> None:
        record = detail.record
        notes = [
            (tr("Your note before"), record.before.note if record.before else ""),
            (tr("Your note after"), record.after.note if record.after else ""),
        ]
        if record.kind is SessionKind.CHECKIN:
            notes = [(tr("Your note"), notes[0][1])]
        notes = [(title, note) for title, note in notes if note.strip()]
        if not notes:
            return
        frame, layout = card((24, 18, 24, 18), spacing=8)
        layout.addWidget(plain_label(tr("Notes"), "heading"))
        for title, note in notes:
            layout.addWidget(plain_label(title, "muted"))
            text = plain_label(breakable(note))
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setAccessibleName(title)
            layout.addWidget(text)
        self.sections.addWidget(frame)
        self._section_frames.append(frame)

    @staticmethod
    def _answers(detail: SessionDetail) -> list[str]:
        record = detail.record
        before, after = record.before, record.after
        if record.kind is SessionKind.CHECKIN:
            if before is None or before.skipped:
                return [tr("This check-in was skipped.")]
            return [answer_line(item, before.value(item.key)) for item in before.items]
        lines: list[str] = []
        if before is None or before.skipped:
            lines.append(tr("The check-in before was skipped."))
        if after is None:
            lines.append(tr("There was no check-in after this session."))
        elif after.skipped:
            lines.append(tr("The check-in after was skipped."))
        compared = {change.key for change in detail.changes}
        if not (before is None or before.skipped) or not (after is None or after.skipped):
            for change in detail.changes:
                item = _item(before, change.key) or _item(after, change.key)
                lines.append(change_line(item_title(item or change.key), change))
        for checkin in (before, after):
            if checkin is None or checkin.skipped:
                continue
            for item in checkin.items:
                if item.key not in compared:  # asked once: helpfulness, urges, a new item
                    lines.append(answer_line(item, checkin.value(item.key)))
        return lines

    @staticmethod
    def _feelings(detail: SessionDetail) -> list[str]:
        record = detail.record
        sides = [(tr("Before: %1"), record.before), (tr("After: %1"), record.after)]
        if record.kind is SessionKind.CHECKIN:
            sides = [(tr("%1"), record.before)]
        return [
            pattern.replace("%1", ", ".join(emotion_name(word) for word in checkin.emotions))
            for pattern, checkin in sides
            if checkin is not None and checkin.emotions
        ]

    @staticmethod
    def _music(detail: SessionDetail) -> list[str]:
        record = detail.record
        if record.kind is SessionKind.CHECKIN:
            return []
        flagged = set(detail.trigger_tracks)
        lines = []
        for title, seconds in detail.tracks:
            line = tr("%1: heard for %2").replace("%1", title).replace("%2", clock_text(seconds))
            lines.append(line + (" · " + tr("flagged") if title in flagged else ""))
        if not detail.tracks:
            started = [e.detail for e in detail.events if e.kind == EventKind.TRACK_STARTED]
            lines.extend(
                tr("%1 (how long it was heard was not kept)").replace("%1", name)
                for name in dict.fromkeys(started)
            )
        if record.ambience:
            lines.append(tr("Background sound: %1").replace("%1", record.ambience.capitalize()))
        return lines

    @staticmethod
    def _events(detail: SessionDetail) -> list[str]:
        lines = []
        for event in detail.events:
            if event.kind == EventKind.TRACK_STARTED:
                what = tr("Started %1").replace("%1", event.detail)
            elif event.kind == EventKind.TRACK_FAILED:
                what = tr("Could not play %1").replace("%1", event.detail)
            elif event.kind == EventKind.GROUNDING:
                what = tr("Took time to ground")
            else:
                what = f"{event.kind}: {event.detail}" if event.detail else event.kind
            lines.append(f"{clock(event.at)} · {what}")
        return lines

    # -- keys and focus --------------------------------------------------------------------------

    def focus_first(self) -> None:
        scroll_to_top(self)
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def event(self, event: QEvent) -> bool:
        # Esc here is "back to the list", taken before the window's own Esc (back home).
        if event.type() == QEvent.Type.ShortcutOverride and _is_escape(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_escape(event):
            self.back_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _is_escape(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Escape
        and event.modifiers() == Qt.KeyboardModifier.NoModifier
    )


def _item(checkin: CheckIn | None, key: str) -> CheckInItem | None:
    return checkin.item(key) if checkin is not None else None


class ReflectionView(QWidget):
    """A session's reflection: the prompt, the note (plain text) and the drawing, small."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        frame, layout = card((24, 18, 24, 18), spacing=8)
        outer.addWidget(frame)
        self.heading = plain_label("", "heading")
        layout.addWidget(self.heading)
        self.prompt = plain_label("", "muted")
        layout.addWidget(self.prompt)
        row = QHBoxLayout()
        row.setSpacing(24)
        words = QVBoxLayout()
        words.setSpacing(8)
        self.note: QLabel = plain_label("")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setAccessibleName(self.tr("Your reflection"))
        words.addWidget(self.note)
        self.problem = plain_label("", "notice")
        words.addWidget(self.problem)
        words.addStretch(1)
        row.addLayout(words, 1)
        pictures = QVBoxLayout()
        pictures.setSpacing(8)
        self.canvas = DrawingCanvas(read_only=True)
        self.canvas.setFixedSize(SMALL_DRAWING_SIDE, SMALL_DRAWING_SIDE)
        pictures.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        self.open_button = QPushButton(self.tr("See it larger"))
        self.open_button.setProperty("role", "quiet")
        self.open_button.setToolTip(self.tr("Open the drawing in a larger window"))
        self.open_button.clicked.connect(self.open_larger)
        pictures.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        pictures.addStretch(1)
        row.addLayout(pictures)
        layout.addLayout(row)
        self.viewer: DrawingViewer | None = None

    def show_reflection(self, reflection: Reflection) -> None:
        self.heading.setText(
            self.tr("Your reflection · %1").replace("%1", clock(reflection.recorded_at))
        )
        self.prompt.setText(reflection.prompt)
        self.prompt.setVisible(bool(reflection.prompt))
        self.note.setText(breakable(reflection.note))
        self.note.setVisible(bool(reflection.note))
        self.problem.setText(
            self.tr("The drawing kept with this session is damaged and cannot be shown.")
        )
        self.problem.setVisible(bool(reflection.drawing_problem))
        self.canvas.set_drawing(reflection.drawing)
        has_drawing = not reflection.drawing.is_empty
        self.canvas.setVisible(has_drawing)
        self.open_button.setVisible(has_drawing)

    def open_larger(self) -> None:
        if self.viewer is None:
            self.viewer = DrawingViewer(self)
        self.viewer.show_drawing(self.canvas.drawing())
        self.viewer.open()


class DrawingViewer(QDialog):
    """A drawing on its own, large enough to look at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Your drawing"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 20)
        layout.setSpacing(theme.SPACING)
        self.canvas = DrawingCanvas(read_only=True)
        self.canvas.setMinimumSize(240, 240)
        self.canvas.resize(LARGE_DRAWING_SIDE, LARGE_DRAWING_SIDE)
        layout.addWidget(self.canvas, 1)
        close = QPushButton(self.tr("Close"))
        close.setProperty("role", "primary")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.close_button = close
        self.resize(LARGE_DRAWING_SIDE + 48, LARGE_DRAWING_SIDE + 100)

    def show_drawing(self, drawing: Drawing) -> None:
        self.canvas.set_drawing(drawing)
