"""Homework reminders in the window: what the tray would show and when, its menu (open, snooze,
not today, off), no reminder during a session, the settings dialog and starting at login.
Offscreen Qt has no tray, so the tray's notification is recorded instead of shown."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTime
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.install import install_package
from mtcalm.homework.package import write_package
from mtcalm.journal.store import Outcome
from mtcalm.playlists import load_playlist
from mtcalm.settings import read_settings
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.reminders import (
    CHECK_EVERY,
    HomeworkReminders,
    RemindersDialog,
    reminder_texts,
    start_minimised,
)
from mtcalm.workspace import Workspace
from tests.test_homework_manifest import MINIMAL
from tests.ui.helpers import WAIT_MS, open_window, silent_audio, start_listening

ZONE = timezone(timedelta(hours=1))
# Wednesday 9 December 2026, two weeks, three sessions a week, at 08:30 and 18:00.
WITH_TIMES = MINIMAL.replace("starts = 2026-12-07", "starts = 2026-12-09").replace(
    "sessions_per_week = 3", 'sessions_per_week = 3\npreferred_times = ["08:30", "18:00"]'
)
SHAMING = re.compile(
    r"\b(missed|behind|fail\w*|should|must|overdue|late|forgot\w*|lazy|again)\b", re.IGNORECASE
)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=ZONE)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Reminders:
    """A :class:`HomeworkReminders` with a recorded tray, a clock to move, and what was shown."""

    def __init__(self, window: MainWindow, now: datetime, *, tray: bool = True) -> None:
        self.clock = Clock(now)
        self.shown: list[tuple[str, str]] = []
        self.reminders = HomeworkReminders(
            window,
            window.workspace,
            tray_available=tray,
            notify=lambda title, text: self.shown.append((title, text)),
            clock=self.clock,
        )

    def at(self, moment: datetime) -> None:
        """The time is ``moment`` and the timer fires (as it would then)."""
        self.clock.now = moment
        self.reminders.check()


@pytest.fixture
def playlist(make_tone, make_playlist):
    return load_playlist(make_playlist([make_tone("t.wav", seconds=30)]))


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path, playlist) -> MainWindow:
    return open_window(qtbot, data_dir, [playlist])


def add_homework(window: MainWindow, tmp_path: Path, text: str = WITH_TIMES) -> None:
    package = tmp_path / "homework.mtcalm-homework"
    write_package(package, text.encode())
    journal = window.workspace.journal
    assert journal is not None
    install_package(package, window.workspace.data_dir, journal, now=at(8, 12))


def saved_settings(window: MainWindow):
    settings = read_settings(window.workspace.data_dir)
    assert settings is not None, "the settings were saved"
    return settings


def test_a_kind_reminder_comes_at_each_preferred_time(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    assert tray.reminders.due == at(10, 8, 30)
    assert tray.reminders.timer.isActive()
    assert tray.reminders.timer.interval() == CHECK_EVERY.total_seconds() * 1000, (
        "a long wait is checked again within ten minutes"
    )
    tray.at(at(10, 8, 25))
    assert tray.shown == [] and tray.reminders.timer.interval() == 5 * 60 * 1000
    tray.at(at(10, 8, 30))
    assert tray.shown == [("mtcalm", "A moment for your listening, whenever it suits you.")]
    title, text = tray.shown[0]
    assert "Settle" not in title + text and "Dr A" not in title + text, "nothing to overhear"
    assert tray.reminders.due == at(10, 18)
    tray.at(at(10, 8, 31))
    assert len(tray.shown) == 1, "once"


def test_remind_me_in_an_hour_comes_back_and_is_kept(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 8, 30))
    tray.at(at(10, 8, 30))
    tray.clock.now = at(10, 8, 31)
    tray.reminders.snooze_action.trigger()
    assert tray.reminders.due == at(10, 9, 31)
    assert saved_settings(window).reminders_snoozed_until == at(10, 9, 31).isoformat()
    tray.at(at(10, 9, 31))
    assert len(tray.shown) == 2
    assert tray.reminders.due == at(10, 18)


def test_not_today_waits_until_tomorrows_first_time(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 8, 31))
    tray.reminders.not_today_action.trigger()
    assert tray.reminders.due == at(11, 8, 30)
    tray.at(at(10, 18))
    assert tray.shown == []
    assert saved_settings(window).reminders_snoozed_until == at(11, 0).isoformat()


def test_reminders_can_be_turned_off_and_on_from_the_tray(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    menu = tray.reminders
    menu.off_action.trigger()
    assert menu.due is None
    assert saved_settings(window).reminders_on is False
    assert menu.off_action.text() == "Turn reminders on"
    assert not menu.snooze_action.isEnabled() and not menu.not_today_action.isEnabled()
    tray.at(at(10, 8, 30))
    assert tray.shown == []
    tray.clock.now = at(10, 8, 31)
    menu.off_action.trigger()
    assert saved_settings(window).reminders_on is True
    assert menu.due == at(10, 18)


def test_open_and_clicking_the_message_bring_the_window_to_home(qtbot, window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    window.show_section("journal")
    window.hide()
    tray.reminders.open_action.trigger()
    assert window.isVisible()
    assert window.pages.currentWidget() is window.home
    window.show_section("journal")
    window.hide()
    assert tray.reminders.tray is not None
    tray.reminders.tray.messageClicked.emit()
    assert window.isVisible() and window.pages.currentWidget() is window.home


def test_no_reminder_during_a_session(qtbot, window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 8))
    start_listening(qtbot, window)
    assert window.in_session
    tray.at(at(10, 8, 30))
    assert tray.shown == []
    assert tray.reminders.due == at(10, 18), "the next one is kept"
    tray.reminders.open_action.trigger()
    assert window.pages.currentWidget() is window.screens.listening, "the session goes on"


def test_after_listening_today_the_next_reminder_is_tomorrow(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 12))
    assert tray.reminders.due == at(10, 18)
    journal = window.workspace.journal
    assert journal is not None
    session = journal.start_session(
        "playlist:settle", "Settle", CheckIn(Phase.BEFORE, {}), started_at=at(10, 12)
    )
    journal.finish_session(session, Outcome.ENDED_EARLY, 120)
    tray.reminders.refresh()  # the lead calls it after a session
    assert tray.reminders.due == at(11, 8, 30)


def test_a_reminder_missed_while_asleep_comes_late_only_a_little(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    tray.at(at(10, 8, 40))  # woken ten minutes after
    assert len(tray.shown) == 1
    tray.at(at(10, 20, 0))  # the 18:00 one was slept through
    assert len(tray.shown) == 1
    assert tray.reminders.due == at(11, 8, 30)


def test_the_day_is_read_again_after_midnight(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 23, 55))
    assert tray.reminders.timer.interval() == (5 * 60 + 1) * 1000, "it wakes at midnight"
    journal = window.workspace.journal
    assert journal is not None
    session = journal.start_session(
        "playlist:settle", "Settle", CheckIn(Phase.BEFORE, {}), started_at=at(10, 23, 56)
    )
    journal.finish_session(session, Outcome.COMPLETED, 600)
    tray.at(at(11, 0, 0, 1))
    assert tray.reminders.due == at(11, 8, 30), "yesterday's listening does not hold today back"


def test_no_programme_or_no_times_means_no_reminders(window, tmp_path) -> None:
    tray = Reminders(window, at(10, 7))
    assert tray.reminders.due is None and tray.reminders.week is None
    dialog = RemindersDialog(tray.reminders, window, offer_login=False)
    assert dialog.times.text().startswith("No homework is in progress")
    add_homework(window, tmp_path, MINIMAL.replace("starts = 2026-12-07", "starts = 2026-12-09"))
    tray.reminders.refresh()
    assert tray.reminders.due is None
    dialog = RemindersDialog(tray.reminders, window, offer_login=False)
    assert "names no times of day" in dialog.times.text()


def test_the_dialog_turns_reminders_off_and_says_the_times(qtbot, window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    dialog = RemindersDialog(tray.reminders, window, offer_login=False)
    qtbot.addWidget(dialog)
    dialog.show()
    locale = QLocale()
    for hour, minute in ((8, 30), (18, 0)):
        assert locale.toString(QTime(hour, minute), QLocale.FormatType.ShortFormat) in (
            dialog.times.text()
        )
    assert dialog.reminders_box.isChecked()
    assert not dialog.no_tray.isVisible()
    dialog.reminders_box.click()
    assert saved_settings(window).reminders_on is False
    assert tray.reminders.due is None
    dialog.reminders_box.click()
    assert tray.reminders.due == at(10, 8, 30)


def test_starting_at_login_writes_the_entry_for_this_data_folder(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "io.github.mtcalm.mtcalm.desktop"
    tray = Reminders(window, at(10, 7))
    dialog = RemindersDialog(tray.reminders, window, offer_login=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.login_box.isVisible() and not dialog.login_box.isChecked()
    dialog.login_box.click()
    text = entry.read_text(encoding="utf-8")
    assert "--minimised" in text and str(window.workspace.data_dir) in text
    assert saved_settings(window).start_at_login is True
    assert RemindersDialog(tray.reminders, window).login_box.isChecked(), "it reads as on"
    dialog.login_box.click()
    assert not entry.exists()
    assert saved_settings(window).start_at_login is False


def test_an_entry_mtcalm_did_not_make_is_left_and_said_plainly(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "io.github.mtcalm.mtcalm.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nHidden=true\n", encoding="utf-8")
    tray = Reminders(window, at(10, 7))
    dialog = RemindersDialog(tray.reminders, window, offer_login=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.login_box.click()
    assert "did not make" in dialog.login_problem.text()
    assert not dialog.login_box.isChecked(), "the box tells the truth"
    assert entry.read_text(encoding="utf-8") == "[Desktop Entry]\nHidden=true\n"


def test_without_a_tray_the_dialog_says_so_and_login_starts_minimised(
    qtbot, data_dir, playlist
) -> None:
    window = MainWindow(Workspace.open(data_dir), [playlist], silent_audio)
    qtbot.addWidget(window)
    tray = Reminders(window, at(10, 7), tray=False)
    assert tray.reminders.tray is None
    start_minimised(window, tray.reminders)
    qtbot.waitUntil(window.isMinimized, timeout=WAIT_MS)
    dialog = RemindersDialog(tray.reminders, window, offer_login=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.no_tray.isVisible()
    assert dialog.no_tray.text().startswith("Your desktop shows no tray icons")


def test_with_a_tray_login_keeps_the_window_out_of_sight(qtbot, data_dir, playlist) -> None:
    window = MainWindow(Workspace.open(data_dir), [playlist], silent_audio)
    qtbot.addWidget(window)
    tray = Reminders(window, at(10, 7))
    start_minimised(window, tray.reminders)
    assert not window.isVisible()
    tray.reminders.open_action.trigger()
    assert window.isVisible()


def test_no_reminder_text_shames_or_pressures(qtbot, window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(10, 7))
    dialog = RemindersDialog(tray.reminders, window, offer_login=True)
    qtbot.addWidget(dialog)
    texts = [*reminder_texts()]
    texts += [action.text() for action in tray.reminders.menu.actions()]
    texts += [label.text() for label in dialog.findChildren(QLabel)]
    texts += [button.text() for button in dialog.findChildren(QAbstractButton)]
    tray.reminders.off_action.trigger()
    texts.append(tray.reminders.off_action.text())
    assert len(texts) > 10
    for text in texts:
        assert not SHAMING.search(text), text
    for label in dialog.findChildren(QLabel):
        assert label.textFormat().name == "PlainText", label.text()


def test_a_reminder_is_never_before_the_programme_starts(window, tmp_path) -> None:
    add_homework(window, tmp_path)
    tray = Reminders(window, at(8, 7))
    assert tray.reminders.week is not None and tray.reminders.week.week is not None
    assert tray.reminders.due == at(9, 8, 30)
    assert tray.reminders.due.date() == date(2026, 12, 9)


def test_a_journal_that_cannot_be_read_means_no_reminder_not_a_crash(
    window, tmp_path, monkeypatch
) -> None:
    """A damaged page found after start-up (the journal is checked only in part when opened)
    ended a start at login with a traceback; now there is simply no reminder."""
    from mtcalm.journal.file import JournalUnreadable

    add_homework(window, tmp_path)
    journal = window.workspace.journal

    def damaged(*_args: object) -> list[tuple[object, ...]]:
        raise JournalUnreadable("The journal is damaged", "A page cannot be read.", journal.path)

    monkeypatch.setattr(journal, "reading", damaged)
    tray = Reminders(window, at(10, 7))
    assert tray.reminders.week is None and tray.reminders.due is None
    tray.at(at(10, 8, 30))
    assert tray.shown == []
