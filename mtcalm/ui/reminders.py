"""Homework reminders: a tray icon, a kind notification at the programme's preferred times, and
a menu to open mtcalm, snooze or turn reminders off; the dialog that sets them and starting at
login. When to remind is :mod:`mtcalm.homework.reminders`' decision.

A notification may be read by anyone passing a shared screen: it says only "mtcalm" and a moment
for listening, never the programme's title or the therapist's name.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt, QTime, QTimer
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from mtcalm.autostart import (
    AutostartNotOurs,
    mtcalm_command,
    set_start_at_login,
    start_at_login_is_on,
)
from mtcalm.datadir import WriteFailed, resolve_data_dir, why_not_written
from mtcalm.homework.adherence import ThisWeek, this_week
from mtcalm.homework.reminders import (
    listened_on,
    local_zone,
    next_reminder,
    snooze_an_hour,
    snooze_from_text,
    snooze_until_tomorrow,
)
from mtcalm.journal.file import JournalError
from mtcalm.ui.text import plain_label, tr
from mtcalm.workspace import Workspace

if TYPE_CHECKING:
    from mtcalm.ui.main_window import MainWindow

Clock = Callable[[], datetime]
Notify = Callable[[str, str], None]

CHECK_EVERY = timedelta(minutes=10)  # a long wait is re-checked: timers stop while suspended
LATE_GRACE = timedelta(minutes=30)  # a reminder missed while suspended still comes this late
MESSAGE_MS = 20_000
ICON_NAME = "io.github.mtcalm.mtcalm"


def reminder_texts() -> tuple[str, str]:
    """The notification's title and text: kind, and saying nothing a passer-by need know."""
    return tr("mtcalm"), tr("A moment for your listening, whenever it suits you.")


def app_icon() -> QIcon:
    """The installed app icon; else the window's; else a quiet drawn circle."""
    icon = QIcon.fromTheme(ICON_NAME)
    if icon.isNull():
        icon = QApplication.windowIcon()
    if icon.isNull():
        pixmap = QPixmap(64, 64)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#4f7f79"))
        painter.drawEllipse(6, 6, 52, 52)
        painter.end()
        icon = QIcon(pixmap)
    return icon


