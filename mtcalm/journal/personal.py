"""What the person set up for themselves, kept in the journal with the rest of their history:
the optional check-in items they switched on, and the people they reach when it is hard.

Both are written whole (the list as the person left it) in one transaction. ``set_by`` says who
added an entry: the person, or (later) a therapist's homework package; the person may change
either. mtcalm never ships a contact of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mtcalm.checkin import (
    KNOWN_ITEMS,
    MAX_OPTIONAL_ITEMS,
    OPTIONAL_ITEMS,
    CheckInError,
    CheckInItem,
    custom_item,
)
from mtcalm.journal.file import now
from mtcalm.journal.store import Journal

MAX_CONTACTS = 20
MAX_NAME_LENGTH = 80
MAX_REACH_LENGTH = 200
MAX_CONTACT_NOTE_LENGTH = 500
SET_BY = ("person", "therapist")  # who added it: the person, or a therapist's homework
THERAPIST = SET_BY[1]


@dataclass(frozen=True)
class SupportContact:
    """Someone to reach: a name, how (a phone number, an address, "at the Tuesday group"), and
    a note ("call after 6"). All plain text as the person typed it.
    """

    name: str
    reach: str = ""
    note: str = ""
    set_by: str = "person"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a contact needs a name")
        for text, limit, what in (
            (self.name, MAX_NAME_LENGTH, "name"),
            (self.reach, MAX_REACH_LENGTH, "way to reach them"),
            (self.note, MAX_CONTACT_NOTE_LENGTH, "note"),
        ):
            if len(text) > limit:
                raise ValueError(f"a contact's {what} is at most {limit} characters")
        if self.set_by not in SET_BY:
            raise ValueError(f"unknown source of a contact: {self.set_by!r}")


def support_contacts(journal: Journal) -> list[SupportContact]:
    """The contacts, in the person's order; rows another tool broke are left out."""
    contacts = []
    for name, reach, note, set_by in journal.reading(
        "SELECT name, reach, note, set_by FROM support_contacts ORDER BY position, id"
    ):
        source = THERAPIST if set_by == "homework" else str(set_by)  # its name until format 6
        try:
            contacts.append(SupportContact(str(name), str(reach), str(note), source))
        except ValueError:
            continue
    return contacts


def save_support_contacts(journal: Journal, contacts: Sequence[SupportContact]) -> None:
    """Keep ``contacts`` as the whole list, in this order."""
    if len(contacts) > MAX_CONTACTS:
        raise ValueError(f"at most {MAX_CONTACTS} contacts")
    stamp = now().isoformat(timespec="seconds")
    with journal.writing() as cursor:
        cursor.execute("DELETE FROM support_contacts")
        cursor.executemany(
            "INSERT INTO support_contacts (name, reach, note, position, set_by, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (c.name.strip(), c.reach.strip(), c.note.strip(), index, c.set_by, stamp)
                for index, c in enumerate(contacts)
            ],
        )


def chosen_items(journal: Journal) -> tuple[CheckInItem, ...]:
    """The optional items switched on, in order (craving, tension, or the person's own)."""
    items: list[CheckInItem] = []
    for key, label, low, high in journal.reading(
        "SELECT item, label, low_anchor, high_anchor FROM chosen_items ORDER BY position"
    ):
        known = KNOWN_ITEMS.get(str(key))
        if known is not None and known in OPTIONAL_ITEMS:
            items.append(known)
            continue
        try:
            items.append(custom_item(str(key), str(label), str(low), str(high)))
        except CheckInError:
            continue  # a row another tool broke: not asked rather than asked wrongly
    return tuple(items[:MAX_OPTIONAL_ITEMS])


def items_from_therapist(journal: Journal) -> frozenset[str]:
    """The keys of the chosen items a therapist's homework switched on."""
    return frozenset(
        str(key)
        for (key,) in journal.reading(
            "SELECT item FROM chosen_items WHERE set_by IN (?, 'homework')", (THERAPIST,)
        )
    )


def choose_items(journal: Journal, items: Sequence[CheckInItem], set_by: str | None = None) -> None:
    """Switch on exactly ``items``, in this order (only optional or custom items). Each is
    marked as set by ``set_by``; by default an item kept as it was keeps who set it, and a new
    or changed one is the person's.
    """
    if len(items) > MAX_OPTIONAL_ITEMS:
        raise CheckInError(f"at most {MAX_OPTIONAL_ITEMS} extra items")
    if len({item.key for item in items}) != len(items):
        raise CheckInError("an item is chosen twice")
    for item in items:
        if item not in OPTIONAL_ITEMS and not item.is_custom:
            raise CheckInError(f"{item.key!r} is not an item one can switch on")
    if set_by is not None and set_by not in SET_BY:
        raise ValueError(f"unknown source: {set_by!r}")
    with journal.writing() as cursor:
        kept = {
            (str(key), str(label), str(low), str(high)): (
                THERAPIST if source == "homework" else source
            )
            for key, label, low, high, source in cursor.execute(
                "SELECT item, label, low_anchor, high_anchor, set_by FROM chosen_items"
            )
        }

        def source_of(item: CheckInItem) -> object:
            if set_by is not None:
                return set_by
            return kept.get((item.key, item.label, item.low_anchor, item.high_anchor), SET_BY[0])

        cursor.execute("DELETE FROM chosen_items")
        cursor.executemany(
            "INSERT INTO chosen_items (item, label, low_anchor, high_anchor, position, set_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (item.key, item.label, item.low_anchor, item.high_anchor, index, source_of(item))
                for index, item in enumerate(items)
            ],
        )
