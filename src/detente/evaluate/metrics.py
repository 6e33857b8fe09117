"""Scorers: compare what detente coded with what the gold expected.

:func:`score` takes gold items and detente's :class:`~detente.model.Result` for each
(one per item, in order) and returns an :class:`EvalReport`. Which measures are
computed depends on the dataset's task:

``events`` (``plover_gsr``, ``petr2_gsr``, ``case2021``, ``jsonl``)
    *Event type.* The type level is PLOVER when the gold gives PLOVER events, else the
    CAMEO root. The *main* predicted event is the first of the first sentence with events (the
    extractor's order within the sentence, main event first). An item whose gold events have one distinct type is correct when
    the main event has it; an item with several distinct types is correct when every
    one is among the predicted types. ``event_accuracy`` is that fraction;
    ``event_hit_rate`` counts an item when all its gold types are among the predicted
    ones (any event). ``plover_accuracy``, ``cameo_root_accuracy`` and
    ``cameo_accuracy`` (full code) apply the accuracy rule at each level the gold has.
    Per-class precision/recall/F1, ``macro_f1`` (mean F1 over gold classes) and the
    confusion table pair every distinct gold type with the predicted type (the gold
    type when it counted as found, else the main event's type, or ``NONE``).

    *Actors, status.* Each gold event is aligned with the predicted event that best
    agrees with it (same type 4 points, shared source country 2, shared target
    country 1; ties go to the earlier event). ``source_country_accuracy`` (and target)
    counts gold events with a known country whose aligned event has exactly the gold
    set of countries (for a gold joint event given as compound sources with no target, a
    reciprocal prediction's parties on both sides count as its sources) (a generic ``IGO``/``NGO`` matches any non-ISO code).
    ``source_sector_accuracy`` (and target) counts gold actor codes with a sector for
    which the aligned event has an actor with that country and sector.
    ``status_accuracy`` compares statuses where the gold gives one.

    *Tuples.* Every event expands to ``(source, target, type)`` tuples (the product of
    its sources and targets, ``-`` for none; a reciprocal predicted event is between every
    pair of its parties, both ways). Micro precision/recall/F1 over items: ``tuple_*_root`` (countries
    and CAMEO root), ``tuple_*_full`` (countries and full CAMEO code),
    ``tuple_*_strict`` (country+sector codes and full CAMEO), ``tuple_*_plover``
    (countries and PLOVER event), each where the gold has what it needs. ``tuple_match_*``
    is the share of coded items (gold with at least one tuple) whose gold tuples are all
    among the predicted ones: "(source, target, root) match of coded sentences".

    *No event.* ``no_event_specificity`` is the share of "no event expected" items
    with no predicted event.

``class`` (``cameo_class``)
    The main event's CAMEO root becomes the Phoenix class (0 statement 01-02, 1 verbal
    cooperation 03-05, 2 material cooperation 06-08, 3 verbal conflict 09-13 and 16,
    4 material conflict 14, 15, 17-20); no event is the prediction ``none`` (wrong).
    ``accuracy``, per-class table, ``macro_f1`` over the five classes, confusion.

``spans`` (``cameo_ner``)
    Predicted actor spans are the sources and targets of every predicted event
    (labels ``source``/``target``; both ``reciprocal`` for a reciprocal event).
    ``actor_span_{precision,recall,f1}_exact`` need equal offsets and label;
    ``..._overlap`` a one-to-one match of overlapping spans with the same label;
    ``actor_span_f1_overlap_unlabeled`` ignores labels.

``multilabel`` (``india_police``)
    Sentence labels from predicted events: ``ARREST`` = a CAMEO 173x event;
    ``FORCE`` = any CAMEO 17-20 event; ``KILL`` = a CAMEO 18-20 event that is 1823 or
    202x, or whose trigger or sentence has a killing word (:data:`KILL_WORDS`);
    ``ANY_ACTION`` = any of the three. ``FAIL`` is not scored. Per label
    ``{label}_precision/recall/f1``; ``macro_f1`` over the four labels, ``micro_f1``.

``quotes`` (``polnear``)
    Predicted quote content spans are matched one-to-one with gold content:
    ``quote_content_*_exact`` when equal to the gold content (its whole extent or one
    of its pieces) after trimming white space, quotation marks and final punctuation;
    ``quote_content_*_overlap`` when overlapping. Speaker spans (deduplicated) give
    ``quote_speaker_*_exact`` and ``..._overlap``; ``quote_speaker_accuracy`` is the
    share of overlap-matched quotes with a gold speaker whose predicted speaker
    overlaps it.

Predicted offsets point into detente's cleaned text; when that differs from the gold
text they are carried over by a character alignment (:class:`OffsetMap`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from ..errors import EvaluationError
from ..model import Event, Result
from .readers import (
    GENERIC_ORGANISATIONS,
    ISO3_COUNTRIES,
    GoldEvent,
    GoldItem,
    normalize_country,
    normalize_plover,
    split_actor_code,
)

__all__ = [
    "KILL_WORDS",
    "NONE",
    "TASKS",
    "EvalReport",
    "OffsetMap",
    "main_event",
    "phoenix_class",
    "score",
]

#: The predicted label when nothing (or no typed event) was predicted.
NONE = "NONE"

#: The tasks :func:`score` knows.
TASKS: tuple[str, ...] = ("events", "class", "spans", "multilabel", "quotes")

#: Words that make a CAMEO 18-20 event count as ``KILL`` (IndiaPoliceEvents).
KILL_WORDS = re.compile(
    r"\b(kill(?:s|ed|ing|ings)?|shot dead|gunned down|slain|murder(?:s|ed)?|lynch(?:ed|ing)?|"
    r"massacre[sd]?|dead|death|deaths|died|dies|fatal(?:ly)?)\b",
    re.IGNORECASE,
)

_TEXT_LIMIT = 200
_QUOTE_TRIM = " \t\r\n\"'“”‘’«»„‟‹›`"
_END_TRIM = _QUOTE_TRIM + ".,;:"


# --------------------------------------------------------------------------- report


@dataclass
class EvalReport:
    """The scores of one gold set.

    Attributes:
        dataset: The gold set's name.
        n_items: Items scored (coded and compared).
        metrics: Flat metric name -> value, each in [0, 1].
        per_class: Class -> ``precision``, ``recall``, ``f1``, ``support``.
        confusion: Gold class -> predicted class -> count (``multilabel``: label ->
            ``tp``/``fp``/``fn``/``tn``).
        errors: Class -> up to N examples (``id``, ``text`` cut to 200 characters,
            ``expected``, ``predicted``).
        seconds: Wall time of reading, coding and scoring.
        counts: Bookkeeping counts (``read``, ``scored``, ``unscored``, ...).
        unmapped: Gold labels left out because they have no mapping, with counts.
        task: The task that chose the measures.
    """

    dataset: str
    n_items: int
    metrics: dict[str, float] = field(default_factory=dict)
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, int] = field(default_factory=dict)
    task: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-able data."""
        return {
            "dataset": self.dataset,
            "task": self.task,
            "n_items": self.n_items,
            "seconds": round(self.seconds, 3),
            "metrics": dict(self.metrics),
            "per_class": {k: dict(v) for k, v in self.per_class.items()},
            "confusion": {k: dict(v) for k, v in self.confusion.items()},
            "errors": {k: [dict(e) for e in v] for k, v in self.errors.items()},
            "counts": dict(self.counts),
            "unmapped": dict(self.unmapped),
        }

    def render(self) -> RenderableType:
        """Return rich tables: metrics, per-class scores, confusion and error examples."""
        parts: list[RenderableType] = []
        table = Table(title=f"{self.dataset}: {self.n_items} items, {self.seconds:.1f} s",
                      caption=", ".join(f"{k} {v}" for k, v in self.counts.items()) or None)
        table.add_column("metric")
        table.add_column("value", justify="right")
        for name, value in self.metrics.items():
            table.add_row(name, f"{value:.3f}")
        parts.append(table)
        if self.per_class:
            classes = Table(title=f"{self.dataset}: per class")
            for column in ("class", "precision", "recall", "f1", "support"):
                classes.add_column(column, justify="left" if column == "class" else "right")
            for name, row in self.per_class.items():
                classes.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                                f"{row['f1']:.3f}", str(int(row["support"])))
            parts.append(classes)
        if self.confusion:
            columns = sorted({p for row in self.confusion.values() for p in row})
            if len(columns) <= 24:
                confusion = Table(title=f"{self.dataset}: confusion (rows gold, columns predicted)")
                confusion.add_column("gold")
                for column in columns:
                    confusion.add_column(column, justify="right")
                for gold, counts in self.confusion.items():
                    confusion.add_row(gold, *(str(counts.get(c, 0)) for c in columns))
                parts.append(confusion)
        if self.unmapped:
            unmapped = Table(title=f"{self.dataset}: unmapped gold labels (not scored)")
            unmapped.add_column("label")
            unmapped.add_column("items", justify="right")
            for name, count in sorted(self.unmapped.items()):
                unmapped.add_row(name, str(count))
            parts.append(unmapped)
        if any(self.errors.values()):
            errors = Table(title=f"{self.dataset}: error examples")
            for column in ("class", "id", "expected", "predicted", "text"):
                errors.add_column(column, overflow="fold")
            for name, examples in self.errors.items():
                for example in examples:
                    errors.add_row(name, str(example["id"]), str(example["expected"]),
                                   str(example["predicted"]), str(example["text"]))
            parts.append(errors)
        return Group(*parts)


