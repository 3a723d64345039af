"""Bringing a homework package into a data folder: all or nothing, without Qt.

The package is checked whole first (:func:`mtcalm.homework.package.check_package`). Its own
playlists, scripts and audio are unpacked into a staging folder inside the data folder and
renamed into ``homework/ID-rREVISION/`` only when every file is there; then one journal
transaction records the programme and applies what it asks: its check-in questions join the
person's (marked as set by the therapist), its support contacts are added, and its tracks to
avoid are flagged. If that transaction fails, the unpacked folder is removed again. The same
revision imported twice changes nothing; a newer revision replaces the older one, whose
record is kept; an older one is refused.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mtcalm.checkin import MAX_OPTIONAL_ITEMS
from mtcalm.datadir import ensure_private_dir, partial_path
from mtcalm.homework.adherence import Reading
from mtcalm.homework.archive import PackageArchive, PackageRefused
from mtcalm.homework.manifest import Homework
from mtcalm.homework.package import inspect_package
from mtcalm.journal.store import Journal

HOMEWORK_FOLDER = "homework"  # in the data folder
UNPACKED_FOLDERS = ("playlists", "scripts", "audio")  # what of a package is unpacked
SET_BY_THERAPIST = "therapist"


class HomeworkRefused(Exception):
    """A package that cannot be imported; nothing was changed."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    homework: Homework
    already_there: bool = False
    replaced_revision: int | None = None
    questions_added: int = 0
    contacts_added: int = 0
    flags_added: int = 0
    folder: Path | None = None


def read_package(path: Path) -> tuple[Homework, bytes]:
    """The homework in the package at ``path`` and its manifest's bytes, once the whole package
    is found sound; raises :class:`HomeworkRefused` with every problem otherwise.
    """
    found = inspect_package(path)
    if found.problems or found.homework is None:
        raise HomeworkRefused("This homework package cannot be used", " ".join(found.problems))
    return found.homework, found.manifest


def install_package(
    path: Path, data_dir: Path, journal: Journal, now: datetime | None = None
) -> Imported:
    """Import the package at ``path`` into ``data_dir`` and ``journal``; what was done."""
    homework, raw = read_package(path)
    revisions = journal.reading(
        "SELECT revision FROM homework WHERE id = ? ORDER BY revision DESC", (homework.id,)
    )
    newest = int(str(revisions[0][0])) if revisions else None
    if newest is not None and newest == homework.revision:
        return Imported(homework, already_there=True)
    if newest is not None and newest > homework.revision:
        raise HomeworkRefused(
            "A newer version of this homework is here already",
            f"This package is revision {homework.revision} of “{homework.title}”; you have "
            f"revision {newest}. Nothing was changed.",
        )
    stamp = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    folder = _unpack(path, data_dir, homework)
    try:
        counts = _record(journal, homework, raw, folder, data_dir, stamp)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return Imported(homework, False, newest, *counts, folder=folder)


def _unpack(path: Path, data_dir: Path, homework: Homework) -> Path | None:
    """Unpack the package's own files into ``homework/ID-rN``; None when it has none."""
    with PackageArchive.open(path) as archive:
        names = [name for name in archive.names() if name.split("/", 1)[0] in UNPACKED_FOLDERS]
        if not names:
            return None
        root = ensure_private_dir(data_dir / HOMEWORK_FOLDER)
        final = root / f"{homework.id}-r{homework.revision}"
        if final.exists():
            raise HomeworkRefused(
                "This homework could not be unpacked",
                f"{final} is there already, from an import that did not finish. Move it away, "
                "then import again.",
            )
        staging = partial_path(final)
        try:
            staging.mkdir(mode=0o700)
            for name in names:
                target = staging / name
                for parent in reversed(target.relative_to(staging).parents):
                    (staging / parent).mkdir(mode=0o700, exist_ok=True)
                archive.extract(name, target)
            staging.rename(final)
        except PackageRefused as refused:
            shutil.rmtree(staging, ignore_errors=True)
            raise HomeworkRefused(refused.short, refused.long) from refused
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return final


