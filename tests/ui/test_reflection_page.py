"""The reflection page and the journal's view of it, driven like a person would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QScrollArea
from pytestqt.qtbot import QtBot

from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import (
    DEFAULT_COLOUR,
    DEFAULT_WIDTH,
    MAX_POINTS,
    MAX_POINTS_PER_STROKE,
    PALETTE,
    Drawing,
    Stroke,
)
from mtcalm.journal.store import MAX_REFLECTION_NOTE_LENGTH, Journal, Outcome
from mtcalm.ui.drawing_canvas import DrawingCanvas, render_drawing
from mtcalm.ui.journal_model import Column
from mtcalm.ui.journal_page import JournalPage
from mtcalm.ui.reflection_page import ReflectionPage
from mtcalm.ui.session_detail import ReflectionView

PROMPT = "Draw or write what the safe place felt like."
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot: QtBot) -> ReflectionPage:
    widget = ReflectionPage(PROMPT)
    qtbot.addWidget(widget)
    widget.resize(1024, 642)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def at(canvas: DrawingCanvas, x: float, y: float) -> QPoint:
    """The widget position of unit-square point (x, y) in ``canvas``."""
    square = canvas._square()
    return QPoint(
        round(square.left() + x * square.width()), round(square.top() + y * square.height())
    )


def draw(canvas: DrawingCanvas, *points: tuple[float, float]) -> None:
    """Press, move through ``points`` and release, as a mouse does."""
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, *points[0]))
    for point in points[1:]:
        QTest.mouseMove(canvas, at(canvas, *point))
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, at(canvas, *points[-1]))


def pixel(canvas: DrawingCanvas, x: float, y: float) -> QColor:
    image = canvas.grab().toImage()
    position = at(canvas, x, y) * canvas.devicePixelRatioF()
    return image.pixelColor(position)


def close_to(colour: QColor, hex_colour: str, tolerance: int = 40) -> bool:
    wanted = QColor(hex_colour)
    return (
        abs(colour.red() - wanted.red())
        + abs(colour.green() - wanted.green())
        + abs(colour.blue() - wanted.blue())
        <= tolerance
    )


HORIZONTAL = ((0.2, 0.5), (0.35, 0.5), (0.5, 0.5), (0.65, 0.5), (0.8, 0.5))
VERTICAL = ((0.5, 0.2), (0.5, 0.3), (0.5, 0.4))


# -- drawing ----------------------------------------------------------------------------------


def test_the_prompt_is_shown_as_plain_text(qtbot: QtBot) -> None:
    widget = ReflectionPage("<b>Not bold</b> & <i>not italic</i>")
    qtbot.addWidget(widget)
    assert widget.prompt.text() == "<b>Not bold</b> & <i>not italic</i>"
    assert widget.prompt.textFormat() == Qt.TextFormat.PlainText
    widget.reset("")
    assert "Write or draw" in widget.prompt.text()


def test_drawing_with_the_mouse_shows_the_line_in_the_chosen_colour(page: ReflectionPage) -> None:
    canvas = page.canvas
    assert page.colour_buttons[DEFAULT_COLOUR].isChecked()
    assert not page.keep_button.isEnabled(), "nothing to keep yet"
    assert not page.undo_button.isEnabled()

    draw(canvas, *HORIZONTAL)

    [stroke] = canvas.drawing().strokes
    assert stroke.colour == DEFAULT_COLOUR
    assert stroke.points[0] == pytest.approx((0.2, 0.5), abs=0.01)
    assert stroke.points[-1] == pytest.approx((0.8, 0.5), abs=0.01)
    assert close_to(pixel(canvas, 0.5, 0.5), PALETTE[DEFAULT_COLOUR])
    assert not close_to(pixel(canvas, 0.5, 0.3), PALETTE[DEFAULT_COLOUR])
    assert page.keep_button.isEnabled() and page.undo_button.isEnabled()
    assert page.clear_button.isEnabled()


def test_changing_colour_marks_the_swatch_and_colours_the_next_line(page: ReflectionPage) -> None:
    draw(page.canvas, *HORIZONTAL)
    rose = page.colour_buttons["rose"]
    QTest.mouseClick(rose, LEFT)

    assert rose.isChecked() and rose.text() == "✓"
    assert not page.colour_buttons[DEFAULT_COLOUR].isChecked()
    assert page.colour_buttons[DEFAULT_COLOUR].text() == ""
    draw(page.canvas, *VERTICAL)
    assert [stroke.colour for stroke in page.canvas.drawing().strokes] == [DEFAULT_COLOUR, "rose"]
    assert close_to(pixel(page.canvas, 0.5, 0.3), PALETTE["rose"])
    assert close_to(pixel(page.canvas, 0.3, 0.5), PALETTE[DEFAULT_COLOUR])


def test_every_colour_has_a_name_a_tooltip_and_can_be_reached_by_keyboard(
    page: ReflectionPage,
) -> None:
    names = set()
    for key, button in page.colour_buttons.items():
        assert button.accessibleName(), key
        assert button.toolTip().startswith("Draw in"), key
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        names.add(button.accessibleName())
    assert len(names) == len(PALETTE)
    assert page.canvas.accessibleName() == "Drawing circle"
    assert page.canvas.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert page.note.accessibleName()


def test_a_press_outside_the_circle_draws_nothing_and_lines_stay_inside(
    page: ReflectionPage,
) -> None:
    canvas = page.canvas
    QTest.mousePress(canvas, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(2, 2))
    QTest.mouseRelease(canvas, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(3, 3))
    assert canvas.drawing().is_empty

    draw(canvas, (0.5, 0.5), (0.9, 0.5), (1.3, 0.5))  # dragged out past the edge
    [stroke] = canvas.drawing().strokes
    assert all((x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.25 for x, y in stroke.points)
    page.note.setFocus()  # the canvas's focus ring is drawn just outside the circle
    QTest.qWait(10)
    assert not close_to(pixel(canvas, 1.01, 0.5), PALETTE[DEFAULT_COLOUR])


def test_undo_takes_back_the_last_line_and_ctrl_z_does_too(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    draw(page.canvas, *HORIZONTAL)
    draw(page.canvas, *VERTICAL)
    QTest.mouseClick(page.undo_button, LEFT)
    assert len(page.canvas.drawing().strokes) == 1
    assert not close_to(pixel(page.canvas, 0.5, 0.3), PALETTE[DEFAULT_COLOUR])

    page.canvas.setFocus()
    qtbot.waitUntil(page.canvas.hasFocus)
    QTest.keyClick(page.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.canvas.drawing().is_empty
    assert not page.undo_button.isEnabled()
    assert not page.keep_button.isEnabled()


def test_ctrl_z_in_the_note_undoes_typing_not_the_drawing(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    draw(page.canvas, *HORIZONTAL)
    page.note.setFocus()
    qtbot.waitUntil(page.note.hasFocus)
    QTest.keyClicks(page.note, "calm")
    QTest.keyClick(page.note, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(page.canvas.drawing().strokes) == 1


def test_clear_asks_nothing_and_undo_brings_the_drawing_back(page: ReflectionPage) -> None:
    draw(page.canvas, *HORIZONTAL)
    draw(page.canvas, *VERTICAL)
    before = page.canvas.drawing()
    QTest.mouseClick(page.clear_button, LEFT)
    assert page.canvas.drawing().is_empty
    assert not close_to(pixel(page.canvas, 0.5, 0.5), PALETTE[DEFAULT_COLOUR])
    assert page.undo_button.isEnabled() and not page.clear_button.isEnabled()

    QTest.mouseClick(page.undo_button, LEFT)
    assert page.canvas.drawing() == before
    assert close_to(pixel(page.canvas, 0.5, 0.5), PALETTE[DEFAULT_COLOUR])

    # Cleared, drawn again: undo first takes back the new line, then brings the old ones.
    QTest.mouseClick(page.clear_button, LEFT)
    draw(page.canvas, (0.3, 0.7), (0.4, 0.7))
    QTest.mouseClick(page.undo_button, LEFT)
    assert page.canvas.drawing().is_empty
    QTest.mouseClick(page.undo_button, LEFT)
    assert page.canvas.drawing() == before


def test_the_keyboard_can_draw(qtbot: QtBot, page: ReflectionPage) -> None:
    canvas = page.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    QTest.keyClick(canvas, Qt.Key.Key_Space)
    for _ in range(5):
        QTest.keyClick(canvas, Qt.Key.Key_Right)
    QTest.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(canvas, Qt.Key.Key_Space)
    [stroke] = canvas.drawing().strokes
    assert stroke.points[0] == pytest.approx((0.5, 0.5))
    assert stroke.points[-1] == pytest.approx((0.6, 0.505))
    assert len(stroke.points) == 7


def test_keep_carries_the_note_and_the_drawing(qtbot: QtBot, page: ReflectionPage) -> None:
    QTest.mouseClick(page.colour_buttons["sage"], LEFT)
    draw(page.canvas, *HORIZONTAL)
    page.note.setFocus()
    QTest.keyClicks(page.note, "  Warm sand, the sea.  ")

    with qtbot.waitSignal(page.kept) as kept:
        QTest.mouseClick(page.keep_button, LEFT)

    note, drawing = kept.args
    assert note == "Warm sand, the sea."
    assert isinstance(drawing, Drawing)
    assert drawing == page.canvas.drawing()
    assert [stroke.colour for stroke in drawing.strokes] == ["sage"]


def test_only_words_can_be_kept_too(qtbot: QtBot, page: ReflectionPage) -> None:
    QTest.keyClicks(page.note, "Just words")
    with qtbot.waitSignal(page.kept) as kept:
        QTest.mouseClick(page.keep_button, LEFT)
    assert kept.args[0] == "Just words" and kept.args[1].is_empty


def answer_the_question(choice: str) -> None:
    """Press ``choice`` in the question that opens next (it waits for an answer)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), "a question was asked"
        button = next(b for b in box.buttons() if b.text() == choice)
        button.click()

    QTimer.singleShot(0, press)