class _Errors:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.examples: dict[str, list[dict[str, Any]]] = {}

    def add(self, cls: str, item: GoldItem, expected: Any, predicted: Any) -> None:
        if self.limit <= 0:
            return
        bucket = self.examples.setdefault(cls, [])
        if len(bucket) < self.limit:
            text = item.text if len(item.text) <= _TEXT_LIMIT else item.text[:_TEXT_LIMIT - 1] + "…"
            bucket.append({"id": item.id, "text": text, "expected": expected, "predicted": predicted})


# --------------------------------------------------------------------------- helpers


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _prf(metrics: dict[str, float], prefix: str, suffix: str, tp: int, n_pred: int, n_gold: int) -> None:
    precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
    tail = f"_{suffix}" if suffix else ""
    metrics[f"{prefix}_precision{tail}"] = precision
    metrics[f"{prefix}_recall{tail}"] = recall
    metrics[f"{prefix}_f1{tail}"] = _f1(precision, recall)


def _per_class(pairs: Sequence[tuple[str, str]], classes: Sequence[str] | None = None
               ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, int]], float]:
    """Per-class P/R/F1, confusion and macro-F1 (over ``classes`` or the gold classes)."""
    gold_counts = Counter(g for g, _ in pairs)
    pred_counts = Counter(p for _, p in pairs)
    hits = Counter(g for g, p in pairs if g == p)
    names = list(classes) if classes is not None else sorted(gold_counts)
    table: dict[str, dict[str, float]] = {}
    for name in names:
        precision = _ratio(hits[name], pred_counts[name])
        recall = _ratio(hits[name], gold_counts[name])
        table[name] = {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
                       "support": float(gold_counts[name])}
    confusion: dict[str, dict[str, int]] = {}
    for gold in names:
        row = Counter(p for g, p in pairs if g == gold)
        confusion[gold] = dict(sorted(row.items()))
    macro = sum(row["f1"] for row in table.values()) / len(table) if table else 0.0
    return table, confusion, macro


