"""``detente.hybrid.v1``: the rules find the events, a fine-tuned classifier checks their class.

The rules extractor runs first and finds actors, status, dates, places and candidate events. A trained
model (``detente train``) then reads each sentence (or, for snippet-trained models, the whole text) with
what the rules found, and for its head's predicted label:

* the rules' main event already has that label: kept, ``evidence`` ``rules+model: ...``;
* another rule event of the sentence has it: that event becomes the main one (re-ranked);
* none has it and the model is confident (``add_threshold`` where the rules found nothing in the sentence that
  the head can name, ``override_threshold`` where they coded an event of another class): the model adds an event with the label's
  CAMEO code, taking actors, status, date and place from the rules' main event of the sentence, or from
  the parse (the root verb's subject and object, resolved by the rules' actor resolver; status from the
  clause) when the rules found nothing: ``evidence`` ``model: ...``;
* a rule event is dropped (vetoed) when the model is confident (``veto_threshold``) that it is absent:
  a multi-label head gives its label a probability under ``1 - veto_threshold``, or a head with a
  ``NONE`` class says the sentence codes no event. A single-label head's other class does not veto:
  its event goes first, the rules' events stay behind it.

Status always comes from the rules: a hypothetical, threatened or denied event is never turned into an
occurred one. Each event's ``confidence`` is the model's probability of its label where the head has one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .. import codes
from ..actors import ArticleActors
from ..errors import ConfigError, DataError, Errors
from ..learn._features import rule_features
from ..learn._heads import NONE_LABEL, HeadSpec, event_agrees, head_code, implied_labels
from ..model import Actor, Article, Event, Plover, SentenceRef, Span
from ..registry import extractors
from ._status import SPEECH, clause_status
from .places import Gazetteer, event_place
from .rules import RulesConfig, RulesExtractor

if TYPE_CHECKING:
    from ..learn._model import LearnedModel

logger = logging.getLogger(__name__)

__all__ = ["HybridConfig", "HybridExtractor"]

_TARGET_SLOTS = ("dobj", "against", "on", "with", "to", "at", "into", "iobj", "in")


class HybridConfig(BaseModel):
    """Settings of the hybrid extractor (the ``[learn]`` section of the settings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    model_dir: str = Field("", description="Directory of a model trained with `detente train`.")
    add_threshold: float = Field(0.5, ge=0, le=1, description="Add a model event when its probability is at least this.")
    rerank_threshold: float = Field(0.0, ge=0, le=1,
                                    description="Make a rule event of the predicted class the main one from this probability.")
    override_threshold: float = Field(0.8, ge=0, le=1,
                                      description="Put a model event before a rule event of another class from this "
                                                  "probability (add_threshold applies where the rules found nothing).")
    veto_threshold: float = Field(0.9, ge=0, le=1,
                                  description="Drop a rule event the model is this sure is absent.")
    unit: str = Field("auto", pattern="^(auto|sentence|document)$",
                      description="Classify each sentence, the whole text, or as the model was trained (auto).")
    batch_size: int = Field(32, gt=0, description="Sentences per classifier batch.")
    threads: int = Field(0, ge=0, description="CPU threads for torch (0: every core).")
    device: str = Field("cpu", pattern="^(cpu|cuda)$", description="Where the classifier runs.")
    min_confidence: float = Field(0.0, ge=0, le=1, description="Drop events below this confidence.")
    untargeted_statements: bool = Field(True, description="The rules keep statements addressed to no one.")


class HybridExtractor:
    """Rules plus a trained classifier; see the module docstring for how they combine.

    Example::

        extractor = HybridExtractor(HybridConfig(model_dir="models/cameo"))
        events = extractor(doc, article)
    """

    name: ClassVar[str] = "detente.hybrid.v1"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[tuple[str, ...]] = ("parse",)
    produces: ClassVar[tuple[str, ...]] = ("events",)

    def __init__(self, config: HybridConfig | None = None, *, model: LearnedModel | None = None) -> None:
        self.config = config or HybridConfig()
        self.rules = _rules(self.config)
        self._model = model
        if model is None:
            if not self.config.model_dir:
                raise ConfigError(Errors.E710.format(extractor=self.name), code="E710")
            self._model = self._load()

    def _load(self) -> LearnedModel:
        from ..learn._model import LearnedModel, set_threads

        set_threads(self.config.threads)
        return LearnedModel.load(Path(self.config.model_dir).expanduser(), device=self.config.device)

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config = state["config"]
        self.rules = _rules(self.config)
        self._model = None

    @property
    def model(self) -> LearnedModel:
        if self._model is None:
            if not self.config.model_dir:
                raise ConfigError(Errors.E710.format(extractor=self.name), code="E710")
            self._model = self._load()
        return self._model

    @property
    def head(self) -> HeadSpec:
        """The head that decides: the model's first (the first gold set it was trained on)."""
        return self.model.heads[0]

    @property
    def unit(self) -> str:
        if self.config.unit != "auto":
            return self.config.unit
        return str(self.model.config.get("unit", "sentence"))

    def resolver(self, nlp_or_doc: Any) -> Any:
        return self.rules.resolver(nlp_or_doc)

    def actors_for(self, doc: Any, article: Article) -> ArticleActors:
        return self.rules.actors_for(doc, article)

    def __call__(self, doc: Any, article: Article, actors: ArticleActors | None = None) -> list[Event]:
        """Events of one document (``doc`` is the spaCy parse of ``article.text``)."""
        actors = actors or self.actors_for(doc, article)
        return self.combine(doc, article, actors, self.rules(doc, article, actors))

    # -- combining ------------------------------------------------------------------------------------
    def combine(self, doc: Any, article: Article, actors: ArticleActors, rule_events: Sequence[Event]) -> list[Event]:
        """Judge the rules' events of one document with the classifier (see the module docstring)."""
        sents = list(doc.sents)
        by_sentence: dict[int, list[Event]] = {}
        for event in rule_events:
            by_sentence.setdefault(event.sentence.index, []).append(event)
        head = self.head
        if self.unit == "document":
            ordered = [e for i in sorted(by_sentence) for e in by_sentence[i]]
            main = ordered[0].sentence.index if ordered else 0
            probs = self._predict([article.text], [rule_features(ordered)])[0][head.name]
            out: list[Event] = []
            for index, sent in enumerate(sents):
                events = by_sentence.get(index, [])
                if index == main:
                    out.extend(self._decide(head, probs, events, sent, index, article, actors))
                elif head.kind == "multi":
                    out.extend(self._judge_multi(head, probs, events))
                else:
                    out.extend(self._mark(head, probs, events, agreed=None))
            return self._keep(out)
        texts = [sent.text for sent in sents]
        feats = [rule_features(by_sentence.get(i, [])) for i in range(len(sents))]
        predictions = self._predict(texts, feats)
        out = []
        for index, (sent, prediction) in enumerate(zip(sents, predictions, strict=True)):
            out.extend(self._decide(head, prediction[head.name], by_sentence.get(index, []), sent, index,
                                    article, actors))
        return self._keep(out)

    def _keep(self, events: list[Event]) -> list[Event]:
        if not self.config.min_confidence:
            return events
        return [e for e in events if e.confidence >= self.config.min_confidence]

    def _predict(self, texts: Sequence[str], feats: Sequence[Sequence[float]]) -> list[dict[str, dict[str, float]]]:
        if not texts:
            return []
        model = self.model
        return model.predict(texts, feats if model.uses_rule_features else None, batch_size=self.config.batch_size)

    def _decide(self, head: HeadSpec, probs: Mapping[str, float], events: list[Event], sent: Any, index: int,
                article: Article, actors: ArticleActors) -> list[Event]:
        if head.kind == "multi":
            judged = self._judge_multi(head, probs, events)
            return self._add_multi(head, probs, judged, events, sent, index, article, actors)
        label, p = max(probs.items(), key=lambda kv: (kv[1], kv[0]))
        cfg = self.config
        if label == NONE_LABEL:
            if p >= cfg.veto_threshold:
                return []  # the model is sure this sentence codes no event: every rule event is vetoed
            return self._mark(head, probs, events, agreed=None)
        agreeing = [e for e in events if event_agrees(head.name, label, e)]
        if events and agreeing and agreeing[0] is events[0]:
            return self._mark(head, probs, events, agreed=label)
        if agreeing and p >= cfg.rerank_threshold:
            first = agreeing[0]
            return self._mark(head, probs, [first, *(e for e in events if e is not first)], agreed=label)
        # The rules' own reading stands unless the model is sure; where they found nothing, less will do
        # (nothing this head can name: a plain statement is no PLOVER event).
        read = any(event_agrees(head.name, other, e) for e in events for other in head.labels)
        needed = cfg.override_threshold if read else cfg.add_threshold
        if p >= max(needed, cfg.add_threshold) and head_code(head.name, label) is not None:
            # Actors, status and date from the rules' main event, when it is one this head reads (a plain
            # statement's speaker did not do what the model saw); else from the parse.
            base = events[0] if read else None
            added = self._model_event(head, label, p, base, sent, index, article, actors)
            if added is not None:
                # The rule events stay behind it: a sentence can hold a statement and a threat at once,
                # and a class head says which is the main event, not that the other is absent.
                return [added, *self._mark(head, probs, events, agreed=None)]
        return self._mark(head, probs, events, agreed=None)

    def _mark(self, head: HeadSpec, probs: Mapping[str, float], events: list[Event], *, agreed: str | None
              ) -> list[Event]:
        """Rule events with the hybrid's name, their evidence prefixed and the model's probability."""
        out = []
        for n, event in enumerate(events):
            labels = [label for label in head.labels if event_agrees(head.name, label, event)]
            p = max((probs[label] for label in labels), default=None)
            joint = agreed is not None and n == 0
            note = f"; {head.name} {agreed} p={probs[agreed]:.2f}" if joint and agreed is not None else ""
            out.append(replace(event, extractor=f"{self.name}@{self.version}",
                               confidence=round(p, 3) if p is not None else event.confidence,
                               evidence=f"{'rules+model' if joint else 'rules'}: {event.evidence}{note}"))
        return out

    # -- several labels at once (police actions) ------------------------------------------------------
    def _judge_multi(self, head: HeadSpec, probs: Mapping[str, float], events: list[Event]) -> list[Event]:
        out = []
        floor = 1.0 - self.config.veto_threshold
        for event in events:
            labels = sorted(implied_labels(event) & set(head.labels))
            if labels and any(probs[label] < floor for label in labels):
                continue  # vetoed: the model is confident the sentence says no such thing
            agreed = bool(labels) and all(probs[label] >= 0.5 for label in labels)
            p = min((probs[label] for label in labels), default=None)
            note = "; " + ", ".join(f"{label} p={probs[label]:.2f}" for label in labels) if agreed else ""
            out.append(replace(event, extractor=f"{self.name}@{self.version}",
                               confidence=round(p, 3) if p is not None else event.confidence,
                               evidence=f"{'rules+model' if agreed else 'rules'}: {event.evidence}{note}"))
        return out

    def _add_multi(self, head: HeadSpec, probs: Mapping[str, float], judged: list[Event], events: list[Event],
                   sent: Any, index: int, article: Article, actors: ArticleActors) -> list[Event]:
        covered = set().union(*(implied_labels(e) for e in judged)) if judged else set()
        added: list[Event] = []
        for label in head.labels:
            p = probs[label]
            if label in covered or p < self.config.add_threshold or head_code(head.name, label) is None:
                continue
            base = events[0] if events else None
            event = self._model_event(head, label, p, base, sent, index, article, actors)
            if event is not None:
                added.append(event)
                covered |= implied_labels(event) | {label}
        return [*added, *judged]

    # -- events the model adds ------------------------------------------------------------------------
    def _model_event(self, head: HeadSpec, label: str, p: float, base: Event | None, sent: Any, index: int,
                     article: Article, actors: ArticleActors) -> Event | None:
        found = head_code(head.name, label)
        if found is None:
            return None
        code, plover_name = found
        try:
            cameo = codes.cameo(code)
        except DataError:
            return None
        plover = Plover(event=plover_name) if plover_name else (codes.plover_for_cameo(code) or Plover(event=""))
        note = f"model: {head.name} {label} p={p:.2f}"
        if base is not None:
            key = f"{base.id}|model|{code}"
            return replace(base, id=hashlib.blake2b(key.encode(), digest_size=10).hexdigest(), cameo=cameo,
                           plover=plover, confidence=round(p, 3), extractor=f"{self.name}@{self.version}",
                           evidence=f"{note}; actors, status and date from rule {base.evidence}")
        trigger = _trigger(sent, code)
        if trigger is None:
            return None
        source = self.rules._verb_source(trigger, actors)
        target = self.rules._slots(trigger, _TARGET_SLOTS, actors)
        source_codes = {a.code for a in source}
        target = [a for a in target if a.code not in source_codes]
        status = clause_status(trigger)
        date, precision, date_source = self.rules._date(trigger, article, status, actors, (sent.start, sent.end))
        if date is not None and article.published and date > article.published.date() and status in (
                "occurred", "intended"):
            status = "scheduled"
        place = event_place(trigger, Gazetteer.load(), countries=actors.countries())
        span = Span(start=trigger.idx, end=trigger.idx + len(trigger.text), text=trigger.text)
        key = "|".join([article.id, str(span.start), code, "model"])
        return Event(
            id=hashlib.blake2b(key.encode(), digest_size=10).hexdigest(), article_id=article.id,
            sentence=SentenceRef(index=index, start=sent.start_char, end=sent.end_char, text=sent.text),
            trigger=span, source=tuple(_unique(source)), target=tuple(_unique(target)), cameo=cameo, plover=plover,
            status=status, date=date, date_precision=precision, date_source=date_source, place=place,
            negated=status == "denied", confidence=round(p, 3), extractor=f"{self.name}@{self.version}",
            evidence=f"{note}; actors and status from the parse of {trigger.text!r}",
        )


def _rules(config: HybridConfig) -> RulesExtractor:
    return RulesExtractor(RulesConfig(untargeted_statements=config.untargeted_statements))


def _trigger(sent: Any, code: str) -> Any:
    """The verb an added event hangs on: the sentence's root verb, or the verb it reports
    ("Police said they arrested three men": "arrested" for anything but a statement)."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX"):
        root = next((t for t in sent if t.pos_ == "VERB"), None)
        if root is None:
            return None
    if root.lemma_.lower() in SPEECH and code[:2] not in ("01", "02"):
        reported = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX")),
                        None)
        if reported is not None:
            return reported
    return root


def _unique(actors: Sequence[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for actor in actors:
        if all(a.code != actor.code for a in out):
            out.append(actor)
    return out


@extractors.register("detente.hybrid.v1")
def make_hybrid_extractor(**config: Any) -> HybridExtractor:
    """Build the hybrid extractor from validated settings (``[learn]`` plus ``extract.min_confidence``)."""
    return HybridExtractor(HybridConfig(**config))


#: The pipeline passes the ``[learn]`` settings section to this factory.
make_hybrid_extractor.settings_section = "learn"  # type: ignore[attr-defined]
#: Cross-validation and ``--model-dir`` apply to this extractor.
make_hybrid_extractor.learned = True  # type: ignore[attr-defined]
