"""A draft written as a package, and a package opened again as a draft, without Qt.

:func:`build_package` gathers the therapist's own audio files (each checked to be audio mtcalm
can play, the whole within what the package reader accepts) into one playlist of the package
and writes it all with :func:`~mtcalm.homework.package.write_package`, checked as ``mtcalm
check`` checks a package before it gets its name. :func:`draft_from_package` opens a package
as its next revision, unpacking its own audio so it can be written again.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mtcalm.homework.archive import PackageArchive
from mtcalm.homework.draft import (
    AUDIO_FOLDER,
    OWN_CROSSFADE_SECONDS,
    Draft,
    DraftProblem,
    OwnAudio,
    Question,
    audio_names,
    clean,
    manifest_text,
    own_playlist_name,
)
from mtcalm.homework.manifest import HomeworkError, package_path
from mtcalm.playlists import MAX_TEXT, default_title, toml_string


@dataclass(frozen=True)
class Built:
    """A package written: where, how many files it holds and its size in bytes."""

    path: Path
    files: int
    size: int


def playlist_text(draft: Draft) -> str:
    """The package's playlist of the therapist's own audio files (the format of
    docs/playlists.md), its tracks named from the playlist's folder ("../audio/rain.ogg").
    """
    title = clean(draft.own_playlist_title) or clean(draft.title)
    lines = [
        "# mtcalm playlist (format 1): the therapist's own audio of this homework",
        "format = 1",
        "",
        "[playlist]",
        f"title = {toml_string(title[:MAX_TEXT])}",
        f"crossfade_seconds = {OWN_CROSSFADE_SECONDS!r}",
    ]
    for item, name in zip(draft.own_audio, audio_names(draft.own_audio), strict=True):
        track_title = clean(item.title) or default_title(item.path.name)
        lines += ["", "[[track]]", f"file = {toml_string('../' + name)}"]
        lines.append(f"title = {toml_string(track_title[:MAX_TEXT])}")
    return "\n".join(lines) + "\n"


def package_files(draft: Draft) -> dict[str, bytes]:
    """Every file the package holds besides ``homework.toml``, read whole, once each own
    audio file is found to be one mtcalm can play and the whole within the reader's limits.
    """
    from mtcalm.audio.metadata import AudioFileError, read_audio_info
    from mtcalm.homework.archive import MAX_ENTRIES, MAX_PACKAGE_BYTES

    if not draft.own_audio:
        return {}
    if len(draft.own_audio) + 2 > MAX_ENTRIES:
        raise DraftProblem(
            "own_audio", f"A package can hold at most {MAX_ENTRIES - 2} audio files of your own."
        )
    total = 0
    for item in draft.own_audio:
        try:
            details = item.path.stat()
            if not stat.S_ISREG(details.st_mode):
                raise DraftProblem("own_audio", f"{item.path.name} is not a file.")
            read_audio_info(item.path)
        except AudioFileError as error:
            raise DraftProblem(
                "own_audio", f"{item.path.name} cannot be used: {error.short}. {error.long}"
            ) from None
        except OSError as error:
            raise DraftProblem(
                "own_audio", f"{item.path.name} cannot be read: {error.strerror or error}"
            ) from None
        total += details.st_size
    if total > MAX_PACKAGE_BYTES:
        raise DraftProblem(
            "own_audio",
            f"Your audio files take {total // 1024**2} MB; a homework package holds at most "
            f"{MAX_PACKAGE_BYTES // 1024**2} MB.",
        )
    files = {own_playlist_name(draft): playlist_text(draft).encode("utf-8")}
    for item, name in zip(draft.own_audio, audio_names(draft.own_audio), strict=True):
        try:
            files[name] = item.path.read_bytes()
        except OSError as error:
            raise DraftProblem(
                "own_audio", f"{item.path.name} cannot be read: {error.strerror or error}"
            ) from None
    return files


def build_package(draft: Draft, output: Path, replace: bool = False) -> Built:
    """Write ``draft`` as a package at ``output``: whole or not at all, owner-only, checked as
    ``mtcalm check`` checks it before it gets its name. Raises :class:`DraftProblem`, and
    :class:`~mtcalm.homework.package.PackageExists` when ``output`` exists and not ``replace``.
    """
    from mtcalm.datadir import fsync_folder, partial_path, publish, why_not_written
    from mtcalm.homework.package import PackageExists, check_package, write_package

    manifest = manifest_text(draft).encode("utf-8")
    output = output.absolute()
    if output.is_dir():
        raise DraftProblem("package", f"{output} is a folder.")
    if os.path.lexists(output) and not replace:
        raise PackageExists(f"{output} exists already")
    files = package_files(draft)
    temporary = partial_path(output)
    try:
        write_package(temporary, manifest, files)
        problems = check_package(temporary)
        if problems:
            raise DraftProblem("package", " ".join(problems))
        size = temporary.stat().st_size
        if replace:
            temporary.replace(output)
            fsync_folder(output.parent)
        else:
            publish(temporary, output)
    except FileExistsError:
        raise PackageExists(f"{output} exists already") from None
    except OSError as error:
        reason = why_not_written(error, output.parent)
        raise DraftProblem("package", f"The package could not be saved: {reason}") from None
    except (HomeworkError, ValueError) as error:
        raise DraftProblem("package", str(error)) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return Built(output, len(files) + 1, size)


# -- opening a package again --------------------------------------------------------------------


def draft_from_package(path: Path, audio_folder: Path) -> Draft:
    """The package at ``path`` as its next revision (the same id, revision + 1). Its own audio
    is unpacked into ``audio_folder`` (an existing folder), where the draft's own audio files
    then are. Raises :class:`DraftProblem` (part "package") for a package that cannot be opened.
    """
    from mtcalm.homework.archive import PackageRefused
    from mtcalm.homework.install import HomeworkRefused, read_package
    from mtcalm.playlists import MAX_PLAYLIST_BYTES

    try:
        homework, _ = read_package(path)
    except HomeworkRefused as refused:
        raise DraftProblem("package", f"{refused.short}: {refused.long}") from None
    if homework.revision >= 1_000_000:
        raise DraftProblem("package", "This package has the last revision there can be.")
    items = homework.checkin_items
    draft = Draft(
        id=homework.id,
        revision=homework.revision + 1,
        title=homework.title,
        instructions=homework.instructions,
        therapist_name=homework.therapist.name,
        therapist_reach=homework.therapist.reach,
        starts=homework.schedule.starts,
        weeks=homework.schedule.weeks,
        sessions_per_week=homework.schedule.sessions_per_week,
        minimum_minutes=homework.schedule.minimum_minutes,
        preferred_times=list(homework.schedule.preferred_times),
        refs=[item.value for item in homework.content if item.kind == "ref"],
        craving=any(item.key == "craving" for item in items),
        tension=any(item.key == "tension" for item in items),
        questions=[
            Question(item.label, item.low_anchor, item.high_anchor)
            for item in items
            if item.is_custom
        ],
        contacts=list(homework.contacts),
        avoid=list(homework.avoid),
    )
    own = [item for item in homework.content if item.kind != "ref"]
    if any(item.kind == "script" for item in own):
        raise DraftProblem(
            "package",
            "This package holds a guided-imagery script of its own, which the editor cannot "
            "change yet; change its homework.toml and use `mtcalm homework new`.",
        )
    try:
        with PackageArchive.open(path) as archive:
            for item in own:
                document = tomllib.loads(
                    archive.read(item.value, MAX_PLAYLIST_BYTES).decode("utf-8-sig")
                )
                draft.own_playlist_name = draft.own_playlist_name or item.value
                header = document.get("playlist", {})
                draft.own_playlist_title = draft.own_playlist_title or str(header.get("title", ""))
                for track in document.get("track", []):
                    draft.own_audio.append(_unpacked(archive, item.value, track, audio_folder))
    except (PackageRefused, KeyError, ValueError, AttributeError, TypeError, OSError) as error:
        raise DraftProblem("package", f"Its own audio cannot be opened: {error}") from None
    return draft


def _unpacked(
    archive: PackageArchive, playlist: str, track: dict[str, object], folder: Path
) -> OwnAudio:
    """One track of a package's playlist, unpacked into ``folder``."""
    entry = str(track["file"])
    name = package_path(posixpath.normpath(posixpath.join(posixpath.dirname(playlist), entry)))
    if name is None or not name.startswith(f"{AUDIO_FOLDER}/"):
        raise ValueError(f"{playlist} names {entry}, which is not in the package's audio/")
    # Its place under audio/ kept: "audio/a/b.ogg" and "audio/a-b.ogg" are two files (the
    # name was checked safe above); the same entry named twice is unpacked once.
    target = folder.joinpath(*name.removeprefix(f"{AUDIO_FOLDER}/").split("/"))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        archive.extract(name, target)
    return OwnAudio(target, str(track.get("title", "")))
