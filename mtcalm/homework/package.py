"""A homework package as a whole: written from a manifest and files, and checked, without Qt.

Writing makes the same bytes for the same input (sorted entries, fixed times, deflate), so a
package can be rebuilt and compared; the file appears whole or not at all, owner-only.
Checking opens the zip through :mod:`mtcalm.homework.archive` (which refuses hostile archives
before reading any data), reads ``homework.toml``, and then checks what it names: bundled
content that this mtcalm includes, and files that the package holds.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mtcalm.datadir import fsync_folder, partial_path
from mtcalm.homework.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    PACKAGE_SUFFIX,
    Homework,
    HomeworkError,
    package_path,
    read_manifest,
)

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no time leaks into the file


class PackageExists(FileExistsError):
    """The output file exists and replacing it was not asked for."""


def write_package(
    output: Path,
    manifest: bytes,
    files: Mapping[str, bytes] | None = None,
    *,
    replace: bool = False,
) -> None:
    """Write a package of ``manifest`` (``homework.toml``'s bytes) and ``files`` (path inside
    the package → content) to ``output``. The manifest is read first: raises
    :class:`HomeworkError` for one mtcalm would refuse, ``ValueError`` for an unsafe file name,
    :class:`PackageExists` for an existing ``output`` unless ``replace``.
    """
    read_manifest(manifest, str(output))
    entries = {MANIFEST_NAME: manifest}
    for name, content in (files or {}).items():
        if package_path(name) is None or name == MANIFEST_NAME:
            raise ValueError(f"not a name a package can hold: {name!r}")
        entries[name] = content
    folders = {name.rsplit("/", 1)[0] for name in entries if "/" in name}
    clash = sorted(
        name for name in entries if any(f == name or f.startswith(name + "/") for f in folders)
    )
    if clash:
        raise ValueError(f"a name is both a file and a folder: {clash[0]!r}")
    if output.exists() and not replace:
        raise PackageExists(f"{output} exists already")
    temporary = partial_path(output)  # streamed there: audio need not fit in memory
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            with zipfile.ZipFile(stream, "w") as archive:
                for name in sorted(entries):
                    info = zipfile.ZipInfo(name, FIXED_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o100644 << 16  # a regular file, readable
                    archive.writestr(info, entries[name])
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(output)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_folder(output.parent)


def looks_like_package(path: Path) -> bool:
    """A homework package: named so, or a zip file by its first bytes."""
    if path.name.casefold().endswith(PACKAGE_SUFFIX):
        return True
    try:
        with path.open("rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError:
        return False


@dataclass(frozen=True)
class Inspection:
    """A package read once: its homework and manifest bytes when they could be read, and every
    problem found (none when it is sound).
    """

    homework: Homework | None
    manifest: bytes
    problems: list[str]


def inspect_package(path: Path, bundled_refs: frozenset[str] | None = None) -> Inspection:
    """Open the package at ``path`` once, read its manifest, and check what it names.

    ``bundled_refs`` are the "playlist:…" and "script:…" this mtcalm includes (read from its
    assets when None). Never raises for a bad file.
    """
    from mtcalm.homework.archive import PackageArchive, PackageRefused

    try:
        with PackageArchive.open(path) as archive:
            names = set(archive.names())
            if MANIFEST_NAME not in names:
                problem = f"it holds no {MANIFEST_NAME}, so it is not an mtcalm homework package"
                return Inspection(None, b"", [problem])
            raw = archive.read(MANIFEST_NAME, MAX_MANIFEST_BYTES)
        homework = read_manifest(raw, MANIFEST_NAME)
    except PackageRefused as refused:
        return Inspection(
            None, b"", [f"{refused.short}: {refused.long}" if refused.long else refused.short]
        )
    except HomeworkError as error:
        where = f"{MANIFEST_NAME}:{error.line}: " if error.line else f"{MANIFEST_NAME}: "
        return Inspection(None, b"", [where + error.message])
    problems = _named_things(homework, names, bundled_refs or bundled_content_refs())
    return Inspection(homework, raw, problems)


def check_package(path: Path, bundled_refs: frozenset[str] | None = None) -> list[str]:
    """Every problem with the package at ``path``, in plain words (empty when it is sound)."""
    return inspect_package(path, bundled_refs).problems


def _bundled_track_missing(track: str) -> bool:
    from mtcalm.assets import assets_dir

    relative = track.removeprefix("bundled:")
    return not (assets_dir() / relative).is_file()


def bundled_content_refs() -> frozenset[str]:
    """The playlists and scripts this mtcalm includes, as a package names them."""
    from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir

    refs = {f"playlist:{path.stem}" for path in bundled_playlists_dir().glob("*.toml")}
    refs |= {f"script:{path.stem}" for path in bundled_scripts_dir().glob("*.toml")}
    return frozenset(refs)


def _named_things(homework: Homework, names: set[str], bundled: frozenset[str]) -> list[str]:
    problems = []
    for item in homework.content:
        if item.kind == "ref" and item.value not in bundled:
            problems.append(
                f"{MANIFEST_NAME}: names {item.value}, which this version of mtcalm does not"
                " include"
            )
    for name in homework.package_files():
        if name not in names:
            problems.append(f"{MANIFEST_NAME}: names {name}, which the package does not hold")
    for avoid in homework.avoid:
        if avoid.track.startswith("bundled:") and _bundled_track_missing(avoid.track):
            problems.append(
                f"{MANIFEST_NAME}: asks to avoid {avoid.track}, which this version of mtcalm "
                "does not include"
            )
    return problems


def content_titles(path: Path, homework: Homework) -> dict[str, str]:
    """The titles of the content, by its value: bundled ones from mtcalm's own files, the
    package's own from the package; a title that cannot be read is left out.
    """
    from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
    from mtcalm.homework.archive import PackageArchive, PackageRefused
    from mtcalm.playlists import MAX_PLAYLIST_BYTES
    from mtcalm.scripts import MAX_SCRIPT_BYTES

    titles: dict[str, str] = {}
    folders = {"playlist": bundled_playlists_dir(), "script": bundled_scripts_dir()}
    limits = {"playlist": MAX_PLAYLIST_BYTES, "script": MAX_SCRIPT_BYTES}
    try:
        with PackageArchive.open(path) as archive:
            for item in homework.content:
                if item.kind == "ref":
                    kind, _, name = item.value.partition(":")
                    with contextlib.suppress(OSError):
                        raw = (folders[kind] / f"{name}.toml").read_bytes()
                        _add_title(titles, item.value, raw, kind)
                elif archive.size(item.value) <= limits[item.kind]:  # else mtcalm cannot play it
                    raw = archive.read(item.value, limits[item.kind])
                    _add_title(titles, item.value, raw, item.kind)
    except PackageRefused:
        return titles  # what could be read; the package's own check says what is wrong
    return titles


def _add_title(titles: dict[str, str], value: str, raw: bytes, table: str) -> None:
    try:
        document = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return
    header = document.get(table)
    title = header.get("title") if isinstance(header, dict) else None
    if isinstance(title, str) and title.strip():
        titles[value] = " ".join(title.split())
