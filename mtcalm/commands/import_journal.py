"""``mtcalm import FILE``: bring a JSON export (``mtcalm export --format json``) into the
journal, or a therapist's homework package (``*.mtcalm-homework``, see
:mod:`mtcalm.homework.install`) into the data folder.

Holding the data folder as ``restore`` does, the sessions the journal does not have yet are
added in one transaction, which anything wrong in the file rolls back; importing the same file
twice changes nothing. Where there is no journal yet, the file is read through and checked
first, so a file that is refused leaves no trace, not even a data folder.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mtcalm.commands.backup import never_raising, refuse
from mtcalm.commands.scan import printable

if TYPE_CHECKING:
    from mtcalm.homework.install import HomeworkRefused
    from mtcalm.journal.import_json import ImportRefused
    from mtcalm.journal.store import Journal

EXIT_OK = 0
EXIT_REFUSED = 1
NOTHING_IMPORTED = "Nothing was imported."

DESCRIPTION = """\
FILE is either a homework package from a therapist (.mtcalm-homework) or a JSON
export of an mtcalm journal. A homework package is checked whole, then its
programme is added: its check-in questions, support contacts and tracks to avoid
(marked as set by the therapist) and its own music. Importing the same revision
twice changes nothing; a newer revision replaces the older one, which is kept.

Add the sessions of a JSON export to your journal: every
check-in, note, reflection and drawing, track and event, the tracks flagged as triggers, and
the homework programmes it holds.
A session your journal has already (the same session, however it got there) is left as it is,
so importing a file twice changes nothing. FILE is checked whole before anything changes;
a file that is not an export, is damaged or is from a newer mtcalm is refused.
Close mtcalm first: an import under an open window is refused."""

EPILOG = """\
exit status:
  0  imported (what was added, and what was there already, is printed)
  1  refused, with nothing changed: FILE is not an mtcalm export or homework package, is
     damaged, too large or from a newer mtcalm, mtcalm is open on this data folder, the disk
     is full... (on stderr)
  2  usage error"""


def add_import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "import",
        help="add a JSON export or a homework package (mtcalm must be closed)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "file", type=Path, metavar="FILE", help="the export or homework package to import"
    )


def run_import(
    arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO
) -> int:
    """Import as the ``import`` command does; the exit status. Never raises."""
    return never_raising(
        lambda: _import(arguments.file.absolute(), data_dir, stdout, stderr),
        stderr,
        "interrupted; nothing was imported",
    )


def _import(source: Path, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.homework.package import looks_like_package

    if source.is_file() and looks_like_package(source):
        return _import_homework(source, data_dir, stdout, stderr)
    return _import_journal(source, data_dir, stdout, stderr)


def _import_homework(source: Path, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Import a therapist's homework package: checked whole before anything changes."""
    from mtcalm.homework.install import HomeworkRefused, Imported, install_package, read_package

    done = _into_journal(
        data_dir,
        stderr,
        lambda: read_package(source),  # a package refused leaves no trace, not even a folder
        lambda journal: install_package(source, data_dir, journal),
        HomeworkRefused,
    )
    if not isinstance(done, Imported):
        return EXIT_REFUSED
    homework = done.homework
    title = printable(homework.title)
    if done.already_there:
        print(
            f"“{title}” (revision {homework.revision}) is here already; nothing was changed.",
            file=stdout,
            flush=True,
        )
        return EXIT_OK
    lines = [
        f"Imported the homework “{title}” (revision {homework.revision}) from "
        f"{printable(homework.therapist.name)}."
    ]
    if done.replaced_revision is not None:
        lines.append(
            f"It replaces revision {done.replaced_revision}, which is kept in the journal."
        )
    for count, one, many in (
        (done.questions_added, "question was added", "questions were added"),
        (done.contacts_added, "support contact was added", "support contacts were added"),
        (done.flags_added, "track is flagged to avoid", "tracks are flagged to avoid"),
    ):
        if count:
            lines.append(f"{count} {one if count == 1 else many} (set by the therapist).")
    print("\n".join(lines), file=stdout, flush=True)
    return EXIT_OK


def _import_journal(source: Path, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.journal.import_json import ImportRefused, ImportResult, check_export, import_export
    from mtcalm.workspace import current_journal

    def check() -> None:
        if not current_journal(data_dir).is_file():  # refused, it leaves no folder, no journal
            check_export(source)

    result = _into_journal(
        data_dir, stderr, check, lambda journal: import_export(source, journal), ImportRefused
    )
    if not isinstance(result, ImportResult):
        return EXIT_REFUSED
    added = f"{result.added} session{'' if result.added == 1 else 's'}"
    lines = [f"Imported {added} from {printable(str(source))}."]
    if result.already_there:
        one = result.already_there == 1
        lines.append(
            f"{result.already_there} of the {result.sessions} sessions in it "
            + (
                "was in the journal already and was left as it is."
                if one
                else "were in the journal already and were left as they are."
            )
        )
    if result.flags_added:
        lines.append(
            f"{result.flags_added} track{' is' if result.flags_added == 1 else 's are'} now "
            "flagged as bringing up urges or hard memories."
        )
    if result.homework_added:
        one = result.homework_added == 1
        lines.append(
            f"{result.homework_added} homework programme revision{' was' if one else 's were'}"
            " added."
        )
    print("\n".join(lines), file=stdout, flush=True)
    return EXIT_OK


def _into_journal(
    data_dir: Path,
    stderr: TextIO,
    check: Callable[[], object],
    work: Callable[[Journal], object],
    refused: type[ImportRefused] | type[HomeworkRefused],
) -> object | None:
    """``check()`` first (what it refuses leaves no data folder), then ``work(journal)`` with
    the data folder held and the journal open; its result, or None once told why not.
    """
    from mtcalm.datadir import DataDirError, ensure_private_dir
    from mtcalm.instance import DataFolderInUse, InstanceLock
    from mtcalm.journal.file import JournalError
    from mtcalm.journal.store import Journal
    from mtcalm.workspace import current_journal

    try:
        check()
        ensure_private_dir(data_dir)
    except refused as error:
        refuse(stderr, f"{error.short}: {printable(error.long)} {NOTHING_IMPORTED}")
        return None
    except DataDirError as error:
        refuse(stderr, printable(str(error)))
        return None
    try:
        lock = InstanceLock.acquire(data_dir)
    except DataFolderInUse:
        refuse(
            stderr,
            f"mtcalm is open for the data folder {printable(str(data_dir))}; nothing was "
            "imported. Close it first, then import again.",
        )
        return None
    with lock:
        try:
            with Journal.open(current_journal(data_dir)) as journal:
                return work(journal)
        except (refused, JournalError) as error:
            refuse(stderr, f"{error.short}: {printable(error.long)} {NOTHING_IMPORTED}")
            return None
