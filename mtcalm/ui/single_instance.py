"""One window per data folder: a second launch asks the first to come to the front, then exits.

The data folder lock (:mod:`mtcalm.instance`) decides who runs; this is only the message
between the two, over a local socket named after the data folder and the user. Only the
process holding the lock listens, so removing a stale socket before listening is safe.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

SHOW_MESSAGE = b"show\n"
SHOWN_REPLY = b"shown\n"
ANSWER_WAIT_SECONDS = 5.0  # the first window may still be starting up
RETRY_SECONDS = 0.1


def server_name(data_dir: Path) -> str:
    """A socket name for ``data_dir``, the same for every launch of this user's mtcalm."""
    folder = os.path.realpath(data_dir)
    digest = hashlib.sha256(folder.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    user = os.getuid() if hasattr(os, "getuid") else 0
    return f"mtcalm-{user}-{digest}"


class InstanceServer(QObject):
    """Listens for later launches on the same data folder; ``show_requested`` when one comes."""

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._answer)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a socket file left by a crash; we hold the lock
        self.listening = self._server.listen(name)

    def _answer(self) -> None:
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).startswith(SHOW_MESSAGE.strip()):
            self.show_requested.emit()
            connection.write(SHOWN_REPLY)
            connection.flush()

    def close(self) -> None:
        self._server.close()


def ask_running_window_to_show(data_dir: Path, wait_seconds: float = ANSWER_WAIT_SECONDS) -> bool:
    """Ask the window already open on ``data_dir`` to come to the front; whether it answered."""
    deadline = time.monotonic() + wait_seconds
    name = server_name(data_dir)
    while time.monotonic() < deadline:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(int(RETRY_SECONDS * 1000)):
            socket.write(SHOW_MESSAGE)
            socket.flush()
            answered = False
            while time.monotonic() < deadline and not answered:
                if socket.waitForReadyRead(int(RETRY_SECONDS * 1000)):
                    answered = bytes(socket.readAll().data()).startswith(SHOWN_REPLY.strip())
                elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    break
            socket.abort()
            if answered:
                return True
        else:
            socket.abort()
            time.sleep(RETRY_SECONDS)
    return False
