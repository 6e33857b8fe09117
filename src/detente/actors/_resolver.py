"""Mentions -> Actors: dictionary matching on the parse, composition, within-article linking.

"Russian President Vladimir Putin" is one actor (RUS, GOV, Vladimir Putin); "the U.S. and
NATO" are two; a later "Putin", "he" or "the minister" links back to an actor seen before.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from ..model import Actor
from ._dictionary import TRANSNATIONAL, ActorDictionary, load_groups
from ._people import People

# Dependency labels that do not belong to a noun phrase's own words.
_NOT_NP = frozenset({"relcl", "acl", "advcl", "conj", "cc", "preconj", "punct", "appos", "parataxis",
                     "dep", "ccomp", "xcomp", "mark", "case"})
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_QUANTITY_HEADS = frozenset({
    "thousand", "thousands", "hundred", "hundreds", "dozen", "dozens", "million", "millions", "score", "scores",
    "group", "number", "handful", "crowd", "crowds", "band", "team", "delegation", "contingent", "some", "many",
    "most", "all", "several", "few", "none", "one", "two", "three", "four", "five", "majority", "members",
    "member", "rest", "tens", "couple", "lot", "lots", "wave", "unit", "units", "batch", "patch", "detachment",
    "third", "half", "quarter", "fifth", "percent", "proportion",
})
_PRONOUNS_THING = frozenset({"it", "its", "they", "them", "their"})
_PLACE_NOUNS = frozenset({"border", "frontier", "territory", "soil", "coast", "region", "side", "city",
                          "capital", "waters", "airspace", "embassy", "consulate", "town", "village",
                          "province", "area", "outskirts", "boundary", "doorstep"})
_ORG_KINDS = frozenset({"igo", "armed_group"})
_PLACE_KINDS = frozenset({"country", "adjective", "demonym", "capital", "metonym", "region"})
ROLE_KINDS = frozenset({"title", "group", "person_role"})
_LOCATIVE_PREPS = frozenset({"in", "from", "inside", "across", "throughout"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A dictionary match over tokens ``start:end``."""

    start: int
    end: int
    kind: str
    country: str | None
    sector: str | None
    name: str
    person: bool = False
    # A group or person of no one state (al-Qaeda): no country, coded as CAMEO's IMG.
    transnational: bool = False


@dataclass(slots=True)
class _Seen:
    actor: Actor
    person: bool
    surname: str | None
    sector: str | None
    role: bool = False
    subject: int = -1  # the sentence start, when the mention was a clause's subject
    plural: bool = False  # named by a plural noun ("Armenian troops"), which "it" and "its" do not take up


