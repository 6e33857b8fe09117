"""CAMEO and PLOVER code tables.

detente codes events in CAMEO 1.1b3 (as GDELT, ICEWS and Phoenix use it) and in
PLOVER 2.0 (as POLECAT uses it). This package ships both code books as data
files under ``detente/codes/data`` and answers questions about them::

    >>> from detente import codes
    >>> codes.cameo("042").name
    'Make a visit'
    >>> codes.cameo("14", convention="icews").quad_class
    4
    >>> codes.plover_for_cameo("173")
    Plover(event='COERCE', mode='arrest', context=())

Three quad-class conventions are supported (:data:`QUAD_CONVENTIONS`):

``gdelt``
    roots 01-05 -> 1, 06-09 -> 2, 10-14 -> 3, 15-20 -> 4 (measured on real GDELT rows).
``icews``
    01-05 -> 1, 06-08 -> 2, 09-13 -> 3, 14-20 -> 4.
``phoenix``
    01-02 -> 0 (neutral), 03-05 -> 1, 06-08 -> 2, 09-13 -> 3, 14-15 -> 4, 16 -> 3, 17-20 -> 4.

The Goldstein score follows the same convention; ICEWS and Phoenix differ from
GDELT on a handful of codes (016, 022, 124, 1246, 163, 164, 165, 166).

CAMEO codes are always strings with leading zeros. An unknown code raises
:class:`detente.errors.DataError`.
"""

from __future__ import annotations

from collections.abc import Mapping

from detente.errors import ConfigError, DataError, Errors
from detente.model import Cameo, Plover

from ._tables import CameoEntry, PloverEvent, load_tables

__all__ = [
    "QUAD_CONVENTIONS",
    "CameoEntry",
    "PloverEvent",
    "all_cameo_codes",
    "cameo",
    "cameo_entry",
    "goldstein",
    "normalize_plover",
    "plover_auxiliary_contexts",
    "plover_context_descriptions",
    "plover_contexts",
    "plover_events",
    "plover_for_cameo",
    "plover_mode_descriptions",
    "quad_class",
]

QUAD_CONVENTIONS: tuple[str, ...] = ("gdelt", "icews", "phoenix")

# Root code (as an int) -> quad class, per convention.
_QUAD_RULES: Mapping[str, tuple[int, ...]] = {
    #          01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20
    "gdelt":   (1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4),
    "icews":   (1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4),
    "phoenix": (0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 3, 4, 4, 4, 4),
}

_CODE_HINT = "Valid codes look like '04', '042', '1031' (strings of 2 to 4 digits, with leading zeros)"


def _check_convention(convention: str) -> str:
    if convention not in QUAD_CONVENTIONS:
        raise ConfigError(
            Errors.E102.format(key="convention",
                               detail=f"{convention!r} is not one of {', '.join(QUAD_CONVENTIONS)}"),
            code="E102",
        )
    return convention


def cameo_entry(code: str) -> CameoEntry:
    """Look up one CAMEO event code.

    Args:
        code: A CAMEO code as a string with leading zeros, e.g. ``"042"``.
            Surrounding whitespace is ignored.

    Returns:
        The code's table entry.

    Raises:
        DataError: When ``code`` is not a CAMEO event code.
    """
    table = load_tables().cameo
    key = str(code).strip()
    if key in table:
        return table[key]
    suggestion = f" Did you mean '0{key}'?" if key.isdigit() and ("0" + key) in table else ""
    raise DataError(f"Unknown CAMEO event code {code!r}. {_CODE_HINT}.{suggestion}", code="E500", value=code)


def quad_class(code: str, *, convention: str = "gdelt") -> int:
    """The quad class of a CAMEO code under a convention.

    Args:
        code: A CAMEO code, e.g. ``"0874"``.
        convention: One of :data:`QUAD_CONVENTIONS`.

    Returns:
        1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
        4 material conflict (and 0, neutral, for roots 01-02 under ``phoenix``).

    Raises:
        DataError: When ``code`` is not a CAMEO event code.
        ConfigError: When ``convention`` is unknown.
    """
    rule = _QUAD_RULES[_check_convention(convention)]
    return rule[int(cameo_entry(code).root) - 1]


def goldstein(code: str, *, convention: str = "gdelt") -> float:
    """The Goldstein score of a CAMEO code under a convention.

    Args:
        code: A CAMEO code, e.g. ``"163"``.
        convention: One of :data:`QUAD_CONVENTIONS`. ICEWS and Phoenix fall back
            to GDELT's value where theirs is not different or not defined.

    Returns:
        The score, between -10 and 10.

    Raises:
        DataError: When ``code`` is not a CAMEO event code.
        ConfigError: When ``convention`` is unknown.
    """
    convention = _check_convention(convention)
    entry = cameo_entry(code)
    if convention == "icews" and entry.goldstein_icews is not None:
        return entry.goldstein_icews
    if convention == "phoenix" and entry.goldstein_phoenix is not None:
        return entry.goldstein_phoenix
    return entry.goldstein


