"""The journal's other views from the list: changes over time, what helps me, and exports
written from the window (PDF, CSV, JSON) without stalling it or leaving half a file."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal.store import Journal, Outcome
from mtcalm.playlists import load_playlist
from mtcalm.ui.export_dialog import ExportDialog
from mtcalm.ui.journal_views import ChangesOverTimePage, WhatHelpsPage
from tests.ui.helpers import click, open_window

NOTE = "Rough day at work <b>really</b>"


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.8)]))


def fill(journal: Journal, sessions: int = 6) -> None:
    evening = datetime.now().astimezone().replace(hour=20, minute=0, second=0, microsecond=0)
    for day in range(sessions):
        when = evening - timedelta(days=day + 1)
        before = CheckIn(Phase.BEFORE, {"distress": 6}, note=NOTE)
        session_id = journal.start_session("playlist:settle", "Settle", before, started_at=when)
        journal.finish_session(session_id, Outcome.COMPLETED, 600, ended_at=when)
        journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": 3}))


def test_changes_over_time_and_what_helps_open_from_the_list_and_go_back(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    journal = window.workspace.journal
    assert journal is not None
    fill(journal)
    window.show_section("journal")
    page = window.sections.journal
    changes, helps, export = page.view_buttons
    click(qtbot, export)
    opened = window.findChild(ExportDialog)
    assert opened is not None and opened.isVisible()
    opened.reject()
    click(qtbot, changes)
    shown = window.pages.currentWidget()
    assert isinstance(shown, ChangesOverTimePage)
    assert window.header.buttons["journal"].isChecked()  # still in the journal
    qtbot.waitUntil(lambda: not shown.panel.chart.isHidden(), timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is page
    click(qtbot, helps)
    helps_page = window.pages.currentWidget()
    assert isinstance(helps_page, WhatHelpsPage)
    qtbot.waitUntil(lambda: bool(helps_page.panel.sentences), timeout=10000)
    texts = [label.text() for label in helps_page.panel.sentences]
    assert "Settle: distress down 3.0 on average over 6 sessions" in texts
    click(qtbot, helps_page.back_button)
    assert window.pages.currentWidget() is page


def export_with(
    qtbot, journal: Journal, target: Path, kind: str, notes: bool = True
) -> ExportDialog:
    asked: list[str] = []

    def choose(_parent: QWidget, _title: str, suggested: str, _kinds: str) -> str:
        asked.append(suggested)
        return str(target)

    dialog = ExportDialog(journal, choose_path=choose)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kinds[kind].setChecked(True)
    dialog.notes.setChecked(notes)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=30000)
    assert asked and asked[0].endswith(f".{kind}")
    return dialog


def test_a_pdf_summary_is_written_where_the_person_chose(qtbot, tmp_path: Path):
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        fill(journal)
        dialog = export_with(qtbot, journal, tmp_path / "summary.pdf", "pdf")
    assert dialog.written == tmp_path / "summary.pdf"
    assert dialog.status.text() == f"Saved: {tmp_path / 'summary.pdf'}"
    assert (tmp_path / "summary.pdf").stat().st_mode & 0o777 == 0o600
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "summary.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert "Settle" in text and "<b>really</b>" in text


def test_a_spreadsheet_without_notes_has_the_numbers_and_not_the_words(qtbot, tmp_path: Path):
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        fill(journal)
        export_with(qtbot, journal, tmp_path / "numbers", "csv", notes=False)
    written = tmp_path / "numbers.csv"  # the kind's ending is added when left out
    rows = list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 7
    assert "Rough day" not in written.read_text(encoding="utf-8-sig")


def test_a_complete_copy_reads_back_as_json(qtbot, tmp_path: Path):
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        fill(journal, sessions=3)
        export_with(qtbot, journal, tmp_path / "copy.json", "json")
    document = json.loads((tmp_path / "copy.json").read_text(encoding="utf-8"))
    assert len(document["sessions"]) == 3


def test_a_folder_that_cannot_take_the_file_is_said_and_nothing_is_left(qtbot, tmp_path: Path):
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        fill(journal, sessions=1)
        dialog = export_with(qtbot, journal, tmp_path / "missing" / "copy.csv", "csv")
    assert dialog.written is None
    assert dialog.status.text().startswith("Nothing was saved.")
    assert not (tmp_path / "missing").exists()


def test_the_period_counts_back_from_today():
    class Fixed(ExportDialog):
        pass

    journal_path = Path("/nonexistent")  # the dialog reads nothing until it writes

    class FakeJournal:
        path = journal_path

    dialog = Fixed(FakeJournal(), today=lambda: date(2026, 12, 2))  # type: ignore[arg-type]
    dialog.period.setCurrentIndex(0)
    period = dialog.chosen_period()
    assert (period.since, period.until) == (date(2026, 11, 5), date(2026, 12, 2))
    dialog.period.setCurrentIndex(3)
    assert dialog.chosen_period().since is None
