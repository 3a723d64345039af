"""How a check-in is kept in the journal's rows: the check-in, one answer per item asked
(pointing at what the item meant then, kept once in ``item_definitions``) and its words; and
how a stored answer is read back as the item it was given to.
"""

from __future__ import annotations

import sqlite3

from mtcalm.checkin import BOTH, KNOWN_ITEMS, CheckIn, CheckInItem, Phase, Scale


def insert_checkin(
    cursor: sqlite3.Cursor,
    session_id: int,
    checkin: CheckIn,
    stamp: str,
    definitions: dict[CheckInItem, int] | None = None,
) -> None:
    """Keep ``checkin`` of session ``session_id``; ``definitions`` remembers the ids of item
    definitions already looked up (an import of many sessions asks for each once).
    """
    known = {} if definitions is None else definitions
    cursor.execute(
        "INSERT INTO checkins (session_id, phase, recorded_at, skipped, note)"
        " VALUES (?, ?, ?, ?, ?)",
        (session_id, checkin.phase.value, stamp, int(checkin.skipped), checkin.note),
    )
    checkin_id = cursor.lastrowid
    cursor.executemany(
        "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max,"
        " definition_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                checkin_id,
                item.key,
                checkin.answers.get(item.key),
                item.scale.key,
                item.scale.minimum,
                item.scale.maximum,
                known[item]
                if item in known
                else known.setdefault(item, definition_id(cursor, item)),
            )
            for item in checkin.items
        ],
    )
    cursor.executemany(
        "INSERT INTO emotions (checkin_id, word) VALUES (?, ?)",
        [(checkin_id, word) for word in dict.fromkeys(checkin.emotions)],
    )


def _known_definition(
    cursor: sqlite3.Cursor, item: CheckInItem, known: dict[CheckInItem, int]
) -> int:
    if item not in known:
        known[item] = definition_id(cursor, item)
    return known[item]


def definition_id(cursor: sqlite3.Cursor, item: CheckInItem) -> int:
    """The id of ``item``'s definition, kept once however many answers point to it."""
    values = (
        item.key,
        item.label,
        item.scale.key,
        item.scale.minimum,
        item.scale.maximum,
        item.low_anchor,
        item.high_anchor,
    )
    cursor.execute(
        "INSERT INTO item_definitions (item, label, scale, scale_min, scale_max, low_anchor,"
        " high_anchor) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        values,
    )
    row = cursor.execute(
        "SELECT id FROM item_definitions WHERE item = ? AND label = ? AND scale = ?"
        " AND scale_min = ? AND scale_max = ? AND low_anchor = ? AND high_anchor = ?",
        values,
    ).fetchone()
    return int(row[0])


def stored_item(
    key: str,
    phase: Phase,
    scale: str,
    minimum: int,
    maximum: int,
    label: str | None,
    low_anchor: str | None,
    high_anchor: str | None,
) -> CheckInItem | None:
    """The item an answer was given to, as it was then: mtcalm's own item when it is the same
    question on the same scale, else the stored definition; None for rows that make no sense.
    """
    known = KNOWN_ITEMS.get(key)
    stored_scale = Scale(str(scale), int(minimum), int(maximum))
    if known is not None:  # mtcalm's own words go with its own scale only
        return known if known.scale == stored_scale and phase in known.phases else None
    if not isinstance(key, str) or not key or minimum > maximum:
        return None
    return CheckInItem(key, stored_scale, BOTH, label or "", low_anchor or "", high_anchor or "")


def no_items(phase: Phase) -> tuple[CheckInItem, ...]:
    """A check-in stored with no answer rows asked nothing the journal can show."""
    from mtcalm.checkin import items_for

    return items_for(phase)
