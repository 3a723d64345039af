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

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

SHOW_MESSAGE = b"show\n"
OPEN_MESSAGE = b"open "  # then the file's absolute path, UTF-8 (surrogates escaped), and "\n"
QUIET_MESSAGE = b"quiet\n"  # a later launch at login: nothing to bring forward
SHOWN_REPLY = b"shown\n"
MAX_MESSAGE_BYTES = 8192
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
    open_requested = Signal(str)  # a file to offer, after the window came forward

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._pending: dict[int, bytes] = {}  # what a launch sent so far, until its line ends
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._answer)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a socket file left by a crash; we hold the lock
        self.listening = self._server.listen(name)

    def _answer(self) -> None:
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(lambda c=connection: self._forget(c))

    def _read(self, connection: QLocalSocket) -> None:
        key = id(connection)
        received = self._pending.pop(key, b"") + bytes(connection.readAll().data())
        if len(received) > MAX_MESSAGE_BYTES:
            connection.abort()  # not a launch of mtcalm
            return
        if not received.endswith(b"\n"):
            self._pending[key] = received  # the rest is on its way
            return
        opened: str | None = None
        if received.startswith(OPEN_MESSAGE):
            path = received[len(OPEN_MESSAGE) : -1].decode("utf-8", "surrogateescape")
            if path.startswith("/") and "\n" not in path and "\0" not in path:
                opened = path
        elif received not in (QUIET_MESSAGE, SHOW_MESSAGE):
            connection.abort()  # not a launch of mtcalm: nothing to answer
            return
        # The answer first: what the window then does (a preview waiting for the person) must
        # not keep the later launch waiting, and may outlive this connection.
        connection.write(SHOWN_REPLY)
        connection.flush()
        if received == QUIET_MESSAGE:
            return  # already running: that is all a launch at login needed to know
        QTimer.singleShot(0, lambda: self._forward(opened))

    def _forward(self, opened: str | None) -> None:
        self.show_requested.emit()
        if opened is not None:
            self.open_requested.emit(opened)

    def _forget(self, connection: QLocalSocket) -> None:
        self._pending.pop(id(connection), None)
        connection.deleteLater()

    def close(self) -> None:
        self._server.close()


def ask_running_window_to_show(
    data_dir: Path,
    wait_seconds: float = ANSWER_WAIT_SECONDS,
    *,
    open_file: Path | None = None,
    show: bool = True,
) -> bool:
    """Ask the window already open on ``data_dir`` to come to the front (and offer
    ``open_file``), or only whether it runs when not ``show``; whether it answered.
    """
    if open_file is not None:
        path = str(open_file.absolute()).encode("utf-8", "surrogateescape")
        message = OPEN_MESSAGE + path + b"\n"
    else:
        message = SHOW_MESSAGE if show else QUIET_MESSAGE
    deadline = time.monotonic() + wait_seconds
    name = server_name(data_dir)
    while time.monotonic() < deadline:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(int(RETRY_SECONDS * 1000)):
            socket.write(message)
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
