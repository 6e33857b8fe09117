"""``detente.rules.v1``: a dictionary-and-dependency-parse event coder.

For every verb or noun whose lemma is in the predicate dictionary, it finds the source
(subject, passive agent, or a noun's possessor/modifiers) and the target (the argument slots
the pattern names), resolves both to actors, codes CAMEO and PLOVER, decides the status from
the clause, dates the event from its own time expression, and records the pattern that fired.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .. import codes
from ..actors import (
    RELATIONAL,
    ROLE_KINDS,
    TRANSNATIONAL,
    ActorResolver,
    ArticleActors,
    mention_actor,
    sentence_bounds,
)
from ..errors import DataError
from ..model import Actor, Article, Event, Plover, SentenceRef, Span
from ..registry import extractors
from ._predicates import Predicate, PredicateTable, load_predicates
from ._status import SPEECH, clause_status, tense_direction
from .dates import resolve_date
from .places import Gazetteer, event_place

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_HEAD_DEPS = frozenset({*_SUBJ, "dobj", "pobj", "appos", "agent", "attr", "conj", "poss"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "parataxis", "conj"})
_PHONE = frozenset({"phone", "telephone", "call", "videoconference", "videocall", "video"})
# Consultations that are mutual whoever is named first: discuss by phone, meet, meet elsewhere, negotiate.
_MUTUAL = frozenset({"040", "041", "044", "046"})
_MUTUAL_VERBS = frozenset({"meet", "negotiate", "confer"})
# A punitive action made conditional on the target's conduct is a threat (CAMEO 13).
_THREAT_FOR_ROOT = {"16": "1312", "17": "137", "18": "138", "19": "138", "20": "1385", "15": "138"}


class RulesConfig(BaseModel):
    """Settings of the rules extractor."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    require_both: bool = Field(False, description="Keep only events with a coded source and target.")
    min_confidence: float = Field(0.0, ge=0, le=1)
    untargeted_statements: bool = Field(
        True, description="Keep statements and appeals (CAMEO 01-02) addressed to no one in particular.")


@dataclass(slots=True)
class _Found:
    trigger: Any
    pred: Predicate
    source: list[Actor]
    target: list[Actor]
    consumed: Any = None
    # For elided conjuncts ("meetings of X on Jan. 12 and [of] Y on Jan. 13"): the token range
    # whose time expressions belong to this event.
    date_window: tuple[int, int] | None = None
    elided: bool = False
    # A definite event noun the target slot names with no party of its own ("satisfied with the
    # conversation"): the target is the other party of the article's earlier event of that kind.
    topic: Any = None


