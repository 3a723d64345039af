"""The zip of a homework package, opened as untrusted input: checked whole before any data is read.

A package arrives by email or on a USB stick, so everything in it may be hostile. Opening it
reads only the zip's table of contents (its central directory) and refuses, with nothing
written anywhere:

- a path that is not a regular file, an empty file, or one over :data:`MAX_PACKAGE_BYTES`
  (512 MB: a programme's audio fits many times over), or one that is not a zip;
- more than :data:`MAX_ENTRIES` (256) files and folders, or a table of contents over
  :data:`MAX_DIRECTORY_BYTES`: a table of millions of entries would fill memory before any
  other check could run;
- a name that could reach outside the folder it is unpacked into or look like something it is
  not: absolute, with a drive, a backslash, a control character, a ``.`` or ``..`` or empty
  part, a part over :data:`MAX_NAME_PART_BYTES` or a whole over :data:`MAX_NAME_BYTES`;
- links, devices and pipes (folders are allowed, and ignored); two names that would be the same
  file on macOS or Windows (the same after NFC and case folding), or a file that is a folder too;
- encrypted entries, and compression other than stored or deflated;
- more than :data:`MAX_TOTAL_BYTES` (1 GB) unpacked in all, or a file over 1 MB that unpacks to
  more than :data:`MAX_RATIO` times its packed size (a zip bomb); files whose data would lie
  past the end of the file or over another file's (the overlapping-files bomb).

Reading decompresses a file a chunk at a time and never trusts a declared size: it stops as
soon as more comes out than the caller's limit or the size the package declared, and refuses
data that is cut short, corrupt, followed by more, or with a wrong CRC. Extracting writes
through the same stream to a new owner-only file, whole or not at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from mtcalm.datadir import partial_path, publish, why_not_written

MAX_PACKAGE_BYTES = 512 * 1024**2
MAX_ENTRIES = 256
MAX_DIRECTORY_BYTES = 1024**2  # 256 entries of 4 KB each: names, extra fields and comments
MAX_TOTAL_BYTES = 1024**3
MAX_RATIO = 100  # deflate packs real audio and text far less; zeros pack about 1000 times
RATIO_CHECKED_FROM = 1024**2  # a small file may pack well (a text of spaces) and does no harm
MAX_NAME_PART_BYTES = 255  # what every common filesystem allows for one name
MAX_NAME_BYTES = 1024
READ_BYTES = 1024**2

NO_FILE = "There is no such file"
NOT_A_FILE = "This is not a file"
UNREADABLE = "The file cannot be read"
EMPTY = "The file is empty"
TOO_LARGE = "The file is too large"
NOT_PACKAGE = "This file is not a homework package"
DAMAGED = "The homework package is damaged"
TOO_MANY = "The homework package holds too many files"
UNSAFE_NAME = "The homework package has an unsafe file name"
NOT_PLAIN = "The homework package holds a link or a special file"
SAME_NAME = "The homework package holds two files with the same name"
ENCRYPTED = "The homework package is protected by a password"
UNSUPPORTED = "The homework package is packed in a way mtcalm cannot read"
UNPACKS_TOO_LARGE = "The homework package is too large when unpacked"
FILE_TOO_LARGE = "A file in the homework package is too large"
EXISTS = "The file exists already"
NOT_UNPACKED = "The homework package could not be unpacked"

_NEW_COPY = "Ask whoever sent it for a new copy."
_ENCRYPTED_FLAGS = 0x0001 | 0x0040  # encrypted; strong encryption
_UTF8_FLAG = 0x0800
_SIZES_AFTER_DATA_FLAG = 0x0008  # the local header leaves sizes and CRC to a descriptor
_ZIP64_SIZE = 0xFFFF_FFFF
_READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # as zipfile's structFileHeader
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_DRIVE = re.compile(r"[A-Za-z]:")


class PackageRefused(Exception):
    """The package was not opened, read or unpacked, and nothing was written; a short and a long
    text.
    """

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


class PackageArchive:
    """A homework package's zip whose table of contents passed every check; use :meth:`open`.

    Only files are listed (folders are ignored), by their names in the package.
    """

    def __init__(self, stream: IO[bytes], entries: list[zipfile.ZipInfo]) -> None:
        self._stream = stream
        self._files = {entry.filename: entry for entry in entries if not entry.is_dir()}
        self._extracted = 0

    @classmethod
    def open(cls, path: Path) -> PackageArchive:
        """The package at ``path``, checked from its table of contents; raises
        :class:`PackageRefused`.
        """
        stream, size = _open_file(path)
        try:
            return cls(stream, _checked_entries(stream, size, str(path)))
        except BaseException:
            stream.close()
            raise

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> PackageArchive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def names(self) -> list[str]:
        """The files in the package, in the order it holds them."""
        return list(self._files)

    def size(self, name: str) -> int:
        """The size the package declares for file ``name`` (what :meth:`read` gives at most)."""
        return self._files[name].file_size

    def read(self, name: str, limit: int) -> bytes:
        """The content of file ``name``, of at most ``limit`` bytes; raises KeyError for a name
        the package does not hold and :class:`PackageRefused` for anything wrong in it.
        """
        entry = self._files[name]
        return b"".join(self._chunks(entry, limit))

    def extract(self, name: str, destination: Path) -> None:
        """Write file ``name`` to ``destination``, a new owner-only file, whole or not at all.

        ``destination``'s folder must exist and be given as its real path; an existing file is
        never replaced. All extractions from one package write at most :data:`MAX_TOTAL_BYTES`.
        Raises KeyError for a name the package does not hold, :class:`PackageRefused` otherwise.
        """
        entry = self._files[name]
        remaining = MAX_TOTAL_BYTES - self._extracted
        if entry.file_size > remaining:
            raise PackageRefused(
                UNPACKS_TOO_LARGE,
                f"Unpacking {_shown(name)} would bring what was unpacked from it to more than "
                f"{_amount(MAX_TOTAL_BYTES)}.",
            )
        folder = destination.parent
        _check_destination(destination)
        temporary = partial_path(destination)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            descriptor = os.open(temporary, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(descriptor, "wb") as output:
                os.fchmod(output.fileno(), 0o600)  # whatever the umask
                for chunk in self._chunks(entry, min(entry.file_size, remaining)):
                    self._extracted += len(chunk)
                    output.write(chunk)
                output.flush()
                os.fsync(output.fileno())
            publish(temporary, destination)  # never over a file made meanwhile; fsyncs folder
        except FileExistsError:
            raise _exists(destination) from None
        except OSError as error:
            raise PackageRefused(NOT_UNPACKED, why_not_written(error, folder)) from error
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink()

    def _chunks(self, entry: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
        """The content of ``entry`` a chunk at a time, checked as it comes out."""
        shown = _shown(entry.filename)
        if entry.file_size > limit:
            raise PackageRefused(
                FILE_TOO_LARGE,
                f"{shown} in it takes {_amount(entry.file_size)}; mtcalm reads at most "
                f"{_amount(limit)} of it.",
            )
        try:
            yield from self._checked_chunks(entry, limit, shown)
        except (zlib.error, zipfile.BadZipFile, EOFError, ValueError, struct.error) as error:
            raise _damaged(f"The data of {shown} in it is corrupt.") from error
        except OSError as error:
            raise PackageRefused(
                UNREADABLE, f"{shown} in it: {error.strerror or error}. {_NEW_COPY}"
            ) from None

    def _checked_chunks(self, entry: zipfile.ZipInfo, limit: int, shown: str) -> Iterator[bytes]:
        stream = self._stream
        _seek_to_data(stream, entry, shown)
        deflated = entry.compress_type == zipfile.ZIP_DEFLATED
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if deflated else None
        left = entry.compress_size
        pending = b""
        produced = crc = 0
        while True:
            if not pending and left:
                pending = stream.read(min(READ_BYTES, left))
                if not pending:
                    raise _damaged(f"{shown} in it is cut short.")
                left -= len(pending)
            if inflater is None:
                chunk, pending = pending, b""
            else:
                chunk = inflater.decompress(pending, READ_BYTES)
                pending = inflater.unconsumed_tail
            if not chunk and not pending and not left:
                break  # nothing more will come out
            produced += len(chunk)
            if produced > entry.file_size:
                raise _damaged(f"{shown} in it holds more than the package says it does.")
            if produced > limit:  # the declared size is within it, but that was declared
                raise PackageRefused(FILE_TOO_LARGE, f"{shown} in it is over {_amount(limit)}.")
            crc = zlib.crc32(chunk, crc)
            if chunk:
                yield chunk
            if inflater is not None and inflater.eof:
                if pending or left or inflater.unused_data:
                    raise _damaged(f"{shown} in it has data after its end.")
                break
        if inflater is not None and not inflater.eof:
            raise _damaged(f"{shown} in it is cut short.")
        if produced != entry.file_size:
            raise _damaged(f"{shown} in it is shorter than the package says.")
        if crc != entry.CRC:
            raise _damaged(f"{shown} in it fails its CRC check.")


def _seek_to_data(stream: IO[bytes], entry: zipfile.ZipInfo, shown: str) -> None:
    """Read ``entry``'s local header, check it agrees with the table of contents, and leave
    ``stream`` at the start of its data.
    """
    stream.seek(entry.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise _damaged(f"The header of {shown} in it is missing.")
    fields = _LOCAL_HEADER.unpack(header)
    flags, method, crc, packed, unpacked, name_length, extra_length = fields[3:5] + fields[7:]
    if flags & _ENCRYPTED_FLAGS:
        raise _encrypted(shown)
    raw_name = stream.read(name_length)
    name = raw_name.decode("utf-8" if flags & _UTF8_FLAG else "cp437")
    declared_here = not flags & _SIZES_AFTER_DATA_FLAG and _ZIP64_SIZE not in (packed, unpacked)
    sizes = (crc, packed, unpacked) != (entry.CRC, entry.compress_size, entry.file_size)
    if name != entry.orig_filename or method != entry.compress_type or (declared_here and sizes):
        raise _damaged(f"The two headers of {shown} in it disagree.")
    stream.seek(extra_length, os.SEEK_CUR)


# -- opening ---------------------------------------------------------------------------------


def _open_file(path: Path) -> tuple[IO[bytes], int]:
    """``path`` opened for reading, if it is a regular file of a size a package can have."""
    try:
        details = path.lstat()
    except FileNotFoundError:
        raise PackageRefused(NO_FILE, f"{path} does not exist.") from None
    except OSError as error:
        raise PackageRefused(UNREADABLE, f"{path}: {error.strerror or error}.") from None
    if stat.S_ISLNK(details.st_mode):
        raise PackageRefused(NOT_A_FILE, f"{path} is a link; choose the file it points to.")
    if stat.S_ISDIR(details.st_mode):
        raise PackageRefused(
            NOT_A_FILE, f"{path} is a folder; choose the homework package file itself."
        )
    if not stat.S_ISREG(details.st_mode):
        raise PackageRefused(NOT_A_FILE, f"{path} is a device or a pipe, not a file.")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise PackageRefused(UNREADABLE, f"{path}: {error.strerror or error}.") from None
    opened = os.fstat(descriptor)
    if (opened.st_dev, opened.st_ino) != (details.st_dev, details.st_ino):
        os.close(descriptor)
        raise PackageRefused(UNREADABLE, f"{path} changed as it was opened.")
    problem = _size_problem(path, opened.st_size)
    if problem is not None:
        os.close(descriptor)
        raise problem
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb"), opened.st_size


def _size_problem(path: Path, size: int) -> PackageRefused | None:
    if size == 0:
        return PackageRefused(
            EMPTY, f"{path} holds nothing; it may not have finished copying. {_NEW_COPY}"
        )
    if size > MAX_PACKAGE_BYTES:
        return PackageRefused(
            TOO_LARGE,
            f"{path} is {_amount(size)}; a homework package is at most "
            f"{_amount(MAX_PACKAGE_BYTES)}.",
        )
    return None


def _checked_entries(stream: IO[bytes], size: int, where: str) -> list[zipfile.ZipInfo]:
    """The entries of the zip in ``stream``, every one checked; raises :class:`PackageRefused`."""
    try:
        _check_end_record(stream, size)
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except PackageRefused:
        raise
    except NotImplementedError as error:  # a zip version beyond what zipfile reads
        raise PackageRefused(UNSUPPORTED, f"{where}: {error}.") from None
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error, OSError) as error:
        stream.seek(0)
        if stream.read(len(_LOCAL_SIGNATURE)) == _LOCAL_SIGNATURE:
            raise _damaged(f"{where} is a zip file that is cut short or damaged.") from error
        raise PackageRefused(
            NOT_PACKAGE, f"{where} is not a zip file, which every homework package is."
        ) from None
    _check_count(len(entries))
    names: dict[str, str] = {}  # what each name becomes on macOS or Windows → the name
    folders: dict[str, str] = {}  # the same for every folder a name is in, or names itself
    total = 0
    for entry in entries:
        _check_entry(entry)
        _check_unique(entry, names, folders)
        total += entry.file_size
    if total > MAX_TOTAL_BYTES:
        raise PackageRefused(
            UNPACKS_TOO_LARGE,
            f"Its files would take {_amount(total)} unpacked; a homework package takes at most "
            f"{_amount(MAX_TOTAL_BYTES)}.",
        )
    _check_layout(entries, size)
    return entries


def _check_end_record(stream: IO[bytes], size: int) -> None:
    """Refuse a table of contents too long for a package before zipfile reads it whole.

    The end record is found as zipfile finds it (the last signature in the last 64 KB); where
    none is found, zipfile says why.
    """
    start = max(0, size - _END_RECORD.size - 0xFFFF)
    stream.seek(start)
    tail = stream.read()
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return
    fields = _END_RECORD.unpack_from(tail, at)
    count, directory_bytes = fields[4], fields[5]
    record_at = start + at - _ZIP64_LOCATOR.size - _ZIP64_END_RECORD.size  # where zipfile looks
    if record_at >= 0:
        stream.seek(record_at)
        record = stream.read(_ZIP64_END_RECORD.size + _ZIP64_LOCATOR.size)
        locator = record[_ZIP64_END_RECORD.size :]
        if record[:4] == _ZIP64_END_SIGNATURE and locator[:4] == _ZIP64_LOCATOR_SIGNATURE:
            zip64 = _ZIP64_END_RECORD.unpack_from(record)
            count, directory_bytes = zip64[7], zip64[8]
    _check_count(count)
    if directory_bytes > size:
        raise _damaged("Its list of contents says it is longer than the whole file.")
    if directory_bytes > MAX_DIRECTORY_BYTES:
        raise PackageRefused(
            TOO_MANY,
            f"Its list of contents takes {_amount(directory_bytes)}; a homework package's takes "
            f"at most {_amount(MAX_DIRECTORY_BYTES)}.",
        )


def _check_count(count: int) -> None:
    if count > MAX_ENTRIES:
        raise PackageRefused(
            TOO_MANY,
            f"It holds {count} files and folders; a homework package holds at most {MAX_ENTRIES}.",
        )


def _check_entry(entry: zipfile.ZipInfo) -> None:
    """Refuse an entry whose name, kind, encryption, compression or sizes are not a package's."""
    shown = _shown(entry.orig_filename)
    for name in dict.fromkeys((entry.orig_filename, entry.filename)):
        problem = _name_problem(name)
        if problem is not None:
            raise PackageRefused(
                UNSAFE_NAME,
                f"It holds {shown}, whose name {problem}; a package names its files by plain "
                "relative paths only.",
            )
    kind = stat.S_IFMT(entry.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise PackageRefused(
            NOT_PLAIN, f"{shown} in it is a link, which could point anywhere on the computer."
        )
    if kind not in (0, stat.S_IFDIR if entry.is_dir() else stat.S_IFREG):
        raise PackageRefused(
            NOT_PLAIN, f"{shown} in it is not a plain file or folder (a device or a pipe)."
        )
    if entry.flag_bits & _ENCRYPTED_FLAGS:
        raise _encrypted(shown)
    if entry.compress_type not in _READABLE:
        raise PackageRefused(
            UNSUPPORTED,
            f"{shown} in it is compressed by method {entry.compress_type}; mtcalm reads files "
            "that are stored or deflated (what every zip tool makes by default).",
        )
    if entry.compress_type == zipfile.ZIP_STORED and entry.compress_size != entry.file_size:
        raise _damaged(f"{shown} in it is stored, but its two sizes differ.")
    unpacked, packed = entry.file_size, entry.compress_size
    if unpacked > RATIO_CHECKED_FROM and unpacked > MAX_RATIO * packed:
        raise PackageRefused(
            UNPACKS_TOO_LARGE,
            f"{shown} in it would unpack from {_amount(packed)} to {_amount(unpacked)}: more "
            f"than {MAX_RATIO} times its packed size, as a zip bomb does.",
        )


def _name_problem(name: str) -> str | None:
    """What makes ``name`` (a file, or a folder ending in '/') unsafe in a package, or None."""
    if name.startswith("/"):
        return "starts with '/'"
    if _DRIVE.match(name):
        return "starts with a drive"
    if "\\" in name:
        return "has a backslash"
    if any(unicodedata.category(character).startswith("C") for character in name):
        return "has a control character"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    for part in name.removesuffix("/").split("/"):
        if not part:
            return "has an empty part"
        if part in (".", ".."):
            return f"has a part that is {part!r}"
        if len(part.encode("utf-8")) > MAX_NAME_PART_BYTES:
            return f"has a part longer than {MAX_NAME_PART_BYTES} bytes"
    return None


def _check_unique(entry: zipfile.ZipInfo, names: dict[str, str], folders: dict[str, str]) -> None:
    """Refuse ``entry`` if its name or a folder it is in names the same as an earlier entry."""
    name = entry.filename
    path = name.removesuffix("/")
    key = _as_stored(path)
    earlier = names.get(key)
    if earlier is not None and earlier.endswith("/") != name.endswith("/"):
        raise _file_and_folder(name.removesuffix("/"))
    if earlier is not None:
        same = (
            f"{_shown(name)} twice" if earlier == name else f"{_shown(earlier)} and {_shown(name)}"
        )
        raise PackageRefused(
            SAME_NAME, f"It holds {same}, which would be one file on macOS and Windows."
        )
    names[key] = name
    parts = path.split("/")
    in_folders = ["/".join(parts[:end]) for end in range(1, len(parts))]
    if entry.is_dir():
        in_folders.append(path)
    elif key in folders:
        raise _file_and_folder(name)
    for folder in in_folders:
        folder_key = _as_stored(folder)
        earlier = names.get(folder_key)
        if earlier is not None and not earlier.endswith("/"):
            raise _file_and_folder(earlier)
        folders.setdefault(folder_key, folder)


def _as_stored(path: str) -> str:
    """``path`` as a filesystem that folds case and composes accents compares it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", path).casefold())


def _file_and_folder(name: str) -> PackageRefused:
    return PackageRefused(SAME_NAME, f"{_shown(name)} in it is both a file and a folder.")


def _check_layout(entries: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse entries whose data would lie past the end of the file or over another's."""
    placed = sorted(entries, key=lambda entry: entry.header_offset)
    for entry, following in zip(placed, [*placed[1:], None], strict=True):
        end = entry.header_offset + _LOCAL_HEADER.size + entry.compress_size
        if end > size or entry.header_offset < 0:
            raise _damaged(f"{_shown(entry.filename)} in it is cut short.")
        if following is not None and following.header_offset < end:
            raise _damaged(
                f"{_shown(entry.filename)} and {_shown(following.filename)} in it overlap, "
                "as the files of a zip bomb do."
            )


# -- extracting ------------------------------------------------------------------------------


def _check_destination(destination: Path) -> None:
    """Refuse a destination that exists, is a link, or whose folder is reached through one."""
    folder = destination.parent
    if destination.is_symlink():
        raise PackageRefused(NOT_UNPACKED, f"{destination} is a link; nothing was written.")
    if os.path.lexists(destination):
        raise _exists(destination)
    try:
        real = folder.resolve(strict=True)
    except OSError:
        raise PackageRefused(NOT_UNPACKED, f"There is no folder {folder}.") from None
    if not real.is_dir():
        raise PackageRefused(NOT_UNPACKED, f"{folder} is not a folder.")
    if real != folder.absolute():
        raise PackageRefused(
            NOT_UNPACKED, f"{folder} is reached through a link or '..'; nothing was written."
        )


def _exists(destination: Path) -> PackageRefused:
    return PackageRefused(EXISTS, f"{destination} exists already and was left as it is.")


# -- messages --------------------------------------------------------------------------------


def _damaged(problem: str) -> PackageRefused:
    return PackageRefused(DAMAGED, f"{problem} {_NEW_COPY}")


def _encrypted(shown: str) -> PackageRefused:
    return PackageRefused(
        ENCRYPTED,
        f"{shown} in it is encrypted; mtcalm opens packages without a password. Ask for a copy "
        "made without one.",
    )


def _shown(name: str) -> str:
    """A name from the package, quoted with its control characters escaped, and cut if long."""
    return repr(name if len(name) <= 80 else f"{name[:80]}…")


def _amount(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
