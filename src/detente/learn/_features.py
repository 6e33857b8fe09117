"""The rules' reading of a text as numbers the classifier sees beside the words (stacking).

The hybrid extractor runs the rules first; what they found in a sentence (the main event's CAMEO root
and PLOVER event, and every root found) is a short vector concatenated with the sentence embedding, so
the model learns when to trust the rules and when the words say otherwise. Training computes the same
vector from the rules' output on each training text.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Event
from ._heads import _plover_name

__all__ = ["FEATURE_NAMES", "N_FEATURES", "rule_features"]

_ROOTS: tuple[str, ...] = tuple(f"{n:02d}" for n in range(1, 21))
_PLOVER: tuple[str, ...] = ("ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE",
                            "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN")

#: One name per feature, in order: the main event's root (or none), its PLOVER event (or none), and
#: every root found in the text.
FEATURE_NAMES: tuple[str, ...] = (
    *(f"main_root_{r}" for r in _ROOTS), "main_root_none",
    *(f"main_plover_{p}" for p in _PLOVER), "main_plover_none",
    *(f"any_root_{r}" for r in _ROOTS),
)
N_FEATURES = len(FEATURE_NAMES)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def rule_features(events: Sequence[Event]) -> list[float]:
    """The feature vector of the rule events of one text unit (main event first).

    Args:
        events: The rules' events of a sentence (or of a whole snippet), in the rules' order.

    Returns:
        :data:`N_FEATURES` floats, each 0 or 1.
    """
    vector = [0.0] * N_FEATURES
    if not events:
        vector[_INDEX["main_root_none"]] = 1.0
        vector[_INDEX["main_plover_none"]] = 1.0
        return vector
    main = events[0]
    root = main.cameo.root[:2]
    vector[_INDEX.get(f"main_root_{root}", _INDEX["main_root_none"])] = 1.0
    plover = _plover_name(main)
    vector[_INDEX.get(f"main_plover_{plover}", _INDEX["main_plover_none"])] = 1.0
    for event in events:
        index = _INDEX.get(f"any_root_{event.cameo.root[:2]}")
        if index is not None:
            vector[index] = 1.0
    return vector