class RulesExtractor:
    """Code events from one parsed document with our dictionaries."""

    name: ClassVar[str] = "detente.rules.v1"
    version: ClassVar[str] = "1.0.0"
    requires: ClassVar[tuple[str, ...]] = ("parse",)
    produces: ClassVar[tuple[str, ...]] = ("events",)

    def __init__(self, config: RulesConfig | None = None) -> None:
        self.config = config or RulesConfig()
        self._resolver: ActorResolver | None = None
        self._resolver_vocab: int | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config = state["config"]
        self._resolver = None
        self._resolver_vocab = None

    @property
    def table(self) -> PredicateTable:
        return load_predicates()

    def resolver(self, nlp_or_doc: Any) -> ActorResolver:
        vocab = nlp_or_doc.vocab
        if self._resolver is None or self._resolver_vocab != id(vocab):
            self._resolver = _resolver_for(nlp_or_doc)
            self._resolver_vocab = id(vocab)
        return self._resolver

    def actors_for(self, doc: Any, article: Article) -> ArticleActors:
        day = article.published.date() if article.published else None
        return ArticleActors(resolver=self.resolver(doc), doc=doc, day=day, place_country=_place_country)

    def __call__(self, doc: Any, article: Article, actors: ArticleActors | None = None) -> list[Event]:
        """Events of one document (``doc`` is the spaCy parse of ``article.text``)."""
        actors = actors or self.actors_for(doc, article)
        events: list[Event] = []
        for index, sent in enumerate(doc.sents):
            events.extend(self._sentence(sent, index, article, actors, events))
        return events

    # -- one sentence ---------------------------------------------------------------------------
    def _sentence(self, sent: Any, index: int, article: Article, actors: ArticleActors,
                  history: list[Event] | None = None) -> list[Event]:
        table = self.table
        found: list[_Found] = []
        consumed: set[int] = set()
        # Each token's Token object, part of speech, relation and lemma, read once (spaCy makes a new Token
        # object and looks its strings up on every access).
        words = [(tok, tok.pos_, tok.dep_, tok.lemma_.lower()) for tok in sent]
        # Resolve every noun phrase head in order first, so within-article linking sees them in order.
        for tok, pos, dep, _ in words:
            if dep in _HEAD_DEPS and pos in ("PROPN", "NOUN", "PRON"):
                actors.resolve(tok)
        for tok, pos, dep, lemma in words:
            if pos == "VERB" or (pos == "AUX" and dep == "ROOT"):
                preds = table.verbs.get(lemma)
                if preds:
                    hit = self._verb(tok, preds, actors)
                    if hit is not None:
                        found.append(hit)
                        if hit.consumed is not None:
                            consumed.add(hit.consumed.i)
            elif pos == "ADJ" and dep == "acomp" and (preds := table.adjectives.get(lemma)):
                # "Putin was satisfied with the conversation", "Paris is critical of the plan".
                hit = self._verb(tok, preds, actors)
                if hit is not None:
                    found.append(hit)
        for tok, pos, _, lemma in words:
            if pos not in ("NOUN", "PROPN") or tok.i in consumed:
                continue
            mention = actors.matches.get(tok.i)
            if mention is not None and mention.kind not in ROLE_KINDS:
                continue  # "Cooperation" in "Asia-Pacific Economic Cooperation" names an actor
            preds = table.nouns.get(lemma)
            if preds:
                hit = self._noun(tok, preds, actors)
                if hit is not None:
                    found.append(hit)
                    found.extend(self._elided(hit, actors, table))
        for f in found:
            if not f.target and f.topic is not None and history:
                f.target = _parties_of_earlier(f.topic, f.source, history, table)
        sentence = SentenceRef(index=index, start=sent.start_char, end=sent.end_char, text=sent.text)
        pairs = [(f, e) for f in found if (e := self._event(f, sent, sentence, article, actors)) is not None]
        # "A roadside bomb killed two soldiers": the weapon placed on its own repeats the killing.
        coded = {e.trigger.start for _, e in pairs}
        pairs = [(f, e) for f, e in pairs if not (e.evidence.endswith("+placed-only") and f.trigger.head.idx in coded
                                                  and f.trigger.head.i != f.trigger.i)]
        events = _merge_threats(pairs)
        # The sentence's main event first: substantive events before plain statements, then the
        # event highest in the parse (the main clause before what it embeds), then text order.
        depth = {f.trigger.i: _depth(f.trigger) for f in found}
        by_start = {f.trigger.idx: depth[f.trigger.i] for f in found}
        # What someone is asked to do is the content of the appeal, not the sentence's main event
        # ("Congress asked the president to help Iran": the appeal comes first).
        appeal = any(e.cameo.root in ("02", "10") for e in events)
        # A statement about an event named as a noun ("expressed condolences over the attack") is what the
        # sentence reports: it goes first, the event it is about after it. (Plain saying, 010, only
        # carries what it reports: "said in a report that forces beat civilians".)
        tokens = {f.trigger.idx: f.trigger for f in found}
        topical = {id(e) for e in events if e.cameo.root in ("01", "02") and e.cameo.code not in ("010", "020")
                   and any(_about_event(e, o, tokens) for o in events if o is not e)}
        for i, e in enumerate(events):
            if id(e) in topical and not e.target:
                # "al-Shabab claimed responsibility for the attack on a mall in Kenya", "expressed sorrow for the
                # shootings in South Carolina": a statement about an event is addressed to whom it befell.
                about = next((o for o in events if o is not e and _about_event(e, o, tokens)), None)
                aimed = list(about.target) if about is not None else []
                if about is not None and not aimed and about.place is not None and about.place.country:
                    aimed = _place_actor(about.place, sent, article.text)
                if aimed:
                    events[i] = replace(e, target=tuple(aimed), evidence=e.evidence.replace(" +untargeted", "")
                                        + " +event-target")
                    topical.add(id(events[i]))
        events.sort(key=lambda e: (appeal and e.status == "demanded", e.cameo.root in ("01", "02") and id(e) not in
                                   topical, by_start.get(e.trigger.start, 0), e.trigger.start))
        if any(not e.evidence.endswith(" +untargeted") for e in events):
            # A statement to no one in particular is kept only when it is all the sentence says (or is
            # about the event the sentence names).
            events = [e for e in events if not e.evidence.endswith(" +untargeted") or id(e) in topical]
        return events + self._accusations(events, tokens, article, actors)

    def _accusations(self, events: list[Event], tokens: Mapping[int, Any], article: Article,
                     actors: ArticleActors) -> list[Event]:
        """"The US said Iraq had attacked its neighbour": the reported attack is coded as told, and a state
        (or a party, a group, an organisation) telling of another's attack also accuses it (CAMEO 112). Told
        of by its own side ("Ankara said its jets struck PKK positions"), or by no one known, it is not."""
        out: list[Event] = []
        for e in events:
            tok = tokens.get(e.trigger.start)
            if tok is None or tok.pos_ != "VERB" or e.cameo.root not in _AGGRESSION_ROOTS or e.status not in (
                    "occurred", "ongoing"):
                continue
            accused = [a for a in e.source if a.country or _stateless(a)]
            if not accused or any(a.sector == "UAF" for a in accused):
                continue
            clause = tok
            while clause.dep_ == "conj" and clause.head.i != clause.i:
                clause = clause.head
            verb = clause.head
            if clause.dep_ != "ccomp" or verb.lemma_.lower() not in _ALLEGING or _has_neg(verb):
                continue
            speaker = [a for a in self._verb_source(verb, actors) if a.country and a.sector in _ACCUSERS]
            if verb.lemma_.lower() in SPEECH - _CHARGING:
                # Plain telling accuses when the state itself tells it ("Iraq said ..."), a watchdog does
                # ("Human Rights Watch said"), or the victims' side does ("Palestinian officials said Israeli
                # bulldozers demolished Palestinian homes"); not sources or officials who only report it.
                victims = {a.country for a in e.target if a.country}
                speaker = [a for a in speaker if a.sector in (None, "IGO", "NGO") or a.country in victims]
            countries = {a.country for a in accused}
            if not speaker or any(a.country in countries for a in speaker) or any(
                    o.trigger.start == verb.idx and o.cameo.root == "11" for o in (*events, *out)):
                continue  # (one accusation per telling: "claimed ISIL had attacked Iraq and taken Mosul")
            code = "112"
            trigger = Span(start=verb.idx, end=verb.idx + len(verb.text), text=verb.text)
            key = "|".join([article.id, str(trigger.start), code, ",".join(a.code or "" for a in speaker),
                            ",".join(a.code or "" for a in accused)])
            plover = codes.plover_for_cameo(code) or Plover(event="", mode=None)
            out.append(replace(
                e, id=hashlib.blake2b(key.encode(), digest_size=10).hexdigest(), trigger=trigger,
                source=tuple(speaker), target=tuple(accused), cameo=codes.cameo(code), plover=plover,
                status="occurred", negated=False, reciprocal=False,
                evidence=f"{e.evidence} +told-by-accuser"))
        return out

    # -- verbs ----------------------------------------------------------------------------------
    def _verb(self, tok: Any, preds: tuple[Predicate, ...], actors: ArticleActors) -> _Found | None:
        particles = {c.lemma_.lower() for c in tok.children if c.dep_ == "prt" or (
            c.dep_ == "advmod" and c.lower_ in ("out", "down", "up", "off", "back", "away", "over", "in")) or (
            c.dep_ == "prep" and c.lower_ == "out" and any(g.lower_ == "of" for g in c.children))}  # "out of"
        # A preposition that only introduces a date ("met on Monday") does not select a pattern.
        preps = {c.lower_ for c in tok.children if c.dep_ in ("prep", "agent", "dative") and not any(
            g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children)}
        if any(c.dep_ == "ccomp" for c in tok.children):
            preps.add("that")
        if any(c.dep_ == "xcomp" for c in tok.children):
            preps.add("to")
        objects = _object_heads(tok)
        # "suspended a military aid program", "withdraw its peacekeeping force": a container noun is the
        # kind its modifier names, and patterns for that kind go first.
        kinds = [m for o in objects if o.lemma_.lower() in _CONTAINERS for m in o.children
                 if m.dep_ in ("compound", "amod") and m.pos_ in ("NOUN", "ADJ", "VERB")]
        if kinds:
            named = {m.lemma_.lower() for m in kinds} | {m.lower_ for m in kinds}
            preds = tuple(sorted(preds, key=lambda p: not (p.objects and named & p.objects)))
            # "a humanitarian aid operation" is aid: the container alone ("operation": an attack) is not read.
            blocked = {m.head.i for m in kinds if m.lemma_.lower() in _helping_words()}
            objects = [*kinds, *(o for o in objects if o.i not in blocked)]
        for pred in preds:
            if pred.particle and pred.particle not in particles:
                continue
            if pred.prep and pred.prep not in preps:
                continue
            if pred.cameo == "084" and not pred.objects and not any(
                    c.dep_ in ("dobj", "dative", "nsubjpass", "oprd") for c in tok.children):
                continue  # "negotiators return to Geneva" travel: something must be handed back
            obj_tok = None
            if pred.objects:
                obj_tok = next((o for o in objects if o.lemma_.lower() in pred.objects), None)
                if obj_tok is None and not pred.prep and not any(c.dep_ == "dobj" for c in tok.children):
                    # "troops deployed near the border", parsed with the troops as subject.
                    subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                    if subj is not None and subj.lemma_.lower() in pred.objects and subj.pos_ == "NOUN":
                        obj_tok = subj
                if obj_tok is None:
                    continue
            source = self._verb_source(tok, actors)
            target = self._slots(tok, pred.target or ("dobj",), actors, exclude=obj_tok)
            if not target and "dobj" in (pred.target or ("dobj",)):
                # Passive voice: "soldiers were attacked by Russian troops" - the subject suffered it.
                patient = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
                if patient is None and _passive_participle(tok):
                    patient = tok.head  # "the mayor, jailed by the army last year"
                if patient is not None and (obj_tok is None or patient.i != obj_tok.i):
                    target = actors.resolve_group(patient)
            if not target and len(source) >= 2 and pred.cameo[:2] in ("01", "02"):
                # "Biden and Putin spoke": a statement verb with two parties and no addressee is a
                # consultation between them.
                mutual = next((p for p in preds if p.cameo[:2] == "04" and "with" in p.target), None)
                if mutual is not None:
                    pred = mutual
            if not target and not any(c.dep_ in ("dobj", "prep", "dative", "xcomp", "ccomp") for c in tok.children):
                # "donated and delivered medicine to the hospital": verbs sharing a subject share the object
                # (not a verb whose complement is its object: "refused to deploy troops ... and urged X").
                for conj in (c for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB"):
                    if not any(g.dep_ in _SUBJ for g in conj.children):
                        target = self._slots(conj, pred.target or ("dobj",), actors)
                        if target:
                            break
            if not target:
                # "offered to hand over the suspects to Britain": the embedded action names the target.
                # ("opened fire to disperse the demonstrators": a purpose clause names whom the act is aimed at.)
                # (Someone the act names by country beats a bare role: "refused to send troops to Haiti".)
                fallback: list[Actor] = []
                comps = [c for c in tok.children if c.pos_ == "VERB" and (c.dep_ == "xcomp" or (
                    c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)))]
                # ("prepared to resume shelling Albanian-held territory": through a chain of complements.)
                comps += [g for c in comps for g in c.children if g.dep_ == "xcomp" and g.pos_ == "VERB"]
                for comp in comps:
                    for slot in ("dobj", "to", "with", "against", "on", "from", "into", "for"):
                        found = self._slots(comp, (slot,), actors)
                        if found and any(a.country for a in found):
                            target = found
                            break
                        fallback = fallback or found
                    if target:
                        break
                if not target and fallback and not any(a.country for a in fallback):
                    # "conceded to demands from UNITA to overhaul the judiciary": whose the demand is beats a bare
                    # role in the act it asks for.
                    for obj in _owned_objects(tok, obj_tok):
                        owner = _object_owner(obj, actors, source)
                        if any(a.country for a in owner):
                            target = owner
                            break
                target = target or fallback
            if not target and pred.target != () and any(c.dep_ == "ccomp" for c in tok.children):
                comp = next(c for c in tok.children if c.dep_ == "ccomp")
                subj = next((c for c in comp.children if c.dep_ in _SUBJ), None)
                if subj is not None and pred.cameo[:2] in ("10", "02", "11", "12", "13"):
                    target = actors.resolve_group(subj)
            topic = None if target else next(
                (h for slot in pred.target or ("dobj",) for h in _slot_heads(tok, slot, obj_tok)
                 if _definite_event(h, self.table)), None)
            return _Found(trigger=tok, pred=pred, source=source, target=target, consumed=obj_tok, topic=topic)
        return None

    def _verb_source(self, tok: Any, actors: ArticleActors) -> list[Actor]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or _passive_participle(tok)
        if passive:
            for agent in (c for c in tok.children if c.dep_ == "agent"):
                pobj = next((g for g in agent.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return actors.resolve_group(pobj)
            return []
        cur = tok
        for _ in range(4):
            subj = next((c for c in cur.children if c.dep_ in ("nsubj", "csubj")), None)
            if subj is not None:
                if subj.dep_ == "nsubj" and subj.lower_ in ("who", "that", "which") and cur.dep_ == "relcl":
                    return actors.resolve_group(cur.head)
                return actors.resolve_group(subj)
            # Shared subjects: "agreed to meet", "massed troops and shelled the city", relative clauses,
            # and participle clauses ("Speaking to Putin from Delaware, Biden laid out ...").
            if cur.dep_ == "xcomp" and cur.head.i != cur.i:
                # Object control: "called on Russia to release", "asked Serbia to recognize":
                # the one asked is the one who would act.
                head = cur.head
                controller = next((c for c in head.children if c.dep_ in ("dobj", "dative")), None)
                if controller is None and head.lemma_.lower() == "call":
                    controller = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "on"
                                       for g in c.children if g.dep_ == "pobj"), None)
                if controller is not None and head.lemma_.lower() in _OBJECT_CONTROL:
                    return actors.resolve_group(controller)
                # "Macron is scheduled to attend", "Iran was urged to return", "X was said to have attacked":
                # the passive's subject is the infinitive's.
                patient = next((c for c in head.children if c.dep_ == "nsubjpass"), None)
                if patient is not None:
                    return actors.resolve_group(patient)
            if (cur.dep_ in ("xcomp", "conj", "acomp") or (cur.dep_ == "advcl" and (cur.tag_ in ("VBG", "VBN") or any(
                    g.dep_ == "aux" and g.lower_ == "to" for g in cur.children)))) and cur.head.i != cur.i:
                # (also purpose clauses: "police opened fire to disperse the crowd")
                cur = cur.head
                continue
            if _passive_participle(cur):
                return []  # "a Hamas member jailed last year": the noun is who suffered it, not who did it
            if cur.dep_ in ("relcl", "acl") and cur.head.i != cur.i:
                noun = cur.head
                group = actors.resolve_group(noun)
                if not group and noun.lemma_.lower() in _ISSUED and noun.dep_ == "dobj" and noun.head.pos_ == "VERB":
                    # "The PKK issued a declaration demanding ...": the declaration speaks for its issuer.
                    return self._verb_source(noun.head, actors)
                return group
            break
        return []

    def _slots(self, tok: Any, slots: tuple[str, ...], actors: ArticleActors, *, exclude: Any = None,
               multi: bool = False) -> list[Actor]:
        for slot in slots:
            heads = list(_slot_heads(tok, slot, exclude))
            for head in heads:
                group = actors.resolve_group(head)
                if multi:
                    # "meetings of the Russia-NATO Council": every party named inside counts.
                    named = _mention_actors(head, actors)
                    if len(named) > len(group):
                        group = named
                if not group and head.lemma_.lower() in ("border", "frontier"):
                    continue
                if not group and head.pos_ == "PROPN" and head.ent_type_ == "PERSON" and head.i not in actors.matches:
                    group = _city_misread_as_person(head)
                if not group and head.pos_ == "NOUN" and head.i not in actors.matches:
                    # "delivered aid to a hospital in Baghdad", "shelled villages in Chad": what is acted on
                    # belongs to the country it lies in.
                    located = actors.located_in(head)
                    if located is not None:
                        group = [located]
                if group:
                    return group
        return []

    # -- nouns ----------------------------------------------------------------------------------
    def _noun(self, tok: Any, preds: tuple[Predicate, ...], actors: ArticleActors) -> _Found | None:
        preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
        for pred in preds:
            if pred.prep and pred.prep not in preps:
                continue
            if pred.objects:
                mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
                if not mods & pred.objects:
                    continue
            source_slots = pred.source or (("poss", "compound", "amod", "by", "from") if pred.cameo[:2] in _SENT_FROM
                                           else ("poss", "compound", "amod", "by"))
            participants = self._modifier_actors(tok, source_slots, actors)
            target = self._slots(tok, pred.target, actors, multi=True) if pred.target else []
            if not target and pred.cameo[:2] in ("10", "11", "12", "13"):
                # "its demand that Israel ease restrictions", "warnings that Iran would ...": the clause's subject.
                # ("reiterated its demand that Israel ease ...": the parser may hang the clause on the verb.)
                governor = [tok.head] if tok.dep_ == "dobj" and tok.head.pos_ == "VERB" else []
                for clause in (c for h in (tok, *governor) for c in h.children if c.dep_ in ("acl", "ccomp", "relcl")
                               and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)):
                    subj = next((g for g in clause.children if g.dep_ in _SUBJ), None)
                    target = actors.resolve_group(subj) if subj is not None else []
                    if target:
                        break
            source = participants
            claimant = _claimed_by(tok)
            if not source and claimant is not None:
                # "The Taliban claimed responsibility for the bombing": who claims it did it.
                source = self._verb_source(claimant, actors)
            if not source and tok.dep_ in ("dobj", "attr") and tok.head.pos_ == "VERB":
                # "Russia launched an invasion of Ukraine": the governing verb's subject acts.
                source = self._verb_source(tok.head, actors)
            if not source and tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ == "VERB" and (
                    tok.head.lower_ in ("for", "in", "to", "into")):
                # "Farmers gathered for a rally", "joined in the protest".
                source = self._verb_source(tok.head.head, actors)
            if not target and tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lemma_.lower() in (
                    "engage", "draw", "involve", "embroil", "lock"):
                # "Rebels engaged the peacekeepers in a firefight": whom the verb engages is the target.
                target = next((actors.resolve_group(c) for c in tok.head.head.children if c.dep_ == "dobj"), [])
            if not source and not target and not (pred.cameo[:2] in _THREAT_FOR_ROOT and _condition_of(tok)) and (
                    pred.cameo[:2] not in _PLACED_ROOTS or tok.dep_ not in _SUBJ):
                continue  # (a protest or an attack that is what the sentence is about may still be placed)
            return _Found(trigger=tok, pred=pred, source=source, target=target)
        return None

    def _elided(self, hit: _Found, actors: ArticleActors, table: PredicateTable) -> list[_Found]:
        """Conjuncts of a nominal event that name only a party repeat the event with that party:
        "meetings of the Russia-NATO Council on Jan. 12 and the OSCE on Jan. 13"."""
        tok = hit.trigger
        conjuncts = [c for c in tok.conjuncts if c.i > tok.i and c.lemma_.lower() not in table.nouns]
        if not conjuncts:
            return []
        copies = []
        bounds = [c.i for c in conjuncts] + [sentence_bounds(tok)[1]]
        hit.date_window = (tok.i, bounds[0])
        for c, end in zip(conjuncts, bounds[1:], strict=True):
            if c.i not in actors.matches and c.ent_type_ not in ("ORG", "GPE", "NORP", "PERSON"):
                continue
            party = actors.resolve_group(c)
            if not party:
                continue
            source = [hit.source[0]] if hit.source else []
            if not source and hit.target:
                source = [hit.target[0]]
            source = [a for a in source if all(a.code != p.code for p in party)]
            copies.append(_Found(trigger=tok, pred=hit.pred, source=source, target=party,
                                 date_window=(c.i, end), elided=True))
        return copies

    def _modifier_actors(self, tok: Any, slots: tuple[str, ...], actors: ArticleActors) -> list[Actor]:
        out: list[Actor] = []
        for slot in slots:
            for head in _slot_heads(tok, slot, None):
                if slot in ("compound", "amod", "poss"):
                    for mention_actor in _mention_actors(head, actors):
                        if all(a.code != mention_actor.code for a in out):
                            out.append(mention_actor)
                else:
                    for actor in actors.resolve_group(head):
                        if all(a.code != actor.code for a in out):
                            out.append(actor)
            if out:
                break
        return out

    # -- event record -----------------------------------------------------------------------------
    def _event(self, f: _Found, sent: Any, sentence: SentenceRef, article: Article,
               actors: ArticleActors) -> Event | None:
        source, target = list(f.source), list(f.target)
        code = f.pred.cameo
        status = clause_status(f.trigger)
        evidence = f.pred.evidence + (" +elided-conjunct" if f.elided else "")
        reciprocal = False
        # Conditional punishment -> threat: "massive sanctions if Russia invades Ukraine".
        cond = _condition_of(f.trigger)
        if cond is not None and code[:2] in _THREAT_FOR_ROOT and status != "denied":
            cond_subj = next((c for c in cond.children if c.dep_ in _SUBJ), None)
            cond_target = actors.resolve_group(cond_subj) if cond_subj is not None else []
            if cond_target:
                if not source:
                    source = _speaker(f.trigger, actors)
                if source:
                    target = cond_target
                    code = _THREAT_FOR_ROOT[code[:2]]
                    status = "threatened"
                    evidence += " +conditional-threat"
        if code[:2] == "10" and f.trigger.lemma_.lower() in _COMMANDS and target and all(a.sector for a in target):
            # "The government ordered the newspaper to suspend publication": an authority making someone stop
            # or leave is coercion (administrative sanctions, expulsion), not a request ("Russia ordered
            # Ukraine to stop": one state to another, stays a demand).
            act = next((c for c in f.trigger.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
            stop = act.lemma_.lower() if act is not None else ""
            if stop in _LEAVING:
                code, evidence = "174", evidence + " +ordered-out"
            elif stop in _STOPPING:
                code, evidence = "172", evidence + " +ordered-to-stop"
        if code[:2] == "14" and f.consumed is not None and any(c.lower_ == "hunger" for c in f.consumed.children):
            code = "142"  # "began a hunger strike": a hunger strike, whatever verb starts it
        if code in ("042", "043") and f.trigger.pos_ == "VERB":
            # "Peacekeeping troops arrived in Bosnia", "a Bangladeshi contingent arrived": soldiers arriving are
            # deployed, not visiting.
            subj = next((c for c in f.trigger.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            words = {t.lemma_.lower() for t in subj.subtree} if subj is not None else set()
            if words & {"peacekeeper", "peacekeeping"}:
                code, evidence = "074", evidence + " +troops-arrive"
            elif subj is not None and subj.lemma_.lower() in _TROOP_WORDS | {"deployment"}:
                code, evidence = "154", evidence + " +troops-arrive"
        if code[:2] == "01" and f.trigger.pos_ == "VERB":
            # "The minister said Libya must hand over the suspects": a statement that something
            # must be done by someone is a demand on them.
            comp = next((c for c in f.trigger.children if c.dep_ == "ccomp"), None)
            if comp is not None and {c.lower_ for c in comp.children if c.dep_ == "aux"} & {"must", "should"}:
                subj = next((c for c in comp.children if c.dep_ in _SUBJ), None)
                demanded = actors.resolve_group(subj) if subj is not None else []
                if demanded:
                    code, target, evidence = "100", demanded, evidence + " +must-demand"
        if status == "intended" and code[:2] in ("04", "05", "06", "07", "08") and _intent_governor(f.trigger):
            # "Syria is willing to withdraw its troops", "offered to host talks": an expressed intent
            # to cooperate is CAMEO 03x (PLOVER AGREE), not the cooperation itself.
            intent = _INTENT_CODE.get(code) or _INTENT_CODE.get(code[:3]) or _INTENT_CODE.get(code[:2])
            if intent:
                code, evidence = intent, evidence + " +intent"
        if code[:2] == "03" and status in ("occurred", "ongoing"):
            status = "intended"  # an expressed intent: the act it promises has not happened yet
        if status == "denied" and code[:2] in _COOPERATIVE_ROOTS and _has_neg(f.trigger):
            # "will not accept more refugees", "did not agree": refusing cooperation is a rejection.
            code, status, evidence = "120", "occurred", evidence + " +negated-cooperation"
        if source and code[:2] == "11" and f.trigger.pos_ == "VERB":
            # "Lebanon complained to the United Nations over Israeli air raids": the complaint is about
            # whoever owns the grievance; the body it was made to only hears it.
            for prep in (c for c in f.trigger.children if c.dep_ == "prep" and c.lower_ in ("over", "about")):
                grievance = next((g for g in prep.children if g.dep_ == "pobj"), None)
                owner = _object_owner(grievance, actors, source) if grievance is not None else []
                if owner and {a.code for a in owner} != {a.code for a in target}:
                    target, evidence = owner, evidence + " +grievance-owner"
                    break
        if source and not target and not (len(source) >= 2 and code[:2] in _COOPERATIVE_ROOTS):
            # (Two or more parties of a meeting or a deal are its two sides: no one else is sought.)
            for obj in _owned_objects(f.trigger, f.consumed):
                target = _object_owner(obj, actors, source)
                if target:
                    evidence += " +object-owner"
                    break
        if source and not target and code[:2] not in ("01", "02"):
            target = _location_target(f.trigger, actors, source)
            if target:
                evidence += " +location-target"
        domestic = code[:2] in _DOMESTIC_ROOTS  # (a crackdown threatened at home is still aimed at home)
        if code[:2] == "04" and cond is not None and _future(f.trigger) and source and status in (
                "intended", "hypothetical") and cond.i > f.trigger.i:
            # "They said they would meet the mediator if he gave them a veto": a conditional offer to meet.
            code, status, evidence = "036", "intended", evidence + " +conditional-offer"
        elif status == "intended" and code[:2] in ("05", "06", "07", "08") and _future(f.trigger) and source:
            # "The UN will provide food aid": a commitment to material cooperation, not the act itself.
            intent = _INTENT_CODE.get(code) or _INTENT_CODE.get(code[:3]) or _INTENT_CODE.get(code[:2])
            if intent:
                code, evidence = intent, evidence + " +commitment"
        elif (status == "intended" and code[:2] in _ANNOUNCED_THREAT and cond is None and source
              and (target or code[:2] in _DOMESTIC_ROOTS)
              and (_intent_governor(f.trigger) in _THREAT_INTENTS
                   or (_future(f.trigger) and _announced_by(f.trigger, source, actors)))):
            # "Iraq is prepared to impose martial law", "the government said it would expel the envoys": a
            # declared intent to act against someone is a threat (CAMEO 13), not the act.
            code, status, evidence = _ANNOUNCED_THREAT[code[:2]], "threatened", evidence + " +announced-threat"
        if not source and not target and code[:2] not in _PLACED_ROOTS:
            return None  # (a protest or an attack with no one named may still be placed, below)
        source, target = _unique(source), _unique(target)
        if target and source:
            source_codes = {a.code for a in source}
            target = [a for a in target if a.code not in source_codes or a.start != source[0].start] or target
        symmetric = (bool({"with", "between"} & set(f.pred.target)) or f.trigger.pos_ in ("NOUN", "PROPN")
                     or (code in _MUTUAL and f.trigger.lemma_.lower() in _MUTUAL_VERBS))
        if not source and len(target) >= 2 and symmetric:
            source, target, reciprocal = target[:1], target[1:], True
        elif not target and len(source) >= 2 and symmetric:
            source, target, reciprocal = source[:1], source[1:], True
        if not target and code[:2] in ("01", "02"):
            if not (self.config.untargeted_statements and source):
                return None  # a statement or appeal to no one in particular is not an event between actors
            evidence += " +untargeted"
        if source and target and all(a.code == b.code for a in source for b in target):
            return None
        if f.trigger.pos_ in ("NOUN", "PROPN") and code[:2] == "04" and source and target:
            reciprocal = True  # talks, meetings and calls have parties, not a doer and a receiver
        elif code in _MUTUAL and source and target and (symmetric or f.trigger.lemma_.lower() in _MUTUAL_VERBS):
            reciprocal = True  # "X met (with) Y", "X talked with Y": the same meeting as "X and Y met"
        elif code[:2] == "06" and source and target and f.trigger.pos_ == "VERB" and any(
                c.dep_ == "prep" and c.lower_ == "with" for c in f.trigger.children):
            reciprocal = True  # "Afghanistan shared expertise with the Tigers": cooperating with is mutual
        if self.config.require_both and (not source or not target):
            return None
        if code == "040" and f.trigger.pos_ == "VERB" and any(
                t.lemma_.lower() in _PHONE and t.pos_ == "NOUN" for t in sent):
            code = "041"  # "spoke ... in a phone call": consultation by telephone
        try:
            cameo = codes.cameo(code)
        except DataError:
            return None
        plover = codes.plover_for_cameo(code) if code != f.pred.cameo or not f.pred.plover else Plover(
            event=codes.normalize_plover(f.pred.plover), mode=f.pred.mode)
        if plover is None:
            plover = Plover(event="", mode=None)
        date, precision, date_source = self._date(f.trigger, article, status, actors, (sent.start, sent.end),
                                                  f.date_window)
        if date is not None and article.published and date > article.published.date() and status in (
                "occurred", "intended"):
            status = "scheduled"
        confidence = 0.5 + (0.2 if source and target else 0.0) + (0.1 if f.pred.specificity else 0.0)
        if status in ("hypothetical", "denied"):
            confidence -= 0.1
        if confidence < self.config.min_confidence:
            return None
        trig = f.trigger
        trigger = Span(start=trig.idx, end=trig.idx + len(trig.text), text=trig.text)
        key = "|".join([article.id, str(trigger.start), code, ",".join(a.code or "" for a in source),
                        ",".join(a.code or "" for a in target)])
        if not source and code[:2] in ("18", "19", "20") and _killed_by_nature(trig):
            return None  # "a fire killed forty people": no one did it
        if target and not source and code[:2] in ("18", "19", "20") and f.trigger.pos_ == "VERB":
            # "Four children were killed in Israeli tank shelling": the attack's own modifier names the attacker.
            for weapon in _doers(f.trigger):
                if weapon.lemma_.lower() in _WEAPONS:
                    owners = [a for a in self._modifier_actors(weapon, ("poss", "amod", "compound"), actors)
                              if a.country or _stateless(a)]
                    if owners:
                        source, evidence = owners, evidence + " +weapon-owner"
                        break
        # Where: the clause's place phrase, ambiguous names settled by the countries seen so far.
        place = event_place(trig, Gazetteer.load(), countries=actors.countries())
        if place is None and trig.pos_ == "VERB":
            # "were killed in Israeli tank shelling in the east of Gaza": the place may sit on a participle clause.
            for clause in (c for c in trig.children if c.dep_ == "advcl" and c.tag_ == "VBG"):
                place = event_place(clause, Gazetteer.load(), countries=actors.countries())
                if place is not None:
                    break
        if place is None and trig.pos_ == "NOUN" and trig.dep_ in _SUBJ and trig.head.pos_ == "VERB":
            place = event_place(trig.head, Gazetteer.load(), countries=actors.countries())  # "protests erupted in X"
        if place is None and target and not source and code[:2] in ("18", "19", "20"):
            # "A roadside bomb near Kandahar killed two soldiers": the place may sit on the weapon.
            for weapon in _weapon_nouns(trig):
                place = event_place(weapon, Gazetteer.load(), countries=actors.countries())
                if place is not None:
                    break
        if place is not None and place.country:
            # "Students marched in Jakarta": people named only by their role are local.
            source = [_with_country(a, place.country) for a in source]
            target = [_with_country(a, place.country) for a in target]
            if target and not source and code[:2] in ("18", "19", "20") and _attack_unnamed(trig):
                # "A roadside bomb near Samarra killed two soldiers": an attacker no one names is coded as
                # unidentified armed forces of the place (the ICEWS convention), never left out.
                source = [replace(a, sector="UAF", code=f"{a.country}UAF", name="unidentified attackers")
                          for a in _place_actor(place, sent, article.text)]
                if source:
                    evidence += " +unidentified-attacker"
            if target and not source and code[:2] in ("09", "17") and trig.pos_ == "VERB" and (
                    _passive_participle(trig) or any(c.dep_ in ("nsubjpass", "auxpass") for c in trig.children)):
                # "A US national has been put under investigation in Italy", "two reporters were detained in
                # Tehran": an arrest or an inquiry with no one named is the state's where it happens.
                source = _place_actor(place, sent, article.text)
                if source:
                    evidence += " +place-authority"
            if source and not target and code[:2] in _DOMESTIC_ROOTS:
                # "Kurds demonstrated in Kirkuk", "lifted the curfew in Darfur": a protest, a concession or a
                # crackdown with no one named is aimed at the state where it happens.
                target = _place_actor(place, sent, article.text)
                if target:
                    evidence += " +place-target"
        if not source and not target:
            if place is None or not place.country or not (trig.pos_ in ("NOUN", "PROPN") or trig.dep_ == "ROOT") or (
                    trig.lemma_.lower() in _NOT_ATTACKS):
                return None
            # "Violent protests erupted in Bogota", "gun attacks near Karak left seven dead": no one is named, the
            # place says whose: the people of the place against its state, unidentified forces against it.
            where = _place_actor(place, sent, article.text)
            people = ("CVL", "protesters") if code[:2] == "14" else ("UAF", "unidentified attackers")
            source = [Actor(text="", start=trig.idx, end=trig.idx, name=people[1], country=a.country, sector=people[0],
                            code=f"{a.country}{people[0]}") for a in where]
            target = where
            evidence += " +placed-only"
        elif target and not source and code[:2] in ("18", "19", "20") and _attack_unnamed(trig):
            # "Four people were killed in grenade attacks": unidentified forces, of the place attacked when that is
            # all the target is ("attacks in Irbid"), else of no known country.
            states = {a.country for a in target if a.sector is None and a.country and len(a.country) == 3}
            country = next(iter(states)) if len(states) == 1 and all(a.sector is None for a in target) else None
            source = [Actor(text="", start=trig.idx, end=trig.idx, name="unidentified attackers", country=country,
                            sector="UAF", code=f"{country or ''}UAF")]
            evidence += " +unidentified-attacker"
        if source and not target and (code[:2] in _DOMESTIC_ROOTS or domestic):
            # "Young Kenyans blocked roads", "the Peruvian government lifted the state of emergency": with no
            # one named and no place, a protest is aimed at its own state and a concession or a crackdown
            # falls on its own country.
            target = _home_target(source, actors)
            if target:
                evidence += " +home-target"
        # "Egyptian police opened fire on demonstrators": the people police, courts and governments act on
        # (named only by their role) are of the same country.
        for mine, other in ((source, target), (target, source)) if code[:2] not in _SPOKEN_ROOTS else ():
            # (not words: a foreign minister's demand on "the rebels" does not make them his country's)
            states = {a.country for a in other if a.country and a.sector in _DOMESTIC_SECTORS}
            if len(states) == 1 and any(not a.country and a.sector for a in mine) and all(
                    a.sector != "UAF" for a in mine):  # (whoever attacked soldiers is not of their country)
                mine[:] = [_with_country(a, next(iter(states))) for a in mine]
        return Event(
            id=hashlib.blake2b(key.encode(), digest_size=10).hexdigest(),
            article_id=article.id, sentence=sentence, trigger=trigger,
            source=tuple(source), target=tuple(target), cameo=cameo, plover=plover, status=status,
            date=date, date_precision=precision, date_source=date_source, place=place,
            negated=status == "denied", reciprocal=reciprocal, confidence=round(confidence, 2),
            extractor=f"{self.name}@{self.version}", evidence=evidence,
        )

    def _date(self, trigger: Any, article: Article, status: str, actors: ArticleActors, bounds: tuple[int, int],
              window: tuple[int, int] | None = None) -> tuple[dt.date | None, str, str]:
        if article.published is None:
            return None, "unknown", "unknown"
        anchor = article.published.date()
        direction = tense_direction(trigger, status)
        ents = _clause_dates(trigger, actors.entity_of, bounds)
        if not ents and trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("nsubj", "nsubjpass") and (
                trigger.head.lemma_.lower() in _LIGHT_VERBS) and not any(
                c.dep_ == "dobj" for c in trigger.head.children):
            # "Talks are set for March 12": the date sits on the verb the event noun is subject of.
            ents = _clause_dates(trigger.head, actors.entity_of, bounds)
        if window is not None:
            ents = sorted((e for e in ents if window[0] <= e.start < window[1]), key=lambda e: e.start)
        for ent in ents:
            resolved = resolve_date(ent.text, anchor, direction=direction)  # type: ignore[arg-type]
            if resolved is not None:
                return resolved.date, resolved.precision, "text"
        return anchor, "day", "publication"




def _merge_threats(pairs: list[tuple[_Found, Event]]) -> list[Event]:
    """"Poland threatened to impose sanctions if Belarus closes the border" is one threat: the
    conditional punishment folds into the threat verb that governs it, lending it its target."""
    events = [e for _, e in pairs]
    drop: set[int] = set()
    # The same folding for an expressed intent: "agreed to resume talks" is one 03x event.
    for folded, governing_root in (("+conditional-threat", "13"), ("+intent", "03")):
        _fold(pairs, events, drop, folded, governing_root)
    return [e for n, e in enumerate(events) if n not in drop]


def _fold(pairs: list[tuple[_Found, Event]], events: list[Event], drop: set[int], folded: str,
          governing_root: str) -> None:
    threats = {f.trigger.i: n for n, (f, e) in enumerate(pairs) if e.cameo.root == governing_root and
               folded not in e.evidence}
    for n, (f, e) in enumerate(pairs):
        if folded not in e.evidence:
            continue
        cur = f.trigger
        for _ in range(6):
            if cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.i in threats:
                m = threats[cur.i]
                governing = events[m]
                if not governing.target:
                    events[m] = replace(governing, target=e.target, reciprocal=governing.reciprocal or e.reciprocal,
                                        evidence=governing.evidence + f" +target-from-{folded.strip('+')}")
                drop.add(n)
                break


def _claimed_by(tok: Any) -> Any:
    """The verb claiming responsibility for the event noun ``tok`` ("claimed responsibility for the
    bombing", "took credit for the attacks"), or None."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ != "for" or prep.head.lemma_.lower() not in ("responsibility", "credit"):
        return None
    verb = prep.head.head if prep.head.dep_ == "dobj" else None
    return verb if verb is not None and verb.pos_ == "VERB" else None


def _about_event(statement: Event, other: Event, tokens: Mapping[int, Any]) -> bool:
    """Whether a statement's trigger governs an event inside a noun phrase ("condolences over the attack",
    "claimed responsibility for the bombing"): the sentence reports the statement; the event is its topic.
    An event in a clause the statement reports ("said Russian forces shelled Kharkiv") is not."""
    trig, tok = tokens.get(statement.trigger.start), tokens.get(other.trigger.start)
    if trig is None or tok is None or tok.i == trig.i:
        return False
    nominal = tok.pos_ in ("NOUN", "PROPN")  # (or a clause inside a noun phrase: "an attack that killed 20")
    below = tok
    for n, up in enumerate(tok.ancestors):
        if n >= 3:
            return False  # (only the statement's own topic: "calling for the departure of the UN mission" is not)
        if up.i == trig.i:
            # The statement's own argument, not a clause it reports ("said ... the mayor, who was jailed").
            return nominal and below.dep_ in ("dobj", "prep", "dative", "attr", "npadvmod")
        nominal = nominal or up.pos_ in ("NOUN", "PROPN")
        below = up
    return False


# Reported acts that accuse their doer when another state tells of them, the verbs that tell, and who accuses.
_AGGRESSION_ROOTS = frozenset({"15", "16", "17", "18", "19", "20"})
_CHARGING = frozenset({"claim", "allege", "charge", "maintain", "contend", "insist"})
_ALLEGING = SPEECH | _CHARGING
_ACCUSERS = frozenset({None, "GOV", "MIL", "LEG", "JUD", "COP", "SPY", "PTY", "REB", "OPP", "IGO", "NGO", "SEP",
                       "INS", "UAF"})

_PROPOSALS = frozenset({"invitation", "offer", "proposal", "plan", "request", "call", "bid", "demand", "appeal",
                        "initiative", "suggestion", "ultimatum", "order", "decision"})
_SPOKEN_ROOTS = frozenset({"01", "02", "10", "11", "12", "13"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "their", "his", "her", "our"})


def _definite_event(head: Any, table: PredicateTable) -> bool:
    """"the conversation", "their talks": an event noun pointing back, with no party named on it."""
    if head.pos_ != "NOUN" or head.lemma_.lower() not in table.nouns:
        return False
    if not any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE for c in head.children):
        return False
    return not any(c.dep_ == "prep" and c.lower_ in ("with", "between", "among") for c in head.children)


def _parties_of_earlier(topic: Any, source: list[Actor], history: list[Event], table: PredicateTable) -> list[Actor]:
    """The other parties of the latest earlier event of ``topic``'s kind in which ``source`` took part
    ("Biden and Putin spoke by phone ... Putin was satisfied with the conversation": Biden)."""
    countries = {a.country for a in source if a.country}
    if not countries:
        return []
    roots = {p.cameo[:2] for p in table.nouns[topic.lemma_.lower()]}
    for event in reversed(history):
        if event.cameo.root not in roots:
            continue
        parties = [*event.source, *event.target]
        if countries & {a.country for a in parties}:
            others = _unique([a for a in parties if a.country and a.country not in countries])
            if others:
                return others
    return []


def _depth(tok: Any) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 50:
        tok = tok.head
        depth += 1
    return depth


def _passive_participle(tok: Any) -> bool:
    """A reduced passive relative ("a Hamas member jailed last year"): the noun it hangs on suffered the
    act. A participle with an object of its own (or whose conjunct has one) is active, misparsed."""
    return tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.head.i != tok.i and not any(
        c.dep_ == "dobj" for v in (tok, *tok.conjuncts) for c in v.children)


def _object_heads(tok: Any) -> list[Any]:
    """Direct objects, objects of an infinitival complement, of 'with', and attributes."""
    out = [c for c in tok.children if c.dep_ in ("dobj", "attr", "oprd", "nsubjpass")]
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        out.append(tok.head)  # "100,000 troops deployed near the border"
    for c in tok.children:
        if c.dep_ == "xcomp":
            out.extend(g for g in c.children if g.dep_ == "dobj")
        if c.dep_ == "prep" and c.lower_ in ("with", "for", "on", "in", "to", "against", "of", "at", "into", "over",
                                             "about", "from"):
            out.extend(g for g in c.children if g.dep_ == "pobj")
    for o in list(out):
        # "accused the government of corruption": the preposition hangs off the object.
        for c in o.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "for", "over"):
                out.extend(g for g in c.children if g.dep_ == "pobj")
    more = []
    for o in out:
        more.extend(o.conjuncts)
    return out + more


#: Nouns that hold a kind of thing their modifier names ("an aid program", "a peacekeeping force").
_CONTAINERS = frozenset({"program", "programme", "force", "mission", "package", "scheme", "project", "shipment",
                         "shipments", "delivery", "deliveries", "contingent", "operation", "plan"})

#: Object classes of help: a container they qualify is help, whatever else the container could be.
_HELPING_KINDS = ("aid", "humaid", "econaid", "peacekeepers")

@functools.cache
def _helping_words() -> frozenset[str]:
    table = load_predicates()
    return frozenset().union(*(table.classes.get(c, frozenset()) for c in _HELPING_KINDS))


#: Nouns for what someone issues, sends or publishes, which then say or demand things in its name.
_ISSUED = frozenset({"declaration", "statement", "communique", "communiqué", "letter", "resolution", "report",
                     "note", "message", "appeal", "ultimatum", "decree", "memorandum", "petition", "manifesto"})

#: Verbs of command, and the acts that, commanded, are coercion: to stop working or to leave.
_COMMANDS = frozenset({"order", "force", "compel", "instruct", "direct"})
_STOPPING = frozenset({"suspend", "close", "halt", "stop", "cease", "shut", "disband", "dissolve", "end",
                       "abandon", "discontinue"})
_LEAVING = frozenset({"leave", "quit", "depart", "vacate", "evacuate"})

#: Nouns of leaving: a "from" beside them names a place left, not a party.
_DEPARTURES = frozenset({"withdrawal", "pullout", "pull-out", "removal", "expulsion", "evacuation", "departure",
                         "retreat", "exit", "redeployment", "pullback"})


def _slot_heads(tok: Any, slot: str, exclude: Any) -> list[Any]:
    out: list[Any] = []
    if slot == "dobj":
        out = [c for c in tok.children if c.dep_ in ("dobj",) and (exclude is None or c.i != exclude.i)]
        if not out:
            # "kidnapped up to 16 Russian advisers": the parser hangs the counted object on "up to".
            out = [g for c in tok.children if c.lower_ == "up" and c.dep_ in ("prt", "advmod", "prep")
                   for p in c.children if p.dep_ == "prep" and p.lower_ == "to"
                   for g in p.children if g.dep_ == "pobj" and any(n.dep_ == "nummod" for n in g.children)]
        if exclude is not None and exclude.dep_ == "pobj":
            out += [c for c in tok.children if c.dep_ == "dobj"]
    elif slot == "iobj":
        out = [c for c in tok.children if c.dep_ in ("dative", "iobj")]
        out += [g for c in tok.children if c.dep_ == "dative" for g in c.children if g.dep_ == "pobj"]
    elif slot in ("compound", "amod", "poss"):
        out = [c for c in tok.children if c.dep_ == slot or (slot == "compound" and c.dep_ == "nmod")]
        if slot == "compound":
            # Hyphenated pairs ("U.S.-Russia talks") hang their parts off the first modifier.
            out += [g for c in out for g in c.children if g.dep_ in ("compound", "amod", "nmod", "punct")
                    and not g.is_punct]
    elif slot in ("ccomp", "that"):
        for c in tok.children:
            if c.dep_ == "ccomp":
                out += [g for g in c.children if g.dep_ in _SUBJ]
    elif slot == "by":
        for c in tok.children:
            if c.dep_ in ("agent", "prep") and c.lower_ == "by":
                out += [g for g in c.children if g.dep_ == "pobj"]
    else:
        if slot == "from" and any(c.dep_ == "dobj" and c.lemma_.lower() in _DEPARTURES for c in tok.children):
            # "demanded the withdrawal of Serbian forces from Bosnia": a "from" the parser hangs on the verb
            # is where the withdrawal leaves, not whom the demand is made of (the owner below decides).
            return []
        for c in tok.children:
            if c.dep_ in ("prep", "dative") and c.lower_ == slot:
                out += [g for g in c.children if g.dep_ == "pobj"]
            if slot == "near" and c.dep_ in ("advmod", "prep") and c.lower_ in ("close", "next", "near"):
                # "deployed close to the border", "next to"
                out += [g for p in c.children if p.dep_ == "prep" and p.lower_ == "to"
                        for g in p.children if g.dep_ == "pobj"]
        # "talks with Russia" may also attach the preposition to the object noun (and a "to", "against" or "at"
        # to the object the pattern named: "advised against travel to Tunisia").
        if not out:
            objs = [c for c in tok.children if c.dep_ == "dobj"]
            if exclude is not None and slot in ("to", "against", "at"):
                objs.append(exclude)
            # ("launched artillery, mortar and rocket fire against the camps": on the last of the objects.)
            for obj in (*objs, *(c for o in objs for c in o.conjuncts if c.i > o.i)):
                for c in obj.children:
                    if c.dep_ == "prep" and c.lower_ == slot:
                        out += [g for g in c.children if g.dep_ == "pobj"]
    return [o for o in out if (exclude is None or o.i != exclude.i)]


def _mention_actors(head: Any, actors: ArticleActors) -> list[Actor]:
    """Every actor named inside a modifier ("Biden-Putin", "U.S.-Russia", "Russia-NATO")."""
    tokens = sorted(head.subtree, key=lambda t: t.i)
    mentions = actors.mentions_in(tokens)
    named = [m for m in mentions if m.kind not in ROLE_KINDS]
    if len(named) <= 1:
        actor = actors.resolve(head)
        return [actor] if actor is not None else []
    return [mention_actor(head.doc, m) for m in named]


# Verbs whose object, not subject, does what the infinitive says ("urged Iran to return").
_OBJECT_CONTROL = frozenset({"call", "ask", "urge", "press", "tell", "order", "force", "persuade", "encourage",
                             "invite", "allow", "permit", "request", "demand", "push", "pressure", "compel",
                             "instruct", "advise", "warn", "beg", "implore", "appeal", "help", "enable"})
_COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
_TROOP_WORDS = frozenset({"troop", "soldier", "force", "army", "unit", "battalion", "brigade", "contingent", "marine",
                          "paratrooper", "warship", "detachment", "convoy", "patch", "batch"})
# Nominal events sent by someone: "a demand from Washington", "an offer from Kabul", "aid from Japan".
_SENT_FROM = frozenset({"02", "03", "05", "06", "07", "10", "11", "12", "13"})


# Cooperative action -> "express intent to" code (CAMEO 03x).
_INTENT_CODE = {
    "04": "036", "05": "032", "06": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "07": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334", "08": "035", "081": "0351",
    "082": "0352", "083": "034", "084": "0353", "0841": "0353", "085": "0354", "086": "0355", "087": "0356",
    "045": "039", "046": "036", "057": "030",
}
_INTENT_WORDS = frozenset({"plan", "intend", "aim", "offer", "pledge", "promise", "vow", "agree", "decide", "ready",
                           "willing", "prepared", "prepare", "seek", "want", "hope", "hop", "propose", "commit",
                           "consider", "expect", "determined", "eager", "keen", "resolve"})


# Punitive action announced for the future -> the matching threat code.
_ANNOUNCED_THREAT = {"14": "133", "16": "1312", "17": "137", "18": "138", "19": "138", "20": "1385"}
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "would", "'d"})
# Intents that declare readiness to act ("prepared to", "vowed to"); a decision or a hope is not a threat.
_THREAT_INTENTS = frozenset({"prepared", "ready", "willing", "vow", "pledge", "plan", "intend", "determined",
                             "resolve"})


def _future(tok: Any) -> bool:
    """The clause is set in the future ("will provide", "would expel", "is going to")."""
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    return bool(aux & _FUTURE_AUX) or (tok.dep_ == "xcomp" and tok.head.lower_ == "going")


def _announced_by(tok: Any, source: list[Actor], actors: ArticleActors) -> bool:
    """The clause is what its own source said it would do ("the ministry said it would expel ..."):
    a declaration, not a third party's forecast."""
    cur = tok
    for _ in range(3):
        if cur.dep_ != "ccomp" or cur.head.i == cur.i:
            cur = cur.head if cur.dep_ in ("conj", "xcomp") and cur.head.i != cur.i else cur
            if cur.dep_ != "ccomp":
                return False
        head = cur.head
        if head.lemma_.lower() in SPEECH or head.lemma_.lower() in ("vow", "pledge", "warn", "threaten", "promise"):
            subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
            speakers = actors.resolve_group(subj) if subj is not None else []
            countries = {a.country for a in source if a.country}
            return bool(countries & {a.country for a in speakers if a.country})
        cur = head
    return False


def _intent_governor(tok: Any) -> str | None:
    """The intent word an action hangs on ("willing to withdraw", "offered to host"), if any."""
    cur = tok
    for _ in range(3):
        if cur.dep_ != "xcomp" or cur.head.i == cur.i:
            return None
        head = cur.head
        if head.lemma_.lower() in _INTENT_WORDS:
            return str(head.lemma_.lower())
        cur = head
    return None


# Verbs that only place a nominal event in time ("talks are set for", "the summit will take place on").
_LIGHT_VERBS = frozenset({"be", "set", "schedule", "slate", "plan", "expect", "due", "take", "begin", "start",
                          "open", "resume", "continue", "end", "close", "conclude", "happen", "occur", "come",
                          "hold", "convene", "reconvene"})


def _unique(actors: list[Actor]) -> list[Actor]:
    """One actor per code: "officers in the Russian military and Russia's arms makers" name Russia once."""
    out: list[Actor] = []
    for actor in actors:
        if all(a.code != actor.code for a in out):
            out.append(actor)
    return out


# Event roots that happen within a state when no one else is named: protest, yield, coerce.
_DOMESTIC_ROOTS = frozenset({"14", "08", "17"})
# Events coded even when no one is named, if their place is known: protests and attacks.
_PLACED_ROOTS = frozenset({"14", "18", "19", "20"})
# Sectors that act at home: police, courts, legislatures, governments.
_DOMESTIC_SECTORS = frozenset({"COP", "JUD", "LEG", "GOV"})


def _place_actor(place: Any, sent: Any, text: str) -> list[Actor]:
    """The country of an event's place as an actor, spanning the place's name in its sentence."""
    if not place.country:
        return []
    at = text.find(place.name, sent.start_char, sent.end_char)
    if at < 0:
        # The gazetteer's name may carry accents the text lacks ("Kandahār" written "Kandahar").
        at = _unaccent(text[sent.start_char:sent.end_char]).find(_unaccent(place.name))
        at = at + sent.start_char if at >= 0 else -1
    if at < 0:  # named some other way: the place is inferred, its span empty
        return [Actor(text="", start=sent.start_char, end=sent.start_char, name=place.name, country=place.country,
                      sector=None, code=place.country)]
    end = at + len(place.name)
    return [Actor(text=text[at:end], start=at, end=end, name=place.name, country=place.country, sector=None,
                  code=place.country)]


def _unaccent(text: str) -> str:
    """Accents off, one character for one (so positions in the folded text are positions in the text)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        out.append(base[0] if len(base) > 1 and all(unicodedata.combining(c) for c in base[1:]) else ch)
    return "".join(out).lower()


def _killed_by_nature(trigger: Any) -> bool:
    """A fire, a crash, a flood did it ("a fire killed", "were killed in a landslide")."""
    return any(t.lemma_.lower() in _NOT_ATTACKS for t in _doers(trigger))


def _doers(trigger: Any) -> list[Any]:
    """What did it, when no one is named: the subject, the passive agent, what it happened in or after."""
    things = [c for c in trigger.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
    things += [g for c in trigger.children if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "in", "from", "after")
               for g in c.children if g.dep_ == "pobj"]
    return things


def _attack_unnamed(trigger: Any) -> bool:
    """The act was done by someone not named: whatever the clause says did it is a weapon or an attack ("were
    killed in grenade attacks", "a roadside bomb killed"). (A fire, a crash or a flood was ruled out before.)"""
    return all(t.lemma_.lower() in _WEAPONS for t in _doers(trigger) if t.dep_ == "nsubj" or t.head.lower_ == "by")


# What kills without an attacker, and what an attacker kills with.
_NOT_ATTACKS = frozenset({"fire", "blaze", "crash", "accident", "flood", "flooding", "earthquake", "quake", "storm",
                          "cyclone", "hurricane", "typhoon", "landslide", "collapse", "stampede", "disease", "outbreak",
                          "virus", "heatwave", "avalanche", "lightning", "drowning", "illness"})
_WEAPONS = frozenset({"bomb", "bombing", "bomber", "explosive", "device", "ied", "mine", "landmine", "grenade", "rocket",
                      "missile", "shell", "mortar", "shelling", "attack", "strike", "airstrike", "raid", "blast",
                      "explosion", "gunfire", "bullet", "shot", "drone", "artillery", "ambush", "assault", "gunman",
                      "sniper", "car", "vehicle", "truck", "motorcycle", "tank", "warplane", "jet", "helicopter",
                      "gunship", "aircraft", "bombardment", "barrage", "crossfire", "offensive"})


def _weapon_nouns(trigger: Any) -> list[Any]:
    """What did it when no one is named: the subject ("a bomb near X killed") or the passive agent
    ("were killed by a mine outside X")."""
    return [t for t in _doers(trigger) if (t.dep_ == "nsubj" and t.pos_ == "NOUN") or t.head.dep_ == "agent"]


def _home_target(source: list[Actor], actors: ArticleActors) -> list[Actor]:
    """The one state all of ``source`` belongs to, as an actor inferred rather than named: its span is
    empty, at the source (no words of the sentence name it)."""
    countries = {a.country for a in source}
    if len(countries) != 1 or any(not a.country or len(a.country) != 3 or a.sector in ("IGO", "NGO")
                                  for a in source):
        return []
    country = next(iter(countries))
    actor = source[0]
    name = next((m.name for m in actors.matches.values() if m.country == country and m.kind in _HOME_KINDS),
                actor.name if actor.sector is None else None)
    return [Actor(text="", start=actor.start, end=actor.start, name=name, country=country, sector=None,
                  code=country)]


_HOME_KINDS = frozenset({"country", "adjective", "demonym", "capital", "metonym"})


def _stateless(actor: Actor) -> bool:
    """A group of no one state (CAMEO IMG: al-Qaeda, the Islamic State)."""
    return (actor.code or "").startswith(TRANSNATIONAL)


def _with_country(actor: Actor, country: str) -> Actor:
    if actor.country or not actor.sector or actor.sector in ("IGO", "NGO") or _stateless(actor):
        return actor  # (al-Qaeda fighting in Syria is still of no one state)
    return replace(actor, country=country, code=country + actor.sector)


def _has_neg(tok: Any) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _owned_objects(trigger: Any, consumed: Any) -> list[Any]:
    """What an act with no target is done to, nearest first: its object, the object of the act it
    governs ("refused to lift the ban"), and what those acts are about ("respond to a demand from ...")."""
    acts = [trigger, *(c for c in trigger.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"))]
    out: list[Any] = []
    if consumed is not None and consumed.dep_ in ("dobj", "nsubjpass"):
        out.append(consumed)
    for act in acts:
        # "a camp for Congolese refugees was attacked": the passive's subject is what was acted on.
        out.extend(c for c in act.children if c.dep_ in ("dobj", "nsubjpass") and c not in out)
    for act in acts:
        out.extend(g for c in act.children if c.dep_ == "prep" and c.lower_ in _ABOUT_PREPS
                   for g in c.children if g.dep_ == "pobj" and g not in out)
        # "denounced as an ugly crime Serbia's suppression of ...": what is named after what it is called.
        for prep in (c for c in act.children if c.dep_ == "prep" and c.lower_ == "as"):
            named = [g for g in prep.children if g.dep_ == "pobj"]
            out.extend(t for t in (*named[1:], *(a for g in named[:1] for a in g.children if a.dep_ == "appos"))
                       if t not in out)
    return out


_ABOUT_PREPS = frozenset({"to", "on", "against", "with", "over", "for", "toward", "towards", "at"})


def _object_owner(obj: Any, actors: ArticleActors, source: list[Actor], depth: int = 2) -> list[Actor]:
    """Whose is the object, or whom it concerns: "rejected an Indian proposal", "calls by Belarus", "the
    withdrawal of Serbian forces", "a United Nations appeal", "boycott contact with the United States",
    "aid to refugees from Liberia"."""
    if obj.i in actors.matches or depth <= 0:
        group = actors.resolve_group(obj) if obj.i in actors.matches else []
        if not group and obj.pos_ == "NOUN":
            located = actors.located_in(obj)  # "the observer mission in Sudan"
            group = [located] if located is not None else []
        return [a for a in group if all(a.code != s.code for s in source)]
    found: list[Actor] = []
    later: list[Any] = []
    for child in obj.children:
        heads = []
        if child.dep_ == "poss" and obj.lemma_.lower() in RELATIONAL:
            continue  # "Israel's militia ally" is not Israel's
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            heads = [child]
        elif child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from", "of"):
            heads = [g for g in child.children if g.dep_ == "pobj"]
        elif child.dep_ == "prep" and child.lower_ in _ABOUT_PREPS:
            later.extend(g for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "acl" and child.pos_ == "VERB" and obj.lemma_.lower() in _PROPOSALS:
            # "an invitation to attend a meeting of Palestinian factions": what the object asks to be done.
            later.extend(g for g in child.children if g.dep_ == "dobj")
        for head in heads:
            if child.dep_ in ("prep", "agent", "poss"):
                group = actors.resolve_group(head)
                if not group and child.dep_ == "prep" and depth > 1:
                    # "an extension of the mandate for the peacekeeping force in Lebanon": whose the inner thing is.
                    group = _object_owner(head, actors, source, depth - 1)
            else:  # an adjective or a noun modifier owns only by naming someone ("Indian", not "official")
                group = [a for a in _mention_actors(head, actors) if a.country or head.i not in actors.matches
                         or actors.matches[head.i].kind not in ROLE_KINDS]
            found.extend(a for a in group if all(a.code != s.code for s in source))
    for head in later if not found else ():
        found = _object_owner(head, actors, source, depth - 1)
        if found:
            break
    return found


_LOCATION_PREPS = frozenset({"in", "inside", "across", "throughout", "into", "near", "outside"})


def _location_target(trigger: Any, actors: ArticleActors, source: list[Actor]) -> list[Actor]:
    """For an event with no target: the country where it happened ("struck targets in Yemen",
    "lifted the curfew in Montenegro"), taken from a place phrase on the trigger or its object."""
    # "refused to deploy peacekeepers in Iraq": the place of the act refused or promised counts too.
    acts = [c for c in trigger.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    holders = [trigger, *acts, *(c for h in (trigger, *acts) for c in h.children if c.dep_ in ("dobj", "nsubjpass"))]
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" or prep.lower_ not in _LOCATION_PREPS:
                continue
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                mention = actors.matches.get(pobj.i)
                if mention is None:
                    continue
                if mention.kind in ("country", "capital", "region") and mention.country:
                    if any(a.country == mention.country and a.sector is None for a in source):
                        continue
                    span = pobj.doc[mention.start:mention.end]
                    return [Actor(text=span.text, start=span.start_char, end=span.end_char, name=mention.name,
                                  country=mention.country, sector=None, code=mention.country)]
    return []


def _condition_of(tok: Any) -> Any:
    """An 'if'/'unless' clause attached to the trigger or one of its ancestors in the sentence."""
    cur = tok
    for _ in range(8):
        for c in cur.children:
            if c.dep_ == "advcl" and c.i != tok.i and any(
                    g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in c.children):
                if tok.i not in {t.i for t in c.subtree}:
                    return c
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return None


def _speaker(tok: Any, actors: ArticleActors) -> list[Actor]:
    """The subject of the nearest speech verb governing the trigger ("..., the official said")."""
    cur = tok
    for _ in range(10):
        if cur.lemma_.lower() in SPEECH and cur.pos_ == "VERB":
            subj = next((c for c in cur.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                return actors.resolve_group(subj)
        for c in cur.children:
            if c.dep_ in ("parataxis", "ccomp") and c.lemma_.lower() in SPEECH and c.i != tok.i:
                subj = next((g for g in c.children if g.dep_ == "nsubj"), None)
                if subj is not None:
                    return actors.resolve_group(subj)
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return []


def _clause_dates(trigger: Any, entity_of: dict[int, Any], bounds: tuple[int, int]) -> list[Any]:
    """DATE entities in the trigger's own clause (not in nested clauses), nearest first."""
    sent_start, sent_end = bounds
    inside: list[Any] = []
    spans = {id(e): e for i in range(sent_start, sent_end) if (e := entity_of.get(i)) is not None}
    for ent in spans.values():
        if ent.label_ not in ("DATE", "TIME") or not (sent_start <= ent.start < sent_end):
            continue
        cur = ent.root
        ok = False
        for _ in range(8):
            if cur.i == trigger.i:
                ok = True
                break
            if cur.dep_ in _CLAUSE_DEPS and cur.i != ent.root.i:
                break
            if cur.head.i == cur.i:
                break
            cur = cur.head
        if ok:
            inside.append(ent)
    inside.sort(key=lambda e: abs(e.start - trigger.i))
    return inside


def _city_misread_as_person(head: Any) -> list[Actor]:
    """"Russian forces shelled Kharkiv": a one-word name the tagger calls a person, which no one in the
    article bears and which is a city of half a million people or more, is the city (as its country)."""
    ent = head.doc[head.i:head.i + 1]
    if any(c.dep_ in ("compound", "flat") for c in head.children) or head.dep_ in ("compound", "flat"):
        return []
    if any(t.ent_type_ == "PERSON" and t.text == head.text and t.i != head.i for t in head.doc[:head.i]):
        return []  # a surname met before
    candidate = Gazetteer.load().resolve(head.text)
    if candidate is None or candidate.country is None or candidate.kind != "city" or candidate.population < _BIG_CITY:
        return []
    return [Actor(text=ent.text, start=ent.start_char, end=ent.end_char, name=candidate.name,
                  country=candidate.country, sector=None, code=candidate.country)]


_BIG_CITY = 500_000


def _place_country(name: str, countries: tuple[str, ...]) -> tuple[str, str] | None:
    """A city or region the dictionaries do not know ("Kharkiv", "Belgorod"): its country, from the
    gazetteer; the actor is that country (CAMEO codes a place by the state it lies in)."""
    candidate = Gazetteer.load().resolve(name, countries=countries)
    if candidate is None or candidate.country is None or candidate.kind not in ("city", "state"):
        return None
    return candidate.name, candidate.country


_RESOLVERS: dict[int, ActorResolver] = {}


def _resolver_for(nlp_or_doc: Any) -> ActorResolver:
    # One resolver per vocabulary and process: building the matchers takes about a second.
    key = id(nlp_or_doc.vocab)
    resolver = _RESOLVERS.get(key)
    if resolver is None:
        from spacy.lang.en import English

        holder = nlp_or_doc if hasattr(nlp_or_doc, "make_doc") else _VocabNLP(nlp_or_doc.vocab, English)
        resolver = ActorResolver(holder)
        _RESOLVERS.clear()
        _RESOLVERS[key] = resolver
    return resolver


class _VocabNLP:
    """Just enough of a Language for the matchers: a vocab and a tokenizer sharing it."""

    def __init__(self, vocab: Any, lang: Any) -> None:
        self.vocab = vocab
        self._tok = lang(vocab=vocab).tokenizer

    def make_doc(self, text: str) -> Any:
        return self._tok(text)


@extractors.register("detente.rules.v1")
def make_rules_extractor(**config: Any) -> RulesExtractor:
    """Build the rules extractor from validated settings."""
    return RulesExtractor(RulesConfig(**config))
