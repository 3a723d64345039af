"""The ``mtcalm`` command: the app by default, and commands that work without a window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm import __version__
from mtcalm.datadir import DATA_DIR_VARIABLE, DataDirError, ensure_private_dir, resolve_data_dir

if TYPE_CHECKING:
    import argparse

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without ``with_commands`` only what opening the window needs
    (the commands' modules are not loaded: the first frame does not wait for them).
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="mtcalm",
        description="Guided listening and relaxation with a check-in before and after.",
        epilog="mtcalm is a relaxation and self-help tool used alongside care, "
        "not a medical device.",
    )
    parser.add_argument("--version", action="version", version=f"mtcalm {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"keep the journal and settings in DIR (also: ${DATA_DIR_VARIABLE}; "
        "default: your user data folder)",
    )
    parser.add_argument(
        "--minimised",
        action="store_true",
        help="start without showing the window, in the system tray where there is one (how "
        "mtcalm starts at login, so homework reminders can come)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = commands.add_parser(
        "gui",
        help="open the app (the default); with FILE, offer the homework package FILE",
        description="Open the app. With FILE (a homework package), show what it holds and ask "
        "before adding it; `mtcalm FILE` does the same.",
    )
    gui.add_argument("file", nargs="?", metavar="FILE", help="a homework package to offer")
    if not with_commands:
        return parser
    from mtcalm.commands.backup import add_backup_command
    from mtcalm.commands.check import add_check_command
    from mtcalm.commands.export import add_export_command
    from mtcalm.commands.homework import add_homework_command
    from mtcalm.commands.import_journal import add_import_command
    from mtcalm.commands.play import add_play_command
    from mtcalm.commands.restore import add_restore_command
    from mtcalm.commands.scan import add_scan_command

    add_check_command(commands)
    add_play_command(commands)
    add_scan_command(commands)
    add_backup_command(commands)
    add_restore_command(commands)
    add_export_command(commands)
    add_import_command(commands)
    add_homework_command(commands)
    return parser


COMMANDS = frozenset(
    ("gui", "check", "play", "scan", "backup", "restore", "export", "import", "homework")
)


def command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (``None`` for none); ``"-"`` for an option such as
    ``--help`` that needs the whole command line.
    """
    at = _command_at(argv)
    if at is None:
        return None
    return "-" if argv[at].startswith("-") else argv[at]


def _command_at(argv: Sequence[str]) -> int | None:
    """Where the first word that is not a window option is in ``argv``."""
    at = 0
    while at < len(argv):
        word = argv[at]
        if word == "--data-dir":
            at += 2
        elif word == "--minimised" or word.startswith("--data-dir="):
            at += 1
        else:
            return at
    return None


def _as_gui(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``gui`` put before its first word that is not a command (a file)."""
    at = _command_at(argv)
    words = list(argv)
    return words if at is None else [*words[:at], "gui", *words[at:]]


def _names_a_file(word: str) -> bool:
    """A word that is no command but a file's name (a mistyped command stays a usage error)."""
    if word == "-" or word in COMMANDS:
        return False
    return "/" in word or "." in word or os.path.lexists(word)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    word = command_word(argv)
    if word is not None and _names_a_file(word):
        argv = _as_gui(argv)  # `mtcalm FILE`, as a file manager opens a package
        word = "gui"
    if word in (None, "gui"):
        from mtcalm.ui.app import run_app  # only the GUI needs Qt

        # Started from the desktop there is nothing to parse: the window does not wait for it.
        arguments = build_parser(with_commands=False).parse_args(argv) if argv else None
        chosen = arguments.data_dir if arguments else None
        data_dir = resolve_data_dir(chosen, os.environ)
        opened = getattr(arguments, "file", None)
        return run_app(  # it says in a window, too, if the folder fails
            data_dir,
            sys.argv[:1],
            open_file=Path(opened).absolute() if opened else None,
            minimised=bool(arguments and arguments.minimised),
        )
    arguments = build_parser().parse_args(argv)
    from mtcalm.commands.backup import run_backup
    from mtcalm.commands.check import run_check
    from mtcalm.commands.export import run_export
    from mtcalm.commands.homework import run_homework
    from mtcalm.commands.import_journal import run_import
    from mtcalm.commands.play import run_play
    from mtcalm.commands.restore import run_restore
    from mtcalm.commands.scan import run_scan

    if arguments.command == "check":  # reads the files named, never the data folder
        return run_check(arguments, sys.stdout, sys.stderr)
    if arguments.command == "homework":  # reads and writes the files named, never the data folder
        return run_homework(arguments, sys.stdout, sys.stderr)
    data_dir = resolve_data_dir(arguments.data_dir, os.environ)
    if arguments.command == "backup":  # reads the journal; never creates the folder
        return run_backup(arguments, data_dir, sys.stdout, sys.stderr)
    if arguments.command == "export":  # reads the journal; never creates the folder
        return run_export(arguments, data_dir, sys.stdout, sys.stderr)
    if arguments.command == "import":  # makes the folder only for a file it accepts
        return run_import(arguments, data_dir, sys.stdout, sys.stderr)
    try:
        ensure_private_dir(data_dir)
    except DataDirError as error:
        print(f"mtcalm: {error}", file=sys.stderr)
        return EXIT_FAILED
    if arguments.command == "play":
        return run_play(arguments, sys.stdout, sys.stderr)
    if arguments.command == "scan":
        return run_scan(arguments, data_dir, sys.stdout, sys.stderr)
    return run_restore(arguments, data_dir, sys.stdout, sys.stderr)