def cameo(code: str, *, convention: str = "gdelt") -> Cameo:
    """Build the :class:`detente.model.Cameo` record for a code.

    Args:
        code: A CAMEO code as a string with leading zeros, e.g. ``"0211"``.
        convention: One of :data:`QUAD_CONVENTIONS`; picks the Goldstein score
            and the quad-class rule.

    Returns:
        The record with code, root, name, Goldstein score and quad class.

    Raises:
        DataError: When ``code`` is not a CAMEO event code.
        ConfigError: When ``convention`` is unknown.
    """
    entry = cameo_entry(code)
    return Cameo(
        code=entry.code,
        root=entry.root,
        name=entry.name,
        goldstein=goldstein(entry.code, convention=convention),
        quad_class=quad_class(entry.code, convention=convention),
    )


def all_cameo_codes() -> tuple[str, ...]:
    """Every CAMEO event code, roots included, in code order.

    Returns:
        The codes, e.g. ``("01", "010", "011", ...)``.
    """
    return tuple(sorted(load_tables().cameo))


def plover_for_cameo(code: str) -> Plover | None:
    """The PLOVER event (and mode) for a CAMEO code.

    A 4-digit code without its own crosswalk row takes its parent's mapping.

    Args:
        code: A CAMEO code, e.g. ``"173"``.

    Returns:
        The :class:`detente.model.Plover` record, or ``None`` when PLOVER has no
        event for the code (public statements 01x and appeals 02x).

    Raises:
        DataError: When ``code`` is not a CAMEO event code.
    """
    tables = load_tables()
    entry: CameoEntry | None = cameo_entry(code)
    while entry is not None and entry.code not in tables.crosswalk:
        entry = tables.cameo[entry.parent] if entry.parent is not None else None
    if entry is None:  # pragma: no cover - loading guarantees roots have rows
        return None
    row = tables.crosswalk[entry.code]
    if row is None:
        return None
    event, mode = row
    return Plover(event=event, mode=mode or None)


def plover_events() -> Mapping[str, PloverEvent]:
    """The 16 PLOVER 2.0 event types.

    Returns:
        A read-only mapping from upper-case name to :class:`PloverEvent`, in
        quad order (AGREE ... ASSAULT).
    """
    return load_tables().plover_events


def plover_mode_descriptions(event: str) -> Mapping[str, str]:
    """Short descriptions of one PLOVER event's modes.

    Args:
        event: A PLOVER event name; old names (DEMAND, ...) are accepted.

    Returns:
        A read-only mapping from mode name to description (empty when the event
        has no modes).

    Raises:
        DataError: When ``event`` is not a PLOVER event name.
    """
    return load_tables().mode_descriptions[normalize_plover(event)]


def plover_contexts() -> tuple[str, ...]:
    """The names of the PLOVER 2.0 contexts (topics), in manual order.

    Returns:
        The context names, e.g. ``("military", "intelligence", ...)``. The
        auxiliary modes are not included; see :func:`plover_auxiliary_contexts`.
    """
    return tuple(load_tables().contexts)


def plover_auxiliary_contexts() -> tuple[str, ...]:
    """The PLOVER auxiliary modes that are recorded in ``context``.

    Returns:
        ``("historical", "future", "hypothetical", "negation")``.
    """
    return tuple(load_tables().auxiliary_contexts)


def plover_context_descriptions() -> Mapping[str, str]:
    """Short descriptions of every context, auxiliary modes included.

    Returns:
        A mapping from context name to description.
    """
    tables = load_tables()
    return {**tables.contexts, **tables.auxiliary_contexts}


def normalize_plover(name: str) -> str:
    """Normalize a PLOVER event name to its PLOVER 2.0 spelling.

    Upper-cases, strips whitespace, and maps names from older drafts
    (DEMAND -> REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT).

    Args:
        name: An event name in any case.

    Returns:
        The PLOVER 2.0 event name.

    Raises:
        DataError: When the name is not a PLOVER event, old or new.
    """
    tables = load_tables()
    key = name.strip().upper()
    key = tables.renamed.get(key, key)
    if key not in tables.plover_events:
        raise DataError(
            f"Unknown PLOVER event {name!r}. Known events: {', '.join(tables.plover_events)}.",
            code="E500", value=name,
        )
    return key
