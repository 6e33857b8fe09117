"""The armed-groups, movements and parties dictionary (actors/data/groups.tsv): its content, its
validation, and groups resolved from sentences."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from detente.actors import ActorResolver, ArticleActors
from detente.actors._dictionary import SECTORS, TRANSNATIONAL, load_groups
from detente.actors._resolver import _one_edit, _plural
from detente.errors import DataError
from detente.model import Actor

DATA = Path(__file__).resolve().parents[2] / "src" / "detente" / "actors" / "data"
HEADER = "term\tcountry\tsector\tname\n"


# -- the packaged file -------------------------------------------------------------------------


def test_packaged_groups_load() -> None:
    rows = load_groups()
    assert len(rows) >= 300
    assert load_groups() is rows  # read once per process
    assert ("Hamas", "PSE", "REB", "Hamas") in rows
    assert ("UNITA", "AGO", "REB", "UNITA") in rows


def test_packaged_groups_codes_are_known() -> None:
    iso3 = {c["iso3"] for c in json.loads((DATA / "countries.json").read_text(encoding="utf-8"))}
    rows = load_groups()
    assert {country for _, country, _, _ in rows} <= iso3 | {TRANSNATIONAL}
    assert {sector for _, _, sector, _ in rows} <= SECTORS


def test_every_alias_of_a_group_shares_its_country_and_sector() -> None:
    codes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for _, country, sector, name in load_groups():
        codes[name].add((country, sector))
    assert {name: c for name, c in codes.items() if len(c) > 1} == {}
    assert len(codes) >= 300  # distinct groups, not only spellings


def test_no_term_is_listed_twice_ignoring_case() -> None:
    terms = [term.casefold() for term, _, _, _ in load_groups()]
    assert len(terms) == len(set(terms))


def test_packaged_file_is_plain_tsv() -> None:
    lines = (DATA / "groups.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.rstrip("\n")
    assert all(line.count("\t") == 3 and not line.startswith("#") for line in lines)


def test_parties_cover_many_countries() -> None:
    assert len({country for _, country, sector, _ in load_groups() if sector == "PTY"}) >= 40


# -- validation --------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "groups.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, line: int) -> DataError:
    with pytest.raises(DataError) as info:
        load_groups(path)
    err = info.value
    assert err.code == "E501"
    assert f"{path}:{line}:" in str(err)
    assert err.context["path"] == str(path) and err.context["line"] == line
    return err


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "Hamas\tPSE\tREB\tHamas\nUNITA\tAGO\tREB\tUNITA\n\n")
    assert load_groups(path) == (("Hamas", "PSE", "REB", "Hamas"), ("UNITA", "AGO", "REB", "UNITA"))


@pytest.mark.parametrize(("text", "line", "message"), [
    ("term\tcountry\tname\tsector\nHamas\tPSE\tREB\tHamas\n", 1, "header must be"),
    ("term\tcountry\tsector\nHamas\tPSE\tREB\n", 1, "missing column(s) ['name']"),
    (HEADER + "Hamas\tPSE\tREB\tHamas\nUNITA\tAGO\tREB\n", 3, "expected 4 tab-separated cells, got 3"),
    (HEADER + "Hamas\tPSE\tREB\tHamas\nRUF\tXXX\tREB\tRevolutionary United Front\n", 3,
     "unknown country code 'XXX'"),
    (HEADER + "Hamas\tPSE\tREBEL\tHamas\n", 2, "unknown sector code 'REBEL'"),
    (HEADER + "Hamas\tPSE\tREB\tHamas\n\tPSE\tREB\tHamas\n", 3, "'term' must be a non-empty string"),
    (HEADER + "Hamas\tPSE\tREB\t \n", 2, "'name' must be a non-empty string"),
], ids=["header", "missing-column", "missing-cell", "country", "sector", "empty-term", "empty-name"])
def test_bad_rows_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    assert message in str(_error(_write(tmp_path, text), line))


def test_duplicate_term_ignoring_case(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "al-Qaeda\tAFG\tREB\tal-Qaeda\nHamas\tPSE\tREB\tHamas\nAl-Qaeda\tAFG\tREB\tal-Qaeda\n")
    err = _error(path, 4)
    assert "duplicate group term 'Al-Qaeda' (first at line 2)" in str(err)


def test_one_name_coded_two_ways(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "Hamas\tPSE\tREB\tHamas\nHamas movement\tPSE\tPTY\tHamas\n")
    assert "coded PSE PTY here but PSE REB at line 2" in str(_error(path, 3))


def test_countries_can_be_given(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "Hamas\tPSE\tREB\tHamas\n")
    with pytest.raises(DataError, match="unknown country code 'PSE'"):
        load_groups(path, countries={"ISR"})


# -- resolution --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nlp() -> Any:
    from detente.parse import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def resolver(nlp: Any) -> ActorResolver:
    return ActorResolver(nlp)


def _subject(nlp: Any, resolver: ActorResolver, text: str) -> Actor:
    doc = nlp(text)
    actors = ArticleActors(resolver=resolver, doc=doc, day=None)
    subject = next(t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT")
    actor = actors.resolve(subject)
    assert actor is not None, text
    return actor


@pytest.mark.parametrize(("text", "country", "sector", "name"), [
    ("UNITA fighters attacked a convoy near Huambo.", "AGO", "REB", "UNITA"),
    ("The Awami League called a general strike in Dhaka.", "BGD", "PTY", "Awami League"),
    ("The Kurdistan Workers\u2019 Party ambushed a border patrol.", "TUR", "REB", "Kurdistan Workers' Party"),
    ("The Moro Islamic Liberation Front signed a ceasefire with Manila.", "PHL", "REB",
     "Moro Islamic Liberation Front"),
    ("The Lord's Resistance Army abducted dozens of children.", "UGA", "REB", "Lord's Resistance Army"),
    ("The FMLN launched an offensive on the capital.", "SLV", "REB", "Farabundo Marti National Liberation Front"),
    ("Seleka rebels seized the town of Bria.", "CAF", "REB", "Seleka"),
    ("Kataib Hezbollah fired rockets at an air base.", "IRQ", "UAF", "Kataib Hezbollah"),
    ("The Bharatiya Janata Party won the state election.", "IND", "PTY", "Bharatiya Janata Party"),
    ("Peshmerga forces recaptured the village.", "IRQ", "MIL", "Peshmerga"),
    ("The Real IRA claimed the car bomb.", "GBR", "REB", "Real IRA"),
    ("Egyptian Islamic Jihad claimed the assassination.", "EGY", "REB", "Egyptian Islamic Jihad"),
    ("The Tamil Tigers attacked a navy vessel off Jaffna.", "LKA", "SEP", "Liberation Tigers of Tamil Eelam"),
    ("Sinn Féin condemned the shooting.", "GBR", "PTY", "Sinn Fein"),
])
def test_groups_resolve_in_sentences(nlp: Any, resolver: ActorResolver, text: str, country: str, sector: str,
                                     name: str) -> None:
    actor = _subject(nlp, resolver, text)
    assert (actor.country, actor.sector, actor.name) == (country, sector, name)
    assert actor.code == country + sector


@pytest.mark.parametrize(("text", "name"), [
    ("Al-Qaeda fighters attacked a convoy near Idlib.", "al-Qaeda"),
    ("The Islamic State group seized the town.", "Islamic State"),
    ("ISIS militants stormed a prison in Hasakah.", "Islamic State"),
])
def test_transnational_groups_have_no_country(nlp: Any, resolver: ActorResolver, text: str, name: str) -> None:
    # CAMEO's IMG (international militarized group): the state they fight in does not become theirs.
    actor = _subject(nlp, resolver, text)
    assert (actor.country, actor.sector, actor.name, actor.code) == (None, "REB", name, "IMGREB")


@pytest.mark.parametrize("text", [
    "Pro-Russian separatists shelled the town.",
    "Iranian-backed militias fired rockets at the base.",
    "Al-Qaeda-linked rebels kidnapped the aid workers.",
    "Kremlin-friendly media attacked the opposition.",
])
def test_sponsor_modifiers_do_not_give_a_country(nlp: Any, resolver: ActorResolver, text: str) -> None:
    # "pro-X" and "X-backed" name a sponsor or ally, not the group's own state or organisation.
    doc = nlp(text)
    subject = next(t for t in doc if t.dep_ == "nsubj" and t.head.dep_ == "ROOT")
    actor = ArticleActors(resolver=resolver, doc=doc, day=None).resolve(subject)
    assert actor is None or actor.country is None, actor


def test_apposition_names_the_group(nlp: Any, resolver: ActorResolver) -> None:
    actor = _subject(nlp, resolver, "The Somali militant group al-Shabaab attacked a base near Mogadishu.")
    assert (actor.country, actor.sector, actor.name) == ("SOM", "REB", "al-Shabab")


@pytest.mark.parametrize("text", [
    "A commander of Iran's militia ally was killed.",
    "Russia's closest partners abstained.",
])
def test_an_ally_is_not_its_possessor(nlp: Any, resolver: ActorResolver, text: str) -> None:
    doc = nlp(text)
    subject = next(t for t in doc if t.dep_ in ("nsubj", "nsubjpass"))
    actor = ArticleActors(resolver=resolver, doc=doc, day=None).resolve(subject)
    assert actor is None or actor.country not in ("IRN", "RUS"), actor


@pytest.mark.parametrize(("text", "country", "sector"), [
    ("Azerbaijani opposition leaders postponed the rally.", "AZE", "OPP"),
    ("Kenyan foreign ministers have met twice this year.", "KEN", "GOV"),
    ("Nepalese rebel spokesmen denied the report.", "NPL", "REB"),
])
def test_plural_role_nouns_and_their_modifiers(nlp: Any, resolver: ActorResolver, text: str, country: str,
                                               sector: str) -> None:
    # Plurals of person roles are groups of that role; a generic holder ("leaders", "spokesmen") takes the
    # sector of the role word before it.
    actor = _subject(nlp, resolver, text)
    assert (actor.country, actor.sector) == (country, sector)


def test_plural_roles_are_derived() -> None:
    assert _plural("foreign minister") == "foreign ministers"
    assert _plural("spokesman") == "spokesmen"
    assert _plural("deputy") == "deputies"
    assert _plural("chief of staff") is None
    assert _plural("witness") is None  # (ends in s: left alone)
    assert _plural("church leader") == "church leaders"


@pytest.mark.parametrize(("a", "b", "one"), [
    ("afganistan", "afghanistan", True), ("ethopia", "ethiopia", True), ("quatar", "qatar", True),
    ("phillipines", "philippines", False), ("nigeria", "nigera", True), ("nigreia", "nigeria", True),
    ("niger", "nigeria", False), ("austria", "australia", False), ("sweden", "sweden", False),
])
def test_one_edit(a: str, b: str, one: bool) -> None:
    assert _one_edit(a, b) is one


@pytest.mark.parametrize(("text", "country"), [
    ("Afganistan rejected the offer.", "AFG"),
    ("Ethopia agreed to the plan.", "ETH"),
])
def test_misspelt_state_names(nlp: Any, resolver: ActorResolver, text: str, country: str) -> None:
    assert _subject(nlp, resolver, text).country == country


def test_a_name_two_states_are_one_letter_from_is_not_guessed(resolver: ActorResolver) -> None:
    assert resolver._misspelt("Austrailia") == "australia"
    assert resolver._misspelt("Austrlia") is None  # Australia and Austria: two candidates, no guess
    assert resolver._misspelt("Slovania") is None  # Slovakia and Slovenia


def test_an_acronym_in_brackets_is_not_a_person(nlp: Any, resolver: ActorResolver) -> None:
    # "AKK" is also a German politician's nickname; after a name, in brackets, it is that name's acronym.
    actor = _subject(nlp, resolver, "Serbian Teachers Union (AKK) officials demanded higher wages.")
    assert actor.country == "SRB"
    doc = nlp("Serbian Teachers Union (AKK) officials demanded higher wages.")
    matches = ArticleActors(resolver=resolver, doc=doc, day=None).matches
    assert all(not m.person for m in matches.values())
