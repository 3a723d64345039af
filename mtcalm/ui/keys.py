"""Keys that work the same everywhere: Enter presses the focused button, as Space does.

Qt's buttons take Enter only inside dialogs; a person who tabs to "Back up now" or "Restore a
backup…" and presses Enter expects it to act. One filter on the application does it for every
button, so no page needs its own key handling for this.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterPressesButtons(QObject):
    """An application event filter: Enter (main or keypad) on a focused button clicks it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QAbstractButton):
            return False
        assert isinstance(event, QKeyEvent)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() not in ENTER_KEYS or modifiers != Qt.KeyboardModifier.NoModifier:
            return False
        if not (watched.isEnabled() and watched.isVisible() and watched.hasFocus()):
            return False
        if not event.isAutoRepeat():
            watched.animateClick()  # seen pressed for a moment, as with Space
        return True


def install_key_behaviour(app: QApplication) -> EnterPressesButtons:
    """Install the filters once on ``app``; returns the one in place."""
    existing = app.findChild(EnterPressesButtons)
    if existing is not None:
        return existing
    keys = EnterPressesButtons(app)
    app.installEventFilter(keys)
    return keys
