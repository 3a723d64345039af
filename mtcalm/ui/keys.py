"""Keys that work the same everywhere: Enter presses the focused button, as Space does, and
a control that gets the focus is scrolled into view (a key never changes something unseen).

Qt's buttons take Enter only inside dialogs; a person who tabs to "Back up now" or "Restore a
backup…" and presses Enter expects it to act. A filter is put on each button as it first gets
the focus (an application-wide filter would send every event of every widget through Python).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from mtcalm.ui.layout import bring_into_view, scroll_area_of

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
WATCHED = "mtcalmEnterPresses"  # a dynamic property: the button has the filter already


class EnterPressesButtons(QObject):
    """Enter (main or keypad) on a focused button clicks it."""

    def watch(self, old: QWidget | None, new: QWidget | None) -> None:
        """Connected to ``QApplication.focusChanged``: bring the newly focused control into
        view, and filter each button once.
        """
        if new is not None:
            bring_into_view(new)
        if isinstance(new, QAbstractButton) and not new.property(WATCHED):
            new.setProperty(WATCHED, True)
            new.installEventFilter(self)

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
    """Set the keys up once for ``app``; returns the object doing it."""
    existing = app.findChild(EnterPressesButtons)
    if existing is not None:
        return existing
    keys = EnterPressesButtons(app)
    app.focusChanged.connect(keys.watch)
    return keys


class WheelScrollsThePage(QObject):
    """A wheel turned over a slider or a list box that does not have the focus scrolls the page
    instead of changing the control (the volume once rose from 70 to 85% while a person
    scrolled past it).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        area = scroll_area_of(watched)
        if area is not None:
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True


def wheel_only_when_focused(*widgets: QWidget) -> None:
    """Let ``widgets`` take the wheel only when focused; otherwise it scrolls their page."""
    for widget in widgets:
        existing = widget.findChild(WheelScrollsThePage)
        if existing is None:
            widget.installEventFilter(WheelScrollsThePage(widget))
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: a wheel never grabs it
