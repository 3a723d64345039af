"""The "Tracks flagged as triggers" card of My music: whether sessions play flagged tracks
anyway, the list of flagged tracks, and flagging and unflagging them in the journal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QWidget

from mtcalm.journal.file import JournalError
from mtcalm.journal.store import Journal
from mtcalm.track_flags import TriggerFlags
from mtcalm.ui.layout import card
from mtcalm.ui.library_models import FlaggedTracksModel, flag_text
from mtcalm.ui.library_widgets import button, button_row, make_table
from mtcalm.ui.text import plain_label, tr, when_text

# Every weekday and month once, for the width of a "flagged on" column.
SAMPLE_DATES = tuple(
    when_text(datetime(2024, month, day, 23, 59)) for month in range(1, 13) for day in range(1, 8)
)


class FlagsCard(QFrame):
    """The flagged tracks, and the one place that writes flags for My music.

    ``flags`` is None when the journal could not be opened (``problem`` says why); the card then
    says flagging is not available.
    """

    play_flagged_changed = Signal(bool)
    flags_written = Signal()  # a flag was set or taken off (or failed to be): read them again

    def __init__(
        self,
        flags: TriggerFlags | None,
        journal: Journal | None,
        problem: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.flags = flags
        self._journal = journal
        self._problem = problem
        self.setProperty("role", "card")
        _, layout = card()
        self.setLayout(layout)
        layout.addWidget(plain_label(tr("Tracks flagged as triggers"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "Some music brings up urges or hard memories. Flag such a track and "
                    "sessions skip it, unless you turn on “Play flagged tracks too”. "
                    "Flagged tracks are marked “Flagged” wherever they are listed."
                )
            )
        )
        self.play_flagged = QCheckBox(tr("Play flagged tracks too"))
        self.play_flagged.setAccessibleName(tr("Play flagged tracks too"))
        self.play_flagged.toggled.connect(self.play_flagged_changed.emit)
        layout.addWidget(self.play_flagged)
        self.flag_problem = plain_label("", "notice")
        self.flag_problem.hide()
        layout.addWidget(self.flag_problem)
        self.flagged_model = FlaggedTracksModel()
        self.flagged_table = make_table(tr("Tracks flagged as triggers"), multiple=True)
        self.flagged_table.setModel(self.flagged_model)
        self.flagged_table.setMinimumHeight(140)
        self.flagged_table.setMaximumHeight(240)
        self.flagged_table.fit_columns(
            {1: 1},
            {0: (flag_text(),), 2: SAMPLE_DATES},
            decorated=(0,),
            optional=(2,),
        )
        layout.addWidget(self.flagged_table)
        self.no_flags = plain_label(tr("No tracks are flagged."), "muted")
        layout.addWidget(self.no_flags)
        self.remove_flag_button = button(
            tr("Remove the flag"), tr("Remove the flag from the selected flagged tracks")
        )
        layout.addLayout(button_row(self.remove_flag_button))
        self.remove_flag_button.clicked.connect(self._remove_listed_flags)
        self.flagged_table.selectionModel().selectionChanged.connect(
            lambda *_: self.update_buttons()
        )

    def set_play_flagged(self, play: bool) -> None:
        """Show the setting's value (changed elsewhere) without announcing it again."""
        self.play_flagged.blockSignals(True)
        self.play_flagged.setChecked(play)
        self.play_flagged.blockSignals(False)

    def refresh(self) -> Collection[str]:
        """Read the flags again and list them; returns the flagged tracks' keys."""
        keys: Collection[str] = ()
        if self.flags is None:
            reason = self._problem or tr("the journal is not open")
            self.flag_problem.setText(
                tr("Flagging is not available because the journal could not be opened: %1").replace(
                    "%1", reason
                )
            )
            self.flag_problem.show()
            self.flagged_model.set_flags([])
        else:
            try:
                self.flags.refresh()
            except (JournalError, OSError) as error:
                self._say_problem(error)
            flags = self.flags.flags
            keys = flags.keys()
            self.flagged_model.set_flags(list(flags.values()))
        has_flags = self.flagged_model.rowCount() > 0
        self.flagged_table.setVisible(has_flags)
        self.no_flags.setVisible(not has_flags)
        self.update_buttons()
        return keys

    def flag(self, tracks: Sequence[tuple[Path, str]]) -> None:
        """Flag each ``(path, title)`` as a trigger."""
        if self.flags is None or not tracks:
            return
        try:
            for path, title in tracks:
                self.flags.flag(path, title)
        except (JournalError, OSError, ValueError) as error:
            self._say_problem(error)
        else:
            self.flag_problem.hide()
        self.flags_written.emit()

    def unflag_keys(self, keys: Sequence[str]) -> None:
        """Take the flag off each track named by its journal key."""
        if self.flags is None or self._journal is None or not keys:
            return
        try:
            for key in keys:
                self._journal.unflag_track(key)
        except (JournalError, OSError) as error:
            self._say_problem(error)
        else:
            self.flag_problem.hide()
        self.flags_written.emit()

    def update_buttons(self) -> None:
        can_flag = self.flags is not None
        listed = self.flagged_table.selectionModel().selectedRows()
        self.remove_flag_button.setEnabled(can_flag and bool(listed))
        self.remove_flag_button.setVisible(can_flag and self.flagged_model.rowCount() > 0)

    def _say_problem(self, error: Exception) -> None:
        reason = getattr(error, "short", "") or str(error)
        self.flag_problem.setText(tr("The flag could not be changed: %1").replace("%1", reason))
        self.flag_problem.show()

    def _remove_listed_flags(self) -> None:
        rows = sorted(index.row() for index in self.flagged_table.selectionModel().selectedRows())
        self.unflag_keys([self.flagged_model.flag(row).key for row in rows])
