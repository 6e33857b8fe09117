"""Training examples from gold sets: the text, what each head should predict, the rules' features.

Which head a gold set trains (see :mod:`detente.learn._heads`):

==============  ==============  ======  ===================================================
gold set        head            kind    label
==============  ==============  ======  ===================================================
cameo_class     cameo_class     single  the Phoenix class 0-4
india_police    india_police    multi   KILL, ARREST, FORCE (the sentence's positive labels)
case2021        acled           single  the ACLED sub-event type (mapped types only)
plover_gsr      plover          single  the PLOVER event of the sentence's first gold event
jsonl           cameo           single  the CAMEO root of the first event, ``NONE`` for ``no_event``
jsonl           plover          single  the PLOVER event of the first event, where given
==============  ==============  ======  ===================================================
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import Errors, EvaluationError
from ..evaluate.readers import ACLED_TO_CAMEO, GoldItem
from ..model import Article, Event
from ._features import rule_features
from ._heads import INDIA_HEAD_LABELS, NONE_LABEL, HeadSpec

__all__ = [
    "TRAINABLE",
    "Coded",
    "Example",
    "dataset_hash",
    "head_specs",
    "item_key",
    "ordered_events",
    "rule_pass",
    "targets_for",
]

#: Gold sets detente can train on, and the heads each one trains.
TRAINABLE: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "cameo_class": ("cameo_class",),
    "india_police": ("india_police",),
    "case2021": ("acled",),
    "plover_gsr": ("plover",),
    "jsonl": ("cameo", "plover"),
})

#: Heads whose training text is a whole snippet rather than one sentence (CASE 2021 snippets run
#: over several sentences): the hybrid classifies the whole text for them.
DOCUMENT_HEADS: frozenset[str] = frozenset({"acled"})


def item_key(text: str) -> str:
    """The hash that identifies a training text (whitespace-normalised; 16 hex digits of sha256)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def targets_for(dataset: str, item: GoldItem) -> dict[str, str | tuple[str, ...]]:
    """What each head should predict for one gold item (empty when the item teaches nothing)."""
    out: dict[str, str | tuple[str, ...]] = {}
    if not item.scored or not item.text.strip():
        return out
    if dataset == "cameo_class" and item.class_label is not None:
        out["cameo_class"] = str(item.class_label)
    elif dataset == "india_police":
        out["india_police"] = tuple(label for label in INDIA_HEAD_LABELS if item.labels.get(label, 0))
    elif dataset == "case2021" and item.raw_label is not None and item.raw_label in ACLED_TO_CAMEO:
        out["acled"] = item.raw_label
    elif dataset == "plover_gsr":
        plover = next((e.plover for e in item.events if e.plover), None)
        if plover:
            out["plover"] = plover
    elif dataset == "jsonl":
        first = item.events[0] if item.events else None
        if item.no_event:
            out["cameo"] = NONE_LABEL
        elif first is not None and first.cameo:
            out["cameo"] = first.cameo[:2]
        if first is not None and first.plover:
            out["plover"] = first.plover
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One training text with its targets and the rules' features.

    Attributes:
        text: The text the classifier reads.
        targets: Head name -> label (single) or labels (multi).
        features: The rules' feature vector of the text (empty when not used).
        key: :func:`item_key` of the text.
        dataset: The gold set it came from.
        where: The gold file and line or record, for messages.
    """

    text: str
    targets: Mapping[str, str | tuple[str, ...]]
    features: tuple[float, ...] = ()
    key: str = ""
    dataset: str = ""
    where: str = ""

    def stratum(self) -> str:
        """The label used to stratify splits: the first head's label."""
        for value in self.targets.values():
            return value if isinstance(value, str) else "+".join(value) or "-"
        return "-"


def head_specs(examples: Sequence[Example]) -> list[HeadSpec]:
    """The heads the examples train, with their label sets (sorted; fixed for the Phoenix and police heads)."""
    names = list(dict.fromkeys(name for ex in examples for name in ex.targets))
    specs: list[HeadSpec] = []
    for name in names:
        if name == "cameo_class":
            specs.append(HeadSpec(name=name, kind="single", labels=("0", "1", "2", "3", "4")))
        elif name == "india_police":
            specs.append(HeadSpec(name=name, kind="multi", labels=INDIA_HEAD_LABELS))
        else:
            labels = sorted({v for ex in examples if isinstance(v := ex.targets.get(name), str)})
            specs.append(HeadSpec(name=name, kind="single", labels=tuple(labels)))
    return specs


