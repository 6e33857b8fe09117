"""Event places: the gazetteer (names -> places) and the clause's place phrase (parse -> place)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from detente.actors._dictionary import parse_subnational
from detente.errors import DataError
from detente.extract.places import Gazetteer, PlaceCandidate, event_place
from detente.model import Place


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def nlp() -> Any:
    from detente.parse import load_nlp

    return load_nlp()


# -- the gazetteer -------------------------------------------------------------------------------

def test_load_is_cached_and_quick() -> None:
    start = time.perf_counter()
    first = Gazetteer.load()
    assert time.perf_counter() - start < 5  # about a second when cold, on a slow VM
    assert Gazetteer.load() is first


def test_lookup_alternate_names(gazetteer: Gazetteer) -> None:
    kyiv = gazetteer.resolve("Kyiv")
    assert kyiv is not None and kyiv.country == "UKR" and kyiv.kind == "city"
    assert gazetteer.resolve("Kiev") == kyiv
    assert gazetteer.resolve("kiev") == kyiv  # case-insensitive
    beijing = gazetteer.resolve("Peking")
    assert beijing is not None and beijing.name == "Beijing"


def test_lookup_folds_accents_periods_and_the(gazetteer: Gazetteer) -> None:
    zurich = gazetteer.resolve("Zurich")
    assert zurich is not None and zurich.country == "CHE"
    petersburg = gazetteer.resolve("St. Petersburg")
    assert petersburg is not None and petersburg.country == "RUS"
    assert gazetteer.resolve("the United States") == gazetteer.resolve("United States")


def test_lookup_lists_every_candidate(gazetteer: Gazetteer) -> None:
    paris = gazetteer.lookup("Paris")
    assert {c.country for c in paris} >= {"FRA", "USA"}
    assert paris[0].country == "FRA"  # the most likely first
    assert all(isinstance(c, PlaceCandidate) for c in paris)
    assert gazetteer.lookup("Nowhereville-on-Nothing") == []
    assert gazetteer.resolve("") is None


def test_city_has_coordinates(gazetteer: Gazetteer) -> None:
    geneva = gazetteer.resolve("Geneva")
    assert geneva is not None and geneva.country == "CHE" and geneva.kind == "city"
    assert geneva.lat == pytest.approx(46.2, abs=0.1) and geneva.lon == pytest.approx(6.15, abs=0.1)
    assert geneva.population > 100_000


@pytest.mark.parametrize(("name", "iso3"), [
    ("Ukraine", "UKR"), ("the United States", "USA"), ("U.S.", "USA"), ("Russian Federation", "RUS"),
    ("Lebanon", "LBN"), ("Mexico", "MEX"),
])
def test_countries(gazetteer: Gazetteer, name: str, iso3: str) -> None:
    cand = gazetteer.resolve(name, countries=("USA",))  # "Lebanon, Tennessee" does not win
    assert cand is not None and cand.kind == "country" and cand.country == iso3
    assert cand.lat is None and cand.lon is None  # the packaged data has no country centroids


def test_us_states(gazetteer: Gazetteer) -> None:
    delaware = gazetteer.resolve("Delaware")  # the state, not Delaware, Ohio
    assert delaware == PlaceCandidate(name="Delaware", country="USA", lat=None, lon=None, kind="state")
    ny = gazetteer.resolve("New York")
    assert ny is not None and ny.kind == "city" and ny.name == "New York City"
    dc = gazetteer.resolve("Washington")  # the capital, not the state or Washington, Utah
    assert dc is not None and dc.kind == "city" and dc.lat == pytest.approx(38.9, abs=0.1)


@pytest.mark.parametrize(("name", "countries", "iso3", "kind"), [
    ("Georgia", (), "GEO", "country"),
    ("Georgia", ("USA",), "USA", "state"),
    ("Georgia", ("USA", "GEO"), "GEO", "country"),
    ("Tripoli", (), "LBY", "city"),
    ("Tripoli", ("LBN",), "LBN", "city"),
    ("Birmingham", (), "GBR", "city"),
    ("Birmingham", ("USA",), "USA", "city"),
    # A far larger namesake beats a small town in the article's countries.
    ("Paris", ("USA",), "FRA", "city"),
    ("Geneva", ("USA",), "CHE", "city"),
    ("Moscow", ("USA",), "RUS", "city"),
    ("Donetsk", ("RUS",), "UKR", "city"),
    ("Odessa", (), "UKR", "city"),
])
def test_ambiguous_names_use_the_articles_countries(
        gazetteer: Gazetteer, name: str, countries: tuple[str, ...], iso3: str, kind: str) -> None:
    cand = gazetteer.resolve(name, countries=countries)
    assert cand is not None and (cand.country, cand.kind) == (iso3, kind)


def test_seats_of_government_and_regions(gazetteer: Gazetteer) -> None:
    white_house = gazetteer.resolve("the White House")
    dc = gazetteer.capital("USA")
    assert white_house is not None and white_house.kind == "feature" and white_house.country == "USA"
    assert dc is not None and (white_house.lat, white_house.lon) == (dc.lat, dc.lon)
    europe = gazetteer.resolve("Europe")
    assert europe is not None and europe.kind == "region" and europe.country is None
    gaza = gazetteer.resolve("Gaza")
    assert gaza is not None and (gaza.name, gaza.country, gaza.kind) == ("Gaza", "PSE", "region")


@pytest.mark.parametrize(("name", "countries", "iso3"), [
    ("Darfur", (), "SDN"),
    ("Golan Heights", (), "SYR"),
    ("Donetsk Oblast", (), "UKR"),
    ("Donetsk region", (), "UKR"),
    ("Helmand", (), "AFG"),
    ("Idlib province", (), "SYR"),
    ("Punjab", ("IND",), "IND"),
    ("Punjab", ("PAK",), "PAK"),
    ("Montenegro province", (), "MNE"),  # not in the data: tried again without "province"
    ("Kandahar province", (), "AFG"),
])
def test_provinces_and_regions(gazetteer: Gazetteer, name: str, countries: tuple[str, ...], iso3: str) -> None:
    cand = gazetteer.resolve(name, countries=countries)
    assert cand is not None and cand.country == iso3


def test_subnational_rows_are_validated() -> None:
    known = frozenset({"SDN", "UKR"})
    good = "name\tcountry\tkind\taliases\nDarfur\tSDN\tregion\tDarfur region|Darfour\n"
    assert parse_subnational("test.tsv", good, known) == ((("Darfur", "Darfur region", "Darfour"), "SDN", "region"),)
    for text, detail in [
        ("name\tcountry\tkind\nDarfur\tSDN\tregion\n", "test.tsv:1:"),
        ("name\tcountry\tkind\taliases\nDarfur\tSDN\tregion\n", "test.tsv:2:"),
        ("name\tcountry\tkind\taliases\nDarfur\tXYZ\tregion\t\n", "unknown ISO3 'XYZ'"),
        ("name\tcountry\tkind\taliases\nA\tSDN\tregion\t\nDarfur\tSDN\tvalley\t\n", "test.tsv:3: unknown kind"),
    ]:
        with pytest.raises(DataError, match=detail) as info:
            parse_subnational("test.tsv", text, known)
        assert "test.tsv" in str(info.value)


# -- the clause's place ------------------------------------------------------------------------

GENEVA = Place(name="Geneva", country="CHE", lat=pytest.approx(46.2, abs=0.1), lon=pytest.approx(6.15, abs=0.1))

# sentence, trigger word, article countries, (name, country) or None
CASES: list[tuple[str, str, tuple[str, ...], tuple[str, str | None] | None]] = [
    ("The two foreign ministers held talks in Geneva on Friday.", "talks", (), ("Geneva", "CHE")),
    ("The two foreign ministers held talks in Geneva on Friday.", "held", (), ("Geneva", "CHE")),
    ("Speaking to Putin from his home in Delaware, Biden laid out two options.", "Speaking", (),
     ("Delaware", "USA")),
    ("Russia massed troops on its border with Ukraine.", "massed", ("RUS",), ("Ukraine", "UKR")),
    ("Russia deployed troops near the Ukrainian border.", "deployed", (), ("Ukraine", "UKR")),
    # Attack and visit verbs take their object as the place (a documented choice).
    ("Russian forces shelled Kharkiv on Monday.", "shelled", (), ("Kharkiv", "UKR")),
    ("Russia attacked Ukraine.", "attacked", (), ("Ukraine", "UKR")),
    ("An attack on Kyiv killed three people.", "attack", (), ("Kyiv", "UKR")),
    ("Russia's invasion of Ukraine drew condemnation.", "invasion", (), ("Ukraine", "UKR")),
    ("The foreign ministers met in Kiev on Tuesday.", "met", (), ("Kyiv", "UKR")),
    ("Biden met Putin at the White House.", "met", (), ("White House", "USA")),
    ("Putin hosted Xi in Moscow last week.", "hosted", ("USA",), ("Moscow", "RUS")),
    ("Diplomats met in Paris to discuss the crisis.", "met", ("USA",), ("Paris", "FRA")),
    ("Officials met in Birmingham on Friday.", "met", ("USA",), ("Birmingham", "USA")),
    ("Protesters clashed with police in Tripoli.", "clashed", ("LBN",), ("Tripoli", "LBN")),
    ("Protesters clashed with police in Tripoli.", "clashed", (), ("Tripoli", "LBY")),
    ("The president flew to Beijing for talks.", "flew", (), ("Beijing", "CHN")),
    ("Blinken paid a visit to Kyiv.", "visit", (), ("Kyiv", "UKR")),
    ("Troops gathered in the Ukrainian capital.", "gathered", (), ("Kyiv", "UKR")),
    ("Macron met Scholz in Berlin, Germany.", "met", (), ("Berlin", "DEU")),  # the city, not the country
    ("Leaders gathered in Georgia for a summit.", "gathered", (), ("Georgia", "GEO")),
    ("Leaders gathered in Georgia for a summit.", "gathered", ("USA",), ("Georgia", "USA")),
    ("Negotiators met in New York.", "met", (), ("New York City", "USA")),
    ("The minister met his counterpart at a hotel in Vienna.", "met", (), ("Vienna", "AUT")),
    ("Ships patrolled in the Black Sea.", "patrolled", (), ("Black Sea", None)),  # a LOC the data lacks
    ("Biden traveled to Europe last week.", "traveled", (), ("Europe", None)),
    ("Rebels seized a village in western Ukraine.", "seized", (), ("Ukraine", "UKR")),
    ("Troops captured a village in Western Cambodia.", "captured", (), ("Cambodia", "KHM")),
    # An ethnic adjective on a place noun does not say which country it lies in.
    ("The army shelled Albanian rebel-held territory.", "shelled", (), None),
    # No place in the clause.
    ("The minister criticized the decision.", "criticized", (), None),
    ("Speaking to Putin from his home in Delaware, Biden laid out two options.", "laid", (), None),
    # "on" + a country is a topic or a target, not a place.
    ("Lavrov said talks on Ukraine would continue.", "talks", (), None),
    ("The United States imposed sanctions on Russia.", "imposed", (), None),
    # Nested clauses of other verbs are not the event's clause.
    ("The envoy, who was born in Geneva, criticized Moscow.", "criticized", (), None),
    ("Iran warned that it would retaliate in Iraq.", "warned", (), None),
]


@pytest.mark.parametrize(("sentence", "word", "countries", "expected"), CASES,
                         ids=[f"{c[1]}:{c[0][:40]}" for c in CASES])
def test_event_place(nlp: Any, gazetteer: Gazetteer, sentence: str, word: str, countries: tuple[str, ...],
                     expected: tuple[str, str | None] | None) -> None:
    doc = nlp(sentence)
    trigger = next(t for t in doc if t.text == word)
    place = event_place(trigger, gazetteer, countries=countries)
    if expected is None:
        assert place is None
    else:
        assert place is not None and (place.name, place.country) == expected


def test_event_place_has_coordinates(nlp: Any, gazetteer: Gazetteer) -> None:
    doc = nlp("The two foreign ministers held talks in Geneva on Friday.")
    place = event_place(next(t for t in doc if t.text == "talks"), gazetteer)
    assert place == GENEVA
    doc = nlp("Speaking to Putin from his home in Delaware, Biden laid out two options.")
    assert event_place(doc[0], gazetteer) == Place(name="Delaware", country="USA", lat=None, lon=None)


def test_rules_extractor_sets_the_place(nlp: Any) -> None:
    import datetime as dt

    from detente.extract import RulesExtractor
    from detente.model import Article

    text = "Speaking to Putin from his home in Delaware, Biden laid out two options."
    article = Article(id="a1", text=text, published=dt.datetime(2021, 12, 8))
    events = RulesExtractor()(nlp(text), article)
    speaking = [e for e in events if e.trigger.text == "Speaking"]
    assert speaking and speaking[0].place == Place(name="Delaware", country="USA")