class HomeworkReminders(QObject):
    """Reminds at the programme's preferred times while mtcalm runs, from the system tray.

    ``tray_available``, ``notify`` and ``clock`` replace the desktop's tray, its notification
    and the time (tests; a desktop without a tray has neither icon nor notifications).
    """

    def __init__(
        self,
        window: MainWindow,
        workspace: Workspace,
        *,
        tray_available: bool | None = None,
        notify: Notify | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.clock: Clock = clock or _local_clock()
        self.due: datetime | None = None  # the next reminder, as last worked out
        self.week: ThisWeek | None = None
        self._done_today = False
        self._read_on: date | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # never early
        self.timer.timeout.connect(self.check)

        self.menu = QMenu(window)
        self.open_action = self._action(tr("Open mtcalm"), self.open_window)
        self.menu.addSeparator()
        self.snooze_action = self._action(tr("Remind me in an hour"), self.snooze_an_hour)
        self.not_today_action = self._action(tr("Not today"), self.not_today)
        self.off_action = self._action(tr("Turn reminders off"), self.toggle_reminders)
        self.menu.addSeparator()
        self.quit_action = self._action(tr("Quit mtcalm"), self.quit)

        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        if tray_available:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(tr("mtcalm"))
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._tray_activated)
            self.tray.messageClicked.connect(self.open_window)
        self._notify = notify or self._show_in_tray
        self.refresh()

    def _action(self, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    # -- when -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the programme and today's listening again, then set the timer (after a session,
        a homework change or a settings change).
        """
        now = self.clock()
        self._read(now.date())
        self._arm(now)

    def _read(self, today: date) -> None:
        journal = self.workspace.journal
        self._read_on = today
        self.week = None
        self._done_today = False
        if journal is None:
            return
        try:
            week = this_week(journal.reading, today)
            self._done_today = week is not None and listened_on(
                journal.reading, week.homework, today
            )
        except (JournalError, sqlite3.Error):
            return  # no reminder; Home and the journal's pages say what is wrong with it
        self.week = week

    def next_due(self, now: datetime) -> datetime | None:
        """The next reminder after ``now`` by the settings and what was last read."""
        if self.week is None:
            return None
        settings = self.workspace.settings
        return next_reminder(
            self.week.homework,
            self.week.week,
            now,
            snoozed_until=snooze_from_text(settings.reminders_snoozed_until, now),
            off=not settings.reminders_on,
            done_today=self._done_today,
        )

    def _arm(self, now: datetime) -> None:
        if now.date() != self._read_on:
            self._read(now.date())
        self.due = self.next_due(now)
        midnight = snooze_until_tomorrow(now)  # the day's reading is renewed then
        wait = min(CHECK_EVERY, _between(now, midnight) + timedelta(seconds=1))
        if self.due is not None:
            wait = min(wait, _between(now, self.due))
        self.timer.start(max(0, int(wait.total_seconds() * 1000)))
        self._update_menu()

    def check(self) -> None:
        """The timer: remind when the time has come, else wait on (never a busy poll)."""
        now = self.clock()
        due = self.due
        if due is None or _between(now, due) > timedelta(0):
            self._arm(now)
            return
        if _between(due, now) <= LATE_GRACE and not self.window.in_session:
            self._notify(*reminder_texts())
        after = due + timedelta(seconds=1)
        self._arm(now if _between(after, now) > timedelta(0) else after)

    # -- what the person chooses ----------------------------------------------------------------

    def open_window(self) -> None:
        """The window in front, on Home (a session under way stays where it is)."""
        if not self.window.in_session:
            self.window.show_home()
        self.window.bring_to_front()
        self._update_menu()  # the icon goes once the window is back, if there is no homework

    def snooze_an_hour(self) -> None:
        self._remember(reminders_snoozed_until=snooze_an_hour(self.clock()).isoformat())

    def not_today(self) -> None:
        self._remember(reminders_snoozed_until=snooze_until_tomorrow(self.clock()).isoformat())

    def toggle_reminders(self) -> None:
        self.set_reminders_on(not self.workspace.settings.reminders_on)

    def set_reminders_on(self, on: bool) -> None:
        self._remember(reminders_on=on, reminders_snoozed_until="")

    def quit(self) -> None:
        """Quit from the tray: the window (perhaps hidden) closes as it always does."""
        self.window.close()
        QApplication.quit()

    def _remember(self, **changes: object) -> None:
        workspace = self.workspace
        workspace.settings = workspace.settings.with_changes(**changes)
        with contextlib.suppress(WriteFailed):  # kept meanwhile; closing saves and says if not
            workspace.save_settings()
        self._arm(self.clock())

    def _update_menu(self) -> None:
        on = self.workspace.settings.reminders_on
        if self.tray is not None:
            # Only while there is homework to remind of, or the way back to a hidden window:
            # an icon on a shared computer's panel says no more than it must.
            self.tray.setVisible(self.week is not None or not self.window.isVisible())
        self.off_action.setText(tr("Turn reminders off") if on else tr("Turn reminders on"))
        can_snooze = on and self.due is not None
        self.snooze_action.setEnabled(can_snooze)
        self.not_today_action.setEnabled(can_snooze)

    def _show_in_tray(self, title: str, text: str) -> None:
        if self.tray is not None:
            self.tray.showMessage(title, text, self.tray.icon(), MESSAGE_MS)

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_window()


def _local_clock() -> Clock:
    zone = local_zone()

    def clock() -> datetime:
        return datetime.now(zone)

    return clock


def _between(start: datetime, end: datetime) -> timedelta:
    """The real time from ``start`` to ``end`` (in one zone Python counts wall-clock time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def start_minimised(window: MainWindow, reminders: HomeworkReminders) -> None:
    """At login: with a tray the window stays hidden behind its icon; else it starts minimised."""
    if reminders.tray is None:
        window.showMinimized()


def times_words(reminders: HomeworkReminders) -> str:
    """The programme's preferred times in a sentence, or why there are no reminders."""
    week = reminders.week
    if week is None:
        return tr("No homework is in progress, so there is nothing to remind you of.")
    times = week.homework.schedule.preferred_times
    if not times:
        return tr(
            "This homework names no times of day, so mtcalm does not send reminders for it. "
            "Home shows this week's homework."
        )
    locale = QLocale()
    shown = [
        locale.toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)
        for moment in times
    ]
    listed = (
        shown[0]
        if len(shown) == 1
        else tr("%1 and %2").replace("%1", ", ".join(shown[:-1])).replace("%2", shown[-1])
    )
    return tr("Your homework suggests listening at %1.").replace("%1", listed)


