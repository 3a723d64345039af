"""Where the bundled content is, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def assets_dir() -> Path:
    """The bundled assets: inside the installed package, else the repository's ``assets/``."""
    package = Path(__file__).resolve().parent
    installed = package / "assets"
    if installed.is_dir():
        return installed
    return package.parent / "assets"


def bundled_playlists_dir() -> Path:
    return assets_dir() / "playlists"


def bundled_scripts_dir() -> Path:
    return assets_dir() / "scripts"
