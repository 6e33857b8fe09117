"""What each classifier head predicts, and how a head's label becomes (or agrees with) an event.

A head is one label set learned from one kind of gold: the five Phoenix classes (``cameo_class``), the
police-action labels (``india_police``, several at once), ACLED sub-event types (``acled``), PLOVER events
(``plover``) and CAMEO roots (``cameo``, from detente's own JSONL gold, with ``NONE`` for "no event").
This module needs no torch: the hybrid extractor and the evaluation use it to turn probabilities into
events, and to decide whether a rule event already says what the head says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .. import codes
from ..errors import DataError
from ..model import Event

__all__ = [
    "HEAD_KINDS",
    "INDIA_HEAD_LABELS",
    "NONE_LABEL",
    "PHOENIX_CODES",
    "HeadSpec",
    "event_agrees",
    "head_code",
    "implied_labels",
    "phoenix_of",
]

#: ``single``: one label per text (softmax); ``multi``: any number of labels (one sigmoid each).
HEAD_KINDS: tuple[str, ...] = ("single", "multi")

#: The label of a ``cameo`` head that says "no event should be coded from this text".
NONE_LABEL = "NONE"

#: The police-action labels a multi-label head predicts (FAIL is not an event and is not learned).
INDIA_HEAD_LABELS: tuple[str, ...] = ("KILL", "ARREST", "FORCE")

#: The CAMEO code an event gets when the model adds it from a Phoenix class alone (the class's most
#: general code: make a statement, consult, provide aid, disapprove, use conventional military force).
PHOENIX_CODES: Mapping[str, str] = MappingProxyType({"0": "010", "1": "040", "2": "070", "3": "110", "4": "190"})

#: The CAMEO code of each police-action label (ARREST: arrest or detain; KILL: kill by physical assault;
#: FORCE: violent repression). A model-added KILL event is also FORCE, as in the gold's own definition.
_INDIA_CODES: Mapping[str, str] = MappingProxyType({"ARREST": "173", "KILL": "1823", "FORCE": "175"})

_KILL_WORDS = re.compile(
    r"\b(kill(?:s|ed|ing|ings)?|shot dead|gunned down|slain|murder(?:s|ed)?|lynch(?:ed|ing)?|"
    r"massacre[sd]?|dead|death|deaths|died|dies|fatal(?:ly)?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class HeadSpec:
    """One output of the classifier.

    Attributes:
        name: ``cameo_class``, ``india_police``, ``acled``, ``plover`` or ``cameo``.
        kind: ``single`` (softmax over ``labels``) or ``multi`` (independent sigmoids).
        labels: The label set, in output order.
    """

    name: str
    kind: str
    labels: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "labels": list(self.labels)}


def phoenix_of(root: str | None) -> str | None:
    """The Phoenix class ("0"-"4") of a CAMEO root or code, as in the ``cameo_class`` gold."""
    if not root or len(root) < 2 or not root[:2].isdigit():
        return None
    value = int(root[:2])
    if value in (1, 2):
        return "0"
    if 3 <= value <= 5:
        return "1"
    if 6 <= value <= 8:
        return "2"
    if 9 <= value <= 13 or value == 16:
        return "3"
    if value in (14, 15) or 17 <= value <= 20:
        return "4"
    return None


def _plover_name(event: Event) -> str | None:
    name = event.plover.event
    if not name:
        return None
    try:
        return codes.normalize_plover(name)
    except DataError:
        return None


def implied_labels(event: Event) -> set[str]:
    """The police-action labels an event stands for (the IndiaPoliceEvents reading of CAMEO)."""
    code, root = event.cameo.code, event.cameo.root[:2]
    number = int(root) if root.isdigit() else 0
    labels: set[str] = set()
    if code.startswith("173"):
        labels.add("ARREST")
    if 17 <= number <= 20:
        labels.add("FORCE")
    if 18 <= number <= 20 and (code.startswith(("1823", "202")) or _KILL_WORDS.search(event.trigger.text)
                               or _KILL_WORDS.search(event.sentence.text)):
        labels.add("KILL")
    return labels


def event_agrees(head: str, label: str, event: Event) -> bool:
    """Whether a (rule) event already says what ``head`` predicts with ``label``."""
    if head == "cameo_class":
        return phoenix_of(event.cameo.root) == label
    if head == "plover":
        return _plover_name(event) == label
    if head == "cameo":
        return event.cameo.root[:2] == label
    if head == "acled":
        from ..evaluate.readers import ACLED_TO_CAMEO

        mapped = ACLED_TO_CAMEO.get(label)
        return mapped is not None and event.cameo.root[:2] == mapped[0][:2] and _plover_name(event) == mapped[1]
    if head == "india_police":
        return label in implied_labels(event)
    return False


def _plover_code(event: str) -> str:
    """The most general CAMEO code the crosswalk gives for a PLOVER event (``ASSAULT`` -> ``180``)."""
    found = [c for c in codes.all_cameo_codes() if (p := codes.plover_for_cameo(c)) is not None and p.event == event]
    if not found:
        raise DataError(f"no CAMEO code maps to the PLOVER event {event!r}", code="E501")
    general = [c for c in found if len(c) == 3 and c.endswith("0")]
    return min(general or found)


def head_code(head: str, label: str) -> tuple[str, str | None] | None:
    """The (CAMEO code, PLOVER event or None for the crosswalk's) of an event the model adds for ``label``.

    Returns:
        ``None`` when the label stands for no event (``NONE``, an unmapped ACLED type).
    """
    if head == "cameo_class":
        code = PHOENIX_CODES.get(label)
        return (code, None) if code else None
    if head == "india_police":
        code = _INDIA_CODES.get(label)
        return (code, None) if code else None
    if head == "plover":
        return (_plover_code(label), label)
    if head == "cameo":
        return None if label == NONE_LABEL else (label + "0", None)
    if head == "acled":
        from ..evaluate.readers import ACLED_TO_CAMEO

        mapped = ACLED_TO_CAMEO.get(label)
        return (mapped[0], mapped[1]) if mapped else None
    return None
