"""Starting mtcalm at login, minimised, through the freedesktop autostart entry (no Qt).

The entry is ``$XDG_CONFIG_HOME/autostart/io.github.mtcalm.mtcalm.desktop`` (``~/.config`` when
the variable is unset, empty or not absolute), as the Desktop Application Autostart
Specification says. mtcalm marks the entries it writes with ``X-mtcalm-Autostart=true`` and never
overwrites or removes an entry without that mark: the person or another tool wrote it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from mtcalm.datadir import fsync_folder, write_file_atomically

ENTRY_NAME = "io.github.mtcalm.mtcalm.desktop"
MARKER_KEY = "X-mtcalm-Autostart"
MAX_ENTRY_BYTES = 64 * 1024
# Characters that make an argument need double quotes in Exec (Desktop Entry Specification).
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class AutostartNotOurs(Exception):
    """An entry mtcalm did not write is where mtcalm would write its own; it is left alone."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"A login entry that mtcalm did not make is already at {path}, so mtcalm leaves it "
            "as it is."
        )
        self.path = path


def autostart_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of the person's autostart entries."""
    environ = os.environ if environ is None else environ
    configured = environ.get("XDG_CONFIG_HOME", "")
    config = Path(configured) if configured and Path(configured).is_absolute() else None
    return (config or Path.home() / ".config") / "autostart"


def entry_path(environ: Mapping[str, str] | None = None) -> Path:
    return autostart_folder(environ) / ENTRY_NAME


def exec_argument(word: str) -> str:
    """``word`` as one argument of an Exec key: quoted when needed, and escaped as a string."""
    if not word or any(ord(char) < 0x20 or char == "\x7f" for char in word):
        raise ValueError(f"{word!r} cannot be started from a login entry")
    word = word.replace("%", "%%")  # a literal percent sign, not a field code
    if any(char in RESERVED for char in word):
        inner = "".join("\\" + char if char in '"`$\\' else char for char in word)
        word = f'"{inner}"'
    return word.replace("\\", "\\\\")  # the string escape of the whole value


def exec_line(command: Sequence[str], data_dir: Path | None) -> str:
    """The Exec value: ``command --minimised`` and ``--data-dir DIR`` for a folder chosen."""
    words = [*command, "--minimised"]
    if data_dir is not None:
        words += ["--data-dir", str(data_dir)]
    return " ".join(exec_argument(word) for word in words)


def mtcalm_command() -> list[str]:
    """How this mtcalm is started: the bundle, the installed command, or ``python -m mtcalm``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if started is not None and started.name not in ("__main__.py", "-c", "") and started.exists():
        return [str(started.absolute())]
    return [sys.executable, "-m", "mtcalm"]


def entry_text(command: Sequence[str], data_dir: Path | None) -> str:
    """The whole autostart entry."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=mtcalm",
            "Comment=Starts mtcalm out of sight at login",
            f"Exec={exec_line(command, data_dir)}",
            "Icon=io.github.mtcalm.mtcalm",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            f"{MARKER_KEY}=true",
            "",
        ]
    )


def _entry_keys(path: Path) -> dict[str, str] | None:
    """The keys of the entry's ``[Desktop Entry]`` group, or None when there is no entry."""
    try:
        raw = path.read_bytes()[: MAX_ENTRY_BYTES + 1]
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return {}  # there, but unreadable: not known to be ours
    keys: dict[str, str] = {}
    group = ""
    for line in raw.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), value.strip())
    return keys


def is_ours(path: Path) -> bool:
    keys = _entry_keys(path)
    return keys is not None and keys.get(MARKER_KEY) == "true"


def start_at_login_is_on(environ: Mapping[str, str] | None = None) -> bool:
    """Whether an autostart entry for mtcalm is there and not switched off by the desktop."""
    keys = _entry_keys(entry_path(environ))
    if keys is None:
        return False
    return keys.get("Hidden") != "true" and keys.get("X-GNOME-Autostart-enabled") != "false"


def set_start_at_login(
    on: bool,
    data_dir: Path | None,
    exec_path: str | Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Write (``on``) or remove mtcalm's autostart entry; returns its path.

    ``data_dir``: the data folder to open, None for the default one. ``exec_path``: the
    program (or the words of the command) that starts mtcalm. Raises :class:`AutostartNotOurs`
    when an entry mtcalm did not write is in the way, and OSError when it cannot be written
    (:func:`mtcalm.datadir.why_not_written` says why in plain words).
    """
    path = entry_path(environ)
    keys = _entry_keys(path)
    if keys is not None and keys.get(MARKER_KEY) != "true":
        raise AutostartNotOurs(path)
    if on:
        command = [exec_path] if isinstance(exec_path, str) else list(exec_path)
        text = entry_text(command, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(path, text.encode("utf-8"))
    elif keys is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        fsync_folder(path.parent)
    return path
