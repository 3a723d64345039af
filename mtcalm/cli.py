"""The ``mtcalm`` command: the app by default, and commands that work without a window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("gui", help="open the app (the default)")
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


def command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (``None`` for none); ``"-"`` for an option such as
    ``--help`` that needs the whole command line.
    """
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("--data-dir="):
            return "-" if word.startswith("-") else word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    window = command_word(argv) in (None, "gui")
    if window:
        from mtcalm.ui.app import run_app  # only the GUI needs Qt

        # Started from the desktop there is nothing to parse: the window does not wait for it.
        chosen = build_parser(with_commands=False).parse_args(argv).data_dir if argv else None
        data_dir = resolve_data_dir(chosen, os.environ)
        return run_app(data_dir, sys.argv[:1])  # it says in a window, too, if the folder fails
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
