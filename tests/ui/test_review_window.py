"""Review mode: a client's export in a read-only window of its own, nothing of it kept."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from mtcalm.journal.review import ReviewCancelled
from mtcalm.journal.store import Journal
from mtcalm.ui.journal_views import ChangesOverTimePage, WhatHelpsPage
from mtcalm.ui.review_open import ReviewOpening, choose_and_review, review_file
from mtcalm.ui.review_views import FlagsReview, HomeworkReview
from mtcalm.ui.review_window import ReviewWindow
from tests.test_review_journal import HOSTILE_TITLE, make_export, snapshot
from tests.ui.helpers import click

WAIT_MS = 20000
TODAY = date(2026, 12, 20)  # the example homework's first weeks are behind


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The therapist's window stands in as a plain widget: review needs no main window."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The therapist's home with a data folder (journal and settings) in it."""
    home = tmp_path / "home"
    data = home / ".local" / "share" / "mtcalm"
    data.mkdir(parents=True)
    with Journal.open(data / "journal.sqlite3"):
        pass
    (data / "settings.toml").write_text("volume = 0.5\n", "utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


def open_review(
    path: Path, parent: QWidget, choose_path: Callable[..., str] | None = None
) -> ReviewWindow:
    window = review_file(
        path, parent, today=lambda: TODAY, choose_path=choose_path or (lambda *_: "")
    )
    assert window is not None, "the export opens"
    return window


def titles_listed(window: ReviewWindow) -> list[str]:
    model = window.sessions.model
    return [model.row_at(row).title for row in range(model.rowCount())]


def message_boxes(parent: QWidget) -> list[QMessageBox]:
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def reviews() -> list[ReviewWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReviewWindow)]


@pytest.fixture(autouse=True)
def close_reviews() -> Iterator[None]:
    yield
    for window in reviews():
        window.close()


def test_every_section_reads_the_export_and_nothing_is_written(
    qtbot: QtBot, tmp_path: Path, home: Path, parent: QWidget
) -> None:
    export = make_export(tmp_path / "mail", ["Settle one", "Settle two", "Settle three"])
    saved = tmp_path / "out" / "summary.pdf"
    saved.parent.mkdir()
    before_home, before_mail = snapshot(home), snapshot(export.parent)
    window = open_review(export, parent, choose_path=lambda *_: str(saved))
    qtbot.waitExposed(window)

    assert "client.json" in window.windowTitle() and "read only" in window.windowTitle()
    assert window.banner.text() == (
        "Reviewing client.json — read only. Nothing from this file is added to your own journal."
    )
    # Sessions: the list of the client's three, and one opened with Enter.
    assert window.sessions.title.text() == "Sessions"  # not the client's own "Journal"
    assert "Everything stays on this computer" not in window.sessions.subtitle.text()
    assert sorted(titles_listed(window)) == ["Settle one", "Settle three", "Settle two"]
    assert window.buttons["sessions"].isChecked()
    table = window.sessions.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.sessions.stack.currentWidget() is window.sessions.detail
    assert window.sessions.detail.title.text() == titles_listed(window)[0]
    qtbot.keyClick(window.sessions.detail, Qt.Key.Key_Escape)
    assert window.sessions.stack.currentWidget() is window.sessions.list_view

    # Changes over time, the whole journal read on a background thread from memory.
    click(qtbot, window.buttons["changes"])
    changes = window.stack.currentWidget()
    assert isinstance(changes, ChangesOverTimePage)
    panel = changes.panel
    panel.range_choice.setCurrentIndex(panel.range_choice.findData("all"))
    assert panel.empty_note.text() == "Reading the whole journal…"
    qtbot.waitUntil(
        lambda: not panel.empty_note.isVisible() and panel.chart.isVisible(), timeout=WAIT_MS
    )
    assert panel.trends is not None and panel.item_choice.count() > 0

    # What helps, read on a background thread too.
    click(qtbot, window.buttons["helps"])
    helps = window.stack.currentWidget()
    assert isinstance(helps, WhatHelpsPage)
    qtbot.waitUntil(lambda: bool(helps.panel.sentences), timeout=WAIT_MS)
    found = [label.text() for label in helps.panel.sentences]
    assert "Settle three: not enough sessions yet for distress (3 of 5)" in found

    # Homework: the example programme, plainly, its first week with the three sessions.
    click(qtbot, window.buttons["homework"])
    homework = window.stack.currentWidget()
    assert isinstance(homework, HomeworkReview)
    lines = homework.view.texts()
    assert "Four weeks of settling (revision 1)" in lines
    assert any(
        line.startswith("1 ·") and "| 3 of 3 |" in line.replace("3 of 3 so far", "3 of 3")
        for line in lines
    ), lines

    # Flags, with who set each.
    click(qtbot, window.buttons["flags"])
    flags = window.stack.currentWidget()
    assert isinstance(flags, FlagsReview)
    rows = {
        flags.model.item(row, 0).text(): flags.model.item(row, 2).text()
        for row in range(flags.model.rowCount())
    }
    assert rows == {HOSTILE_TITLE: "The client", "Slow Tide": "The therapist (homework)"}

    # Esc goes back to the sessions.
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.current_section == "sessions"

    # A PDF summary, only PDF or a spreadsheet offered.
    click(qtbot, window.save_button)
    dialog = window.export_dialog
    assert dialog is not None
    assert not dialog.kinds["json"].isVisible() and dialog.kinds["pdf"].isChecked()
    dialog.period.setCurrentIndex(dialog.period.count() - 1)  # everything
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.written == saved, timeout=WAIT_MS)
    assert saved.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(saved), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Settle one" in text and "Settle three" in text

    window.close()
    qtbot.waitUntil(lambda: not reviews(), timeout=WAIT_MS)
    assert snapshot(home) == before_home, "the therapist's data folder and settings untouched"
    assert snapshot(export.parent) == before_mail, "nothing written beside the export"