def dataset_hash(examples: Sequence[Example]) -> str:
    """sha256 over the training examples (text key and targets, in order)."""
    digest = hashlib.sha256()
    for ex in examples:
        targets = ";".join(f"{k}={v if isinstance(v, str) else '+'.join(v)}" for k, v in sorted(ex.targets.items()))
        digest.update(f"{ex.key}\t{targets}\n".encode())
    return digest.hexdigest()


def ordered_events(events: Iterable[Event]) -> list[Event]:
    """Events by sentence, keeping the extractor's order inside a sentence (main event first)."""
    return sorted(events, key=lambda e: e.sentence.index)


@dataclass(slots=True)
class Coded:
    """One gold item run through spaCy and the rules: its article, its parse and the rule events."""

    item: GoldItem
    article: Article
    events: list[Event]
    doc: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def features(self) -> tuple[float, ...]:
        return tuple(rule_features(ordered_events(self.events)))


def rule_pass(items: Sequence[GoldItem], *, keep_docs: bool = False, batch_size: int = 64,
              progress: Callable[[int, int], None] | None = None) -> list[Coded]:
    """Parse each item once and run the rules on it (the features, and the hybrid's input in CV).

    Args:
        items: Gold items, coded in order.
        keep_docs: Keep the spaCy parse of each item (for the hybrid in cross-validation).
        batch_size: Texts per ``nlp.pipe`` batch.
        progress: Called as ``progress(done, total)``.
    """
    from dataclasses import replace

    from ..clean import article_id
    from ..extract.rules import RulesExtractor
    from ..parse import load_nlp
    from ..pipeline import make_article

    nlp = load_nlp()
    rules = RulesExtractor()
    rules.resolver(nlp)
    out: list[Coded] = []
    articles = [replace(make_article(item.text, published=item.published),
                        id=f"{n:08d}-{article_id(outlet=None, url=None, text=item.text)}")
                for n, item in enumerate(items)]
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for n, (item, article, doc) in enumerate(zip(items, articles, docs, strict=True)):
        actors = rules.actors_for(doc, article)
        events = rules(doc, article, actors)
        out.append(Coded(item=item, article=article, events=events, doc=doc if keep_docs else None))
        if progress is not None:
            progress(n + 1, len(items))
    return out


def examples_from(dataset: str, coded: Sequence[Coded], *, rule_features: bool = True) -> list[Example]:
    """Training examples of the coded items that teach something."""
    out: list[Example] = []
    for c in coded:
        targets = targets_for(dataset, c.item)
        if not targets:
            continue
        out.append(Example(text=c.item.text, targets=targets, features=c.features() if rule_features else (),
                           key=item_key(c.item.text), dataset=dataset, where=c.item.where))
    return out


def check_trainable(dataset: str) -> None:
    """Raise E712 unless ``dataset`` can train a head."""
    if dataset not in TRAINABLE:
        raise EvaluationError(Errors.E712.format(
            name=dataset, detail="it has no labels a classifier head learns", available=", ".join(TRAINABLE)),
            code="E712")


def stratified_folds(keys: Sequence[str], strata: Sequence[str], folds: int, seed: int) -> list[int]:
    """A fold number per item: each stratum dealt round-robin after a seeded shuffle.

    Items with the same text key always share a fold, so a duplicated sentence is never scored by a model
    that saw its twin.
    """
    import random

    rng = random.Random(seed)
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    by_stratum: dict[str, list[str]] = {}
    for key, members in groups.items():
        by_stratum.setdefault(strata[members[0]], []).append(key)
    fold_of = [0] * len(keys)
    counter = itertools.count()
    for stratum in sorted(by_stratum):
        group_keys = by_stratum[stratum]
        rng.shuffle(group_keys)
        for key in group_keys:
            fold = next(counter) % folds
            for index in groups[key]:
                fold_of[index] = fold
    return fold_of