def test_skip_with_nothing_made_keeps_nothing_and_asks_nothing(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    with qtbot.assertNotEmitted(page.kept), qtbot.waitSignal(page.skipped):
        QTest.mouseClick(page.skip_button, LEFT)


def test_skip_after_drawing_asks_first_and_can_leave_it_out(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    draw(page.canvas, *HORIZONTAL)
    answer_the_question("Leave it out")
    with qtbot.assertNotEmitted(page.kept), qtbot.waitSignal(page.skipped):
        QTest.mouseClick(page.skip_button, LEFT)


def test_skip_after_writing_asks_first_and_can_keep_it(qtbot: QtBot, page: ReflectionPage) -> None:
    QTest.keyClicks(page.note, "the sea was loud")
    answer_the_question("Keep this")
    with qtbot.assertNotEmitted(page.skipped), qtbot.waitSignal(page.kept) as kept:
        QTest.mouseClick(page.skip_button, LEFT)
    assert kept.args[0] == "the sea was loud", "words already written are not lost unasked"


def test_the_note_is_limited_in_length_and_says_so(page: ReflectionPage) -> None:
    page.note.setPlainText("a" * (MAX_REFLECTION_NOTE_LENGTH - 10))
    assert page.note_left.isVisible() and "10 characters left" in page.note_left.text()
    page.note.setPlainText("b" * (MAX_REFLECTION_NOTE_LENGTH + 500))
    assert len(page.note.toPlainText()) == MAX_REFLECTION_NOTE_LENGTH
    assert "as long as it can be" in page.note_left.text()
    page.note.setPlainText("short")
    assert not page.note_left.isVisible()


def test_a_full_drawing_says_so_and_undo_makes_room(page: ReflectionPage) -> None:
    long = Stroke("sage", DEFAULT_WIDTH, ((0.5, 0.5),) * MAX_POINTS_PER_STROKE)
    page.canvas.set_drawing(Drawing((long,) * (MAX_POINTS // MAX_POINTS_PER_STROKE)))
    draw(page.canvas, *HORIZONTAL)
    assert page.full_notice.isVisible()
    assert "full" in page.full_notice.text()
    assert page.canvas.drawing().point_count == MAX_POINTS
    QTest.mouseClick(page.undo_button, LEFT)
    assert not page.full_notice.isVisible()
    draw(page.canvas, *HORIZONTAL)
    assert page.canvas.drawing().strokes[-1].colour == DEFAULT_COLOUR


def test_reset_starts_blank(page: ReflectionPage) -> None:
    QTest.mouseClick(page.colour_buttons["sky"], LEFT)
    draw(page.canvas, *HORIZONTAL)
    page.note.setPlainText("old")
    page.reset("A new prompt")
    assert page.canvas.drawing().is_empty and not page.canvas.can_undo
    assert page.note.toPlainText() == ""
    assert page.prompt.text() == "A new prompt"
    assert page.colour_buttons[DEFAULT_COLOUR].isChecked()


def test_the_page_fits_a_small_window_without_scrolling(page: ReflectionPage) -> None:
    page.reset("A longer prompt that wraps onto a second line when the window is small, " * 2)
    page.resize(1024, 700 - 58)  # the window less its header
    QTest.qWait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    assert not scroll.verticalScrollBar().isVisible()
    assert not scroll.horizontalScrollBar().isVisible()
    visible = scroll.viewport().rect()
    for widget in (page.keep_button, page.skip_button, page.canvas, page.note, page.clear_button):
        corner = widget.mapTo(scroll.viewport(), widget.rect().bottomRight())
        assert visible.contains(corner), widget


# -- viewing ----------------------------------------------------------------------------------


def test_a_read_only_canvas_shows_but_takes_no_input(qtbot: QtBot) -> None:
    canvas = DrawingCanvas(read_only=True)
    qtbot.addWidget(canvas)
    canvas.resize(200, 200)
    canvas.show()
    shown = Drawing((Stroke("lavender", 0.03, HORIZONTAL),))
    canvas.set_drawing(shown)
    draw(canvas, *VERTICAL)
    canvas.undo()
    canvas.clear()
    assert canvas.drawing() == shown
    assert canvas.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert close_to(pixel(canvas, 0.5, 0.5), PALETTE["lavender"])


def test_a_drawing_renders_to_an_image_for_viewing_and_printing() -> None:
    image = render_drawing(Drawing((Stroke("sky", 0.04, HORIZONTAL),)), 300)
    assert (image.width(), image.height()) == (300, 300)
    assert image.format() == QImage.Format.Format_ARGB32_Premultiplied
    assert close_to(image.pixelColor(150, 150), PALETTE["sky"])
    assert image.pixelColor(2, 2).alpha() == 0, "transparent outside the circle"
    assert image.pixelColor(150, 60).alpha() == 255, "the circle itself is filled"
    assert not render_drawing(Drawing(), 0).isNull()


# -- the journal page -------------------------------------------------------------------------


@pytest.fixture
def journal(data_dir: Path) -> Iterator[Journal]:
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as opened:
        yield opened


def a_session(journal: Journal, title: str) -> int:
    session_id = journal.start_session("script:a", title, CheckIn(Phase.BEFORE, {"distress": 5}))
    journal.finish_session(session_id, Outcome.COMPLETED, 600)
    return session_id


@pytest.fixture
def journal_page(qtbot: QtBot) -> JournalPage:
    widget = JournalPage()
    qtbot.addWidget(widget)
    widget.resize(1024, 642)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_first(journal_page: JournalPage, journal: Journal) -> ReflectionView:
    """Show the journal and open its newest session; its reflection view."""
    journal_page.show_journal(journal)
    journal_page.open_row(0)
    return journal_page.detail.reflection_view


def test_the_journal_shows_a_kept_reflection(
    qtbot: QtBot, journal: Journal, journal_page: JournalPage
) -> None:
    session_id = a_session(journal, "Safe place")
    note = "<b>Warm</b> sand & the sea\nsecond line"
    drawing = Drawing((Stroke("rose", 0.04, HORIZONTAL),))
    journal.record_reflection(session_id, PROMPT, note, drawing)

    journal_page.show_journal(journal)
    assert journal_page.model.index(0, Column.NOTES).data() == "notes, drawing"
    view = open_first(journal_page, journal)
    assert view.isVisible()
    assert view.note.text() == note, "shown as plain text, exactly as written"
    assert view.note.textFormat() == Qt.TextFormat.PlainText
    assert view.prompt.text() == PROMPT
    assert view.prompt.textFormat() == Qt.TextFormat.PlainText
    assert view.canvas.isVisible() and view.canvas.read_only
    assert view.canvas.drawing() == drawing
    assert close_to(pixel(view.canvas, 0.5, 0.5), PALETTE["rose"])
    assert not view.problem.isVisible()

    QTest.mouseClick(view.open_button, LEFT)
    viewer = view.viewer
    assert viewer is not None
    qtbot.waitUntil(viewer.isVisible)
    assert viewer.canvas.drawing() == drawing
    assert viewer.canvas.width() > 2 * view.canvas.width()
    QTest.mouseClick(viewer.close_button, LEFT)
    qtbot.waitUntil(lambda: not viewer.isVisible())


def test_the_journal_shows_each_sessions_own_reflection(
    qtbot: QtBot, journal: Journal, journal_page: JournalPage
) -> None:
    older = a_session(journal, "Older")
    journal.record_reflection(older, "", "only words", Drawing())
    a_session(journal, "Newer, no reflection")

    journal_page.show_journal(journal)
    model = journal_page.model
    titles = [model.index(row, Column.WHAT).data() for row in range(2)]
    row_of_older = titles.index("Older")
    assert model.index(row_of_older, Column.NOTES).data() == "notes"
    assert model.index(1 - row_of_older, Column.NOTES).data() == ""
    journal_page.open_row(1 - row_of_older)
    view = journal_page.detail.reflection_view
    assert not view.isVisible()
    journal_page.back_to_list()
    journal_page.open_row(row_of_older)
    assert view.isVisible() and view.note.text() == "only words"
    assert not view.canvas.isVisible() and not view.open_button.isVisible()


def test_a_damaged_drawing_in_the_journal_shows_the_note_and_a_calm_notice(
    journal: Journal, journal_page: JournalPage
) -> None:
    session_id = a_session(journal, "Safe place")
    journal.record_reflection(
        session_id, PROMPT, "still here", Drawing((Stroke("sky", 0.01, HORIZONTAL),))
    )
    with sqlite3.connect(journal.path) as raw:
        raw.execute('UPDATE reflections SET drawing = \'{"format": 1, "strokes": [[[[\'')
    raw.close()

    view = open_first(journal_page, journal)
    assert view.note.text() == "still here"
    assert view.problem.isVisible() and "cannot be shown" in view.problem.text()
    assert not view.canvas.isVisible()


def test_a_session_without_a_reflection_shows_none(
    journal: Journal, journal_page: JournalPage
) -> None:
    a_session(journal, "Safe place")
    view = open_first(journal_page, journal)
    assert journal_page.model.index(0, Column.NOTES).data() == ""
    assert not view.isVisible()
    texts = [label.text() for label in journal_page.findChildren(QLabel) if label.isVisible()]
    assert "Safe place" in texts


# -- hierarchy and opening ------------------------------------------------------------------------


def point_size(label: QLabel) -> float:
    label.ensurePolished()
    return label.font().pointSizeF()


def test_the_title_is_larger_than_the_prompt_and_the_prompt_than_the_hints(
    page: ReflectionPage,
) -> None:
    title, prompt, hint = point_size(page.title), point_size(page.prompt), point_size(page.hint)
    assert title >= prompt * 1.3, "the prompt is clearly a step below the title"
    assert prompt > hint


def test_focus_first_scrolls_back_to_the_top_with_the_keyboard_in_the_note(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    page.resize(780, 420)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    page.focus_first()
    assert bar.value() == 0
    qtbot.waitUntil(page.note.hasFocus)


def test_the_note_and_the_drawing_stack_when_the_page_is_narrow(
    qtbot: QtBot, page: ReflectionPage
) -> None:
    assert not page.parts.is_stacked()
    note_top = page.note.mapTo(page, QPoint(0, 0)).y()
    assert abs(page.canvas.mapTo(page, QPoint(0, 0)).y() - note_top) < 60, "side by side"
    page.resize(700, 642)
    qtbot.waitUntil(page.parts.is_stacked)
    QTest.qWait(20)
    assert (
        page.canvas.mapTo(page, QPoint(0, 0)).y()
        > page.note.mapTo(page, QPoint(0, page.note.height())).y()
    ), "the drawing is under the note"
    scroll = page.findChild(QScrollArea)
    assert scroll is not None and scroll.horizontalScrollBar().maximum() == 0


def test_the_journals_note_is_read_only_text_not_a_box(
    journal: Journal, journal_page: JournalPage
) -> None:
    session_id = a_session(journal, "Safe place")
    journal.record_reflection(session_id, PROMPT, "Warm sand", Drawing())
    note = open_first(journal_page, journal).note
    assert isinstance(note, QLabel), "shown as text, without an input field's look"
    assert note.text() == "Warm sand"
    assert note.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert not note.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable
    assert note.accessibleName() == "Your reflection"


def test_a_long_link_in_the_journals_note_wraps_instead_of_widening_the_page(
    journal: Journal, journal_page: JournalPage
) -> None:
    session_id = a_session(journal, "Safe place")
    link = "https://example.org/" + "a" * 300
    journal.record_reflection(session_id, PROMPT, f"see {link}", Drawing())
    note = open_first(journal_page, journal).note
    assert note.text().replace("\u200b", "") == f"see {link}", "the same words"
    assert note.minimumSizeHint().width() < 400
