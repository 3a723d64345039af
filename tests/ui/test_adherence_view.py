"""Homework week by week, from actual listening: kind sentences for the person, a plain table
for the therapist, upcoming weeks never shown as nothing done, left, replaced and unreadable
programmes said plainly, text from packages shown as typed, and the table reachable by Tab."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.homework.programmes import programmes
from mtcalm.journal.store import Journal, Outcome
from mtcalm.ui.adherence_view import AdherenceView
from mtcalm.ui.homework_history import HomeworkPage
from tests.test_homework_programmes import BERLIN, add, listened, manifest
from tests.ui.helpers import click

# Week 1 is Monday 7 to Sunday 13 December 2026; four weeks, three sessions, ten minutes each.
TODAY = date(2026, 12, 16)  # Wednesday of week 2
WINDOWS: list[QWidget] = []
SHAMING = ("missed", "fail", "behind", "only", "%", "should", "not enough", "score")


@pytest.fixture(autouse=True)
def windows() -> Iterator[None]:
    yield
    WINDOWS.clear()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    """``widget`` in a window under a button, so Tab can be followed from the button."""
    window = QWidget()
    layout = QVBoxLayout(window)
    before = QPushButton("Before")
    before.setObjectName("before")
    layout.addWidget(before)
    layout.addWidget(widget)
    qtbot.addWidget(window)
    WINDOWS.append(window)  # Python owns a window without a parent: keep it for the test
    window.resize(1000, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def a_week_of_listening(journal: Journal) -> None:
    add(journal, manifest(title="<b>x</b>"))
    listened(journal, datetime(2026, 12, 8, 20, 0, tzinfo=BERLIN), 12)
    listened(journal, datetime(2026, 12, 9, 20, 0, tzinfo=BERLIN), 30, outcome=Outcome.ENDED_EARLY)


def view_of(qtbot: QtBot, journal: Journal, *, plain: bool) -> AdherenceView:
    view = AdherenceView()
    shown(qtbot, view)
    view.show_programmes(programmes(journal.reading, TODAY), TODAY, plain=plain)
    return view


def test_the_person_reads_kind_sentences_and_upcoming_weeks(qtbot: QtBot, journal: Journal) -> None:
    a_week_of_listening(journal)
    view = view_of(qtbot, journal, plain=False)
    texts = view.texts()
    assert "You are in week 2 of 4." in texts
    assert (
        "Week 1, 7–13 Dec: You listened 2 times this week, 42 minutes in all: "
        "2 of 3 sessions of 10 minutes or more."
    ) in texts
    assert "Week 2, 14–20 Dec: No listening yet this week." in texts
    assert "Week 3, 21–27 Dec: Still to come." in texts
    assert "Week 4, 28 Dec – 3 Jan: Still to come." in texts
    assert not view.tables  # sentences, not a table
    for text in texts:
        assert not any(word in text.casefold() for word in SHAMING), text
    for label in view.findChildren(QLabel):  # no warning colour, no red
        assert label.property("role") in (None, "heading", "muted"), label.text()
        assert not label.styleSheet()


def test_a_past_week_with_nothing_is_said_gently(qtbot: QtBot, journal: Journal) -> None:
    add(journal, manifest())
    listened(journal, datetime(2026, 12, 15, 8, 0, tzinfo=BERLIN), 20)
    view = AdherenceView()
    shown(qtbot, view)
    view.show_programmes(programmes(journal.reading, TODAY), TODAY, plain=False)
    texts = view.texts()
    assert "Week 1, 7–13 Dec: No listening this week." in texts
    assert (
        "Week 2, 14–20 Dec: So far this week you listened once, 20 minutes in all: "
        "1 of 3 sessions of 10 minutes or more."
    ) in texts
    for text in texts:
        assert not any(word in text.casefold() for word in SHAMING), text


def test_the_therapist_reads_a_plain_table(qtbot: QtBot, journal: Journal) -> None:
    a_week_of_listening(journal)
    view = view_of(qtbot, journal, plain=True)
    assert "In progress: week 2 of 4." in view.texts()
    (table,) = view.tables
    model = table.model()
    headings = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headings == ["Week", "Started", "Completed", "Ended early", "≥ 10 min", "Minutes"]
    rows = [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    assert rows == [
        ["1 · 7–13 Dec", "2", "1", "1", "2 of 3", "42"],  # "of 3": as Home counts
        ["2 · 14–20 Dec", "0", "0", "0", "0 of 3 so far", "0"],
        ["3 · 21–27 Dec", "upcoming", "", "", "", ""],  # never "0 of 3" before it begins
        ["4 · 28 Dec – 3 Jan", "upcoming", "", "", "", ""],
    ]
    qtbot.waitUntil(lambda: table.isVisible(), timeout=10000)
    last = table.visualRect(model.index(model.rowCount() - 1, 0))
    assert table.viewport().rect().contains(last)  # every week in sight: the page scrolls
    assert table.horizontalScrollBar().isHidden() or not table.horizontalScrollBar().isVisible()


def test_tab_reaches_the_table_and_leaves_it(qtbot: QtBot, journal: Journal) -> None:
    a_week_of_listening(journal)
    add(journal, manifest(), identity="second-programme", imported="2026-12-02T10:00:00+01:00")
    view = AdherenceView()
    window = shown(qtbot, view)
    view.show_programmes(programmes(journal.reading, TODAY), TODAY, plain=True)
    first, second = view.tables
    assert first.accessibleName() == "Weeks of Settle"
    assert second.accessibleName() == "Weeks of <b>x</b>"
    before = window.findChild(QPushButton, "before")
    window.activateWindow()
    before.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is before, timeout=10000)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=10000)
    qtbot.keyClick(first, Qt.Key.Key_Tab)  # Tab leaves a table; arrows move inside it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second, timeout=10000)


def test_text_from_the_package_shows_as_typed(qtbot: QtBot, journal: Journal) -> None:
    a_week_of_listening(journal)
    for plain, heading in ((False, "<b>x</b>"), (True, "<b>x</b> (revision 1)")):
        view = view_of(qtbot, journal, plain=plain)
        labels = [label for label in view.findChildren(QLabel) if label.text() == heading]
        assert labels, heading
        assert all(label.textFormat() is Qt.TextFormat.PlainText for label in labels)
        for label in view.findChildren(QLabel):
            assert label.textFormat() is Qt.TextFormat.PlainText, label.text()


def test_left_and_replaced_programmes_say_so(qtbot: QtBot, journal: Journal) -> None:
    stamp = "2026-12-15T10:00:00+01:00"
    add(journal, manifest(1), revision=1, replaced=stamp)
    add(journal, manifest(2, "Settle, again"), revision=2, imported=stamp)
    add(
        journal,
        manifest(),
        identity="left-programme",
        title="Left one",
        imported="2026-11-01T10:00:00+01:00",
        left="2026-12-08T09:00:00+01:00",
    )
    for plain, replaced in (
        (False, "A newer version from your therapist took its place on 15 Dec 2026."),
        (True, "Replaced by revision 2 on 15 Dec 2026."),
    ):
        view = view_of(qtbot, journal, plain=plain)
        texts = view.texts()
        assert replaced in texts
        assert "Left on 8 Dec 2026." in texts
        assert len(view.sections) == 3
    # the replaced revision shows its weeks up to the one it was replaced in
    assert [table.model().rowCount() for table in view.tables] == [4, 2, 1]


def test_not_started_and_finished(qtbot: QtBot, journal: Journal) -> None:
    add(journal, manifest())
    view = AdherenceView()
    shown(qtbot, view)
    early = date(2026, 12, 1)
    view.show_programmes(programmes(journal.reading, early), early, plain=False)
    texts = view.texts()
    assert "It starts the week of 7 Dec 2026." in texts
    assert sum(text.endswith("Still to come.") for text in texts) == 4
    late = date(2027, 2, 1)
    view.show_programmes(programmes(journal.reading, late), late, plain=False)
    texts = view.texts()
    assert "Finished on 3 Jan 2027." in texts
    assert "Week 4, 28 Dec – 3 Jan: No listening this week." in texts
    assert "It starts the week of 7 Dec 2026." not in texts  # replaced whole


def test_an_unreadable_programme_is_shown_with_why(qtbot: QtBot, journal: Journal) -> None:
    add(journal, "format = 1\n[homework\n", identity="broken-programme", title="<i>Old</i>")
    for plain in (False, True):
        view = view_of(qtbot, journal, plain=plain)
        texts = view.texts()
        assert any(text.startswith("<i>Old</i>") for text in texts)
        assert "Its details can no longer be read, so its weeks cannot be shown." in texts
        assert any("not valid TOML" in text for text in texts)
        assert not view.tables


def test_the_homework_page_reads_again_and_goes_back(qtbot: QtBot, journal: Journal) -> None:
    page = HomeworkPage(journal)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    page.refresh(TODAY)
    assert (
        "No homework has been added. A therapist can give you a file to add under Your data."
        in page.view.texts()
    )
    a_week_of_listening(journal)
    page.refresh(TODAY)
    texts = page.view.texts()
    assert (
        "Week 1, 7–13 Dec: You listened 2 times this week, 42 minutes in all: "
        "2 of 3 sessions of 10 minutes or more."
    ) in texts
    assert not any(text.startswith("No homework has been added") for text in texts)
    titles = [label.text() for label in page.findChildren(QLabel) if label.isVisible()]
    assert "Listening homework" in titles
    with qtbot.waitSignal(page.back_requested, timeout=5000):
        click(qtbot, page.back_button)


def test_the_homework_page_says_when_the_journal_cannot_be_read(
    qtbot: QtBot, journal: Journal
) -> None:
    a_week_of_listening(journal)
    page = HomeworkPage(journal)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    journal.close()
    page.refresh(TODAY)
    assert page.problem.isVisible()
    assert page.problem.text().startswith("Your journal could not be read just now.")
    assert not any(text.startswith("Week") for text in page.view.texts())