@dataclass(slots=True)
class ArticleActors:
    """Actor resolution for one parsed document, with memory for within-article linking."""

    resolver: ActorResolver
    doc: Any
    day: dt.date | None
    # Looks up a place name the dictionaries lack: (name, ISO3) or None. Supplied by the extractor,
    # which owns the gazetteer.
    place_country: Callable[[str, tuple[str, ...]], tuple[str, str] | None] | None = None
    matches: dict[int, Mention] = field(default_factory=dict)
    seen: list[_Seen] = field(default_factory=list)
    _cache: dict[int, Actor | None] = field(default_factory=dict)

    # Token index -> its named-entity span (spaCy rebuilds Doc.ents on every access).
    entity_of: dict[int, Any] = field(default_factory=dict)
    _countries: tuple[int, tuple[str, ...]] = (-1, ())
    _sentence_countries: dict[tuple[int, int], str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entity_of = entity_index(self.doc)
        self.matches = self.resolver.match(self.doc, self.day, self.entity_of)

    # -- noun phrases -------------------------------------------------------------------------
    def np_tokens(self, head: Any) -> list[Any]:
        out = [head]
        for child in head.children:
            if child.dep_ in _NOT_NP:
                continue
            if child.dep_ == "poss" and head.lemma_.lower() in RELATIONAL:
                continue  # "Israel's militia ally", "Iran's proxies": the possessor is the other side
            if child.dep_ == "prep" and child.lower_ != "of":
                # Keep a preposition that is part of a dictionary name ("Organization for Security ...").
                if child.i not in self.matches or self.matches[child.i] is not self.matches.get(head.i):
                    continue
            out.extend(self.np_tokens(child))
        return out

    def mentions_in(self, tokens: list[Any]) -> list[Mention]:
        found: list[Mention] = []
        for tok in sorted(tokens, key=lambda t: t.i):
            mention = self.matches.get(tok.i)
            if mention is not None and mention not in found:
                found.append(mention)
        return found

    # -- resolution ---------------------------------------------------------------------------
    def resolve(self, head: Any) -> Actor | None:
        """The actor a noun-phrase head refers to, or None."""
        if head.i in self._cache:
            return self._cache[head.i]
        actor = self._resolve(head)
        self._cache[head.i] = actor
        return actor

    def resolve_group(self, head: Any) -> list[Actor]:
        """The head and its conjuncts ("the U.S. and NATO"), each resolved; a noun whose modifiers
        name several parties ("American and Russian officials", "the NATO-Russia Council") is
        one actor per party."""
        inner = _counted(head)
        if inner is not None and head.i not in self.matches:
            return self.resolve_group(inner)  # "scores of Sierra Leonean and Liberian refugees"
        heads = [head, *head.conjuncts] if head.dep_ != "conj" else [head]
        if head.dep_ != "conj":
            # "The US, Russia, and Switzerland": the parser makes the second item an apposition whose
            # conjuncts are the rest; an apposition with conjuncts of its own is a list, not a rename.
            for child in head.children:
                if child.dep_ == "appos" and any(c.dep_ == "conj" for c in child.children):
                    heads.extend([child, *child.conjuncts])
        out: list[Actor] = []
        for tok in sorted(heads, key=lambda t: t.i):
            actors = self.split_modifiers(tok) or [a for a in [self.resolve(tok)] if a is not None]
            for actor in actors:
                if all(a.code != actor.code or a.start != actor.start for a in out):
                    out.append(actor)
        return out

    def split_modifiers(self, head: Any) -> list[Actor]:
        """One actor per country or organisation named in a head's modifiers, when there are several
        and the head itself names no one ("French and German leaders")."""
        if head.i in self.matches and self.matches[head.i].kind not in ROLE_KINDS:
            return []
        mods = [t for c in head.children if c.dep_ in ("amod", "compound", "nmod", "poss") for t in c.subtree]
        named: list[Mention] = []
        for m in self.mentions_in(mods):
            if (m.kind in _PLACE_KINDS or m.kind in _ORG_KINDS or m.person) and all(
                    m.country != n.country for n in named):
                named.append(m)
        if len(named) < 2:
            return []
        role = self.matches.get(head.i)
        return [mention_actor(self.doc, m, role_sector=role.sector if role is not None else None) for m in named]

    def _resolve(self, head: Any) -> Actor | None:
        doc = self.doc
        inner = _counted(head)
        if inner is not None:
            return self.resolve(inner)
        if head.lower_ in _PRONOUNS_PERSON or head.lower_ in {"his", "her"}:
            return self._link_person(head)
        if head.lower_ in _PRONOUNS_THING:
            return self._link_collective(head)
        tokens = self.np_tokens(head)
        mentions = self.mentions_in(tokens)
        if head.lemma_.lower() in _PLACE_NOUNS:
            # "its border with Ukraine": the place belongs to the country named inside it.
            mentions = self.mentions_in(_without_clauses(head))
            inner = [m for m in mentions if m.kind in _PLACE_KINDS or m.kind in _ORG_KINDS or m.person]
            if not inner:
                return None
            mentions = inner[-1:]
        appos = [c for c in head.children if c.dep_ == "appos"]
        named: list[Mention] = []
        for a in appos:
            named.extend(m for m in self.mentions_in(self.np_tokens(a)) if m not in mentions and m not in named)
        if named and self.matches.get(head.i) is None:
            # "Russia's closest ally, Belarus": the apposition names who the head noun is.
            mentions = named + mentions
        else:
            mentions.extend(named)
        start_tok = min(t.i for t in tokens)
        end_tok = max(t.i for t in tokens) + 1
        while start_tok < end_tok - 1 and doc[start_tok].is_punct:
            start_tok += 1
        span = doc[start_tok:end_tok]
        head_match = self.matches.get(head.i)
        person = head_match if head_match is not None and head_match.person else next(
            (m for m in mentions if m.person), None)
        # "the militant group al-Shabab": an organisation in apposition names who the head is.
        appos_org = next((m for a in appos for m in self.mentions_in(self.np_tokens(a)) if m.kind in _ORG_KINDS), None)
        org = appos_org or next((m for m in mentions if m.kind in _ORG_KINDS), None)
        place = next((m for m in mentions if m.kind in _PLACE_KINDS), None)
        head_mention = self.matches.get(head.i)
        if head_mention is not None and head_mention.kind == "demonym" and head.tag_ in ("NNS", "NNPS"):
            # "the Albanians of southern Serbia", "Hungarians in Romania": a people living in another state are
            # that state's ethnic group (CAMEO ETH), like "ethnic Albanians".
            for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "in")):
                home = next((self.matches.get(g.i) for g in prep.children if g.dep_ == "pobj"), None)
                if home is not None and home.kind in _PLACE_KINDS and home.country and len(home.country) == 3 and (
                        home.country != head_mention.country):
                    actor = Actor(text=span.text, start=span.start_char, end=span.end_char,
                                  name=f"ethnic {head.text}", country=home.country, sector="ETH",
                                  code=home.country + "ETH")
                    return self._remember(actor, False, head)
        roles = [m for m in mentions if m.kind in ROLE_KINDS]
        if head_mention is None and head.pos_ == "NOUN":
            # "military cooperation", "police reform": a role word modifying a thing is not an actor.
            roles = []
        role = head_mention if head_mention is not None and head_mention.kind in ROLE_KINDS else (
            roles[0] if roles else None)
        if role is not None and role is head_mention and head.lemma_.lower() in _GENERIC_HOLDERS:
            # "opposition leaders", "rebel spokesmen", "party officials": the modifier says whose they are.
            modifier = next((m for m in roles if m is not role and m.sector and m.sector != role.sector
                             and m.start < head.i), None)
            role = modifier or role
        name: str | None = None
        country: str | None = None
        sector: str | None = None
        is_person = False
        if person is not None:
            name, country, sector, is_person = person.name, person.country, person.sector, True
        elif org is not None and (head_mention is org or place is None or role is None or org is appos_org):
            name, country, sector = org.name, org.country, org.sector
        if country is None and place is not None:
            country = place.country
            name = name or place.name
            if place.kind in ("capital", "metonym") and sector is None:
                sector = place.sector or "GOV"
        if role is not None and (sector is None or person is None):
            if not is_person or sector is None:
                sector = role.sector or sector
            if role.kind == "person_role" or role.kind == "title":
                # "the chancellor", "President X": one person ("she" can link back to them).
                is_person = is_person or role.start <= head.i < role.end or role.kind == "person_role" or (
                    role.kind == "title" and head.ent_type_ == "PERSON")  # "King Hassan of Morocco"
        if country is None and person is None and org is None and self.place_country is not None and (
                head.ent_type_ in ("GPE", "LOC", "FAC") or (head.pos_ == "PROPN" and head.ent_type_ == "")):
            found = self.place_country(self._ent_text(head), self.countries())
            if found is not None:
                country, name = found[1], found[0]
                sector = sector if role is not None else None
        if country is None and person is None and org is None and role is not None:
            # "Ankara said its jets struck ...": a possessive pronoun names the owner.
            poss = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in ("its", "their")), None)
            owner = self._link_collective(poss) if poss is not None else None
            if owner is not None and owner.country:
                country, name = owner.country, owner.name
        if country is None and person is None and org is None and role is not None:
            # "Rebels in Chad", "security forces in Guinea", "refugees from Sudan": people named by their
            # role take the country their own phrase places them in.
            located = self.located_in(head) or self._sent_by(head)
            if located is not None:
                country, name = located.country, located.name
        if country is None and person is None and org is None:
            ent_person = head.ent_type_ == "PERSON"
            if ent_person or head.lower_ in _PRONOUNS_PERSON:
                linked = self._link_surname(head)
                if linked is not None:
                    return self._remember(self._with_span(linked, span), True, head)
            if role is not None:
                linked_role = self._link_role(role.sector)
                if linked_role is not None:
                    country = linked_role.country
                elif role.sector not in ("IGO", "NGO") and not (role.sector == "UAF" and head.dep_ == "nsubj"):
                    # "President Dos Santos conceded to demands from UNITA to reform Angola's courts": someone
                    # known only by role, in a sentence about one state, belongs to it. (Not gunmen who act:
                    # "Gunmen kidnapped Chinese engineers" names their victims' state.)
                    country = self._sentence_country(head)
            if country is None and sector is None:
                return None
            if ent_person:
                is_person = True
                name = name or self._ent_text(head)
        if country is None and sector is None:
            return None
        code: str | None
        if country is not None and sector is not None and country != sector and (
                org is None or head_mention is not org or org.kind == "armed_group"):
            code = country + sector if len(country) == 3 else country
        elif country is None and sector is not None and (
                (person is not None and person.transnational) or (org is not None and org.transnational
                                                                  and name == org.name)):
            code = TRANSNATIONAL + sector
        else:
            code = country or sector
        actor = Actor(text=span.text, start=span.start_char, end=span.end_char, name=name,
                      country=country, sector=sector, code=code)
        return self._remember(actor, is_person, head)

    def located_in(self, head: Any) -> Actor | None:
        """The country a locative phrase on ``head`` places it in ("rebels in Chad", "refugees from
        Sudan", "a hospital in Baghdad"), as an actor spanning the place's name."""
        # "rebels based in Chad", "refugees living in Iraq": through a participle too.
        holders = [head, *(c for c in head.children if c.dep_ == "acl" and c.tag_ in ("VBG", "VBN"))]
        for prep in (c for h in holders for c in h.children):
            if prep.dep_ != "prep" or prep.lower_ not in _LOCATIVE_PREPS:
                continue
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                mention = self.matches.get(pobj.i)
                country: str | None = None
                if mention is not None:
                    if not (mention.kind in _PLACE_KINDS and mention.country and len(mention.country) == 3):
                        continue
                    span, country, name = self.doc[mention.start:mention.end], mention.country, mention.name
                elif self.place_country is not None and pobj.ent_type_ in ("GPE", "LOC"):
                    found = self.place_country(self._ent_text(pobj), self.countries())
                    if found is None:
                        continue
                    ent = self.entity_of.get(pobj.i)
                    span, name, country = (ent if ent is not None else self.doc[pobj.i:pobj.i + 1]), *found
                if country is not None:
                    return Actor(text=span.text, start=span.start_char, end=span.end_char, name=name,
                                 country=country, sector=None, code=country)
        return None

    def _sent_by(self, head: Any) -> Actor | None:
        """"Volunteers from Canadian charities", "monitors from the OSCE": who the people come from."""
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "from":
                for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                    actor = self.resolve(pobj)
                    if actor is not None and actor.country:
                        return actor
        return None

    def _sentence_country(self, head: Any) -> str | None:
        """The one state named in ``head``'s sentence (by name, adjective, demonym, capital or metonym)."""
        key = start, end = sentence_bounds(head)
        if key not in self._sentence_countries:
            # (not the other side of a tie: "a commander of Iran's militia ally")
            found = {m.country for i in range(start, end) if (m := self.matches.get(i)) is not None
                     and m.kind in _PLACE_KINDS and m.country and len(m.country) == 3
                     and not (self.doc[i].dep_ == "poss" and self.doc[i].head.lemma_.lower() in RELATIONAL)}
            self._sentence_countries[key] = next(iter(found)) if len(found) == 1 else None
        return self._sentence_countries[key]

    def countries(self) -> tuple[str, ...]:
        """ISO3 codes of the states named so far in the article, first mention first."""
        if self._countries[0] != len(self.seen):
            codes = dict.fromkeys(s.actor.country for s in self.seen if s.actor.country and len(s.actor.country) == 3)
            self._countries = (len(self.seen), tuple(c for c in codes if c))
        return self._countries[1]

    def _ent_text(self, token: Any) -> str:
        ent = self.entity_of.get(token.i)
        return str(ent.text) if ent is not None else str(token.text)

    def _with_span(self, actor: Actor, span: Any) -> Actor:
        return Actor(text=span.text, start=span.start_char, end=span.end_char, name=actor.name,
                     country=actor.country, sector=actor.sector, code=actor.code)

    def _remember(self, actor: Actor, person: bool, head: Any) -> Actor:
        surname = head.text if person and head.ent_type_ == "PERSON" else None
        if person and actor.name:
            surname = actor.name.split()[-1]
        role = head.i in self.matches and self.matches[head.i].kind in ROLE_KINDS
        subject = sentence_bounds(head)[0] if head.dep_ in ("nsubj", "nsubjpass") else -1
        self.seen.append(_Seen(actor=actor, person=person, surname=surname, sector=actor.sector, role=role,
                               subject=subject, plural=head.tag_ == "NNS"))
        return actor

    def _link_person(self, head: Any) -> Actor | None:
        seen = next((s for s in reversed(self.seen) if s.person and s.actor.start < head.idx), None)
        return self._with_span(seen.actor, self.doc[head.i:head.i + 1]) if seen is not None else None

    def _link_collective(self, head: Any) -> Actor | None:
        """"it", "its", "they": the most recent state, organisation or group named before; a plural pronoun
        prefers one that was a subject earlier in its sentence ("the bombers killed 23 people when they blew
        themselves up")."""
        earlier = [s for s in reversed(self.seen) if not s.person and s.actor.start < head.idx]
        chosen = None
        if head.lower_ in ("it", "its", "itself"):
            # "Azerbaijan said Armenian troops had shelled its positions": "its" is a state's, not the troops'.
            earlier = [s for s in earlier if not s.plural] or earlier
        if head.lower_ in ("they", "them", "their", "themselves"):
            start = sentence_bounds(head)[0]
            chosen = next((s for s in earlier if s.subject == start), None)
        chosen = chosen or (earlier[0] if earlier else None)
        return self._with_span(chosen.actor, self.doc[head.i:head.i + 1]) if chosen is not None else None

    def _link_surname(self, head: Any) -> Actor | None:
        for seen in reversed(self.seen):
            if seen.person and seen.surname and seen.surname == head.text:
                return seen.actor
        return None

    def _link_role(self, sector: str | None) -> Actor | None:
        """"the official": the latest person or group of that sector with a country; places
        (capitals coded as governments) only when no one else fits."""
        fallback = None
        for seen in reversed(self.seen):
            if seen.actor.country and (sector is None or seen.sector == sector):
                if seen.person or seen.role:
                    return seen.actor
                fallback = fallback or seen.actor
        return fallback


