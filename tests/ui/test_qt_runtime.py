"""The Qt binding itself must survive a long session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    progress = Signal(object)


def test_emitting_signals_does_not_corrupt_the_interpreter():
    # PySide6 6.12.0 dropped a reference to True on every emit: the player adapter emits ten
    # times a second, so a half-hour session ended with Python aborting. Never ship that.
    emitter = Emitter()
    received = []
    emitter.progress.connect(received.append)
    before = sys.getrefcount(True)
    for index in range(5000):
        emitter.progress.emit(index)
    assert len(received) == 5000
    assert sys.getrefcount(True) >= before
