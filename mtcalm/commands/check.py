"""``mtcalm check FILE...``: validate playlists, guided-imagery scripts, M3U files and homework
packages.

A file is recognised by what it holds: a TOML file with a ``[playlist]`` table is a
playlist, one with a ``[script]`` table a guided-imagery script, and a file named ``.m3u`` or
``.m3u8`` (or starting with ``#EXTM3U``) an M3U playlist, and a zip file (or a file named
``.mtcalm-homework``) a homework package. Every problem is one line on
standard error, ``PATH:LINE: message`` (``PATH: message`` when no line is known), with control
characters escaped. Nothing is ever written, and nothing but regular files is opened.

To check a new kind of file (homework packages): add its top-level TOML table to
:func:`toml_checkers`, or its file name ending to :func:`suffix_checkers`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import stat
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERRUPTED = 130
MAX_CHECK_BYTES = 1024 * 1024  # the largest any checked kind allows; each kind has its own

DESCRIPTION = """\
Check mtcalm playlists (TOML, with a [playlist] table), guided-imagery scripts
(TOML, with a [script] table), M3U/M3U8 playlists and the audio files they
name, and homework packages (.mtcalm-homework). Each problem is printed on
standard error as PATH:LINE: message (or PATH: message when there is no line
to point at). Nothing is changed."""

EPILOG = """\
exit status:
  0  every file is valid ("N files OK" on standard output)
  1  at least one file has a problem
  2  usage error"""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checked file; ``line`` is 1-based when known."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{escape(where)}: {escape(self.message)}"


Checker = Callable[[Path], list[Problem]]


def toml_checkers() -> dict[str, Checker]:
    """The checker for a TOML file, by the top-level table that says what the file is."""
    return {"playlist": check_playlist, "script": check_script}


def suffix_checkers() -> dict[str, Checker]:
    """The checker for a file, by how its name ends (case does not matter)."""
    return {".m3u": check_m3u, ".m3u8": check_m3u}


# -- the command line ---------------------------------------------------------------------------


def add_check_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the ``mtcalm`` command's subcommands."""
    check = commands.add_parser(
        "check",
        help="check playlists, guided-imagery scripts and M3U files for problems",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="a playlist or script (.toml), or an M3U playlist (.m3u, .m3u8)",
    )