def _ordered(events: Iterable[Event]) -> list[Event]:
    # Sentences in text order; within a sentence the extractor's own order, which lists the
    # sentence's main event first (sorted() is stable).
    return sorted(events, key=lambda e: e.sentence.index)


def main_event(result: Result) -> Event | None:
    """Return the main event of a result: the first event of its first sentence with events.

    Extractors list each sentence's main event first (the rules coder: the substantive event
    highest in the parse, before plain statements).

    Args:
        result: What detente coded for one gold item.

    Returns:
        The main event, if any.
    """
    ordered = _ordered(result.events)
    return ordered[0] if ordered else None


def phoenix_class(root: str | None) -> int | None:
    """Map a CAMEO root (``"01"``-``"20"``) to the Phoenix five-class convention.

    Args:
        root: A CAMEO root or code; only its first two digits are used.

    Returns:
        0 statement (01-02), 1 verbal cooperation (03-05), 2 material cooperation
        (06-08), 3 verbal conflict (09-13, 16), 4 material conflict (14, 15, 17-20), or
        ``None`` for anything else.
    """
    if not root or len(root) < 2 or not root[:2].isdigit():
        return None
    value = int(root[:2])
    if value in (1, 2):
        return 0
    if 3 <= value <= 5:
        return 1
    if 6 <= value <= 8:
        return 2
    if 9 <= value <= 13 or value == 16:
        return 3
    if value in (14, 15) or 17 <= value <= 20:
        return 4
    return None


def _cameo_code(event: Event) -> str:
    return (event.cameo.code or "").strip()


def _cameo_root(event: Event) -> str | None:
    root = (event.cameo.root or _cameo_code(event))[:2]
    return root if len(root) == 2 and root.isdigit() else None


def _pred_type(event: Event, level: str) -> str | None:
    if level == "plover":
        return normalize_plover(event.plover.event)
    if level == "cameo_root":
        return _cameo_root(event)
    code = _cameo_code(event)
    return code or None


def _gold_type(event: GoldEvent, level: str) -> str | None:
    if level == "plover":
        return event.plover
    if not event.cameo:
        return None
    return event.cameo[:2] if level == "cameo_root" else event.cameo


