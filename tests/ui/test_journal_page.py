"""The journal page: a list that reads as it scrolls, rows of one height, filters, a count that
tells the truth, and a session opened whole (Enter, a double-click, "Open") and left with Esc.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import Drawing, Stroke
from mtcalm.journal import history
from mtcalm.journal.history import Entries
from mtcalm.journal.store import Journal, Outcome
from mtcalm.ui.journal_filters import Period
from mtcalm.ui.journal_model import FIRST_PAGE_SIZE, PAGE_SIZE, Column
from mtcalm.ui.journal_page import JournalPage
from tests.ui.helpers import click, open_window
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

START = datetime(2026, 3, 1, 9, 30).astimezone()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot: QtBot) -> JournalPage:
    widget = JournalPage()
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def session(
    journal: Journal,
    minutes: int,
    title: str = "Evening calm",
    *,
    before: int = 5,
    after: int = 3,
    note: str = "",
    ref: str = "playlist:calm",
) -> int:
    at = START + timedelta(minutes=minutes)
    checkin = CheckIn(Phase.BEFORE, {"distress": before}, note=note)
    session_id = journal.start_session(ref, title, checkin, started_at=at)
    journal.finish_session(session_id, Outcome.COMPLETED, 600)
    journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": after}))
    return session_id


def many_sessions(journal: Journal, count: int, *, rising_every: int = 0) -> None:
    """``count`` sessions in one transaction (distress up by 3 in every ``rising_every``th)."""
    with journal.writing() as cursor:
        for n in range(count):
            stamp = (START + timedelta(minutes=n)).isoformat()
            cursor.execute(
                "INSERT INTO sessions (uid, started_at, updated_at, content_ref, content_title,"
                " outcome) VALUES (?, ?, ?, 'playlist:many', ?, 'completed')",
                (f"u{n}", stamp, stamp, f"Session {n}"),
            )
            session_id = cursor.lastrowid
            rises = bool(rising_every) and n % rising_every == 0
            for phase, value in (("before", 2), ("after", 5 if rises else 1)):
                cursor.execute(
                    "INSERT INTO checkins (session_id, phase, recorded_at) VALUES (?, ?, ?)",
                    (session_id, phase, stamp),
                )
                cursor.execute(
                    "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
                    " VALUES (?, 'distress', ?, 'sud-0-10', 0, 10)",
                    (cursor.lastrowid, value),
                )


def titles(page: JournalPage) -> list[str]:
    model = page.model
    return [model.index(row, Column.WHAT).data() for row in range(model.rowCount())]


def settle(qtbot: QtBot, page: JournalPage) -> None:
    """Wait for slow filters to finish their walk and their count."""
    qtbot.waitUntil(lambda: not page.model.searching and not page.counter.counting)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "something has the keyboard focus"
    return widget


def scroll_to_bottom(page: JournalPage) -> None:
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()


# -- reading as it scrolls ------------------------------------------------------------------------


def test_the_list_reads_a_page_at_a_time_as_it_scrolls(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    many_sessions(journal, 650)
    page.show_journal(journal)
    assert page.model.rowCount() == FIRST_PAGE_SIZE, "only what fills the window at first"
    assert page.count_label.text() == "650 sessions", "the count is of all, not of rows read"
    seen = [page.model.rowCount()]
    while page.model.canFetchMore(QModelIndex()):
        scroll_to_bottom(page)
        qtbot.waitUntil(lambda: page.model.rowCount() > seen[-1])
        seen.append(page.model.rowCount())
    assert seen == [60, 260, 460, 650]
    assert max(page.model.requests) <= PAGE_SIZE, "never everything at once"
    assert titles(page)[:2] == ["Session 649", "Session 648"]
    assert len(set(titles(page))) == 650


def test_every_row_has_the_same_fixed_height(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    session(journal, 0, "A title long enough to need two lines in a narrow column " * 3)
    session(journal, 1, "Short", note="line one\nline two\nline three")
    page.show_journal(journal)
    table = page.table
    assert table.verticalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert not table.wordWrap()
    heights = {table.rowHeight(row) for row in range(page.model.rowCount())}
    assert heights == {table.row_height()}
    assert table.row_height() >= table.fontMetrics().height() + 12


# -- opening a session and coming back ------------------------------------------------------------


def fill(journal: Journal) -> list[int]:
    return [session(journal, n, f"Session {n}") for n in range(5)]


def test_enter_opens_the_session_and_esc_comes_back_to_its_row(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    fill(journal)
    page.show_journal(journal)
    page.table.setFocus()
    page.table.select(2)
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    detail = page.detail
    assert page.stack.currentWidget() is detail
    assert detail.title.text() == "Session 2"
    assert detail.back_button.hasFocus(), "the detail opens at its top, on its way back"
    QTest.keyClick(focused(), Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_view
    assert page.table.hasFocus() and page.table.current_row() == 2


def test_a_double_click_and_the_open_button_open_it_too(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    fill(journal)
    page.show_journal(journal)
    rect = page.table.visualRect(page.model.index(3, Column.WHAT))
    viewport, left = page.table.viewport(), Qt.MouseButton.LeftButton
    QTest.mouseClick(viewport, left, pos=rect.center())  # a double-click's first press
    assert page.stack.currentWidget() is page.list_view, "one click selects"
    QTest.mouseDClick(viewport, left, pos=rect.center())
    assert page.stack.currentWidget() is page.detail
    assert page.detail.title.text() == "Session 1"
    click(qtbot, page.detail.back_button)
    assert page.table.current_row() == 3 and page.table.hasFocus()
    page.table.select(4)
    click(qtbot, page.open_button)
    assert page.detail.title.text() == "Session 0"


def test_in_the_window_esc_goes_back_to_the_list_not_home(qtbot: QtBot, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        fill(journal)
    window = open_window(qtbot, data_dir, [])
    click(qtbot, window.header.buttons["journal"])
    page = window.sections.journal
    assert page.filters.first_control().hasFocus(), "the page opens on its first control"
    assert page.table.current_row() == 0
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.detail
    QTest.keyClick(focused(), Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is page, "Esc left the detail, not the journal"
    assert page.table.hasFocus() and page.table.current_row() == 1
    QTest.keyClick(page.table, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.home, "and from the list, back home"


def test_the_detail_shows_everything_as_plain_text(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    session_id = session(journal, 0, "<b>Bold</b> title", before=2, after=6, note="<b>x</b>")
    journal.record_reflection(
        session_id,
        "What did you notice?",
        "<i>A beach</i>",
        Drawing((Stroke("rose", 0.04, ((0.2, 0.5), (0.8, 0.5))),)),
    )
    page.show_journal(journal)
    page.open_row(0)
    detail = page.detail
    texts = [label.text() for label in detail.findChildren(QLabel) if label.isVisibleTo(detail)]
    assert detail.title.text() == "<b>Bold</b> title"
    assert "<b>x</b>" in texts, "a note shows its angle brackets"
    assert "Distress: 2 → 6, up 4" in texts
    assert "Distress went up by 2 or more" in detail.flags.text()
    assert detail.reflection_view.note.text() == "<i>A beach</i>"
    assert detail.reflection_view.canvas.isVisibleTo(detail)
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_the_list_never_reads_text_as_html(journal: Journal, page: JournalPage) -> None:
    session(journal, 0, "<b>Bold</b> & <img src=x>", note="<b>x</b>")
    page.show_journal(journal)
    index = page.model.index(0, Column.WHAT)
    assert index.data() == "<b>Bold</b> & <img src=x>"
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;img src=x&gt;" in tip and "<b>" not in tip
    assert page.model.index(0, Column.DISTRESS).data() == "5 → 3"
    accessible = page.model.index(0, Column.DISTRESS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "Distress 5 → 3"


# -- filters and the count ------------------------------------------------------------------------


def test_filters_change_the_rows_and_the_count(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    session(journal, 0, "Calm", before=2, after=5)  # distress rose: flagged
    session(journal, 60, "Calm", note="Rough day")
    session(journal, 24 * 60, "A safe place", ref="script:place")
    journal.record_checkin(
        CheckIn(Phase.BEFORE, {"distress": 4}), recorded_at=START + timedelta(days=2)
    )
    page.show_journal(journal)
    filters = page.filters
    assert page.count_label.text() == "3 sessions and 1 check-in"
    assert titles(page) == ["Check-in", "A safe place", "Calm", "Calm"]

    filters.only_flagged.setChecked(True)
    settle(qtbot, page)
    assert titles(page) == ["Calm"]
    assert page.count_label.text() == "Matching the filters: 1 session"
    assert filters.clear_button.isEnabled()
    filters.only_flagged.setChecked(False)
    filters.with_notes.setChecked(True)
    settle(qtbot, page)
    assert titles(page) == ["Calm"] and page.model.row_at(0).has_checkin_note
    filters.with_notes.setChecked(False)

    filters.entries.setCurrentIndex(filters.entries.findData(Entries.CHECKINS.value))
    assert titles(page) == ["Check-in"]
    assert page.count_label.text() == "Matching the filters: 1 check-in"
    filters.entries.setCurrentIndex(0)
    filters.content.setCurrentIndex(filters.content.findData("script:place"))
    assert titles(page) == ["A safe place"]
    filters.set_dates(START.date(), START.date())
    assert titles(page) == []
    assert page.empty.isVisible() and "Nothing matches these filters" in page.empty.text()
    assert not page.table.isVisible()

    click(qtbot, filters.clear_button)
    assert titles(page) == ["Check-in", "A safe place", "Calm", "Calm"]
    assert page.count_label.text() == "3 sessions and 1 check-in"
    assert not filters.clear_button.isEnabled() and filters.period.hasFocus()


def test_a_slow_filter_is_walked_in_slices_and_counted_truly(
    qtbot: QtBot, journal: Journal, page: JournalPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SCAN_SPAN", 40)
    many_sessions(journal, 900, rising_every=25)
    page.show_journal(journal)
    page.filters.only_flagged.setChecked(True)
    assert page.model.searching or page.counter.counting, "it goes on between events"
    settle(qtbot, page)
    while page.model.canFetchMore(QModelIndex()):
        scroll_to_bottom(page)
        settle(qtbot, page)
    assert page.count_label.text() == "Matching the filters: 36 sessions"
    assert titles(page) == [f"Session {n}" for n in range(875, -1, -25)]
    assert max(page.model.requests) <= PAGE_SIZE


def test_a_filter_keeps_the_row_the_person_was_on(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    many_sessions(journal, 300)
    session(journal, -10, "Older, in another playlist", ref="playlist:other")
    page.show_journal(journal)
    while page.model.canFetchMore(QModelIndex()):
        scroll_to_bottom(page)
    page.table.select(250)
    kept = page.model.row_at(250).id
    page.filters.content.setCurrentIndex(page.filters.content.findData("playlist:many"))
    row = page.table.current_row()
    assert row is not None and page.model.row_at(row).id == kept
    page.filters.content.setCurrentIndex(page.filters.content.findData("playlist:other"))
    assert page.table.current_row() == 0, "gone from the list: the first row instead"


# -- coming back to the page ----------------------------------------------------------------------


def test_coming_back_reads_only_what_is_new(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    many_sessions(journal, 100)
    page.show_journal(journal)
    requests = list(page.model.requests)
    page.show_journal(journal)  # nothing new
    assert page.model.requests == requests
    newest = session(journal, 10_000, "Just now")
    page.show_journal(journal)
    assert page.model.requests == requests, "no page read again"
    assert titles(page)[:2] == ["Just now", "Session 99"]
    assert page.model.rowCount() == FIRST_PAGE_SIZE + 1
    assert page.count_label.text() == "101 sessions"
    journal.record_track_heard(newest, 0, "bundled:a.ogg", "A", 10.0)
    journal.flag_track("bundled:a.ogg", "A")
    page.show_journal(journal)  # a flag changes what the rows say: read again
    assert page.model.row_at(0).flags == {history.Flag.TRIGGER_TRACK}
    assert page.model.index(0, Column.FLAGGED).data() == "Flagged"
    journal.record_reflection(newest, "", "Written later", Drawing())
    page.show_journal(journal)  # as after a restore: the same sessions, more kept with them
    assert page.model.index(0, Column.NOTES).data() == "notes"


def test_an_empty_journal_says_what_to_do(page: JournalPage, journal: Journal) -> None:
    page.show_journal(journal)
    assert page.empty.isVisible() and "No sessions yet" in page.empty.text()
    assert not page.table.isVisible() and not page.open_button.isVisible()


def test_a_journal_that_cannot_be_read_is_said_plainly(page: JournalPage, journal: Journal) -> None:
    session(journal, 0)
    journal.close()
    page.show_journal(journal)
    assert page.problem.isVisible()
    assert page.problem.text().startswith("Your journal could not be read just now.")


# -- keyboard, names, and room --------------------------------------------------------------------


def test_every_filter_has_a_visible_label_and_a_name(journal: Journal, page: JournalPage) -> None:
    fill(journal)
    page.show_journal(journal)
    filters = page.filters
    for control in (filters.period, filters.content, filters.entries):
        labels = [label for label in filters.findChildren(QLabel) if label.buddy() is control]
        assert labels and labels[0].isVisible(), control.accessibleName()
    filters.set_period(Period.BETWEEN)
    assert filters.since.isVisible() and filters.until.isVisible()
    assert unnamed_controls(page) == []


def test_tab_goes_from_the_filters_to_the_list(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    fill(journal)
    page.show_journal(journal)
    page.focus_first()
    assert page.filters.period.hasFocus()
    reached: list[QWidget] = []
    while page.table not in reached and len(reached) < 20:
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        reached.append(focused())
    filters = page.filters
    order = [filters.content, filters.entries, filters.only_flagged, filters.with_notes]
    assert [widget for widget in reached if widget in order] == order
    assert reached.index(page.open_button) < reached.index(page.table)


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_nothing_is_cut_and_nothing_scrolls_sideways_when_small(
    qtbot: QtBot, qapp: QApplication, journal: Journal, scale: float
) -> None:
    session(journal, 0, "A safe place, with a title that goes on and on and on and on")
    journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 4}))
    with larger_text(qapp, scale):
        page = JournalPage()
        qtbot.addWidget(page)
        page.resize(*SMALL_PAGE)
        page.show()
        qtbot.waitExposed(page)
        page.show_journal(journal)
        page.filters.set_period(Period.BETWEEN)
        QTest.qWait(30)
        assert clipped_widgets(page) == []
        shown = page.table.shown_columns()
        assert {Column.WHEN, Column.WHAT, Column.DISTRESS} <= set(shown)
        width = sum(page.table.columnWidth(column) for column in shown)
        assert width <= page.table.viewport().width()
        assert page.table.horizontalScrollBar().maximum() == 0
        page.open_row(0)
        QTest.qWait(30)
        assert clipped_widgets(page) == []


def test_a_wide_list_shows_every_column(qtbot: QtBot, journal: Journal) -> None:
    session(journal, 0)
    page = JournalPage()
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    qtbot.waitExposed(page)
    page.show_journal(journal)
    assert page.table.shown_columns() == list(Column)
    row = [page.model.index(0, column).data() for column in Column]
    assert row[Column.WHAT] == "Evening calm" and row[Column.LISTENED] == "10 min"
    assert row[Column.DISTRESS] == "5 → 3" and row[Column.PLEASANTNESS] == "– → –"


# -- homework --------------------------------------------------------------------------------------


def test_the_homework_button_shows_only_when_there_is_homework(
    qtbot: QtBot, journal: Journal, page: JournalPage
) -> None:
    from tests.test_homework_programmes import add, manifest

    session(journal, 0)
    page.show_journal(journal)
    assert not page.homework_button.isVisible()  # most people never get homework
    add(journal, manifest(), left="2026-12-08T09:00:00+01:00")  # even one left long ago
    page.show_journal(journal)
    assert page.homework_button.isVisible()
    assert page.homework_button.text() == "Homework"
    assert page.homework_button.accessibleDescription()
    with qtbot.waitSignal(page.homework_requested, timeout=5000):
        click(qtbot, page.homework_button)


def test_the_homework_button_comes_before_export_in_tab_order(
    journal: Journal, page: JournalPage
) -> None:
    from tests.test_homework_programmes import add, manifest

    add(journal, manifest())
    page.show_journal(journal)
    changes, helps, export = page.view_buttons
    changes.setFocus(Qt.FocusReason.OtherFocusReason)
    reached = []
    for _ in range(3):
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
        reached.append(focused())
    assert reached == [helps, page.homework_button, export]
