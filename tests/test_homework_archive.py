"""The safe reader of homework packages: every hostile zip is built here, refused with its plain
message, and leaves nothing behind; a sound package reads and unpacks whole and owner-only."""

from __future__ import annotations

import errno
import io
import os
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm.datadir import DISK_FULL
from mtcalm.homework import archive as archive_module
from mtcalm.homework.archive import (
    DAMAGED,
    EMPTY,
    ENCRYPTED,
    EXISTS,
    FILE_TOO_LARGE,
    MAX_ENTRIES,
    MAX_PACKAGE_BYTES,
    NO_FILE,
    NOT_A_FILE,
    NOT_PACKAGE,
    NOT_PLAIN,
    NOT_UNPACKED,
    SAME_NAME,
    TOO_LARGE,
    TOO_MANY,
    UNPACKS_TOO_LARGE,
    UNSAFE_NAME,
    UNSUPPORTED,
    PackageArchive,
    PackageRefused,
)

PACKAGE = "package.mtcalm-homework"
TEXT = b"Breathe in for four, out for six. " * 40
# Where zipfile writes each field: (offset in the central entry, in the local header, format).
FIELDS = {
    "flags": (8, 6, "<H"),
    "method": (10, 8, "<H"),
    "crc": (16, 14, "<L"),
    "compressed": (20, 18, "<L"),
    "size": (24, 22, "<L"),
    "mode": (38, None, "<L"),
    "offset": (42, None, "<L"),
    "name_length": (28, 26, "<H"),
    "extra_length": (30, 28, "<H"),
}


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path written by mistake would show in the listings below."""
    monkeypatch.chdir(tmp_path)


# -- building packages -----------------------------------------------------------------------


def entry(
    name: str, mode: int | None = None, method: int = zipfile.ZIP_DEFLATED
) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.compress_type = method
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def zipped(*files: tuple[str | zipfile.ZipInfo, bytes], comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        warnings.simplefilter("ignore")  # zipfile warns of duplicate names, made on purpose
        for name, content in files:
            out.writestr(name, content)
        out.comment = comment
    return buffer.getvalue()


def central_entries(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, name) of each entry in the central directory of a zip that zipfile wrote."""
    end = data.rindex(b"PK\x05\x06")
    count, _, at = struct.unpack_from("<HLL", data, end + 10)
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, at + 28)
        yield at, data[at + 46 : at + 46 + name_length]
        at += 46 + name_length + extra_length + comment_length


def patched(data: bytes, name: str, *, where: str = "both", **values: int) -> bytes:
    """``data`` with fields of entry ``name`` set in its central entry, local header or both."""
    buffer = bytearray(data)
    for at, stored_name in central_entries(data):
        if stored_name != name.encode():
            continue
        (local,) = struct.unpack_from("<L", buffer, at + 42)
        for field, value in values.items():
            central_offset, local_offset, form = FIELDS[field]
            if where in ("both", "central"):
                struct.pack_into(form, buffer, at + central_offset, value)
            if where in ("both", "local") and local_offset is not None:
                struct.pack_into(form, buffer, local + local_offset, value)
        return bytes(buffer)
    raise AssertionError(f"no entry {name}")


def field(data: bytes, name: str, which: str) -> int:
    for at, stored_name in central_entries(data):
        if stored_name == name.encode():
            offset, _, form = FIELDS[which]
            return int(struct.unpack_from(form, data, at + offset)[0])
    raise AssertionError(f"no entry {name}")