class RemindersDialog(QDialog):
    """Reminders on or off, the times they come at, and starting mtcalm at login."""

    def __init__(
        self,
        reminders: HomeworkReminders,
        parent: QWidget | None = None,
        *,
        offer_login: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.reminders = reminders
        self.setWindowTitle(tr("Reminders"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(plain_label(tr("Reminders"), "heading"))
        self.times = plain_label(times_words(reminders))
        layout.addWidget(self.times)
        self.reminders_box = QCheckBox(tr("Remind me at these times"))
        self.reminders_box.setChecked(reminders.workspace.settings.reminders_on)
        self.reminders_box.toggled.connect(self._reminders_toggled)
        layout.addWidget(self.reminders_box)
        self.no_tray = plain_label(
            tr(
                "Your desktop shows no tray icons, so mtcalm cannot show reminders. Home still "
                "shows this week's homework."
            ),
            "muted",
        )
        self.no_tray.setVisible(reminders.tray is None)
        layout.addWidget(self.no_tray)
        if offer_login is None:
            offer_login = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
        self.login_box = QCheckBox(
            tr("Start mtcalm when I log in (minimised, so reminders can come)")
        )
        self.login_box.setChecked(start_at_login_is_on())
        self.login_box.toggled.connect(self._login_toggled)
        self.login_box.setVisible(offer_login)
        layout.addWidget(self.login_box)
        self.login_problem = plain_label("", "muted")  # its place is kept: nothing jumps
        self.login_problem.setVisible(offer_login)
        layout.addWidget(self.login_problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reminders_box.setFocus()

    def _reminders_toggled(self, on: bool) -> None:
        self.reminders.set_reminders_on(on)

    def _login_toggled(self, on: bool) -> None:
        workspace = self.reminders.workspace
        default = resolve_data_dir(None, {})
        folder = None if workspace.data_dir == default else workspace.data_dir
        try:
            set_start_at_login(on, folder, mtcalm_command())
        except AutostartNotOurs as error:
            self._login_failed(
                tr(
                    "A login entry that mtcalm did not make is already at %1, so mtcalm leaves it "
                    "as it is."
                ).replace("%1", str(error.path))
            )
            return
        except (OSError, ValueError) as error:
            reason = why_not_written(error) if isinstance(error, OSError) else str(error)
            self._login_failed(tr("mtcalm could not change how it starts at login.") + " " + reason)
            return
        self.login_problem.setText("")
        workspace.settings = workspace.settings.with_changes(start_at_login=on)
        with contextlib.suppress(WriteFailed):
            workspace.save_settings()

    def _login_failed(self, text: str) -> None:
        self.login_problem.setText(text)
        self.login_box.blockSignals(True)
        self.login_box.setChecked(start_at_login_is_on())
        self.login_box.blockSignals(False)
