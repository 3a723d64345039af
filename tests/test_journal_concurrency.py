"""Two processes opening one journal at the same moment: both succeed, and one upgrade backup.

Each child opens the journal of a new folder every round, at a moment both children wait for,
so the two really do race; many rounds make a race that fails now and then fail here.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal.file import SCHEMA_STEPS
from mtcalm.journal.store import Journal
from tests.legacy_journals import write_old_session

ROUNDS = 40
ROUND_SECONDS = 0.12

# argv: name, start time, folders as JSON. Opens each folder's journal at its round's moment.
OPEN_AT_THE_SAME_MOMENT = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from mtcalm.checkin import CheckIn, Phase
    from mtcalm.journal.store import Journal

    ROUND_SECONDS = float(sys.argv[4])
    name, start, folders = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
    results = []
    for index, folder in enumerate(folders):
        moment = start + index * ROUND_SECONDS
        while time.time() < moment:
            pass
        try:
            with Journal.open(Path(folder) / "journal.sqlite3") as journal:
                journal.start_session("playlist:" + name, name, CheckIn(Phase.BEFORE))
            results.append("ok")
        except Exception as error:
            results.append(f"{type(error).__name__}: {error}")
    print(json.dumps(results))
    """
)


def race(folders: list[Path]) -> list[list[str]]:
    """Two children open the same folders' journals round by round; each one's results."""
    start = time.time() + 2.0  # both are running, imports done, before the first round
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                OPEN_AT_THE_SAME_MOMENT,
                name,
                repr(start),
                json.dumps([str(folder) for folder in folders]),
                repr(ROUND_SECONDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outputs = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        outputs.append(json.loads(stdout))
    return outputs


def titles(path: Path) -> list[str]:
    with Journal.open(path, create=False) as journal:
        return sorted(record.content_title for record in journal.sessions())


def raw_titles(path: Path) -> list[str]:
    """Titles read with plain SQL: a backup of an older version, left as it is."""
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(
            str(row[0]) for row in connection.execute("SELECT content_title FROM sessions")
        )
    finally:
        connection.close()


@pytest.mark.slow
def test_two_processes_creating_a_journal_at_once_both_succeed(tmp_path: Path) -> None:
    folders = [tmp_path / f"round{index}" for index in range(ROUNDS)]
    for folder in folders:
        folder.mkdir(mode=0o700)

    first, second = race(folders)

    failures = [result for result in first + second if result != "ok"]
    assert failures == [], f"{len(failures)} of {2 * ROUNDS} opens failed: {failures[:3]}"
    for folder in folders:
        assert titles(folder / "journal.sqlite3") == ["first", "second"]
        assert sorted(path.name for path in folder.iterdir()) == ["journal.sqlite3"]
        assert not (folder / "backups").exists()


@pytest.mark.slow
def test_two_processes_upgrading_a_journal_at_once_make_one_backup(tmp_path: Path) -> None:
    folders = [tmp_path / f"round{index}" for index in range(ROUNDS)]
    for folder in folders:
        folder.mkdir(mode=0o700)
        with Journal.open(folder / "journal.sqlite3", schema_steps=SCHEMA_STEPS[:1]) as journal:
            write_old_session(
                journal, "playlist:old", "old", CheckIn(Phase.BEFORE, {"distress": 5})
            )

    first, second = race(folders)

    failures = [result for result in first + second if result != "ok"]
    assert failures == [], f"{len(failures)} of {2 * ROUNDS} opens failed: {failures[:3]}"
    backup_counts = [len(list((folder / "backups").iterdir())) for folder in folders]
    assert backup_counts == [1] * ROUNDS
    for folder in folders:
        assert titles(folder / "journal.sqlite3") == ["first", "old", "second"]
        [backup] = (folder / "backups").iterdir()
        with Journal.open(backup, schema_steps=SCHEMA_STEPS[:1], create=False) as kept:
            assert kept.schema_version == 1
        assert raw_titles(backup) == ["old"]
