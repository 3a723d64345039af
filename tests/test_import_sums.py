"""An import into an empty journal makes the chart sums once at its end: the same sums, the
same triggers afterwards, and nothing of it left when the import is refused.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mtcalm.journal.import_json import ImportRefused, import_export
from mtcalm.journal.review import open_export_for_review
from mtcalm.journal.schema import rebuild_sums
from mtcalm.journal.store import Journal
from tests.test_export import after, before, fill_journal
from tests.test_import import export_of

SUMS = ("day_sums", "month_sums")


def sums(connection: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4, 5").fetchall()
        for table in SUMS
    }


def schema(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    return connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A journal written by the app (its sums kept by the triggers), with two more listening
    sessions whose check-ins pair up, so the sums have several days and months.
    """
    path = tmp_path / "source.sqlite3"
    with Journal.open(path) as journal:
        fill_journal(journal)
        for distress in (6, 8):
            listened(journal, distress)
    return path


def listened(journal: Journal, distress: int) -> None:
    """A listening session with a check-in before and after (a pair for the sums)."""
    session = journal.start_session("playlist:settle", "Settle", before({"distress": distress}))
    journal.record_after(session, after({"distress": distress - 3}, ("calm",)))


@pytest.fixture
def exported(source: Path, tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    with Journal.open(source) as journal:
        path.write_bytes(export_of(journal))
    return path


def test_an_import_into_an_empty_journal_has_the_sums_the_triggers_made(
    source: Path, exported: Path, tmp_path: Path
) -> None:
    with read_only(source) as connection:
        expected = sums(connection)
    assert expected["day_sums"] and expected["month_sums"]
    target = tmp_path / "target.sqlite3"
    with Journal.open(target) as journal:
        import_export(exported, journal)
    fresh = tmp_path / "fresh.sqlite3"
    Journal.open(fresh).close()
    with read_only(target) as imported, read_only(fresh) as empty:
        assert sums(imported) == expected
        assert schema(imported) == schema(empty)  # the triggers are back, exactly as written
        rebuilt = sqlite3.connect(":memory:")
        imported.backup(rebuilt)
    with rebuilt:
        rebuild_sums(rebuilt)
        assert sums(rebuilt) == expected


def test_after_such_an_import_the_triggers_keep_the_sums_again(
    exported: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target.sqlite3"
    with Journal.open(target) as journal:
        import_export(exported, journal)
        pairs_before = journal.reading("SELECT total(pairs) FROM month_sums")
        listened(journal, 5)
        pairs_after = journal.reading("SELECT total(pairs) FROM month_sums")
    assert pairs_after == [(float(str(pairs_before[0][0])) + 1,)]


def test_a_refused_import_into_an_empty_journal_leaves_its_triggers(
    exported: Path, tmp_path: Path
) -> None:
    document = json.loads(exported.read_bytes())
    document["sessions"][-1]["kind"] = "séance"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target.sqlite3"
    Journal.open(target).close()
    with read_only(target) as connection:
        before = schema(connection)
    with pytest.raises(ImportRefused, match="'kind'"), Journal.open(target) as journal:
        import_export(broken, journal)
    with read_only(target) as connection:
        assert schema(connection) == before
        assert connection.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_review_mode_shows_the_sums_of_the_export(source: Path, exported: Path) -> None:
    with read_only(source) as connection:
        expected = sums(connection)
    journal = open_export_for_review(exported)
    try:
        found = {
            table: journal.reading(f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4, 5")
            for table in SUMS
        }
        triggers = journal.reading("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
    finally:
        journal.close()
    assert found == expected
    assert triggers[0][0] == 12
