"""``mtcalm import PACKAGE``: a therapist's homework into the data folder, all or nothing."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mtcalm.assets import assets_dir
from mtcalm.checkin import OPTIONAL_ITEMS, custom_item
from mtcalm.homework import install as install_module
from mtcalm.homework.install import HOMEWORK_FOLDER, install_package, leave_programme
from mtcalm.homework.manifest import MANIFEST_NAME
from mtcalm.homework.package import write_package
from mtcalm.journal.personal import SupportContact, choose_items, support_contacts
from mtcalm.journal.store import Journal
from tests.conftest import ToneMaker
from tests.test_homework_manifest import MINIMAL

EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"


def run_import(data_dir: Path, package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mtcalm", "--data-dir", str(data_dir), "import", str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(data_dir / "journal.sqlite3")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_the_example_imports_into_an_empty_data_folder_and_twice_changes_nothing(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    done = run_import(data_dir, EXAMPLE_PACKAGE)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "Imported the homework “Four weeks of settling” (revision 1) from Your therapist.",
        "2 questions were added (set by the therapist).",
        "1 track is flagged to avoid (set by the therapist).",
    ]
    assert rows(data_dir, "SELECT id, revision, replaced_at FROM homework") == [
        ("example-settling-weeks", 1, None)
    ]
    assert rows(data_dir, "SELECT item, set_by FROM chosen_items ORDER BY position") == [
        ("craving", "therapist"),
        ("custom-how-lonely-do-you-feel", "therapist"),
    ]
    assert rows(data_dir, "SELECT track_key, set_by FROM track_flags") == [
        ("bundled:music/settle/02-slow-tide.ogg", "therapist")
    ]
    again = run_import(data_dir, EXAMPLE_PACKAGE)
    assert again.returncode == 0 and "nothing was changed" in again.stdout
    assert len(rows(data_dir, "SELECT * FROM homework")) == 1


def with_music(tmp_path: Path, make_tone: ToneMaker, revision: int = 1) -> Path:
    tone = make_tone("rain.wav", seconds=0.5).read_bytes()
    playlist = 'format = 1\n[playlist]\ntitle = "Rain"\n[[track]]\nfile = "../audio/rain.wav"\n'
    manifest = MINIMAL.replace('id = "abcd-1234"', f'id = "abcd-1234"\nrevision = {revision}')
    manifest += '[[content]]\nplaylist = "playlists/rain.toml"\n'
    manifest += '[[avoid]]\ntitle = "Rain"\ntrack = "audio/rain.wav"\n'
    manifest += '[[contact]]\nname = "Dr A"\nreach = "clinic, weekdays"\n'
    package = tmp_path / f"rain-r{revision}.mtcalm-homework"
    write_package(
        package,
        manifest.encode(),
        {"playlists/rain.toml": playlist.encode(), "audio/rain.wav": tone},
    )
    return package


def test_a_packages_own_music_is_unpacked_owner_only_and_its_track_flagged(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    data_dir = tmp_path / "data"
    done = run_import(data_dir, with_music(tmp_path, make_tone))
    assert done.returncode == 0, done.stderr
    folder = data_dir / HOMEWORK_FOLDER / "abcd-1234-r1"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "audio",
        "audio/rain.wav",
        "playlists",
        "playlists/rain.toml",
    ]
    assert all(
        stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600)
        for p in [folder, *folder.rglob("*")]
    )
    assert rows(data_dir, "SELECT folder FROM homework") == [(f"{HOMEWORK_FOLDER}/abcd-1234-r1",)]
    assert rows(data_dir, "SELECT track_key FROM track_flags") == [
        ((folder / "audio" / "rain.wav").resolve().as_posix(),)
    ]
    assert rows(data_dir, "SELECT name, reach, set_by FROM support_contacts") == [
        ("Dr A", "clinic, weekdays", "therapist")
    ]
    with Journal.open(data_dir / "journal.sqlite3") as journal:  # as Get support reads them
        assert support_contacts(journal) == [
            SupportContact("Dr A", "clinic, weekdays", set_by="therapist")
        ]


def test_a_newer_revision_replaces_the_older_which_is_kept_and_an_older_one_is_refused(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    data_dir = tmp_path / "data"
    first, second = with_music(tmp_path, make_tone, 1), with_music(tmp_path, make_tone, 2)
    assert run_import(data_dir, first).returncode == 0
    done = run_import(data_dir, second)
    assert done.returncode == 0
    assert "It replaces revision 1, which is kept in the journal." in done.stdout
    kept = rows(data_dir, "SELECT revision, replaced_at IS NOT NULL FROM homework ORDER BY 1")
    assert kept == [(1, 1), (2, 0)]
    assert rows(data_dir, "SELECT count(*) FROM support_contacts") == [(1,)], "not twice"
    older = run_import(data_dir, first)
    assert older.returncode == 1 and older.stdout == ""
    assert "A newer version of this homework is here already" in older.stderr


def test_a_hostile_package_is_refused_and_leaves_no_trace(tmp_path: Path) -> None:
    package = tmp_path / "escaping.mtcalm-homework"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(MANIFEST_NAME, MINIMAL)
        archive.writestr("audio/../../../outside.wav", b"RIFF")
    data_dir = tmp_path / "data"
    done = run_import(data_dir, package)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("mtcalm: This homework package cannot be used: ")
    assert done.stderr.rstrip().endswith("Nothing was imported.")
    assert "Traceback" not in done.stderr
    assert not data_dir.exists(), "not even a data folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["escaping.mtcalm-homework"]


def test_a_failed_journal_write_removes_what_was_unpacked(
    tmp_path: Path, make_tone: ToneMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    package = with_music(tmp_path, make_tone)

    def failing(*_arguments: object) -> tuple[int, int, int]:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(install_module, "_record", failing)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        with pytest.raises(sqlite3.OperationalError):
            install_package(package, data_dir, journal)
        assert journal.reading("SELECT count(*) FROM homework") == [(0,)]
    assert list((data_dir / HOMEWORK_FOLDER).iterdir()) == []


def test_questions_join_the_persons_own_up_to_the_limit(tmp_path: Path) -> None:
    own = [custom_item(f"custom-{n}", f"Mine {n}") for n in range(8 - len(OPTIONAL_ITEMS) - 1)]
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        choose_items(journal, [*OPTIONAL_ITEMS, *own])
        done = install_package(EXAMPLE_PACKAGE, tmp_path, journal)
        chosen = journal.reading("SELECT item, set_by FROM chosen_items ORDER BY position")
    assert done.questions_added == 1, "craving was chosen already; one place was left"
    assert len(chosen) == 8 and chosen[-1] == ("custom-how-lonely-do-you-feel", "therapist")


def test_leaving_a_programme_keeps_it_and_a_new_revision_starts_it_again(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    data_dir = tmp_path / "data"
    first, second = with_music(tmp_path, make_tone, 1), with_music(tmp_path, make_tone, 2)
    assert run_import(data_dir, first).returncode == 0
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        assert leave_programme(journal, "abcd-1234") is True
        assert leave_programme(journal, "abcd-1234") is False, "left already"
        assert leave_programme(journal, "no-such-programme") is False
    assert rows(data_dir, "SELECT revision, left_at IS NOT NULL FROM homework") == [(1, 1)]
    assert rows(data_dir, "SELECT count(*) FROM support_contacts") == [(1,)], "what it added stays"
    assert run_import(data_dir, second).returncode == 0  # the therapist sends a new version
    assert rows(
        data_dir, "SELECT revision, left_at IS NULL AND replaced_at IS NULL FROM homework"
    ) == [(1, 0), (2, 1)]
