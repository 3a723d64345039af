"""A question with two named answers, the safer one ready: how mtcalm asks before a change."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_yes_no(
    parent: QWidget, title: str, text: str, yes: str, no: str, *, detail: str = ""
) -> bool:
    """Ask ``text`` (and ``detail`` below it) with two named answers, in plain text; the safer
    one (``no``) has the focus and is what Esc answers. Whether ``yes`` was chosen."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(text)
    box.setInformativeText(detail)
    box.setTextFormat(Qt.TextFormat.PlainText)  # after the texts: it applies to both
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