class OffsetMap:
    """Carries character offsets from detente's cleaned text over to the gold text.

    When the two texts are equal offsets pass through. Otherwise the span's text is
    looked up in the gold text (the occurrence nearest the proportional position
    wins; white space may differ), and failing that a character alignment
    (:class:`difflib.SequenceMatcher`, built on first need) maps the span to the
    aligned characters it covers.

    Args:
        source: The text predicted offsets point into (``Result.article.text``).
        target: The gold item's text.
    """

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        self.identity = source == target
        self._map: list[int] | None = None

    def _alignment(self) -> list[int]:
        if self._map is None:
            mapping = [-1] * len(self.source)
            matcher = SequenceMatcher(None, self.source, self.target, autojunk=False)
            for a, b, size in matcher.get_matching_blocks():
                for k in range(size):
                    mapping[a + k] = b + k
            self._map = mapping
        return self._map

    def _search(self, start: int, end: int) -> tuple[int, int] | None:
        words = self.source[start:end].split()
        if not words:
            return None
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
        expected = start * len(self.target) / max(1, len(self.source))
        best: tuple[int, int] | None = None
        for match in pattern.finditer(self.target):
            if best is None or abs(match.start() - expected) < abs(best[0] - expected):
                best = (match.start(), match.end())
        return best

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Return the gold-text span for a predicted span, or ``None`` if nothing aligns."""
        if self.identity:
            start, end = max(0, start), min(end, len(self.target))
            return (start, end) if start < end else None
        found = self._search(max(0, start), min(end, len(self.source)))
        if found is not None:
            return found
        mapping = self._alignment()
        lo, hi = max(0, start), min(end, len(mapping))
        first = next((mapping[i] for i in range(lo, hi) if mapping[i] >= 0), None)
        last = next((mapping[i] for i in range(hi - 1, lo - 1, -1) if mapping[i] >= 0), None)
        if first is None or last is None or last < first:
            return None
        return first, last + 1


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trim(text: str, span: tuple[int, int], end_chars: str = _END_TRIM) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _QUOTE_TRIM:
        start += 1
    while end > start and text[end - 1] in end_chars:
        end -= 1
    return start, end


def _overlap_matches(gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]],
                     *, labelled: bool = True) -> int:
    """One-to-one matches of overlapping spans (greedy by largest overlap)."""
    candidates: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if (not labelled or g[2] == p[2]) and _overlaps((g[0], g[1]), (p[0], p[1])):
                size = min(g[1], p[1]) - max(g[0], p[0])
                candidates.append((-size, gi, pi))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _size, gi, pi in sorted(candidates):
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
    return len(used_gold)


# --------------------------------------------------------------------------- events


def _countries_match(gold: set[str], pred: set[str]) -> bool:
    def matches(g: str, p: str) -> bool:
        return g == p or (g in GENERIC_ORGANISATIONS and p not in ISO3_COUNTRIES)

    return all(any(matches(g, p) for p in pred) for g in gold) and all(
        any(matches(g, p) for g in gold) for p in pred
    )


def _pred_countries(actors: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for actor in actors:
        country = normalize_country(actor.country)
        if country:
            out.add(country)
    return out


def _align(gold: GoldEvent, events: Sequence[Event], level: str) -> Event | None:
    best: Event | None = None
    best_score = -1
    gold_type = _gold_type(gold, level)
    for event in events:
        points = 0
        if gold_type is not None and _pred_type(event, level) == gold_type:
            points += 4
        if set(gold.source_countries) & _pred_countries(event.source):
            points += 2
        if set(gold.target_countries) & _pred_countries(event.target):
            points += 1
        if points > best_score:
            best, best_score = event, points
    return best


def _sector_hit(code: str, actors: Iterable[Any]) -> bool | None:
    country, sector = split_actor_code(code)
    if sector is None:
        return None
    for actor in actors:
        pred_country = normalize_country(actor.country)
        pred_sector = (actor.sector or "").strip().upper()[:3]
        country_ok = country is None or (pred_country is not None and _countries_match({country}, {pred_country}))
        if country_ok and pred_sector == sector:
            return True
    return False


def _canon(country: str | None, gold_countries: set[str]) -> str:
    if country is None:
        return "-"
    if country in gold_countries or country in ISO3_COUNTRIES:
        return country
    for generic in GENERIC_ORGANISATIONS:
        if generic in gold_countries:
            return generic
    return country


def _actor_key(country: str | None, sector: str | None, gold_countries: set[str]) -> str:
    return _canon(country, gold_countries) + (sector or "")


def _gold_tuples(event: GoldEvent, level: str) -> set[tuple[str, str, str]]:
    kind = "plover" if level == "plover" else ("cameo_root" if level == "root" else "cameo")
    etype = _gold_type(event, kind)
    if etype is None:
        return set()
    if level == "strict":
        sources = [_actor_key(*split_actor_code(c), set()) for c in event.source_codes] or ["-"]
        targets = [_actor_key(*split_actor_code(c), set()) for c in event.target_codes] or ["-"]
    else:
        sources = list(event.source_countries) or ["-"]
        targets = list(event.target_countries) or ["-"]
    return {(s, t, etype) for s in sources for t in targets}


def _pred_tuples(event: Event, level: str, gold_countries: set[str]) -> set[tuple[str, str, str]]:
    kind = "plover" if level == "plover" else ("cameo_root" if level == "root" else "cameo")
    etype = _pred_type(event, kind)
    if etype is None:
        return set()

    def key(actor: Any) -> str:
        country = normalize_country(actor.country)
        if level == "strict":
            sector = (actor.sector or "").strip().upper()[:3] or None
            return _actor_key(country, sector, gold_countries)
        return _canon(country, gold_countries)

    sources = [key(a) for a in event.source] or ["-"]
    targets = [key(a) for a in event.target] or ["-"]
    out = {(s, t, etype) for s in sources for t in targets}
    if event.reciprocal:
        # A joint event is between every pair of its parties ("the US, Russia and Switzerland met").
        parties = [key(a) for a in (*event.source, *event.target)]
        out |= {(a, b, etype) for i, a in enumerate(parties) for j, b in enumerate(parties) if i != j}
    return out


def _score_events(items: Sequence[GoldItem], results: Sequence[Result], errors: _Errors,
                  report: EvalReport) -> None:
    gold_events = [e for item in items for e in item.events]
    levels = [lvl for lvl in ("plover", "cameo_root", "cameo")
              if any(_gold_type(e, lvl) is not None for e in gold_events)]
    primary = levels[0] if levels else "plover"
    metrics = report.metrics
    correct: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    hits = 0
    pairs: list[tuple[str, str]] = []
    country = {"source": [0, 0], "target": [0, 0]}
    sector = {"source": [0, 0], "target": [0, 0]}
    status = [0, 0]
    no_event = [0, 0]
    has_actors = any(e.source_countries or e.target_countries for e in gold_events)
    tuple_levels: list[str] = []
    if has_actors:
        if "cameo" in levels:
            tuple_levels += ["root", "full"]
            if any(e.source_codes or e.target_codes for e in gold_events):
                tuple_levels.append("strict")
        if "plover" in levels:
            tuple_levels.append("plover")
    tuples = {lvl: [0, 0, 0] for lvl in tuple_levels}  # tp, predicted, gold
    matched = {lvl: [0, 0] for lvl in tuple_levels}  # coded items whose gold tuples are all predicted, coded items

    for item, result in zip(items, results, strict=True):
        events = _ordered(result.events)
        main = events[0] if events else None
        if item.no_event:
            no_event[1] += 1
            if not events:
                no_event[0] += 1
            else:
                errors.add("no event", item, NONE, _pred_type(main, primary) if main else NONE)
        for level in levels:
            gold_types = list(dict.fromkeys(t for e in item.events if (t := _gold_type(e, level))))
            if not gold_types:
                continue
            pred_types = {t for e in events if (t := _pred_type(e, level))}
            # The main event at this level: the first one it has a type for (PLOVER has no statements, CAMEO
            # 01-02, so a statement listed first leaves the PLOVER main event to the next one).
            main_type = next((t for e in events if (t := _pred_type(e, level))), None) or NONE
            single = len(gold_types) == 1
            ok = main_type == gold_types[0] if single else all(t in pred_types for t in gold_types)
            totals[level] += 1
            correct[level] += ok
            if level != primary:
                continue
            hits += all(t in pred_types for t in gold_types)
            for gold_type in gold_types:
                found = main_type == gold_type if single else gold_type in pred_types
                predicted = gold_type if found else main_type
                pairs.append((gold_type, predicted))
                if not found:
                    errors.add(gold_type, item, gold_type, sorted(pred_types) or NONE)
        for gold in item.events:
            aligned = _align(gold, events, primary)
            for side, gold_countries, gold_codes in (
                ("source", gold.source_countries, gold.source_codes),
                ("target", gold.target_countries, gold.target_codes),
            ):
                actors = (aligned.source if side == "source" else aligned.target) if aligned else ()
                if aligned is not None and aligned.reciprocal and not gold.target_countries:
                    # Gold lists the parties of a joint event as compound sources with no target;
                    # a reciprocal prediction holds the same parties on both sides.
                    actors = (*aligned.source, *aligned.target) if side == "source" else ()
                if gold_countries:
                    country[side][1] += 1
                    country[side][0] += _countries_match(set(gold_countries), _pred_countries(actors))
                for code in gold_codes:
                    hit = _sector_hit(code, actors)
                    if hit is not None:
                        sector[side][1] += 1
                        sector[side][0] += hit
            if gold.status:
                status[1] += 1
                status[0] += aligned is not None and aligned.status == gold.status
        if tuple_levels:
            item_countries = {c for e in item.events for c in (*e.source_countries, *e.target_countries)}
            for level in tuple_levels:
                gold_set: set[tuple[str, str, str]] = set()
                for gold in item.events:
                    gold_set |= _gold_tuples(gold, level)
                pred_set: set[tuple[str, str, str]] = set()
                for event in events:
                    pred_set |= _pred_tuples(event, level, item_countries)
                tuples[level][0] += len(gold_set & pred_set)
                tuples[level][1] += len(pred_set)
                tuples[level][2] += len(gold_set)
                if gold_set:
                    matched[level][1] += 1
                    matched[level][0] += gold_set <= pred_set

    if primary in totals:
        metrics["event_accuracy"] = _ratio(correct[primary], totals[primary])
        metrics["event_hit_rate"] = _ratio(hits, totals[primary])
        names = {"plover": "plover_accuracy", "cameo_root": "cameo_root_accuracy", "cameo": "cameo_accuracy"}
        for level in levels:
            metrics[names[level]] = _ratio(correct[level], totals[level])
        table, confusion, macro = _per_class(pairs)
        metrics["macro_f1"] = macro
        report.per_class, report.confusion = table, confusion
    for side in ("source", "target"):
        if country[side][1]:
            metrics[f"{side}_country_accuracy"] = _ratio(*country[side])
    for side in ("source", "target"):
        if sector[side][1]:
            metrics[f"{side}_sector_accuracy"] = _ratio(*sector[side])
    if status[1]:
        metrics["status_accuracy"] = _ratio(*status)
    for level in tuple_levels:
        tp, n_pred, n_gold = tuples[level]
        _prf(metrics, "tuple", level, tp, n_pred, n_gold)
        if matched[level][1]:
            metrics[f"tuple_match_{level}"] = _ratio(*matched[level])
    if no_event[1]:
        metrics["no_event_specificity"] = _ratio(*no_event)
    report.counts["gold_events"] = len(gold_events)
    report.counts["no_event_items"] = no_event[1]


# --------------------------------------------------------------------------- class


def _score_class(items: Sequence[GoldItem], results: Sequence[Result], errors: _Errors,
                 report: EvalReport) -> None:
    pairs: list[tuple[str, str]] = []
    for item, result in zip(items, results, strict=True):
        if item.class_label is None:
            continue
        main = main_event(result)
        predicted = phoenix_class(_cameo_root(main)) if main else None
        gold, pred = str(item.class_label), "none" if predicted is None else str(predicted)
        pairs.append((gold, pred))
        if gold != pred:
            errors.add(gold, item, gold, pred if main is None else f"{pred} ({_cameo_code(main)})")
    if not pairs:
        return
    table, confusion, macro = _per_class(pairs, ["0", "1", "2", "3", "4"])
    report.metrics["accuracy"] = _ratio(sum(g == p for g, p in pairs), len(pairs))
    report.metrics["macro_f1"] = macro
    report.per_class, report.confusion = table, confusion


# --------------------------------------------------------------------------- spans


def _score_spans(items: Sequence[GoldItem], results: Sequence[Result], errors: _Errors,
                 report: EvalReport) -> None:
    exact = [0, 0, 0]
    overlap = [0, 0, 0]
    unlabeled = 0
    per_label: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item, result in zip(items, results, strict=True):
        mapper = OffsetMap(result.article.text, item.text)
        gold = sorted({(s.start, s.end, s.label) for s in item.spans})
        pred_set: set[tuple[int, int, str]] = set()
        for event in result.events:
            for side, actors in (("source", event.source), ("target", event.target)):
                label = "reciprocal" if event.reciprocal else side
                for actor in actors:
                    span = mapper.span(actor.start, actor.end)
                    if span is not None:
                        pred_set.add((span[0], span[1], label))
        pred = sorted(pred_set)
        exact[0] += len(set(gold) & pred_set)
        matched = _overlap_matches(gold, pred)
        overlap[0] += matched
        unlabeled += _overlap_matches(gold, pred, labelled=False)
        for counter in (exact, overlap):
            counter[1] += len(pred)
            counter[2] += len(gold)
        for label in {g[2] for g in gold} | {p[2] for p in pred}:
            g_label = [g for g in gold if g[2] == label]
            p_label = [p for p in pred if p[2] == label]
            hit = _overlap_matches(g_label, p_label)
            per_label[label][0] += hit
            per_label[label][1] += len(p_label)
            per_label[label][2] += len(g_label)
            if hit < len(g_label) or hit < len(p_label):
                errors.add(label, item, [item.text[g[0]:g[1]] for g in g_label],
                           [item.text[p[0]:p[1]] for p in p_label])
    metrics = report.metrics
    _prf(metrics, "actor_span", "exact", *exact)
    _prf(metrics, "actor_span", "overlap", *overlap)
    metrics["actor_span_f1_overlap_unlabeled"] = _f1(_ratio(unlabeled, overlap[1]), _ratio(unlabeled, overlap[2]))
    for label in ("source", "target", "reciprocal"):
        tp, n_pred, n_gold = per_label.get(label, [0, 0, 0])
        if n_pred or n_gold:
            precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
            report.per_class[label] = {"precision": precision, "recall": recall,
                                       "f1": _f1(precision, recall), "support": float(n_gold)}
    report.counts["gold_spans"] = overlap[2]
    report.counts["predicted_spans"] = overlap[1]


# --------------------------------------------------------------------------- multilabel

MULTILABELS: tuple[str, ...] = ("KILL", "ARREST", "FORCE", "ANY_ACTION")


def _predicted_labels(result: Result) -> set[str]:
    labels: set[str] = set()
    for event in result.events:
        code = _cameo_code(event)
        root = _cameo_root(event)
        number = int(root) if root else 0
        if code.startswith("173"):
            labels.add("ARREST")
        if 17 <= number <= 20:
            labels.add("FORCE")
        if 18 <= number <= 20 and (
            code.startswith(("1823", "202"))
            or KILL_WORDS.search(event.trigger.text)
            or KILL_WORDS.search(event.sentence.text)
        ):
            labels.add("KILL")
    if labels:
        labels.add("ANY_ACTION")
    return labels


def _score_multilabel(items: Sequence[GoldItem], results: Sequence[Result], errors: _Errors,
                      report: EvalReport) -> None:
    counts = {label: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for label in MULTILABELS}
    for item, result in zip(items, results, strict=True):
        predicted = _predicted_labels(result)
        for label in MULTILABELS:
            gold = bool(item.labels.get(label, 0))
            pred = label in predicted
            key = ("tp" if pred else "fn") if gold else ("fp" if pred else "tn")
            counts[label][key] += 1
            if gold != pred:
                codes = sorted({_cameo_code(e) for e in result.events})
                errors.add(label, item, int(gold), f"{int(pred)} {codes}")
    metrics = report.metrics
    f1s: list[float] = []
    for label in MULTILABELS:
        c = counts[label]
        precision, recall = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])
        f1 = _f1(precision, recall)
        name = label.lower()
        metrics[f"{name}_precision"], metrics[f"{name}_recall"], metrics[f"{name}_f1"] = precision, recall, f1
        f1s.append(f1)
        report.per_class[label] = {"precision": precision, "recall": recall, "f1": f1,
                                   "support": float(c["tp"] + c["fn"])}
    metrics["macro_f1"] = sum(f1s) / len(f1s)
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    metrics["micro_f1"] = _f1(_ratio(tp, tp + fp), _ratio(tp, tp + fn))
    report.confusion = {label: dict(c) for label, c in counts.items()}


# --------------------------------------------------------------------------- quotes


def _score_quotes(items: Sequence[GoldItem], results: Sequence[Result], errors: _Errors,
                  report: EvalReport) -> None:
    content_exact = [0, 0, 0]
    content_overlap = [0, 0, 0]
    speaker_exact = [0, 0, 0]
    speaker_overlap = [0, 0, 0]
    speaker_acc = [0, 0]
    for item, result in zip(items, results, strict=True):
        text = item.text
        mapper = OffsetMap(result.article.text, text)
        preds: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
        for quote in sorted(result.quotes, key=lambda q: (q.content.start, q.content.end)):
            content = mapper.span(quote.content.start, quote.content.end)
            if content is None:
                continue
            speaker = mapper.span(quote.speaker.start, quote.speaker.end) if quote.speaker else None
            preds.append((content, speaker))
        golds = item.quotes
        # content: exact (trimmed) and overlap, one-to-one
        gold_exact_forms = []
        for gq in golds:
            pieces = [(s.start, s.end) for s in gq.content]
            hull = (min(p[0] for p in pieces), max(p[1] for p in pieces))
            gold_exact_forms.append({_trim(text, p) for p in [hull, *pieces]})
        used: set[int] = set()
        for content, _speaker in preds:
            form = _trim(text, content)
            for gi, forms in enumerate(gold_exact_forms):
                if gi not in used and form in forms:
                    used.add(gi)
                    break
        content_exact[0] += len(used)
        pairs: list[tuple[int, int]] = []  # (gold index, pred index) overlap matches
        candidates: list[tuple[int, int, int]] = []
        for gi, gq in enumerate(golds):
            for pi, (content, _speaker) in enumerate(preds):
                size = sum(max(0, min(s.end, content[1]) - max(s.start, content[0])) for s in gq.content)
                if size > 0:
                    candidates.append((-size, gi, pi))
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        for _size, gi, pi in sorted(candidates):
            if gi not in used_gold and pi not in used_pred:
                used_gold.add(gi)
                used_pred.add(pi)
                pairs.append((gi, pi))
        content_overlap[0] += len(pairs)
        for counter in (content_exact, content_overlap):
            counter[1] += len(preds)
            counter[2] += len(golds)
        for gi, gq in enumerate(golds):
            if gi not in used_gold:
                errors.add("content", item, text[gq.content[0].start:gq.content[-1].end][:120], NONE)
        for pi, (content, _speaker) in enumerate(preds):
            if pi not in used_pred:
                errors.add("content", item, NONE, text[content[0]:content[1]][:120])
        for gi, pi in pairs:
            gold_speakers = [(s.start, s.end) for s in golds[gi].speaker]
            if not gold_speakers:
                continue
            speaker_acc[1] += 1
            predicted_speaker = preds[pi][1]
            ok = predicted_speaker is not None and any(_overlaps(predicted_speaker, g) for g in gold_speakers)
            speaker_acc[0] += ok
            if not ok:
                errors.add("speaker", item, [text[s:e] for s, e in gold_speakers],
                           text[predicted_speaker[0]:predicted_speaker[1]] if predicted_speaker else NONE)
        # speaker spans as a set
        gold_spk = sorted({(*_trim(text, (s.start, s.end), _QUOTE_TRIM), "speaker")
                           for gq in golds for s in gq.speaker})
        pred_spk = sorted({(*_trim(text, sp, _QUOTE_TRIM), "speaker") for _c, sp in preds if sp is not None})
        speaker_exact[0] += len(set(gold_spk) & set(pred_spk))
        speaker_overlap[0] += _overlap_matches(gold_spk, pred_spk)
        for counter in (speaker_exact, speaker_overlap):
            counter[1] += len(pred_spk)
            counter[2] += len(gold_spk)
    metrics = report.metrics
    _prf(metrics, "quote_content", "exact", *content_exact)
    _prf(metrics, "quote_content", "overlap", *content_overlap)
    _prf(metrics, "quote_speaker", "exact", *speaker_exact)
    _prf(metrics, "quote_speaker", "overlap", *speaker_overlap)
    if speaker_acc[1]:
        metrics["quote_speaker_accuracy"] = _ratio(*speaker_acc)
    for name, (tp, n_pred, n_gold) in (("content", content_overlap), ("speaker", speaker_overlap)):
        precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
        report.per_class[name] = {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
                                  "support": float(n_gold)}
    report.counts["gold_quotes"] = content_overlap[2]
    report.counts["predicted_quotes"] = content_overlap[1]


# --------------------------------------------------------------------------- entry point

_SCORERS = {
    "events": _score_events,
    "class": _score_class,
    "spans": _score_spans,
    "multilabel": _score_multilabel,
    "quotes": _score_quotes,
}


def score(dataset: str, task: str, items: Sequence[GoldItem], results: Sequence[Result], *,
          errors: int = 0) -> EvalReport:
    """Score detente's results against gold items.

    Args:
        dataset: The gold set's name (for the report).
        task: One of :data:`TASKS`; chooses the measures (see the module docstring).
        items: The gold items, all scored.
        results: One result per item, in the same order.
        errors: How many error examples to keep per class.

    Returns:
        The report, with ``seconds`` left at 0 for the caller to fill in.

    Raises:
        EvaluationError: Unknown task, or the numbers of items and results differ.
    """
    if task not in _SCORERS:
        raise EvaluationError(f"Unknown evaluation task {task!r}. Available: {', '.join(TASKS)}.", code="E700")
    if len(items) != len(results):
        raise EvaluationError(
            f"The coder returned {len(results)} results for {len(items)} gold items.", code="E700"
        )
    report = EvalReport(dataset=dataset, n_items=len(items), task=task)
    collector = _Errors(errors)
    _SCORERS[task](items, results, collector, report)
    report.errors = collector.examples
    report.counts["predicted_events"] = sum(len(r.events) for r in results)
    report.counts["failed_items"] = sum(1 for r in results if r.failures)
    return report