def test_two_exports_open_in_two_windows_each_with_its_own_sessions(
    qtbot: QtBot, tmp_path: Path, parent: QWidget
) -> None:
    anna = make_export(tmp_path / "a", ["Anna's evening"], name="anna.json")
    ben = make_export(tmp_path / "b", ["Ben's morning", "Ben's noon"], name="ben.json")
    first = open_review(anna, parent)
    second = open_review(ben, parent)
    assert first is not second and first.journal is not second.journal
    assert titles_listed(first) == ["Anna's evening"]
    assert sorted(titles_listed(second)) == ["Ben's morning", "Ben's noon"]
    assert "anna.json" in first.windowTitle() and "ben.json" in second.windowTitle()
    second.close()
    assert titles_listed(first) == ["Anna's evening"], "closing one leaves the other as it was"


def test_closing_the_window_frees_its_journal(
    qtbot: QtBot, tmp_path: Path, parent: QWidget
) -> None:
    window = open_review(make_export(tmp_path, ["Only one"]), parent)
    journal = window.journal
    assert journal is not None
    window.close()
    assert window.journal is None
    connection = journal.memory_connection()  # the same memory now: a new, empty database
    try:
        assert connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0
    finally:
        connection.close()


def test_hostile_text_is_shown_as_it_is(qtbot: QtBot, tmp_path: Path, parent: QWidget) -> None:
    export = make_export(tmp_path, [HOSTILE_TITLE], name="<i>client.json")
    window = open_review(export, parent)
    assert window.banner.textFormat() == Qt.TextFormat.PlainText
    assert window.banner.text().startswith("Reviewing <i>client.json — read only.")
    assert titles_listed(window) == [HOSTILE_TITLE]
    qtbot.keyClick(window.sessions.table, Qt.Key.Key_Return)
    detail = window.sessions.detail
    assert detail.title.text() == HOSTILE_TITLE
    assert detail.title.textFormat() == Qt.TextFormat.PlainText


def test_a_malformed_export_is_told_plainly_and_opens_no_window(
    qtbot: QtBot, tmp_path: Path, parent: QWidget
) -> None:
    broken = tmp_path / "<b>broken.json"
    broken.write_text('{"format": "mtcalm-journal-export", "version": 1, "sessions": [', "utf-8")
    assert review_file(broken, parent) is None
    qtbot.waitUntil(lambda: bool(message_boxes(parent)), timeout=WAIT_MS)
    box = message_boxes(parent)[0]
    assert box.text() == "The export is damaged"
    assert "cut short" in box.informativeText()
    labels = [label for label in box.findChildren(QLabel) if "<b>" in label.text()]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    assert not reviews()
    box.close()


@pytest.mark.parametrize(
    ("content", "short"),
    [
        ('{"format": "mtcalm-journal-export", "version": 99, "sessions": []}', "newer mtcalm"),
        ("Dear diary", "not an mtcalm export"),
    ],
)
def test_a_too_new_or_foreign_file_is_refused(
    qtbot: QtBot, tmp_path: Path, parent: QWidget, content: str, short: str
) -> None:
    path = tmp_path / "client.json"
    path.write_text(content, "utf-8")
    assert review_file(path, parent) is None
    qtbot.waitUntil(lambda: bool(message_boxes(parent)), timeout=WAIT_MS)
    assert short in message_boxes(parent)[0].text()
    assert not reviews()
    message_boxes(parent)[0].close()


def test_a_huge_export_is_refused_with_its_size(
    qtbot: QtBot, tmp_path: Path, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtcalm.journal import import_json

    monkeypatch.setattr(import_json, "MAX_IMPORT_BYTES", 512)
    export = make_export(tmp_path, ["One", "Two"])
    assert review_file(export, parent) is None
    qtbot.waitUntil(lambda: bool(message_boxes(parent)), timeout=WAIT_MS)
    box = message_boxes(parent)[0]
    assert box.text() == "The file is too large"
    assert not reviews()
    box.close()


def test_cancel_while_reading_opens_nothing_and_says_nothing(
    qtbot: QtBot, tmp_path: Path, parent: QWidget
) -> None:
    reading = threading.Event()

    def slow_load(path: Path, should_stop: Callable[[], bool]) -> Journal:
        reading.set()
        while not should_stop():
            threading.Event().wait(0.01)
        raise ReviewCancelled()

    def press_cancel() -> None:
        dialogs = [d for d in parent.findChildren(ReviewOpening) if d.isVisible()]
        if not dialogs or not reading.is_set():
            QTimer.singleShot(20, press_cancel)
            return
        assert dialogs[0].status.text() == "Reading client.json…"
        click(qtbot, dialogs[0].cancel_button)

    QTimer.singleShot(0, press_cancel)
    window = review_file(tmp_path / "client.json", parent, load=slow_load)
    assert window is None
    assert not message_boxes(parent) and not reviews()


def test_choosing_nothing_opens_nothing(parent: QWidget) -> None:
    assert choose_and_review(parent, choose=lambda _parent: "") is None
    assert not reviews()


def test_the_sessions_page_has_no_second_homework_button(
    qtbot: QtBot, tmp_path: Path, parent: QWidget
) -> None:
    """A review found the page's own Homework button shown and doing nothing; the bar above
    has one."""
    window = open_review(make_export(tmp_path / "mail", ["Settle one"]), parent)
    assert window.buttons["homework"].isVisibleTo(window)
    assert not window.sessions.homework_button.isVisibleTo(window)
