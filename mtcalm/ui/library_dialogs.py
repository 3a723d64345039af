"""The questions the "My music" page asks in dialogs, gathered so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from mtcalm.library import AUDIO_SUFFIXES
from mtcalm.own_playlists import MAX_TITLE_LENGTH
from mtcalm.ui.text import tr

M3U_FILTER_PATTERNS = "*.m3u8 *.m3u"


class LibraryDialogs:
    """Opens the file choosers, the title prompt and the confirmations.

    Each method returns what the person chose, or None/[]/False when they cancelled. A test
    passes a subclass that answers without a window.
    """

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def choose_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.parent, tr("Add a folder of music"))
        return Path(chosen) if chosen else None

    def choose_audio_files(self) -> list[Path]:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(AUDIO_SUFFIXES))
        filters = f"{tr('Audio files')} ({patterns});;{tr('All files')} (*)"
        chosen, _ = QFileDialog.getOpenFileNames(self.parent, tr("Add music files"), "", filters)
        return [Path(name) for name in chosen]

    def ask_title(self, caption: str, label: str, current: str = "") -> str | None:
        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(caption)
        dialog.setLabelText(label)
        dialog.setTextValue(current)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        line_edit = dialog.findChild(QLineEdit)
        if line_edit is not None:
            line_edit.setMaxLength(MAX_TITLE_LENGTH)
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return None
        return dialog.textValue()

    def confirm(self, caption: str, text: str, action: str) -> bool:
        """Ask before doing something; ``action`` names the button that goes ahead."""
        box = QMessageBox(self.parent)
        box.setWindowTitle(caption)
        box.setTextFormat(Qt.TextFormat.PlainText)  # it may name a playlist: plain text
        box.setText(text)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is go

    def choose_m3u_to_import(self) -> Path | None:
        filters = f"{tr('M3U playlists')} ({M3U_FILTER_PATTERNS});;{tr('All files')} (*)"
        chosen, _ = QFileDialog.getOpenFileName(
            self.parent, tr("Import an M3U playlist"), "", filters
        )
        return Path(chosen) if chosen else None

    def choose_m3u_to_export(self, suggested_name: str) -> Path | None:
        """Where to write the export; replacing a file is asked about separately."""
        filters = f"{tr('M3U playlists')} ({M3U_FILTER_PATTERNS})"
        chosen, _ = QFileDialog.getSaveFileName(
            self.parent,
            tr("Export as M3U"),
            suggested_name,
            filters,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(chosen) if chosen else None