def mention_actor(doc: Any, m: Mention, *, role_sector: str | None = None) -> Actor:
    """The actor one dictionary mention names on its own: a person or seat of power with its
    sector, an organisation, or a state (with ``role_sector`` when the phrase's head is a role)."""
    span = doc[m.start:m.end]
    own_sector = m.person or m.kind in ("capital", "metonym", "igo", "armed_group")
    sector = m.sector if own_sector else role_sector
    country = m.country
    code = (country + sector) if country and sector and len(country) == 3 and m.kind != "igo" else (
        TRANSNATIONAL + sector if m.transnational and sector else (country or sector))
    return Actor(text=span.text, start=span.start_char, end=span.end_char, name=m.name, country=country,
                 sector=sector, code=code)


def sentence_bounds(tok: Any) -> tuple[int, int]:
    """Token bounds of tok's sentence. (spaCy's Token.sent walks every sentence of the document.)"""
    doc = tok.doc
    start = tok.i
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return start, end


def _counted(head: Any) -> Any:
    """What a quantity head counts ("thousands of students", "a group of lawmakers", "dozens of
    Palestinians"): the object of its "of", or None."""
    if head.lemma_.lower() not in _QUANTITY_HEADS and head.pos_ != "NUM":
        return None
    return next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj"), None)


