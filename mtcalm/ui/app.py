"""Starting the app: one QApplication, the calm theme, the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from mtcalm import __version__
from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.datadir import DataDirError, data_dir_problem, ensure_private_dir
from mtcalm.instance import DataFolderInUse, InstanceLock
from mtcalm.own_playlists import OWN_PLAYLISTS_FOLDER, OwnPlaylists
from mtcalm.playlists import load_playlists
from mtcalm.scripts import load_scripts
from mtcalm.ui.keys import install_key_behaviour
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.quit_signals import QuitSignals, keep_sdl_from_taking_signals
from mtcalm.ui.theme import apply_theme
from mtcalm.workspace import Workspace

LISTEN_DELAY_MS = 300

if TYPE_CHECKING:
    from mtcalm.audio.events import PlayerError
    from mtcalm.audio.player import Player


def open_audio(volume: float) -> tuple[Player, PlayerError | None]:
    from mtcalm.audio.backends import open_player  # loaded once the window is on screen

    return open_player(volume=volume)


def create_main_window(data_dir: Path) -> MainWindow:
    """The window for ``data_dir``, ready to show (a QApplication must exist)."""
    workspace = Workspace.open(data_dir)
    track_facts = AudioInfoCache.load(data_dir)
    playlists = load_playlists(bundled_playlists_dir(), track_facts.read)
    own = OwnPlaylists(data_dir / OWN_PLAYLISTS_FOLDER, read_info=track_facts.read).all()
    track_facts.save()
    scripts = load_scripts(bundled_scripts_dir())
    return MainWindow(
        workspace,
        playlists,
        open_audio,
        scripts=scripts,
        own_playlists=own,
        info_cache=track_facts,
    )


def make_application(argv: Sequence[str]) -> QApplication:
    """The one QApplication, named and themed."""
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("mtcalm")
    app.setApplicationDisplayName("mtcalm")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.mtcalm.mtcalm")
    apply_theme(app)
    install_key_behaviour(app)
    return app


def connect_endings(app: QApplication, window: MainWindow) -> QuitSignals:
    """SIGTERM, SIGINT and SIGHUP, the desktop's own quit and logout all end the app cleanly."""
    quit_signals = QuitSignals(app)
    quit_signals.received.connect(lambda _number: window.quit_quickly())
    app.commitDataRequest.connect(lambda _manager: window.save_now())
    app.aboutToQuit.connect(lambda: window.shut_down(quickly=True))
    return quit_signals


def run_app(
    data_dir: Path,
    argv: Sequence[str],
    *,
    open_file: Path | None = None,
    minimised: bool = False,
) -> int:
    """Open the window for ``data_dir``, or bring forward the one already open on it; then
    offer ``open_file`` (a homework package) in it. ``minimised``: start out of sight.
    """
    keep_sdl_from_taking_signals()
    app = make_application(argv)
    try:
        ensure_private_dir(data_dir)
        lock = InstanceLock.acquire(data_dir)
    except DataDirError as error:
        return _cannot_start(app, error.message, error.hint)
    except DataFolderInUse:
        from mtcalm.ui.single_instance import ask_running_window_to_show

        if ask_running_window_to_show(data_dir, open_file=open_file, show=not minimised):
            return 0
        return _cannot_start(
            app,
            app.tr(
                "mtcalm is already open for the data folder %1, but it did not answer. If you "
                "cannot find its window, close it (or end the mtcalm process) and start again."
            ).replace("%1", str(data_dir)),
        )
    except OSError as error:
        return _cannot_start(app, data_dir_problem(data_dir, error), DataDirError.HINT)
    with lock:
        window = create_main_window(data_dir)
        quit_signals = connect_endings(app, window)
        window.fit_to_screen()
        if minimised:
            from mtcalm.ui.reminders import start_minimised

            start_minimised(window, window.start_reminders())
        else:
            window.show()
            QTimer.singleShot(LISTEN_DELAY_MS, window.start_reminders)  # off the first frame
        if open_file is not None:
            QTimer.singleShot(0, lambda: window.open_file(open_file))
        # Later launches are answered once the first frame is up, off the start-up path
        # (QtNetwork loads then); a later launch keeps asking for a few seconds.
        QTimer.singleShot(LISTEN_DELAY_MS, lambda: listen_for_later_launches(data_dir, window))
        status = app.exec()
        quit_signals.close()
    return status


def listen_for_later_launches(data_dir: Path, window: MainWindow) -> None:
    from mtcalm.ui.single_instance import InstanceServer

    server = InstanceServer(data_dir, window)
    server.show_requested.connect(window.bring_to_front)
    server.open_requested.connect(lambda path: window.open_file(Path(path)))


def _cannot_start(app: QApplication, text: str, detail: str = "") -> int:
    """Say why in the terminal and in a window (a person who double-clicked sees no terminal)."""
    print(f"mtcalm: {text} {detail}".rstrip(), file=sys.stderr)
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle(app.tr("mtcalm"))
    box.setText(app.tr("mtcalm cannot start"))
    box.setInformativeText(text)
    if detail:
        box.setDetailedText(detail)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):
        box.exec()
    return 1
