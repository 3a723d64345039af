"""What each check-in item is called, what it asks and the words of its answers: the one place.

The check-in page asks with these words; the journal page, the charts, the printed summary and
What helps me name the items and their answers with the same ones, so a person reads "none at
all" in their journal where they chose "none at all". mtcalm's own items are named here in the
person's language; an item a person named keeps the name and end words they gave it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtcalm.checkin import CUSTOM_PREFIX, CheckInItem, Phase
from mtcalm.ui.text import tr

BUILT_IN_KEYS = frozenset(
    {"distress", "pleasantness", "energy", "helpfulness", "stirred_up", "craving", "tension"}
)


@dataclass(frozen=True)
class ItemWords:
    """What a check-in item says: its question and the words of its answers.

    ``low`` and ``high`` name the ends of a numbered scale; ``choices`` names every value of a
    short scale (helpfulness, yes/no), which is then shown as words rather than a slider.
    """

    question: str
    low: str = ""
    high: str = ""
    choices: tuple[str, ...] = ()


def item_words(item: CheckInItem, phase: Phase) -> ItemWords:
    """The question and answer words for ``item``, translated; an item a person named asks
    its own name, with its own words at the ends.
    """
    if item.is_custom or item.key not in BUILT_IN_KEYS:
        return ItemWords(
            item.label or item.key,
            item.low_anchor or tr("not at all"),
            item.high_anchor or tr("very much"),
        )
    now = tr("right now") if phase is Phase.BEFORE else tr("now, after listening")
    words = {
        "distress": ItemWords(
            tr("How distressed do you feel %1?").replace("%1", now),
            tr("completely calm"),
            tr("the worst you can imagine"),
        ),
        "pleasantness": ItemWords(
            tr("How unpleasant or pleasant do you feel?"), tr("unpleasant"), tr("pleasant")
        ),
        "energy": ItemWords(tr("How much energy do you have?"), tr("very low"), tr("very high")),
        "craving": ItemWords(
            tr("How strong is any craving or urge to use %1?").replace("%1", now),
            tr("none at all"),
            tr("the strongest you can imagine"),
        ),
        "tension": ItemWords(
            tr("How much tension or pain do you feel in your body?"),
            tr("none at all"),
            tr("the worst you can imagine"),
        ),
        "helpfulness": ItemWords(
            tr("How helpful was this session?"),
            choices=(tr("not at all"), tr("a little"), tr("somewhat"), tr("quite"), tr("very")),
        ),
        "stirred_up": ItemWords(
            tr("Did the music stir up cravings, urges or hard memories?"),
            choices=(tr("No"), tr("Yes")),
        ),
    }
    return words[item.key]


def scale_words(item: CheckInItem) -> tuple[str, str]:
    """The words at the two ends of ``item``'s scale, as the check-in shows them
    ("completely calm", "the worst you can imagine"); the first and last choice of a scale
    answered in words.
    """
    words = item_words(item, Phase.AFTER)  # the phase changes only the question
    if words.choices:
        return words.choices[0], words.choices[-1]
    return words.low, words.high


def answer_word(item: CheckInItem, value: int) -> str | None:
    """The word the person chose for ``value`` on a scale answered in words ("quite", "Yes");
    None for a numbered scale (or a value outside the words).
    """
    choices = item_words(item, Phase.AFTER).choices
    place = value - item.scale.minimum
    return choices[place] if 0 <= place < len(choices) else None


def item_title(item: CheckInItem | str, label: str = "") -> str:
    """An item's name at the start of a line ("Distress: 7 → 4"): mtcalm's own in the person's
    language, one of the person's by the name they gave it (``label``, or the item's own).
    """
    key, label = _key_and_label(item, label)
    names = _own_items_names().get(key)
    return names[0] if names else _own_name(key, label)


def item_name(item: CheckInItem | str, label: str = "") -> str:
    """An item's short name inside a sentence ("distress down 2.1 on average")."""
    key, label = _key_and_label(item, label)
    names = _own_items_names().get(key)
    return names[1] if names else _own_name(key, label)


def _own_items_names() -> dict[str, tuple[str, str]]:
    """mtcalm's own items: the name that starts a line, and the short one inside a sentence."""
    return {
        "distress": (tr("Distress"), tr("distress")),
        "pleasantness": (tr("Pleasantness"), tr("pleasantness")),
        "energy": (tr("Energy"), tr("energy")),
        "helpfulness": (tr("Helpfulness"), tr("helpfulness")),
        "stirred_up": (tr("Brought up urges or memories"), tr("brought up urges or memories")),
        "craving": (tr("Craving or urge to use"), tr("craving")),
        "tension": (tr("Body tension or pain"), tr("tension or pain")),
    }


def _key_and_label(item: CheckInItem | str, label: str) -> tuple[str, str]:
    if isinstance(item, str):
        return item, label
    return item.key, label or item.label


def _own_name(key: str, label: str) -> str:
    """The name a person gave their item; without one (a damaged journal), its key's words."""
    return label or key.removeprefix(CUSTOM_PREFIX).replace("-", " ")
