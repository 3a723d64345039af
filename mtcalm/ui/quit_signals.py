"""SIGTERM, SIGINT and SIGHUP end the app cleanly: a logout, ``timeout`` or Ctrl-C in a terminal.

Python runs its signal handlers only when the interpreter has control, and Qt's event loop is
C++: the signal's number is written to a pipe (``signal.set_wakeup_fd``) that Qt watches, so
the loop wakes at once and the window is told. SDL would install its own handlers for SIGINT
and SIGTERM when sound opens; it leaves alone signals that already have one, and
``SDL_NO_SIGNAL_HANDLERS`` tells it not to try.
"""

from __future__ import annotations

import contextlib
import os
import signal
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def keep_sdl_from_taking_signals() -> None:
    """Before any sound opens: SDL is not to install its own signal handlers."""
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"


class QuitSignals(QObject):
    """Turns the quit signals into ``received(signal number)`` on the event loop's thread."""

    received = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader, self._writer = os.pipe()
        os.set_blocking(self._reader, False)
        os.set_blocking(self._writer, False)
        self._previous_wakeup = signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        self._previous_handlers = {number: signal.getsignal(number) for number in QUIT_SIGNALS}
        for number in QUIT_SIGNALS:
            signal.signal(number, _note)  # the wakeup fd carries the number
        self._notifier = QSocketNotifier(self._reader, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)

    def _wake(self) -> None:
        try:
            data = os.read(self._reader, 64)
        except OSError:
            return
        for number in data:
            if number in QUIT_SIGNALS:
                self.received.emit(number)
                return

    def close(self) -> None:
        """Give the signals back to whoever had them (tests build several of these)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_wakeup)
        for number, handler in self._previous_handlers.items():
            with contextlib.suppress(TypeError, ValueError):
                signal.signal(number, handler)
        for descriptor in (self._reader, self._writer):
            with contextlib.suppress(OSError):
                os.close(descriptor)


def _note(number: int, frame: FrameType | None) -> None:
    """The Python-level handler: the number already went down the wakeup socket."""