def listing(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / PACKAGE
    path.write_bytes(data)
    return path


def refused_at_open(tmp_path: Path, data: bytes | Path) -> PackageRefused:
    """Open ``data`` (bytes written as a package, or a path as it is), expecting a refusal
    that writes nothing.
    """
    path = data if isinstance(data, Path) else written(tmp_path, data)
    before = listing(tmp_path)
    with pytest.raises(PackageRefused) as refusal:
        PackageArchive.open(path)
    assert listing(tmp_path) == before
    return refusal.value


def refused_at_read(tmp_path: Path, data: bytes, name: str) -> PackageRefused:
    """Open ``data``, then expect both reading and extracting ``name`` to be refused the same
    way, with nothing written."""
    folder = tmp_path / "unpacked"
    folder.mkdir(parents=True)
    package = written(tmp_path, data)
    before = listing(tmp_path)
    with PackageArchive.open(package) as archive:
        with pytest.raises(PackageRefused) as reading:
            archive.read(name, 10 * 1024**2)
        with pytest.raises(PackageRefused) as extracting:
            archive.extract(name, folder / "out")
    assert extracting.value.short == reading.value.short
    assert listing(tmp_path) == before
    return reading.value


# -- the file itself -------------------------------------------------------------------------


def test_random_bytes_are_not_a_package(tmp_path: Path) -> None:
    refusal = refused_at_open(tmp_path, bytes(range(256)) * 40)
    assert refusal.short == NOT_PACKAGE == "This file is not a homework package"
    assert "not a zip file" in refusal.long


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    assert refused_at_open(tmp_path, b"").short == EMPTY


def test_a_folder_a_pipe_a_link_and_nothing_are_refused_without_being_opened(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "folder.mtcalm-homework"
    folder.mkdir()
    pipe = tmp_path / "pipe.mtcalm-homework"
    os.mkfifo(pipe)  # opening it to read would wait for a writer for ever
    real = written(tmp_path, zipped(("homework.toml", TEXT)))
    link = tmp_path / "link.mtcalm-homework"
    link.symlink_to(real)

    assert refused_at_open(tmp_path, folder).short == NOT_A_FILE
    assert "is a folder" in refused_at_open(tmp_path, folder).long
    assert refused_at_open(tmp_path, pipe).short == NOT_A_FILE
    assert "pipe" in refused_at_open(tmp_path, pipe).long
    assert refused_at_open(tmp_path, link).short == NOT_A_FILE
    assert "is a link" in refused_at_open(tmp_path, link).long
    assert refused_at_open(tmp_path, tmp_path / "gone.mtcalm-homework").short == NO_FILE


def test_a_file_over_512_mb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.mtcalm-homework"
    with huge.open("wb") as out:
        out.truncate(MAX_PACKAGE_BYTES + 1)  # sparse: no disk used
    refusal = refused_at_open(tmp_path, huge)
    assert refusal.short == TOO_LARGE
    assert "at most 512 MB" in refusal.long


def test_a_truncated_zip_is_damaged(tmp_path: Path) -> None:
    whole = zipped(("homework.toml", TEXT), ("audio/rain.ogg", os.urandom(5000)))
    refusal = refused_at_open(tmp_path, whole[: len(whole) // 2])
    assert refusal.short == DAMAGED
    assert "cut short" in refusal.long


def test_trailing_bytes_are_read_past_only_where_zipfile_finds_the_end(tmp_path: Path) -> None:
    whole = zipped(("homework.toml", TEXT))
    with PackageArchive.open(written(tmp_path, whole + b"\0" * 1000)) as archive:
        assert archive.read("homework.toml", 10_000) == TEXT
    assert refused_at_open(tmp_path, whole + b"\0" * 70_000).short == DAMAGED


# -- the table of contents -------------------------------------------------------------------


def test_more_than_256_entries_are_refused_whatever_the_end_record_says(tmp_path: Path) -> None:
    many = zipped(*((f"audio/{index}.ogg", b"x") for index in range(MAX_ENTRIES + 1)))
    refusal = refused_at_open(tmp_path, many)
    assert refusal.short == TOO_MANY == "The homework package holds too many files"
    assert "257 files and folders" in refusal.long
    end = many.rindex(b"PK\x05\x06")
    lying = bytearray(many)
    struct.pack_into("<HH", lying, end + 8, 1, 1)  # zipfile reads the entries, not the count
    assert refused_at_open(tmp_path, bytes(lying)).short == TOO_MANY

    with PackageArchive.open(written(tmp_path, zipped(*many_files(MAX_ENTRIES)))) as archive:
        assert len(archive.names()) == MAX_ENTRIES


def test_a_count_over_256_in_the_end_record_is_refused_before_zipfile_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = bytearray(zipped(("homework.toml", TEXT), ("notes.txt", TEXT)))
    end = plain.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", plain, end + 8, 300, 300)
    assert "300 files and folders" in refused_at_open(tmp_path, bytes(plain)).long

    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # zipfile then writes zip64 records
    zip64 = bytearray(zipped(("homework.toml", TEXT), ("notes.txt", TEXT)))
    record = zip64.rindex(b"PK\x06\x06")
    struct.pack_into("<QQ", zip64, record + 24, 300, 300)
    refusal = refused_at_open(tmp_path, bytes(zip64))
    assert refusal.short == TOO_MANY
    assert "300 files and folders" in refusal.long


def many_files(count: int) -> Iterator[tuple[str, bytes]]:
    return ((f"audio/{index}.ogg", b"x") for index in range(count))


def test_a_table_of_contents_over_1_mb_is_refused_before_zipfile_reads_it(tmp_path: Path) -> None:
    files = []
    for index in range(20):
        info = entry(f"notes/{index}.txt")
        info.comment = b"c" * 65535
        files.append((info, b"x"))
    refusal = refused_at_open(tmp_path, zipped(*files))
    assert refusal.short == TOO_MANY
    assert "list of contents" in refusal.long


HOSTILE_NAMES = [
    "/etc/passwd",
    "//server/share/x.ogg",
    "C:evil.ogg",
    "c:x",
    "C:/Windows/x.dll",
    "audio\\..\\..\\x.ogg",
    "a\x01b.ogg",
    "a\x7fb.ogg",
    "two\nlines.ogg",
    "\u202egpj.exe",  # a right-to-left override: "exe.jpg" on screen
    "../outside.ogg",
    "audio/../../outside.ogg",
    "audio/..",
    "./homework.toml",
    "audio/./rain.ogg",
    "audio//rain.ogg",
    "../",
    "a" * 256,
    "/".join(["a" * 200] * 6),  # each part fits, the whole is over 1024 bytes
    "é" * 128 + ".ogg",  # 260 bytes in UTF-8, in 132 characters
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    refusal = refused_at_open(tmp_path, zipped(("homework.toml", TEXT), (name, b"x")))
    assert refusal.short == UNSAFE_NAME == "The homework package has an unsafe file name"
    if len(name) <= 80:
        assert repr(name) in refusal.long


def test_a_nul_in_a_name_is_refused_though_zipfile_would_cut_the_name_there(
    tmp_path: Path,
) -> None:
    data = zipped(("homework.toml", TEXT), ("audio/rainZ.ogg", b"x"))
    refusal = refused_at_open(tmp_path, data.replace(b"rainZ", b"rain\0"))
    assert refusal.short == UNSAFE_NAME
    assert "control character" in refusal.long


def test_an_empty_name_is_refused(tmp_path: Path) -> None:
    data = zipped(("homework.toml", TEXT), ("Z", b"x"))  # zipfile writes no empty name
    empty = patched(data, "Z", name_length=0, extra_length=1)  # "Z" now opens the extra field
    refusal = refused_at_open(tmp_path, empty)
    assert refusal.short == UNSAFE_NAME
    assert "empty part" in refusal.long


def test_plain_names_in_any_language_are_accepted(tmp_path: Path) -> None:
    names = [
        "homework.toml",
        "audio/Île de calme – matin.ogg",
        "scripts/日本語のスクリプト.toml",
        "notes/تنفس عميق.txt",
        "a" * 255,
        "/".join(["b" * 200] * 5),
    ]
    with PackageArchive.open(written(tmp_path, zipped(*((n, n.encode()) for n in names)))) as it:
        assert it.names() == names
        assert [it.read(name, 2000) for name in names] == [name.encode() for name in names]


@pytest.mark.parametrize(
    ("name", "mode", "said"),
    [
        ("audio/rain.ogg", stat.S_IFLNK | 0o777, "is a link"),
        ("audio/rain.ogg", stat.S_IFIFO | 0o644, "not a plain file"),
        ("audio/rain.ogg", stat.S_IFCHR | 0o644, "not a plain file"),
        ("audio/rain.ogg", stat.S_IFDIR | 0o755, "not a plain file"),
        ("audio/", stat.S_IFLNK | 0o777, "is a link"),
    ],
)
def test_links_and_special_files_are_refused(
    tmp_path: Path, name: str, mode: int, said: str
) -> None:
    refusal = refused_at_open(tmp_path, zipped(("homework.toml", TEXT), (entry(name, mode), b"/")))
    assert refusal.short == NOT_PLAIN
    assert said in refusal.long


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("audio/rain.ogg", "audio/rain.ogg"),
        ("Notes.txt", "NOTES.TXT"),
        ("café.txt", "cafe\u0301.txt"),  # composed and decomposed: one file on macOS
        ("Straße.txt", "STRASSE.txt"),
        ("Audio/Rain.ogg", "audio/rain.OGG"),
        ("audio/", "Audio/"),
    ],
)
def test_two_names_for_one_file_are_refused(tmp_path: Path, first: str, second: str) -> None:
    refusal = refused_at_open(tmp_path, zipped((first, b"1"), (second, b"2")))
    assert refusal.short == SAME_NAME == "The homework package holds two files with the same name"
    assert repr(second) in refusal.long


@pytest.mark.parametrize(
    "names",
    [("audio", "audio/rain.ogg"), ("audio/rain.ogg", "Audio"), ("audio/", "audio")],
)
def test_a_name_that_is_a_file_and_a_folder_is_refused(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    refusal = refused_at_open(tmp_path, zipped(*((name, b"") for name in names)))
    assert refusal.short == SAME_NAME
    assert "both a file and a folder" in refusal.long


def test_folders_are_allowed_and_not_listed(tmp_path: Path) -> None:
    data = zipped(
        ("audio/", b""), (entry("scripts/", stat.S_IFDIR | 0o755), b""), ("audio/rain.ogg", b"r")
    )
    with PackageArchive.open(written(tmp_path, data)) as archive:
        assert archive.names() == ["audio/rain.ogg"]
        with pytest.raises(KeyError):
            archive.read("audio/", 10)


@pytest.mark.parametrize("where", ["both", "central"])
def test_an_encrypted_entry_is_refused(tmp_path: Path, where: str) -> None:
    data = zipped(("homework.toml", TEXT), ("audio/rain.ogg", b"x"))
    refusal = refused_at_open(tmp_path, patched(data, "audio/rain.ogg", where=where, flags=0x1))
    assert refusal.short == ENCRYPTED == "The homework package is protected by a password"


def test_encryption_said_only_in_the_local_header_is_refused_on_reading(tmp_path: Path) -> None:
    data = patched(zipped(("audio/rain.ogg", b"x")), "audio/rain.ogg", where="local", flags=0x1)
    assert refused_at_read(tmp_path, data, "audio/rain.ogg").short == ENCRYPTED


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_other_than_stored_or_deflated_is_refused(tmp_path: Path, method: int) -> None:
    data = zipped(("homework.toml", TEXT), (entry("audio/rain.ogg", method=method), TEXT))
    refusal = refused_at_open(tmp_path, data)
    assert refusal.short == UNSUPPORTED
    assert f"method {method}" in refusal.long


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("homework.toml", TEXT)
        with out.open(entry("audio/rain.wav"), "w") as bomb:
            zeros = bytes(4 * 1024**2)
            for _ in range(75):  # 300 MB of zeros, deflated as it is written
                bomb.write(zeros)
    data = buffer.getvalue()
    assert len(data) < 400_000
    refusal = refused_at_open(tmp_path, data)
    assert refusal.short == UNPACKS_TOO_LARGE == "The homework package is too large when unpacked"
    assert "to 300 MB" in refusal.long and "zip bomb" in refusal.long


def test_more_than_1_gb_unpacked_in_all_is_refused(tmp_path: Path) -> None:
    names = [f"audio/{index}.wav" for index in range(3)]
    data = zipped(*((name, b"x") for name in names))
    for name in names:  # 400 MB from 5 MB each: a ratio real audio could have
        data = patched(data, name, where="central", size=400 * 1024**2, compressed=5 * 1024**2)
    refusal = refused_at_open(tmp_path, data)
    assert refusal.short == UNPACKS_TOO_LARGE
    assert "1200 MB unpacked" in refusal.long


def test_entries_sharing_their_data_are_refused(tmp_path: Path) -> None:
    data = zipped(("audio/a.ogg", TEXT), ("audio/b.ogg", TEXT))
    first = field(data, "audio/a.ogg", "offset")
    refusal = refused_at_open(tmp_path, patched(data, "audio/b.ogg", offset=first))
    assert refusal.short == DAMAGED
    assert "overlap" in refusal.long


def test_data_said_to_go_past_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    data = zipped(("audio/rain.ogg", TEXT))
    refusal = refused_at_open(tmp_path, patched(data, "audio/rain.ogg", compressed=10**6))
    assert refusal.short == DAMAGED
    assert "cut short" in refusal.long


def test_a_stored_entry_with_two_sizes_is_refused(tmp_path: Path) -> None:
    data = zipped((entry("audio/rain.ogg", method=zipfile.ZIP_STORED), TEXT))
    refusal = refused_at_open(tmp_path, patched(data, "audio/rain.ogg", size=len(TEXT) - 1))
    assert refusal.short == DAMAGED


# -- reading ---------------------------------------------------------------------------------


def test_data_larger_than_declared_is_refused_as_it_comes_out(tmp_path: Path) -> None:
    content = bytes(64 * 1024**2)  # 64 MB of zeros said to be 10 bytes: under the ratio check
    data = zipped(("audio/rain.wav", content))
    data = patched(data, "audio/rain.wav", size=10, crc=zlib.crc32(content[:10]))
    refusal = refused_at_read(tmp_path, data, "audio/rain.wav")
    assert refusal.short == DAMAGED
    assert "holds more than the package says" in refusal.long


def test_data_shorter_than_declared_is_refused(tmp_path: Path) -> None:
    data = patched(zipped(("notes.txt", TEXT)), "notes.txt", size=len(TEXT) + 100)
    refusal = refused_at_read(tmp_path, data, "notes.txt")
    assert refusal.short == DAMAGED
    assert "shorter than the package says" in refusal.long


def test_a_wrong_crc_is_refused(tmp_path: Path) -> None:
    data = zipped(("notes.txt", TEXT))
    data = patched(data, "notes.txt", crc=field(data, "notes.txt", "crc") ^ 1)
    refusal = refused_at_read(tmp_path, data, "notes.txt")
    assert refusal.short == DAMAGED
    assert "CRC" in refusal.long


def test_headers_that_disagree_are_refused(tmp_path: Path) -> None:
    data = patched(zipped(("notes.txt", TEXT)), "notes.txt", where="central", size=len(TEXT) - 1)
    refusal = refused_at_read(tmp_path, data, "notes.txt")
    assert refusal.short == DAMAGED
    assert "disagree" in refusal.long
    renamed = zipped(("notes.txt", TEXT))
    local = renamed.index(b"notes.txt")  # the local header comes first
    renamed = renamed[:local] + b"nodes" + renamed[local + 5 :]
    assert refused_at_read(tmp_path / "renamed", renamed, "notes.txt").short == DAMAGED


def test_corrupt_compressed_data_is_refused(tmp_path: Path) -> None:
    content = b" ".join(str(index * 7919 % 10007).encode() for index in range(3000))
    data = bytearray(zipped(("notes.txt", content)))
    start = 30 + len(b"notes.txt")
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0x55
    assert refused_at_read(tmp_path, bytes(data), "notes.txt").short == DAMAGED


def test_compressed_data_cut_short_or_followed_by_more_is_refused(tmp_path: Path) -> None:
    data = zipped(("notes.txt", TEXT))
    packed = field(data, "notes.txt", "compressed")
    short = refused_at_read(
        tmp_path, patched(data, "notes.txt", compressed=packed - 5), "notes.txt"
    )
    assert short.short == DAMAGED
    assert "cut short" in short.long
    more = patched(data, "notes.txt", compressed=packed + 10)
    refusal = refused_at_read(tmp_path / "more", more, "notes.txt")
    assert refusal.short == DAMAGED
    assert "data after its end" in refusal.long


def test_a_file_over_the_callers_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with PackageArchive.open(written(tmp_path, zipped(("homework.toml", TEXT)))) as archive:
        with pytest.raises(PackageRefused) as refusal:
            archive.read("homework.toml", len(TEXT) - 1)
        assert refusal.value.short == FILE_TOO_LARGE
        assert archive.read("homework.toml", len(TEXT)) == TEXT


def test_a_sound_package_reads_in_its_order(tmp_path: Path) -> None:
    audio = os.urandom(200_000)
    data = zipped(
        ("homework.toml", TEXT),
        ("audio/", b""),
        (entry("audio/rain.ogg", stat.S_IFREG | 0o644, zipfile.ZIP_STORED), audio),
        ("notes/empty.txt", b""),
    )
    with PackageArchive.open(written(tmp_path, data)) as archive:
        assert archive.names() == ["homework.toml", "audio/rain.ogg", "notes/empty.txt"]
        assert [archive.size(name) for name in archive.names()] == [len(TEXT), len(audio), 0]
        assert archive.read("audio/rain.ogg", len(audio)) == audio
        assert archive.read("homework.toml", 10**6) == TEXT
        assert archive.read("notes/empty.txt", 0) == b""
        with pytest.raises(KeyError):
            archive.read("notes/missing.txt", 10)


# -- extracting ------------------------------------------------------------------------------


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    return written(tmp_path, zipped(("homework.toml", TEXT), ("audio/rain.ogg", b"rain" * 500)))


def test_extracting_writes_whole_owner_only_files_and_nothing_else(
    tmp_path: Path, sound: Path
) -> None:
    folder = tmp_path / "data" / "homework"
    folder.mkdir(parents=True)
    old_umask = os.umask(0)
    try:
        with PackageArchive.open(sound) as archive:
            archive.extract("homework.toml", folder / "homework.toml")
            archive.extract("audio/rain.ogg", folder / "rain.ogg")
    finally:
        os.umask(old_umask)
    assert sorted(path.name for path in folder.iterdir()) == ["homework.toml", "rain.ogg"]
    assert (folder / "homework.toml").read_bytes() == TEXT
    assert (folder / "rain.ogg").read_bytes() == b"rain" * 500
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_extracting_never_replaces_a_file(tmp_path: Path, sound: Path) -> None:
    existing = tmp_path / "homework.toml"
    existing.write_bytes(b"mine")
    with PackageArchive.open(sound) as archive, pytest.raises(PackageRefused) as refusal:
        archive.extract("homework.toml", existing)
    assert refusal.value.short == EXISTS == "The file exists already"
    assert existing.read_bytes() == b"mine"
    assert listing(tmp_path) == sorted([PACKAGE, "homework.toml"])


def test_extracting_refuses_links_and_folders_reached_through_them(
    tmp_path: Path, sound: Path
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "through").symlink_to(real)
    before = listing(tmp_path)
    with PackageArchive.open(sound) as archive:
        for destination in [
            tmp_path / "dangling",
            tmp_path / "through" / "homework.toml",
            real / ".." / "real" / "homework.toml",
            tmp_path / "missing" / "homework.toml",
        ]:
            with pytest.raises(PackageRefused) as refusal:
                archive.extract("homework.toml", destination)
            assert refusal.value.short == NOT_UNPACKED, destination
    assert listing(tmp_path) == before


def test_a_failed_extraction_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zipped(("homework.toml", TEXT), ("notes.txt", TEXT))
    data = patched(data, "notes.txt", crc=field(data, "notes.txt", "crc") ^ 1)
    folder = tmp_path / "data"
    folder.mkdir()
    with PackageArchive.open(written(tmp_path, data)) as archive:
        with pytest.raises(PackageRefused) as refusal:
            archive.extract("notes.txt", folder / "notes.txt")
        assert refusal.value.short == DAMAGED
        assert list(folder.iterdir()) == []

        def full(descriptor: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(PackageRefused) as refusal:
            archive.extract("homework.toml", folder / "homework.toml")
        assert (refusal.value.short, refusal.value.long) == (NOT_UNPACKED, DISK_FULL)
        assert list(folder.iterdir()) == []


def test_all_extractions_from_a_package_share_one_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 3000)
    data = zipped(("audio/rain.ogg", bytes(2000)))
    with PackageArchive.open(written(tmp_path, data)) as archive:
        archive.extract("audio/rain.ogg", tmp_path / "first.ogg")
        with pytest.raises(PackageRefused) as refusal:
            archive.extract("audio/rain.ogg", tmp_path / "second.ogg")
    assert refusal.value.short == UNPACKS_TOO_LARGE
    assert not (tmp_path / "second.ogg").exists()
    assert listing(tmp_path) == sorted(["first.ogg", PACKAGE])


# -- anything at all -------------------------------------------------------------------------

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SEED = zipped(("homework.toml", TEXT[:200]), ("audio/", b""), ("audio/rain.ogg", b"rain" * 50))


@FUZZ
@given(changes=st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.integers(0, 255)), max_size=8))
def test_a_damaged_package_raises_only_package_refused(
    tmp_path: Path, changes: list[tuple[int, int]]
) -> None:
    data = bytearray(SEED)
    for offset, value in changes:
        data[offset] = value
    path = tmp_path / "fuzz.mtcalm-homework"
    path.write_bytes(bytes(data))
    try:
        with PackageArchive.open(path) as archive:
            for name in archive.names():
                archive.read(name, 10**6)
    except PackageRefused:
        pass
