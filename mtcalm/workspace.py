"""The person's data folder, opened: settings and the journal, and what to do if it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mtcalm.datadir import ensure_private_dir
from mtcalm.journal.file import JournalError, now
from mtcalm.journal.store import Journal
from mtcalm.settings import Settings, load_settings, save_settings


@dataclass
class Workspace:
    """An opened data folder. ``journal`` is None when it could not be opened (see ``problem``)."""

    data_dir: Path
    settings: Settings
    journal: Journal | None
    journal_problem: JournalError | None = None
    notices: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, data_dir: Path) -> Workspace:
        """Open the folder, creating it owner-only; raises DataDirError if it cannot be made."""
        ensure_private_dir(data_dir)
        loaded = load_settings(data_dir)
        workspace = cls(data_dir, loaded.settings, None)
        if loaded.problem:
            workspace.notices.append(loaded.problem)
        workspace._open_journal()
        return workspace

    @property
    def journal_path(self) -> Path:
        return self.data_dir / self.settings.journal_file

    def start_fresh_journal(self) -> Path:
        """Begin a new, empty journal beside the one that could not be opened (kept as it is)."""
        stamp = now().strftime("%Y%m%d-%H%M%S")
        name = f"journal-{stamp}.sqlite3"
        counter = 1
        while (self.data_dir / name).exists():
            name = f"journal-{stamp}-{counter}.sqlite3"
            counter += 1
        fresh = self.settings.with_changes(journal_file=name)
        Journal.open(self.data_dir / name).close()  # create it before pointing settings at it
        save_settings(self.data_dir, fresh)
        self.settings = fresh
        self._open_journal()
        return self.journal_path

    def save_settings(self, settings: Settings) -> None:
        save_settings(self.data_dir, settings)
        self.settings = settings

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def _open_journal(self) -> None:
        try:
            self.journal = Journal.open(self.journal_path)
            self.journal_problem = None
        except JournalError as problem:
            self.journal = None
            self.journal_problem = problem
