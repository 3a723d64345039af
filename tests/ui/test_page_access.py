"""Every page a session passes through: named controls, opening at the top with the main action
focused, and nothing cut off or scrolling sideways at a small size with large text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.assets import bundled_scripts_dir
from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import Drawing, Stroke
from mtcalm.journal.store import Journal, Outcome
from mtcalm.scripts import load_script
from mtcalm.ui.journal_model import Column
from mtcalm.ui.journal_page import JournalPage
from mtcalm.ui.layout import ReflowRow
from mtcalm.ui.pacer_page import PacerPage
from mtcalm.ui.problem_page import JournalProblemPage, ProblemActions
from mtcalm.ui.reflection_page import ReflectionPage
from mtcalm.ui.script_intro_page import ScriptIntroPage
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

LONG = (
    "A prompt long enough to wrap onto a second line when the window is small and the text large."
)


@pytest.fixture
def journal(data_dir: Path) -> Iterator[Journal]:
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as opened:
        yield opened


def fill_journal(journal: Journal) -> None:
    for index, title in enumerate(["Evening calm", "A safe place", "Morning light"]):
        before = CheckIn(Phase.BEFORE, {"distress": 5 + index, "pleasantness": 4})
        session_id = journal.start_session("script:a", title, before)
        outcome = Outcome.ENDED_EARLY if index == 1 else Outcome.COMPLETED
        journal.finish_session(session_id, outcome, 600 + 60 * index)
        journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": 3, "pleasantness": 6}))
    journal.record_reflection(
        session_id,
        "What did you notice in your safe place?",
        "A quiet beach at dusk.\nhttps://example.org/" + "a-very-long-link-" * 12,
        Drawing((Stroke("rose", 0.04, ((0.2, 0.5), (0.5, 0.4), (0.8, 0.5))),)),
    )


def reflection_page() -> QWidget:
    return ReflectionPage(LONG)


def journal_page(journal: Journal) -> QWidget:
    page = JournalPage()
    fill_journal(journal)
    page.show_journal(journal)
    return page


def pacer_page() -> QWidget:
    page = PacerPage()
    page.set_done_text("Back to the music")
    page.set_pattern(6.5, 1.5)  # the longest words
    return page


def script_intro_page() -> QWidget:
    page = ScriptIntroPage()
    page.show_script(load_script(bundled_scripts_dir() / "safe-place.toml"), "Settle")
    return page


def problem_page() -> QWidget:
    page = JournalProblemPage()
    page.show_problem(
        "The journal is damaged",
        "mtcalm could not read your journal. The file is left untouched, so nothing more is lost.",
        ProblemActions.SET_ASIDE,
        has_backups=True,
        alternative="journal-2.sqlite3 (12 sessions)",
        path=Path("/home/someone/.local/share/mtcalm/journal.sqlite3"),
    )
    page.details_button.setChecked(True)
    return page


BUILDERS: dict[str, Callable[..., QWidget]] = {
    "reflection": reflection_page,
    "journal": journal_page,
    "pacer": pacer_page,
    "script intro": script_intro_page,
    "problem": problem_page,
}


def build(name: str, journal: Journal) -> QWidget:
    builder = BUILDERS[name]
    return builder(journal) if name == "journal" else builder()


def show(qtbot: QtBot, page: QWidget, size: tuple[int, int]) -> None:
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keyboard focus needs an active window
    QTest.qWait(30)


@pytest.mark.parametrize("name", BUILDERS)
def test_every_control_has_a_name(qtbot: QtBot, journal: Journal, name: str) -> None:
    page = build(name, journal)
    show(qtbot, page, (1024, 642))
    assert unnamed_controls(page) == []


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("size", [(1280, 740), SMALL_PAGE])
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_nothing_is_cut_off_or_scrolls_sideways(
    qtbot: QtBot,
    qapp: QApplication,
    journal: Journal,
    name: str,
    size: tuple[int, int],
    scale: float,
) -> None:
    with larger_text(qapp, scale):
        page = build(name, journal)
        show(qtbot, page, size)
        assert page.size().width() == size[0] and page.size().height() == size[1], (
            "the page can be this small"
        )
        assert clipped_widgets(page) == []


# -- opening at the top, the main action focused -------------------------------------------------


def scrolled_away(qtbot: QtBot, page: QWidget) -> QScrollArea:
    area = page.findChild(QScrollArea)
    assert area is not None
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    return area


def in_view(widget: QWidget, page: QWidget) -> bool:
    """The top of ``widget`` (all of it, or its first 40 pixels) can be seen."""
    area = page.findChild(QScrollArea)
    inside = area is not None and area.isAncestorOf(widget)
    frame = area.viewport() if inside and area is not None else page
    top = widget.mapTo(frame, QPoint(0, 0))
    bottom = widget.mapTo(frame, QPoint(widget.width() - 1, min(widget.height(), 40) - 1))
    return frame.rect().contains(top) and frame.rect().contains(bottom)


@pytest.mark.parametrize(
    ("name", "main"),
    [
        ("reflection", "note"),
        ("script intro", "accept_button"),
        ("problem", "alternative_button"),
    ],
)
def test_focus_first_opens_at_the_top_with_the_main_action_focused_and_seen(
    qtbot: QtBot, qapp: QApplication, journal: Journal, name: str, main: str
) -> None:
    with larger_text(qapp, 1.5):  # so that the page has to scroll
        page = build(name, journal)
        show(qtbot, page, SMALL_PAGE)
        area = scrolled_away(qtbot, page)
        page.focus_first()  # type: ignore[attr-defined]
        assert area.verticalScrollBar().value() == 0
        target = getattr(page, main)
        assert target.hasFocus()
        assert in_view(target, page)


def test_the_pacers_focus_first_is_on_pause(qtbot: QtBot) -> None:
    page = PacerPage()
    show(qtbot, page, SMALL_PAGE)
    page.done_button.setFocus()
    page.focus_first()
    assert page.pause_button.hasFocus()


def test_the_problem_pages_main_action_follows_the_problem(qtbot: QtBot) -> None:
    page = JournalProblemPage()
    page.show_problem("The journal is read-only", "…", ProblemActions.ALLOW_WRITING)
    show(qtbot, page, SMALL_PAGE)
    page.focus_first()
    assert page.allow_button.hasFocus()
    assert page.allow_button.property("role") == "primary"
    page.show_problem("The folder cannot be written to", "…", ProblemActions.TRY_AGAIN)
    page.focus_first()
    assert page.try_again_button.hasFocus()


# -- the pieces that make pages fit ---------------------------------------------------------------


def test_a_reflow_row_stacks_when_its_items_do_not_fit_and_unstacks_when_they_do(
    qtbot: QtBot,
) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    row = ReflowRow(parent=holder)
    buttons = [QPushButton(f"A button with a fairly long name {n}") for n in range(3)]
    for button in buttons:
        row.add_widget(button)
    wide = row.side_by_side_width()
    row.resize(wide + 10, 60)
    holder.show()
    qtbot.waitUntil(lambda: not row.is_stacked())
    row.resize(wide - 10, 200)
    qtbot.waitUntil(row.is_stacked)
    assert row.minimumSizeHint().width() < wide
    buttons[1].hide()
    buttons[2].hide()  # now two fewer: they fit side by side again
    qtbot.waitUntil(lambda: not row.is_stacked())
    assert row.sizeHint().width() == row.side_by_side_width()


def test_a_narrow_journal_keeps_when_what_and_distress_and_says_the_rest_in_tooltips(
    qtbot: QtBot, journal: Journal
) -> None:
    page = build("journal", journal)
    assert isinstance(page, JournalPage)
    show(qtbot, page, (1400, 740))
    table, model = page.table, page.model
    assert not any(table.isColumnHidden(column) for column in range(model.columnCount()))
    page.resize(520, 600)
    qtbot.waitUntil(lambda: table.isColumnHidden(Column.ENERGY))
    assert [column for column in Column if not table.isColumnHidden(column)] == [
        Column.WHEN,
        Column.WHAT,
        Column.DISTRESS,
    ]
    tip = model.index(0, Column.WHAT).data(Qt.ItemDataRole.ToolTipRole)
    assert "Listened for 12 minutes" in tip and "Pleasantness 4 → 6" in tip
    assert "With a written reflection, a drawing" in tip
    assert model.index(0, Column.WHAT).data() == "Morning light", "the text keeps its meaning"
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)  # once laid out
    page.resize(1400, 740)
    qtbot.waitUntil(lambda: not table.isColumnHidden(Column.ENERGY))


def test_header_titles_have_tooltips(qtbot: QtBot) -> None:
    page = JournalPage()
    qtbot.addWidget(page)
    model = page.model
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert title and tip == title
