"""Starting the app: one QApplication, the calm theme, the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from mtcalm import __version__
from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.datadir import DataDirError
from mtcalm.own_playlists import OWN_PLAYLISTS_FOLDER, OwnPlaylists
from mtcalm.playlists import load_playlists
from mtcalm.scripts import load_scripts
from mtcalm.ui.main_window import MainWindow
from mtcalm.ui.theme import apply_theme
from mtcalm.workspace import Workspace

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


def run_app(data_dir: Path, argv: Sequence[str]) -> int:
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("mtcalm")
    app.setApplicationDisplayName("mtcalm")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.mtcalm.mtcalm")
    apply_theme(app)
    try:
        window = create_main_window(data_dir)
    except DataDirError as error:
        print(f"mtcalm: {error}", file=sys.stderr)
        return 1
    window.show()
    return app.exec()