def run_check(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Check ``arguments.files`` as the ``check`` command does; the exit status. Never raises."""
    files: list[Path] = list(arguments.files)
    valid = 0
    try:
        for path in files:
            problems = check_file(path)
            for problem in problems:
                _say(stderr, str(problem))
            valid += not problems
    except KeyboardInterrupt:
        _say(stderr, "mtcalm: interrupted")
        return EXIT_INTERRUPTED
    if valid < len(files):
        return EXIT_INVALID
    _say(stdout, f"{valid} file OK" if valid == 1 else f"{valid} files OK")
    return EXIT_OK


def check_file(path: Path) -> list[Problem]:
    """Every problem with the file at ``path`` (an empty list when it is valid). Never raises."""
    try:
        return _check(path)
    except RecursionError:
        return [Problem(path, "the file is nested too deeply")]
    except Exception as error:  # a bug or an unforeseen failure: one line, never a traceback
        return [Problem(path, f"unexpected error: {type(error).__name__}: {error}")]


def _check(path: Path) -> list[Problem]:
    try:
        status = path.stat()
    except FileNotFoundError:
        return [Problem(path, "no such file")]
    except OSError as error:
        return [Problem(path, f"cannot be read: {error.strerror or error}")]
    except ValueError:
        return [Problem(path, "not a valid file name")]
    if stat.S_ISDIR(status.st_mode):
        return [Problem(path, "this is a folder, not a file")]
    if not stat.S_ISREG(status.st_mode):  # a pipe or a device: opening it could hang
        return [Problem(path, "not a regular file (a device or a pipe?): it was not opened")]
    if status.st_size == 0:
        return [Problem(path, "the file is empty")]
    from mtcalm.homework.package import check_package, looks_like_package

    if looks_like_package(path):  # a zip, with audio in it: larger than any text file here
        return [Problem(path, message) for message in check_package(path)]
    if status.st_size > MAX_CHECK_BYTES:
        size = status.st_size
        return [Problem(path, f"the file is too large ({size} bytes, at most {MAX_CHECK_BYTES})")]
    by_suffix = suffix_checkers().get(path.suffix.casefold())
    if by_suffix is not None:
        return by_suffix(path)
    try:
        raw = path.read_bytes()[: MAX_CHECK_BYTES + 1]
    except OSError as error:
        return [Problem(path, f"cannot be read: {error.strerror or error}")]
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        return [Problem(path, "the file is empty")]
    if b"\x00" in raw:
        return [Problem(path, "this is a binary file, not a playlist or a script")]
    if raw.removeprefix(b"\xef\xbb\xbf").lstrip().upper().startswith(b"#EXTM3U"):
        return check_m3u(path)
    return _check_toml(path, raw)


def _check_toml(path: Path, raw: bytes) -> list[Problem]:
    from mtcalm.playlists import PlaylistError, read_toml_document

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(path, "the file is not UTF-8 text", line)]
    try:
        document, _ = read_toml_document(path, MAX_CHECK_BYTES)
    except PlaylistError as error:
        if not isinstance(error.__cause__, tomllib.TOMLDecodeError):
            return [Problem(path, error.message, error.line)]
        if path.suffix.casefold() != ".toml":
            return [Problem(path, f"not a file mtcalm checks ({_kinds()})")]
        return [Problem(path, f"not valid TOML: {error.message}", error.line)]
    checkers = toml_checkers()
    kinds = [name for name in checkers if name in document]
    if not kinds:
        return [Problem(path, f"not a file mtcalm checks ({_kinds()})")]
    if len(kinds) > 1:
        tables = " and ".join(f"[{name}]" for name in kinds)
        return [Problem(path, f"has both {tables} tables: a file is one or the other")]
    return checkers[kinds[0]](path)


def _kinds() -> str:
    tables = " or ".join(f"[{name}]" for name in toml_checkers())
    suffixes = " or ".join(suffix_checkers())
    return f"expected a TOML file with a {tables} table, or an {suffixes} file"


# -- each kind of file ----------------------------------------------------------------------------


def check_playlist(path: Path) -> list[Problem]:
    """A format-1 playlist: the file itself, then each audio file it names."""
    from mtcalm.playlists import PlaylistError, load_playlist

    try:
        playlist = load_playlist(path)
    except PlaylistError as error:
        return [Problem(path, error.message, error.line)]
    return [
        Problem(path, f"{problem.message}: {problem.long}", problem.line)
        for problem in playlist.entry_problems
    ]


def check_script(path: Path) -> list[Problem]:
    """A guided-imagery script, as :func:`mtcalm.scripts.load_script` reads it."""
    try:  # by name: the scripts module may not be there yet in every build
        scripts = importlib.import_module("mtcalm.scripts")
    except ImportError:
        return [Problem(path, "guided-imagery scripts cannot be checked by this version yet")]
    try:
        scripts.load_script(path)
    except scripts.ScriptError as error:
        line = getattr(error, "line", None)
        message = str(getattr(error, "message", error))
        return [Problem(path, message, line if isinstance(line, int) else None)]
    return []


def check_m3u(path: Path) -> list[Problem]:
    """An M3U or M3U8 playlist: its lines, then each audio file it names."""
    from mtcalm.audio.metadata import AudioFileError, read_audio_info
    from mtcalm.m3u import M3UError, read_m3u

    try:
        m3u = read_m3u(path)
    except M3UError as error:
        return [Problem(path, error.message, error.line)]
    problems = [Problem(path, issue.message, issue.line) for issue in m3u.issues]
    if not m3u.entries and not problems:
        problems.append(Problem(path, "no entries: the playlist names no files"))
    for entry in m3u.entries:
        try:
            read_audio_info(entry.path)
        except AudioFileError as error:
            problems.append(Problem(path, f"{error.short}: {error.long}", entry.line))
    problems.sort(key=lambda problem: problem.line or 0)
    return problems


# -- output ---------------------------------------------------------------------------------------

_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape(text: str) -> str:
    """``text`` with control and invisible formatting characters shown as escapes.

    A file name's undecodable bytes (lone surrogates) are shown as the bytes they were.
    """
    parts = []
    for character in text:
        code = ord(character)
        category = unicodedata.category(character)
        if character in _NAMED_ESCAPES:
            parts.append(_NAMED_ESCAPES[character])
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
            parts.append(f"\\x{code - 0xDC00:02x}")
        elif category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            parts.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            parts.append(character)
    return "".join(parts)


def _say(stream: TextIO, line: str) -> None:
    """One line on ``stream``, in whatever encoding it has; quiet if it has gone away."""
    with contextlib.suppress(OSError, ValueError):
        try:
            print(line, file=stream, flush=True)
        except UnicodeEncodeError:
            encoding = stream.encoding or "ascii"
            text = line.encode(encoding, "backslashreplace").decode(encoding, "replace")
            print(text, file=stream, flush=True)
