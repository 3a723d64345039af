"""The person's data folder, opened: settings, the journal and its backups, and what to do if
something there cannot be used.

Which journal is current is written in the settings, but never decided by them alone: when the
settings are missing or unreadable, the journal files in the folder are looked at and the one
written most recently that opens cleanly is used. Settings are saved merged: only what this
window changed is written over what is in the file now.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm.datadir import WriteFailed, ensure_private_dir, remove_stale_partials, write_failed
from mtcalm.journal.file import BACKUPS_FOLDER, JournalError, allow_writing, now
from mtcalm.journal.store import Journal
from mtcalm.settings import (
    Settings,
    load_settings,
    merge_settings,
    read_settings,
    save_settings,
)

if TYPE_CHECKING:  # backups and restore load when first used, off the start-up path
    from mtcalm.journal.backups import Backup
    from mtcalm.journal.restore import JournalFacts, Restored

DEFAULT_JOURNAL = Settings().journal_file
JOURNAL_NAME = re.compile(r"journal(?:-\d{8}-\d{6}(?:-\d+)?)?\.sqlite3")


@dataclass
class Workspace:
    """An opened data folder. ``journal`` is None when it could not be opened (see ``problem``)."""

    data_dir: Path
    settings: Settings
    journal: Journal | None
    journal_problem: JournalError | None = None
    notices: list[str] = field(default_factory=list)
    settings_base: Settings = field(default_factory=Settings)  # as last read or written

    @classmethod
    def open(cls, data_dir: Path) -> Workspace:
        """Open the folder, creating it owner-only; raises DataDirError if it cannot be made."""
        ensure_private_dir(data_dir)
        remove_stale_partials(data_dir)  # what a killed write or restore left: one scandir
        loaded = load_settings(data_dir)
        workspace = cls(data_dir, loaded.settings, None, settings_base=loaded.settings)
        if loaded.problem:
            workspace.notices.append(loaded.problem)
        workspace._choose_journal(settings_chose=loaded.found)
        workspace._open_journal()
        return workspace

    @property
    def journal_path(self) -> Path:
        return self.data_dir / self.settings.journal_file

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / BACKUPS_FOLDER

    # -- which journal ----------------------------------------------------------------------

    def journal_files(self) -> list[Path]:
        """The journal files in the data folder, the one written most recently first."""
        return journal_files(self.data_dir)

    def _choose_journal(self, *, settings_chose: bool) -> None:
        chosen = choose_journal(self.data_dir, self.settings.journal_file, settings_chose)
        if chosen.name == self.settings.journal_file:
            return
        named = self.settings.journal_file
        self.settings = self.settings.with_changes(journal_file=chosen.name)
        why = (
            f"named a journal ({named}) that is not there"
            if settings_chose
            else ("did not say which journal to use")
        )
        self.notices.append(
            f"Your settings {why}, so mtcalm opened {chosen.name}, the journal written most "
            "recently."
        )
        with contextlib.suppress(WriteFailed):  # it is chosen the same way next time
            self.save_settings()

    def alternative_journal(self) -> JournalFacts | None:
        """The newest other journal file in the folder that opens cleanly, to offer instead."""
        from mtcalm.journal.restore import inspect_journal

        for candidate in self.journal_files():
            if candidate == self.journal_path:
                continue
            try:
                return inspect_journal(candidate)
            except JournalError:
                continue
        return None

    def use_journal(self, name: str) -> None:
        """Make the journal file ``name`` (in the data folder) the current one, and open it."""
        self._switch_journal(self.settings.with_changes(journal_file=name))

    def start_fresh_journal(self) -> Path:
        """Begin a new, empty journal beside the one that could not be opened (kept as it is)."""
        stamp = now().strftime("%Y%m%d-%H%M%S")
        name = f"journal-{stamp}.sqlite3"
        counter = 1
        while (self.data_dir / name).exists():
            name = f"journal-{stamp}-{counter}.sqlite3"
            counter += 1
        Journal.open(self.data_dir / name).close()  # create it before pointing settings at it
        self._switch_journal(self.settings.with_changes(journal_file=name))
        return self.journal_path

    def _switch_journal(self, settings: Settings) -> None:
        self.close()
        self.save_settings(settings)
        self._open_journal()

    def allow_writing_to_journal(self) -> None:
        """The person agreed: make the read-only journal writable for them, then open it."""
        try:
            allow_writing(self.journal_path)
        except OSError as error:
            raise write_failed("The journal", error, self.data_dir) from error
        self._open_journal()

    def try_again(self) -> None:
        """Open the journal again (after the person fixed its folder, say)."""
        self.close()
        self._open_journal()

    # -- settings ----------------------------------------------------------------------------

    def save_settings(self, settings: Settings | None = None) -> None:
        """Write ``settings`` (default: the current ones), merged with the file as it is now.

        Raises :class:`WriteFailed` with a plain reason (a full disk...).
        """
        wanted = settings if settings is not None else self.settings
        on_disk = read_settings(self.data_dir)
        merged = merge_settings(self.settings_base, on_disk, wanted)
        if merged != on_disk:
            save_settings(self.data_dir, merged)
        self.settings_base = merged
        self.settings = merged

    # -- backups and restore ----------------------------------------------------------------

    def backups(self) -> list[Backup]:
        """Every backup in the backups folder, newest first."""
        from mtcalm.journal.backups import list_backups

        return list_backups(self.backups_dir)

    def has_restorable_backups(self) -> bool:
        from mtcalm.journal.backups import BackupKind

        return any(backup.kind is not BackupKind.DAMAGED for backup in self.backups())

    def back_up_now(self, destination: Path | None = None) -> Path:
        """A checked copy of the journal made now; raises BackupFailed."""
        from mtcalm.journal.backups import manual_backup

        return manual_backup(self.journal_path, destination)

    def daily_backup(self, should_stop: Callable[[], bool] | None = None) -> Backup | None:
        """Today's copy, if none was made yet and the journal is usable; raises BackupFailed."""
        from mtcalm.journal.backups import make_daily_backup

        if self.journal is None:
            return None
        return make_daily_backup(self.journal_path, should_stop=should_stop)

    def restore(self, source: Path) -> Restored:
        """Make ``source`` the journal (the journal replaced is backed up); raises RestoreRefused.

        The caller holds the data folder. The journal is open again afterwards, old or new.
        """
        from mtcalm.journal.restore import restore_journal

        self.close_journal()
        try:
            return restore_journal(source, self.journal_path)
        finally:
            self.reopen_journal()

    def close_journal(self) -> None:
        """Close the journal's connection (before a restore on another thread)."""
        if self.journal is not None:
            self.journal.close()

    def reopen_journal(self) -> None:
        """Open the journal again after :meth:`close_journal`, keeping the same object."""
        if self.journal is None:
            self._open_journal()
            return
        try:
            self.journal.reopen()
            self.journal_problem = None
        except JournalError as problem:
            self.journal = None
            self.journal_problem = problem

    # -- closing -----------------------------------------------------------------------------

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def _open_journal(self) -> None:
        try:
            self.journal = Journal.open(self.journal_path)
            self.journal_problem = None
            self.notices.extend(self.journal.notices)
        except JournalError as problem:
            self.journal = None
            self.journal_problem = problem


