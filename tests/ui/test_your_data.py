"""Your data, the journal problem page's ways forward, and the window's endings, driven for real."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mtcalm.checkin import CheckIn, Phase
from mtcalm.datadir import ensure_private_dir
from mtcalm.journal.backups import BackupKind, list_backups, manual_backup
from mtcalm.journal.store import Journal
from mtcalm.playlists import load_playlist
from mtcalm.settings import load_settings
from mtcalm.ui.data_page import DataDialogs
from tests.ui.helpers import WAIT_MS, click, open_window, wait_for_page

BEFORE = CheckIn(Phase.BEFORE, {"distress": 5})


class AnsweringDialogs(DataDialogs):
    """Answers the page's questions as a test says, and remembers what it was asked."""

    def __init__(self, file: Path | None = None, confirm: bool = True) -> None:
        self.file = file
        self.confirm = confirm
        self.questions: list[str] = []

    def choose_backup_file(self, folder: Path) -> Path | None:
        return self.file

    def confirm_restore(self, text: str) -> bool:
        self.questions.append(text)
        return self.confirm


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=0.6)]))


def journal_titles(window) -> list[str]:
    return sorted(record.content_title for record in window.workspace.journal.sessions())


def wait_until_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.sections.data_page.busy, timeout=WAIT_MS)
    QApplication.processEvents()


