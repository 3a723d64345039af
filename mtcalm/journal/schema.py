"""The journal's schema: one step per format, each upgrading a journal from the version before.

Append a step for a new format; never edit one that has shipped. Every step runs inside the
upgrade's transaction, after a backup of the journal as it was (see :mod:`mtcalm.journal.file`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _create_v1(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            content_ref TEXT NOT NULL,
            content_title TEXT NOT NULL,
            planned_seconds REAL,
            listened_seconds REAL NOT NULL DEFAULT 0 CHECK (listened_seconds >= 0),
            outcome TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (outcome IN ('in_progress', 'completed', 'ended_early'))
        );
        CREATE INDEX sessions_by_start ON sessions (started_at);
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
            recorded_at TEXT NOT NULL,
            skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (session_id, phase)
        );
        -- One row per item asked: value NULL means asked and not answered.
        CREATE TABLE answers (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            value INTEGER,
            scale TEXT NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            PRIMARY KEY (checkin_id, item)
        );
        CREATE TABLE emotions (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            word TEXT NOT NULL,
            PRIMARY KEY (checkin_id, word)
        );
        -- What happened during a session: tracks played or failed, grounding used.
        CREATE TABLE session_events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    )


def _create_v2(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        -- What the person wrote and drew after a session (drawing: mtcalm.drawing JSON or '').
        CREATE TABLE reflections (
            session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
            recorded_at TEXT NOT NULL,
            prompt TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            drawing TEXT NOT NULL DEFAULT ''
        );
        -- Tracks the person flagged as bringing up urges or hard memories.
        CREATE TABLE track_flags (
            track_key TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            flagged_at TEXT NOT NULL
        );
        """,
    )


def _create_v3(connection: sqlite3.Connection) -> None:
    """Journal 3: what the journal to read together needs (issue 11)."""
    _run_script(
        connection,
        """
        -- A stable identity that an export carries and an import matches on.
        ALTER TABLE sessions ADD COLUMN uid TEXT;
        UPDATE sessions SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
        CREATE UNIQUE INDEX sessions_by_uid ON sessions (uid);
        -- 'checkin': a check-in on its own ("Just check in"), with one check-in and no music.
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'listening'
            CHECK (kind IN ('listening', 'checkin'));
        -- The background sound last chosen in the session ('' for none).
        ALTER TABLE sessions ADD COLUMN ambience TEXT NOT NULL DEFAULT '';
        CREATE INDEX sessions_by_content ON sessions (content_ref, started_at);
        CREATE INDEX session_events_by_session ON session_events (session_id);
        -- What each item asked meant when it was asked: answers point here, so changing or
        -- removing an item never changes an old answer's meaning.
        CREATE TABLE item_definitions (
            id INTEGER PRIMARY KEY,
            item TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            scale TEXT NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            low_anchor TEXT NOT NULL DEFAULT '',
            high_anchor TEXT NOT NULL DEFAULT '',
            UNIQUE (item, label, scale, scale_min, scale_max, low_anchor, high_anchor)
        );
        ALTER TABLE answers ADD COLUMN definition_id INTEGER REFERENCES item_definitions (id);
        -- The optional items the person (or a therapist's homework) switched on, in order.
        CREATE TABLE chosen_items (
            item TEXT PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            low_anchor TEXT NOT NULL DEFAULT '',
            high_anchor TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            set_by TEXT NOT NULL DEFAULT 'person'
        );
        -- People to reach when it is hard, entered by the person (or a therapist's homework).
        CREATE TABLE support_contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            reach TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            set_by TEXT NOT NULL DEFAULT 'person',
            added_at TEXT NOT NULL
        );
        -- The tracks of a session and how long each was actually heard.
        CREATE TABLE session_tracks (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            track_key TEXT NOT NULL,
            title TEXT NOT NULL,
            heard_seconds REAL NOT NULL DEFAULT 0 CHECK (heard_seconds >= 0),
            PRIMARY KEY (session_id, position)
        );
        """,
    )


def _create_v4(connection: sqlite3.Connection) -> None:
    """Journal 4: the journal page counts check-ins on their own, and lists them, by index."""
    _run_script(connection, "CREATE INDEX sessions_by_kind ON sessions (kind, started_at);")


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the caller's transaction.

    ``executescript`` would commit first, breaking the all-or-nothing migration.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


SchemaStep = Callable[[sqlite3.Connection], None]

# SCHEMA_STEPS[n] upgrades a journal from version n to n + 1. Append; never edit a shipped step.
SCHEMA_STEPS: tuple[SchemaStep, ...] = (_create_v1, _create_v2, _create_v3, _create_v4)