def journal_files(data_dir: Path) -> list[Path]:
    """The journal files in ``data_dir``, the one written most recently first."""
    try:
        names = [entry.name for entry in os.scandir(data_dir) if entry.is_file()]
    except OSError:
        return []
    paths = [data_dir / name for name in names if JOURNAL_NAME.fullmatch(name)]
    return sorted(paths, key=_last_written, reverse=True)


def choose_journal(data_dir: Path, named: str, settings_chose: bool) -> Path:
    """The current journal: the one the settings name, if they could say and it is there;
    otherwise the most recently written journal file that opens cleanly (or the named one).
    """
    named_path = data_dir / named
    if settings_chose and named_path.exists():
        return named_path
    from mtcalm.journal.restore import inspect_journal

    for candidate in journal_files(data_dir):
        if candidate == named_path:
            return named_path  # the newest: opening it says if anything is wrong
        try:
            inspect_journal(candidate)
        except JournalError:
            continue
        return candidate
    return named_path


def current_journal(data_dir: Path) -> Path:
    """The journal a window opened on ``data_dir`` would use, found without changing anything."""
    loaded = read_settings(data_dir)
    named = loaded.journal_file if loaded is not None else DEFAULT_JOURNAL
    return choose_journal(data_dir, named, loaded is not None)


def _last_written(path: Path) -> float:
    """When a journal was last written: its own time, or its -wal's if later."""
    times = []
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            times.append(candidate.stat().st_mtime)
        except OSError:
            continue
    return max(times, default=0.0)