def _without_clauses(head: Any) -> list[Any]:
    """A head's subtree without appositions and relative or participle clauses."""
    out = [head]
    for child in head.children:
        if child.dep_ not in ("appos", "relcl", "acl", "punct", "conj", "cc", "parataxis"):
            out.extend(_without_clauses(child))
    return out


def entity_index(doc: Any) -> dict[int, Any]:
    """Token index -> the entity span that covers it."""
    out: dict[int, Any] = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            out[i] = ent
    return out


class ActorResolver:
    """Dictionary matchers built once per process and vocabulary."""

    def __init__(self, nlp: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.dictionary = ActorDictionary.load()
        self.people = People.load()
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entries: dict[str, list[Mention]] = {}
        make = nlp.make_doc
        exact: dict[str, Any] = {}
        lower: dict[str, Any] = {}

        def add(surface: str, mention: Mention) -> None:
            key = surface if _case_sensitive(surface) else surface.lower()
            self._entries.setdefault(key, []).append(mention)
            table = exact if _case_sensitive(surface) else lower
            if key not in table:
                table[key] = make(surface)

        terms = list(self.dictionary.terms())
        known = {surface.lower() for surface, _ in terms}
        # One-word names of states, their adjectives and demonyms, for misspellings ("Afganistan", "Ethopia").
        self._spellings: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for surface, entry in terms:
            if entry.kind in ("country", "adjective", "demonym") and surface.isalpha() and len(surface) >= _FUZZY_MIN:
                self._spellings.setdefault((surface[0].lower(), len(surface)), []).append((surface.lower(), surface))
        for surface, entry in terms:
            if entry.kind in ROLE_KINDS:
                add(surface, Mention(0, 0, entry.kind, None, entry.sector, entry.name))
                many = _plural(surface) if entry.kind in ("person_role", "title") else None
                if many is not None and many.lower() not in known:
                    # "opposition leaders", "foreign ministers": several holders of a role are a group.
                    known.add(many.lower())
                    add(many, Mention(0, 0, "group", None, entry.sector, entry.name))
            else:
                add(surface, Mention(0, 0, entry.kind, entry.country, entry.sector, entry.name))
        for term, code, name in _regions():
            add(term, Mention(0, 0, "region", code, None, name))
        for term, country, sector, name in _groups():
            if country == TRANSNATIONAL:
                add(term, Mention(0, 0, "armed_group", None, sector, name, transnational=True))
            else:
                add(term, Mention(0, 0, "armed_group", country, sector, name))
        for surface in self.people.surface_forms():
            # Names are matched case-sensitively: "Rice" the person, not "rice".
            self._entries.setdefault(surface, []).append(Mention(0, 0, "person", None, None, surface, True))
            if surface not in exact:
                exact[surface] = make(surface)
        for key, pattern in exact.items():
            self._exact.add(key, [pattern])
        for key, pattern in lower.items():
            self._lower.add(key, [pattern])

    def match(self, doc: Any, day: dt.date | None, entity_of: dict[int, Any] | None = None) -> dict[int, Mention]:
        """Token index -> the longest dictionary mention covering it."""
        entity_of = entity_index(doc) if entity_of is None else entity_of
        spans: list[tuple[int, int, str, bool]] = []
        for match_id, start, end in self._exact(doc):
            spans.append((start, end, doc.vocab.strings[match_id], True))
        for match_id, start, end in self._lower(doc):
            spans.append((start, end, doc.vocab.strings[match_id], False))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        out: dict[int, Mention] = {}
        for start, end, key, _ in spans:
            if any(i in out for i in range(start, end)):
                continue
            mention = self._choose(key, day, doc[start:end])
            if mention is None:
                continue
            if mention.person and _inside_longer_name(doc, start, end, entity_of):
                continue  # "Boris" of "Boris Yeltsin" is not Boris Johnson
            if mention.person and end - start == 1 and doc[start].is_upper and 0 < start < len(doc) - 1 and (
                    doc[start - 1].text == "(" and doc[end].text == ")"):
                continue  # "the Municipality Association (AKK)": an acronym in brackets names what precedes it
            if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("anti", "pro"):
                continue  # "an anti-Syria journalist", "pro-Russia rebels": the name says whom they oppose or back
            if end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ in _AFFILIATIONS:
                continue  # "Iranian-backed militias", "al-Qaeda-linked rebels" are neither Iranian nor al-Qaeda
            placed = replace(mention, start=start, end=end)
            if mention.kind in ("demonym", "adjective") and start > 0 and doc[start - 1].lower_ == "ethnic":
                # "ethnic Albanians in Macedonia" are a people, not the Albanian state: CAMEO's ETH sector.
                placed = Mention(start, end, "group", None, "ETH", f"ethnic {doc[start:end].text}")
            for i in range(start, end):
                out[i] = placed
        # (Candidates are picked from the token array: making a Token object of every word costs more.)
        from spacy.attrs import IS_ALPHA, IS_TITLE, LENGTH

        flags = doc.to_array([IS_TITLE, IS_ALPHA, LENGTH]) if len(doc) else None
        candidates = [] if flags is None else (
            (flags[:, 0] == 1) & (flags[:, 1] == 1) & (flags[:, 2] >= _FUZZY_MIN)).nonzero()[0]
        for tok in (doc[int(i)] for i in candidates):
            if tok.i not in out and tok.ent_type_ in ("GPE", "NORP", "LOC", "") and tok.pos_ in ("PROPN", "ADJ"):
                spelt = self._misspelt(tok.text)
                mention = self._choose(spelt, day, doc[tok.i:tok.i + 1]) if spelt is not None else None
                if mention is not None and not mention.person:
                    out[tok.i] = replace(mention, start=tok.i, end=tok.i + 1)
        return out

    def _misspelt(self, word: str) -> str | None:
        """The dictionary key of the one state name, adjective or demonym ``word`` misspells by one letter
        dropped, added, changed or swapped ("Afganistan", "Ethopia", "Quatar"), else None."""
        lower = word.lower()
        if lower in self._entries or word in self._entries:
            return None  # a name the dictionary has, left out on purpose ("Iranian-backed")
        found = {surface for n in (len(word) - 1, len(word), len(word) + 1)
                 for low, surface in self._spellings.get((lower[0], n), ()) if _one_edit(lower, low)}
        if len(found) != 1:
            return None
        (surface,) = found
        return surface if _case_sensitive(surface) else surface.lower()

    def _choose(self, key: str, day: dt.date | None, span: Any) -> Mention | None:
        options = self._entries.get(key, [])
        if not options:
            return None
        persons = [m for m in options if m.person]
        if persons:
            tenure = self.people.lookup(key, day)
            if tenure is not None and (len(span) > 1 or span.root.ent_type_ in ("PERSON", "") or
                                       not [m for m in options if not m.person]):
                if tenure.country == TRANSNATIONAL:
                    return Mention(0, 0, "person", None, tenure.sector, tenure.name, True, transnational=True)
                return Mention(0, 0, "person", tenure.country, tenure.sector, tenure.name, True)
        rest = [m for m in options if not m.person]
        if not rest:
            return None
        # Prefer states over roles and roles over regions when one surface form is several things.
        order = {"country": 0, "igo": 1, "capital": 2, "metonym": 3, "adjective": 4, "demonym": 5,
                 "title": 6, "person_role": 7, "group": 8, "region": 9}
        best = sorted(rest, key=lambda m: order.get(m.kind, 10))
        shared = _SHARED_NAMES.get(key.lower())
        if shared is not None and len({m.country for m in best if m.kind == best[0].kind}) > 1:
            since, before, after = shared
            meant = before if day is not None and day < since else after
            return next((m for m in best if m.country == meant), best[0])
        return best[0]


#: Names two states share, and which one a bare mention means: since 17 May 1997, when Zaire took back the
#: name, "Congo" in the news is mostly the Democratic Republic (the Republic is "Congo-Brazzaville" or "the
#: Republic of Congo"); before, it was the Republic (the other was "Zaire"). Undated text: the current sense.
_SHARED_NAMES: dict[str, tuple[dt.date, str, str]] = {
    "congo": (dt.date(1997, 5, 17), "COG", "COD"),
    "congolese": (dt.date(1997, 5, 17), "COG", "COD"),
}


def _inside_longer_name(doc: Any, start: int, end: int, entity_of: dict[int, Any]) -> bool:
    """True when tokens start:end are part of a longer PERSON name that does not end with them."""
    for tok in doc[start:end]:
        if tok.ent_type_ == "PERSON":
            ent = entity_of.get(tok.i)
            if ent is not None and ent.end > end:
                return True
    nxt = doc[end] if end < len(doc) else None
    if nxt is None or nxt.pos_ != "PROPN" or not nxt.is_title:
        return False
    # "Boris" followed by "Yeltsin": the next name token continues this one.
    return bool(nxt.dep_ in ("compound", "flat") or (doc[end - 1].dep_ == "compound" and doc[end - 1].head.i == nxt.i))


#: Role nouns that take the sector of a role word before them ("opposition leaders" are OPP).
_GENERIC_HOLDERS = frozenset({"leader", "official", "member", "figure", "representative", "spokesman",
                              "spokeswoman", "spokesperson", "head", "chief", "activist", "supporter"})

#: Nouns naming someone by their tie to another ("Israel's ally"): the possessor is not who they are.
RELATIONAL = frozenset({"ally", "partner", "proxy", "neighbor", "neighbour", "rival", "enemy", "foe", "adversary",
                         "client", "patron", "backer", "sponsor", "friend", "surrogate"})

#: "X-backed militias": words after a name and a hyphen that make it a sponsor or ally, not the owner.
_AFFILIATIONS = frozenset({"backed", "linked", "allied", "affiliated", "aligned", "inspired", "supported", "sponsored",
                           "funded", "armed", "trained", "friendly", "leaning", "oriented", "sympathizing", "brokered",
                           "mediated", "sanctioned", "approved", "monitored", "supervised"})


_FUZZY_MIN = 6  # shorter names are too close to other words to guess a misspelling


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter dropped, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1:]