def _record(
    journal: Journal,
    homework: Homework,
    raw: bytes,
    folder: Path | None,
    data_dir: Path,
    stamp: str,
) -> tuple[int, int, int]:
    """Record the programme and apply what it asks, in one transaction; what was added."""
    relative = folder.relative_to(data_dir).as_posix() if folder is not None else ""
    with journal.writing() as cursor:
        cursor.execute(
            "UPDATE homework SET replaced_at = ? WHERE id = ? AND replaced_at IS NULL",
            (stamp, homework.id),
        )
        cursor.execute(
            "INSERT INTO homework (id, revision, title, therapist, manifest, folder, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                homework.id,
                homework.revision,
                homework.title,
                homework.therapist.name,
                raw.decode("utf-8-sig"),
                relative,
                stamp,
            ),
        )
        chosen = {str(row[0]) for row in cursor.execute("SELECT item FROM chosen_items")}
        position = len(chosen)
        questions = 0
        for item in homework.checkin_items:
            if item.key in chosen or position >= MAX_OPTIONAL_ITEMS:
                continue
            cursor.execute(
                "INSERT INTO chosen_items (item, label, low_anchor, high_anchor, position, set_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    item.key,
                    item.label,
                    item.low_anchor,
                    item.high_anchor,
                    position,
                    SET_BY_THERAPIST,
                ),
            )
            position, questions = position + 1, questions + 1
        known = {
            (str(name), str(reach))
            for name, reach in cursor.execute("SELECT name, reach FROM support_contacts")
        }
        contacts = 0
        for contact in homework.contacts:
            if (contact.name, contact.reach) in known:
                continue
            cursor.execute(
                "INSERT INTO support_contacts (name, reach, note, position, set_by, added_at)"
                " VALUES (?, ?, ?, (SELECT count(*) FROM support_contacts), ?, ?)",
                (contact.name, contact.reach, contact.note, SET_BY_THERAPIST, stamp),
            )
            contacts += 1
        flags = 0
        for avoid in homework.avoid:
            key = avoid.track
            if not key.startswith("bundled:") and folder is not None:
                key = (folder / avoid.track).resolve().as_posix()
            added = cursor.execute(
                "INSERT INTO track_flags (track_key, title, flagged_at, set_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (track_key) DO NOTHING",
                (key, avoid.title, stamp, SET_BY_THERAPIST),
            )
            flags += added.rowcount
    return questions, contacts, flags


def leave_programme(journal: Journal, homework_id: str, when: datetime | None = None) -> bool:
    """Stop following the programme ``homework_id``: its record, and every session listened
    for it, stay in the journal (as do the questions, contacts and flags it added, until the
    person changes them); Home no longer shows it. Whether a programme in progress was left.
    """
    from mtcalm.journal.file import now

    stamp = (when or now()).isoformat(timespec="seconds")
    with journal.writing() as cursor:
        cursor.execute(
            "UPDATE homework SET left_at = ?"
            " WHERE id = ? AND replaced_at IS NULL AND left_at IS NULL",
            (stamp, homework_id),
        )
        return cursor.rowcount > 0


def programme_folder(read: Reading, data_dir: Path, homework: Homework) -> Path | None:
    """Where the package of ``homework`` was unpacked, if it brought content of its own: only
    ever a folder of the data folder's ``homework/``, whatever the journal says."""
    rows = read(
        "SELECT folder FROM homework WHERE id = ? AND revision = ?",
        (homework.id, homework.revision),
    )
    folder = str(rows[0][0]) if rows and rows[0][0] else ""
    if not folder:
        return None
    root = (data_dir / HOMEWORK_FOLDER).resolve()
    place = (data_dir / folder).resolve()
    return place if place.parent == root and place.is_dir() else None
