"""Put mtcalm on this user's desktop: the launcher, its icon, and the homework file type.

Run from the repository root: .venv/bin/python tools/install_desktop.py [--uninstall]. It
copies packaging/'s .desktop file (its Exec pointed at this checkout's ``mtcalm``), icon and
shared-mime-info entry under $XDG_DATA_HOME (default ~/.local/share), then refreshes the
desktop's file-type and application caches where their tools are installed. Afterwards a
double-click on a .mtcalm-homework file opens it in mtcalm (``mtcalm FILE``: a preview that
asks before anything is added). Installers (issue 14) carry the same three files system-wide.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from mtcalm.autostart import exec_argument

APP_ID = "io.github.mtcalm.mtcalm"
PACKAGING = Path(__file__).resolve().parent.parent / "packaging"


def data_home(environ: dict[str, str]) -> Path:
    value = environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def installed_paths(home: Path) -> list[Path]:
    return [
        home / "applications" / f"{APP_ID}.desktop",
        home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        home / "mime" / "packages" / f"{APP_ID}.xml",
    ]


def desktop_entry(command: str) -> str:
    """packaging/'s .desktop file, launching ``command`` (quoted as the Desktop Entry
    specification asks: inside double quotes, backslash before ", `, $ and \\)."""
    quoted = exec_argument(command)  # ValueError for a control character
    lines = (PACKAGING / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines()
    return "".join(
        (f"Exec={quoted} %f" if line.startswith("Exec=") else line) + "\n" for line in lines
    )


def install(home: Path, command: str) -> list[Path]:
    """Write the three files under ``home`` (replacing earlier copies of them); their paths."""
    desktop, icon, mime = installed_paths(home)
    for path in (desktop, icon, mime):
        path.parent.mkdir(parents=True, exist_ok=True)
    _write(desktop, desktop_entry(command).encode("utf-8"))
    _write(icon, (PACKAGING / "icons" / f"{APP_ID}.svg").read_bytes())
    _write(mime, (PACKAGING / f"{APP_ID}.xml").read_bytes())
    _refresh(home)
    return [desktop, icon, mime]


def uninstall(home: Path) -> list[Path]:
    removed = []
    for path in installed_paths(home):
        if path.exists():
            path.unlink()
            removed.append(path)
    _refresh(home)
    return removed


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _refresh(home: Path) -> None:
    """The caches the desktop reads file types and launchers from, where the tools exist."""
    for tool, folder in (
        ("update-mime-database", home / "mime"),
        ("update-desktop-database", home / "applications"),
    ):
        if shutil.which(tool) and folder.is_dir():
            subprocess.run([tool, str(folder)], check=False, capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uninstall", action="store_true", help="remove what was installed")
    parser.add_argument(
        "--command",
        default=str(Path(sys.executable).with_name("mtcalm")),
        help="the mtcalm to launch (default: the one beside this Python)",
    )
    arguments = parser.parse_args(argv)
    home = data_home(dict(os.environ))
    if arguments.uninstall:
        for path in uninstall(home):
            print(f"Removed {path}")
        return 0
    for path in install(home, arguments.command):
        print(f"Installed {path}")
    print(f"Launcher: {shlex.quote(arguments.command)} FILE opens a homework package.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