def _plural(term: str) -> str | None:
    """The plural of a role term's last word ("foreign minister" -> "foreign ministers", "spokesman" ->
    "spokesmen", "deputy" -> "deputies"); None for terms it cannot safely inflect ("chief of staff")."""
    words = term.split()
    last = words[-1] if words else ""
    if not last.isalpha() or " of " in f" {term} " or last[-1:] == "s":
        return None
    lower = last.lower()
    if lower.endswith("man"):
        plural = last[:-3] + ("men" if last[-3:].islower() else "MEN")
    elif lower.endswith("y") and lower[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    elif lower.endswith(("x", "z", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return " ".join([*words[:-1], plural])


def _case_sensitive(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return len(letters) <= 4 and all(c.isupper() for c in letters)


@functools.lru_cache(maxsize=1)
def _groups() -> tuple[tuple[str, str, str, str], ...]:
    """Armed groups and movements: coded as their country and sector (Hamas: PSE REB). A term with an
    apostrophe is also listed with a curly one ("Kurdistan Workers’ Party"), as the dictionary's terms are."""
    rows = load_groups()
    curly = [(t.replace("'", "\u2019"), c, s, n) for t, c, s, n in rows if "'" in t]
    return (*rows, *curly)


@functools.lru_cache(maxsize=1)
def _regions() -> tuple[tuple[str, str, str], ...]:
    text = resources.files("detente").joinpath("actors/data/regions.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t")
    return tuple((r["term"], r["code"], r["name"]) for r in rows)
