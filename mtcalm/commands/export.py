"""``mtcalm export``: the journal as CSV, JSON or a PDF report, to keep or to share.

It reads the journal and never changes it (except that, like the app, it upgrades a journal of
an older format first, after a backup), so it works while mtcalm is open. The file appears
whole or not at all, readable only by you; an existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from mtcalm.commands.backup import never_raising, refuse
from mtcalm.commands.scan import printable

if TYPE_CHECKING:  # the journal is loaded when the command runs
    from mtcalm.journal.export_json import ExportPeriod
    from mtcalm.journal.store import Journal

EXIT_OK = 0
EXIT_REFUSED = 1

FORMATS = ("csv", "json", "pdf")
PDF_UNAVAILABLE = "PDF export is not available in this build"
WRITE_BUFFER = 1024 * 1024
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

DESCRIPTION = """\
Write your journal to FILE, to keep or to share with someone you choose:
  csv   one row per session: answers as numbers, times with their UTC offset, a column
        for each item before and after (for a spreadsheet or a clinic's statistics)
  json  everything, losslessly (check-ins, words, notes, reflections and drawings, flags,
        tracks, events): `mtcalm import FILE` brings it back
  pdf   a report to read together or print
The formats are described in docs/export-formats.md. FILE is readable only by you; it is
written whole or not at all. It works while mtcalm is open."""

EPILOG = """\
exit status:
  0  the file was written (what it holds is printed)
  1  nothing was written: there is no journal, FILE's folder does not exist, FILE exists
     (use --force), the journal is damaged or from a newer mtcalm, the disk is full...
     (said on stderr)
  2  usage error: a date that is not YYYY-MM-DD, --from after --to, an unknown format"""


def local_date(text: str) -> date:
    """A local date as YYYY-MM-DD, for argparse (anything else is a usage error)."""
    try:
        if DATE_PATTERN.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD")


class _PeriodEnd(argparse.Action):
    """``--from`` or ``--to``: a usage error when the period would end before it starts."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, values)
        since, until = getattr(namespace, "since", None), getattr(namespace, "until", None)
        if since is not None and until is not None and since > until:
            parser.error(f"--from {since} is after --to {until}")


def add_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help="write the journal to a CSV, JSON or PDF file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="the kind of file")
    export.add_argument(
        "--output", required=True, type=Path, metavar="FILE", help="the file to write"
    )
    export.add_argument(
        "--from",
        dest="since",
        type=local_date,
        action=_PeriodEnd,
        metavar="YYYY-MM-DD",
        help="only sessions from this local date on (included)",
    )
    export.add_argument(
        "--to",
        dest="until",
        type=local_date,
        action=_PeriodEnd,
        metavar="YYYY-MM-DD",
        help="only sessions up to this local date (included)",
    )
    export.add_argument(
        "--no-notes",
        dest="include_notes",
        action="store_false",
        help="leave out the notes written in check-ins and reflections",
    )
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run_export(
    arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO
) -> int:
    """Export as the ``export`` command does; the exit status. Never raises."""
    return never_raising(
        lambda: _export(arguments, data_dir, stdout, stderr),
        stderr,
        "interrupted; nothing was written",
    )


def _export(arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    import sqlite3

    from mtcalm.journal.export_json import ExportFailed, ExportPeriod
    from mtcalm.journal.file import JournalError, means_damaged
    from mtcalm.workspace import current_journal

    output: Path = arguments.output.absolute()
    force: bool = arguments.force
    if not data_dir.is_dir():
        refuse(stderr, f"there is no data folder {printable(str(data_dir))}")
        return EXIT_REFUSED
    journal_path = current_journal(data_dir)
    if not journal_path.is_file():
        refuse(stderr, f"there is no journal to export in {printable(str(data_dir))}")
        return EXIT_REFUSED
    problem = _output_problem(output, journal_path, force)
    if problem:
        refuse(stderr, problem)
        return EXIT_REFUSED
    write = _writer(arguments.format)
    if write is None:
        refuse(stderr, PDF_UNAVAILABLE)
        return EXIT_REFUSED
    period = ExportPeriod(arguments.since, arguments.until)
    try:
        with _open_journal(journal_path) as journal:
            written = write(journal, output, period, arguments.include_notes, force)
    except JournalError as error:
        refuse(stderr, f"{error.short}: {printable(error.long)}")
        return EXIT_REFUSED
    except ExportFailed as failed:
        refuse(stderr, f"{failed.short}: {printable(failed.long)}")
        return EXIT_REFUSED
    except sqlite3.DatabaseError as error:
        why = "it is damaged" if means_damaged(error) else f"it could not be read ({error})"
        refuse(stderr, f"Nothing was exported: the journal could not be read to the end, {why}.")
        return EXIT_REFUSED
    print(f"Exported {written} to {printable(str(output))}", file=stdout, flush=True)
    return EXIT_OK


def _output_problem(output: Path, journal_path: Path, force: bool) -> str:
    """Why ``output`` cannot be written, in one line ('' when it can)."""
    if not output.parent.is_dir():
        return f"there is no folder {printable(str(output.parent))}"
    if output.is_dir():
        return f"{printable(str(output))} is a folder; name a file"
    journal_files = [
        journal_path.with_name(journal_path.name + end) for end in ("", "-wal", "-shm")
    ]
    if any(_same_file(output, kept) for kept in journal_files):
        return f"{printable(str(output))} is the journal itself; name another file"
    if os.path.lexists(output) and not force:
        return (
            f"{printable(str(output))} exists already, and was left as it is "
            "(use --force to replace it)"
        )
    return ""


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or one.samefile(other)
    except OSError:
        return False


def _open_journal(path: Path) -> Journal:
    """The journal as the app opens it; a read-only one (file or folder) read as it is."""
    import sqlite3

    from mtcalm.journal.file import (
        SCHEMA_STEPS,
        JournalFolderReadOnly,
        JournalReadOnly,
        JournalUnreadable,
    )
    from mtcalm.journal.restore import inspect_journal
    from mtcalm.journal.store import Journal

    try:
        return Journal.open(path, create=False)
    except (JournalReadOnly, JournalFolderReadOnly):
        pass
    if inspect_journal(path).version < len(SCHEMA_STEPS):
        raise JournalUnreadable(
            "The journal cannot be exported",
            "It is read-only and in an older format, which mtcalm would have to upgrade first. "
            "Make it writable again (or open mtcalm once), then export.",
            path,
        )
    uri = f"{path.absolute().as_uri()}?mode=ro"
    return Journal(sqlite3.connect(uri, uri=True, isolation_level=None), path)


Writer = Callable[["Journal", Path, "ExportPeriod", bool, bool], str]


def _writer(file_format: str) -> Writer | None:
    """What writes ``file_format`` (None for a PDF in a build without the report)."""
    if file_format == "pdf":
        return _pdf_writer()
    from mtcalm.journal.export_csv import write_csv
    from mtcalm.journal.export_json import write_export_file, write_json

    write_stream = write_csv if file_format == "csv" else write_json

    def write(
        journal: Journal, output: Path, period: ExportPeriod, include_notes: bool, force: bool
    ) -> str:
        count = 0

        def fill(temporary: Path) -> None:
            nonlocal count
            with temporary.open("wb", buffering=WRITE_BUFFER) as stream:
                count = write_stream(journal, stream, period, include_notes=include_notes)

        write_export_file(output, fill, replace=force)
        return f"{count} session{'' if count == 1 else 's'}"

    return write


def _pdf_writer() -> Writer | None:
    """The PDF report's writer, or None when this build has none (it needs Qt)."""
    try:
        # (until the report is part of the build, mypy finds no module)
        from mtcalm.ui.report_pdf import (
            write_report_pdf,
        )
    except ImportError:
        return None

    def write(
        journal: Journal, output: Path, period: ExportPeriod, include_notes: bool, force: bool
    ) -> str:
        from mtcalm.journal.export_json import write_export_file

        write_export_file(
            output,
            lambda temporary: write_report_pdf(
                journal,
                temporary,
                since=period.since,
                until=period.until,
                include_notes=include_notes,
            ),
            replace=force,
        )
        return "a report"

    return write