def test_back_up_now_makes_a_checked_copy_and_lists_it(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.journal.start_session("playlist:a", "Mine", BEFORE)
    click(qtbot, window.header.buttons["data"])
    page = window.sections.data_page
    assert window.pages.currentWidget() is page
    assert window.header.buttons["data"].isChecked()
    assert str(data_dir) in page.folder_label.text()
    assert "one session" in page.journal_label.text()
    assert page.backup_list.count() == 0
    assert page.back_up_button.hasFocus()
    list_height, status_top = page.backup_list.height(), page.status.y()

    qtbot.keyClick(page.back_up_button, Qt.Key.Key_Return)  # Enter presses it, as Space does
    qtbot.waitUntil(
        lambda: "A copy of your journal was made" in page.status.text(), timeout=WAIT_MS
    )
    wait_until_idle(qtbot, window)

    [backup] = list_backups(data_dir / "backups")
    assert backup.kind is BackupKind.MANUAL
    assert page.backup_list.count() == 1
    assert "made by you" in page.backup_list.item(0).text()
    assert not page.latest_label.isVisible()  # said only when the daily copy failed
    assert page.status.textFormat() == Qt.TextFormat.PlainText
    assert ".sqlite3" not in page.status.text()  # the file's name is a detail (tooltip)
    assert (page.backup_list.height(), page.status.y()) == (list_height, status_top)  # no jump
    assert page.back_up_button.hasFocus()  # focus came back to where the job began
    assert page.backup_list.currentRow() == 0


def test_restoring_a_copy_asks_first_then_brings_the_journal_back(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    journal = window.workspace.journal
    journal.start_session("playlist:a", "In the copy", BEFORE)
    manual_backup(window.workspace.journal_path)
    journal.start_session("playlist:a", "Added after the copy", BEFORE)
    window.sections.show_data()
    page = window.sections.data_page
    dialogs = AnsweringDialogs()
    page.dialogs = dialogs
    page.backup_list.setCurrentRow(0)

    click(qtbot, page.restore_button)
    qtbot.waitUntil(lambda: "was restored" in page.status.text(), timeout=WAIT_MS)
    wait_until_idle(qtbot, window)

    [question] = dialogs.questions
    assert question.startswith("The copy from ") and "(made by you) holds one session" in question
    assert "not in the copy will not be in" in question
    assert "kept as a backup first" in question
    assert journal_titles(window) == ["In the copy"]
    assert window.workspace.journal is journal  # the same object, on the restored file
    assert "kept in the list" in page.status.text()
    assert all(button.isEnabled() for button in tuple(window.header.buttons.values()))
    assert page.restore_button.hasFocus() and page.restore_button.isEnabled()
    kinds = {backup.kind for backup in list_backups(data_dir / "backups")}
    assert kinds == {BackupKind.MANUAL, BackupKind.BEFORE_RESTORE}
    click(qtbot, window.header.buttons["journal"])
    assert window.sections.journal.model.rowCount() == 1


def test_a_restore_cancelled_or_refused_changes_nothing(qtbot, data_dir, playlist, tmp_path):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.journal.start_session("playlist:a", "Mine", BEFORE)
    copy = manual_backup(window.workspace.journal_path)
    window.sections.show_data()
    page = window.sections.data_page

    page.dialogs = AnsweringDialogs(file=copy, confirm=False)
    click(qtbot, page.restore_file_button)
    qtbot.waitUntil(lambda: page.status.text() == "Nothing was restored.", timeout=WAIT_MS)
    wait_until_idle(qtbot, window)

    garbage = tmp_path / "from-an-email.sqlite3"
    garbage.write_bytes(b"<b>not a journal</b>" * 100)
    page.dialogs = AnsweringDialogs(file=garbage)
    click(qtbot, page.restore_file_button)
    qtbot.waitUntil(lambda: "Nothing was restored:" in page.status.text(), timeout=WAIT_MS)
    wait_until_idle(qtbot, window)

    assert "not an mtcalm journal" in page.status.text()
    assert journal_titles(window) == ["Mine"]
    assert [b.kind for b in list_backups(data_dir / "backups")] == [BackupKind.MANUAL]
    assert page.restore_file_button.isEnabled()


def test_a_damaged_journal_can_be_restored_from_the_problem_page(qtbot, data_dir, playlist):
    ensure_private_dir(data_dir)
    path = data_dir / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.start_session("playlist:a", "Saved in the backup", BEFORE)
    manual_backup(path)
    path.write_bytes(b"SQLite format 3\x00" + b"\x42" * 9000)

    window = open_window(qtbot, data_dir, [playlist])
    problem = window.problems.page
    assert window.pages.currentWidget() is problem
    assert problem.restore_button.isVisible() and problem.fresh_button.isVisible()
    assert problem.main_action() is problem.restore_button
    assert problem.restore_button.hasFocus()
    assert not problem.allow_button.isVisible()

    click(qtbot, problem.restore_button)
    page = window.sections.data_page
    assert window.pages.currentWidget() is page
    assert page.back_button.isVisible()
    assert not window.header.buttons["home"].isVisible()  # no journal yet: nowhere else to go
    assert page.restore_button.hasFocus() and page.backup_list.currentRow() == 0
    assert not page.back_up_button.isEnabled()  # nothing to copy; kept in place, not hidden
    restore_x = page.restore_button.x()
    assert page.restore_button.property("role") == "primary"
    dialogs = AnsweringDialogs()
    page.dialogs = dialogs
    qtbot.keyClick(page.restore_button, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.workspace.journal is not None, timeout=WAIT_MS)
    wait_until_idle(qtbot, window)

    assert journal_titles(window) == ["Saved in the backup"]
    assert window.header.buttons["home"].isVisible()
    assert page.restore_button.x() == restore_x  # nothing moved when the journal came back
    assert "cannot be opened is kept, as it is" in dialogs.questions[0]
    kept = [b for b in list_backups(data_dir / "backups") if b.kind is BackupKind.DAMAGED]
    assert len(kept) == 1 and kept[0].path.read_bytes().startswith(b"SQLite format 3\x00\x42")
    # The damaged copy is listed as what it is, never chosen for the next restore.
    damaged_row = next(
        row
        for row in range(page.backup_list.count())
        if "could not be opened" in page.backup_list.item(row).text()
    )
    assert page.backup_list.currentRow() != damaged_row
    page.backup_list.setCurrentRow(damaged_row)
    assert not page.restore_button.isEnabled()


def test_the_problem_page_offers_a_healthy_journal_beside_the_damaged_one(
    qtbot, data_dir, playlist
):
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal-20261201-080000.sqlite3") as journal:
        journal.start_session("playlist:a", "In the other journal", BEFORE)
    (data_dir / "journal.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    (data_dir / "settings.json").write_text(
        '{"version": 1, "journal_file": "journal.sqlite3"}', encoding="utf-8"
    )
    window = open_window(qtbot, data_dir, [playlist])
    problem = window.problems.page
    assert problem.alternative_button.isVisible()
    assert "it holds one session, the newest from" in problem.alternative_note.text()
    assert problem.main_action() is problem.alternative_button

    click(qtbot, problem.alternative_button)

    assert window.pages.currentWidget() is window.home
    assert journal_titles(window) == ["In the other journal"]
    assert "other journal in your data folder is open now" in window.home.notice.text()
    assert load_settings(data_dir).settings.journal_file == "journal-20261201-080000.sqlite3"


def test_a_read_only_journal_is_made_writable_only_when_asked(qtbot, data_dir, playlist):
    ensure_private_dir(data_dir)
    path = data_dir / "journal.sqlite3"
    Journal.open(path).close()
    path.chmod(0o400)
    window = open_window(qtbot, data_dir, [playlist])
    problem = window.problems.page
    assert "read-only" in problem.heading.text()
    assert problem.allow_button.isVisible() and problem.allow_button.hasFocus()
    assert not problem.fresh_button.isVisible() and not problem.restore_button.isVisible()
    assert stat.S_IMODE(path.stat().st_mode) == 0o400

    click(qtbot, problem.allow_button)

    assert window.pages.currentWidget() is window.home
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_read_only_folder_offers_to_try_again(qtbot, data_dir, playlist):
    ensure_private_dir(data_dir)
    Journal.open(data_dir / "journal.sqlite3").close()
    data_dir.chmod(0o500)
    try:
        window = open_window(qtbot, data_dir, [playlist])
        problem = window.problems.page
        assert "cannot be written" in problem.heading.text()
        assert problem.try_again_button.isVisible()
        assert not problem.fresh_button.isVisible()
        assert not problem.result.isVisible()
        assert problem.details_button.isVisible() and not problem.file_label.isVisible()
        click(qtbot, problem.details_button)
        assert str(data_dir) in problem.file_label.text()  # the path, only under Details
        assert str(data_dir) not in problem.details.text()
        click(qtbot, problem.try_again_button)
        assert window.pages.currentWidget() is problem  # still read-only: still said
        assert "still the same" in problem.result.text() and problem.result.isVisible()
        data_dir.chmod(0o700)
        click(qtbot, problem.try_again_button)
        assert window.pages.currentWidget() is window.home
    finally:
        data_dir.chmod(0o700)


def test_a_finished_session_makes_todays_copy_off_the_ui_thread(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    click(qtbot, window.home.cards[0].begin_button)
    click(qtbot, window.screens.checkin_before.skip_all)
    wait_for_page(qtbot, window, window.screens.checkin_after)
    click(qtbot, window.screens.checkin_after.skip_all)
    wait_for_page(qtbot, window, window.screens.summary)
    folder = data_dir / "backups"
    qtbot.waitUntil(lambda: bool(list_backups(folder)), timeout=WAIT_MS)
    [daily] = list_backups(folder)
    assert daily.kind is BackupKind.DAILY
    with Journal.open(daily.path, create=False) as copy:
        assert len(copy.sessions()) == 1

    window.close()  # closing the same day makes no second copy
    assert len(list_backups(folder)) == 1


def test_closing_makes_todays_copy_if_none_was_made(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.journal.start_session("playlist:a", "Mine", BEFORE)
    assert not (data_dir / "backups").exists()  # nothing on the start-up path
    window.close()
    [daily] = list_backups(data_dir / "backups")
    assert daily.kind is BackupKind.DAILY


def test_a_second_launch_brings_a_minimised_window_back(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.bring_to_front()
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()


def test_the_desktops_commit_data_keeps_progress_and_settings(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.settings = window.workspace.settings.with_changes(volume=0.25)
    window.save_now()
    assert load_settings(data_dir).settings.volume == 0.25


def test_a_quick_quit_keeps_settings_and_makes_no_copy(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.settings = window.workspace.settings.with_changes(timer_minutes=20)
    window.shut_down(quickly=True)
    assert load_settings(data_dir).settings.timer_minutes == 20
    assert not (data_dir / "backups").exists()  # a logout does not wait for a copy


def test_enter_presses_a_focused_button_anywhere_and_leaves_other_keys_alone(
    qtbot, data_dir, playlist
):
    window = open_window(qtbot, data_dir, [playlist])
    pressed: list[str] = []
    window.header.buttons["journal"].clicked.connect(lambda: pressed.append("journal"))
    window.header.buttons["journal"].setFocus()
    qtbot.keyClick(
        window.header.buttons["journal"], Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier
    )
    qtbot.waitUntil(lambda: pressed == ["journal"], timeout=WAIT_MS)
    window.header.buttons["data"].setFocus()
    qtbot.keyClick(
        window.header.buttons["data"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    QApplication.processEvents()
    assert (
        window.pages.currentWidget() is not window.sections.data_page
    )  # Ctrl+Enter is not a press


def test_the_window_opens_inside_a_small_screen(qtbot, data_dir, playlist):
    window = open_window(qtbot, data_dir, [playlist])
    room = window.screen().availableGeometry()
    window.fit_to_screen()
    assert window.width() <= room.width() and window.height() <= room.height()
    assert window.minimumWidth() <= room.width() and window.minimumHeight() <= room.height()


def test_restoring_from_a_fifo_says_so_and_never_hangs(qtbot, data_dir, playlist, tmp_path):
    import os

    window = open_window(qtbot, data_dir, [playlist])
    fifo = tmp_path / "looks-like-a-backup.sqlite3"
    os.mkfifo(fifo)
    window.sections.show_data()
    page = window.sections.data_page
    page.dialogs = AnsweringDialogs(file=fifo)
    click(qtbot, page.restore_file_button)
    qtbot.waitUntil(lambda: "Nothing was restored" in page.status.text(), timeout=WAIT_MS)
    assert "not a file" in page.status.text()
    wait_until_idle(qtbot, window)


def test_a_tooltip_shows_a_file_name_as_it_is():
    from PySide6.QtGui import QTextDocument

    from mtcalm.ui.text import plain_tooltip

    document = QTextDocument()
    document.setHtml(plain_tooltip("<b>bold</b> & co.sqlite3"))
    assert document.toPlainText() == "<b>bold</b> & co.sqlite3"


def test_for_therapists_opens_the_homework_editor_with_mtcalms_own_content(
    qtbot, data_dir, playlist
):
    from mtcalm.assets import bundled_playlists_dir
    from mtcalm.ui.homework_editor import HomeworkEditor

    settle = load_playlist(bundled_playlists_dir() / "settle.toml")
    window = open_window(qtbot, data_dir, [settle, playlist])
    window.show_section("data")
    page = window.sections.data_page
    click(qtbot, page.make_homework_button)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), HomeworkEditor))
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, HomeworkEditor)
    offered = [p.ref for p in editor.form.playlists]
    assert "playlist:settle" in offered  # the bundled ones a client's mtcalm has too
    assert playlist.ref not in offered  # not this computer's own music
    journal = window.workspace.journal
    assert journal is not None
    before = journal.reading("SELECT count(*) FROM homework")
    editor.reject()
    assert journal.reading("SELECT count(*) FROM homework") == before == [(0,)]


def client_export(tmp_path: Path, title: str) -> Path:
    """A client's journal of one session, exported as JSON."""
    from mtcalm.journal.export_json import write_json

    with Journal.open(tmp_path / "client.sqlite3") as journal:
        journal.start_session("playlist:a", title, BEFORE)
        export = tmp_path / "client-export.json"
        with export.open("wb") as stream:
            write_json(journal, stream)
    return export


def review_from_your_data(qtbot, window, export: Path, monkeypatch):
    """Your data > For therapists > Review a client's journal…, ``export`` chosen."""
    from mtcalm.ui import review_open
    from mtcalm.ui.review_window import ReviewWindow

    monkeypatch.setattr(review_open, "choose_export_file", lambda _parent: str(export))
    window.show_section("data")
    click(qtbot, window.sections.data_page.review_button)
    qtbot.waitUntil(lambda: bool(window.findChildren(ReviewWindow)), timeout=WAIT_MS)
    (review,) = window.findChildren(ReviewWindow)
    return review


def test_reviewing_a_clients_export_opens_it_apart_from_this_journal(
    qtbot, data_dir, playlist, tmp_path, monkeypatch
):
    """Your data > For therapists > Review a client's journal…: the client's sessions in a
    window of their own; this journal and its folder are untouched."""
    export = client_export(tmp_path, "The client's evening music")
    window = open_window(qtbot, data_dir, [playlist])
    window.workspace.journal.start_session("playlist:a", "Mine", BEFORE)
    before = {
        p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and "-wal" not in p.name
    }
    review = review_from_your_data(qtbot, window, export, monkeypatch)
    assert "client-export.json" in review.windowTitle()
    assert review.journal is not None and review.journal.summary().sessions == 1
    assert window.workspace.journal.summary().sessions == 1  # still only "Mine"
    review.close()
    after = {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and "-wal" not in p.name}
    assert after.keys() == before.keys()


def test_closing_the_main_window_closes_the_reviews_too(
    qtbot, data_dir, playlist, tmp_path, monkeypatch
):
    """Qt quits when the main window closes, before a review window's own closing runs: a
    review found its summary's writing thread (client data) could be cut short."""
    window = open_window(qtbot, data_dir, [playlist])
    review = review_from_your_data(qtbot, window, client_export(tmp_path, "Client"), monkeypatch)
    window.close()
    assert review.journal is None, "its journal in memory was closed and freed"
