"""Tests for detente's actor dictionaries (countries, IGOs, roles) and their loader."""

from __future__ import annotations

import csv
import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

from detente.actors import ActorDictionary, Entry
from detente.errors import DataError, RegistryError

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
DATA = Path(__file__).resolve().parents[2] / "src" / "detente" / "actors" / "data"

# The 193 UN member states, by ISO 3166 alpha-3.
UN_MEMBERS = [
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR", "BGD",
    "BRB", "BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR", "BFA", "BDI",
    "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG", "CRI", "CIV", "HRV",
    "CUB", "CYP", "CZE", "PRK", "COD", "DNK", "DJI", "DMA", "DOM", "ECU", "EGY", "SLV", "GNQ", "ERI",
    "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU", "GHA", "GRC", "GRD", "GTM",
    "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND", "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA",
    "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT", "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY",
    "LIE", "LTU", "LUX", "MDG", "MWI", "MYS", "MDV", "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM",
    "MDA", "MCO", "MNG", "MNE", "MAR", "MOZ", "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER",
    "NGA", "MKD", "NOR", "OMN", "PAK", "PLW", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT",
    "KOR", "ROU", "RUS", "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC",
    "SLE", "SGP", "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE",
    "SYR", "TJK", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR", "ARE",
    "GBR", "TZA", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
]
OBSERVERS_AND_TERRITORIES = {"PSE", "VAT", "TWN", "XKX", "HKG", "MAC", "PRI", "GRL", "ESH"}

# Our iso3 codes that are not ISO 3166 codes in the reference: Kosovo has none (XKX is the
# code the EU, IMF and World Bank use; CAMEO uses KSV).
ISO3_EXCEPTIONS = {"XKX"}
# CAMEO codes that differ from ISO3, as GDELT uses them.
CAMEO_DIFFERENCES = {"ROU": "ROM", "MNE": "MTN", "TLS": "TMP", "IMN": "IMY", "XKX": "KSV"}


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load()


def _json(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def _keys(entries: tuple[Entry, ...]) -> set[tuple[str, str | None, str | None]]:
    return {(e.kind, e.country, e.sector) for e in entries}


# --- coverage -------------------------------------------------------------------------------


def test_un_member_list_is_complete() -> None:
    assert len(UN_MEMBERS) == 193
    assert len(set(UN_MEMBERS)) == 193


def test_countries_cover_un_members_observers_and_territories() -> None:
    ours = {c["iso3"] for c in _json("countries.json")}
    assert set(UN_MEMBERS) - ours == set()
    assert OBSERVERS_AND_TERRITORIES - ours == set()


def test_igos_count() -> None:
    igos = _json("igos.json")
    assert len(igos) >= 70
    assert {"NATO", "OSCE", "EU", "UNO", "AU", "ASEAN", "ICRC", "AMN", "HRW", "MSF"} <= {o["code"] for o in igos}
    assert {o["sector"] for o in igos} == {"IGO", "NGO"}


def test_roles_count_and_kinds(dictionary: ActorDictionary) -> None:
    roles = [e for _, e in dictionary.terms() if e.kind in {"title", "group", "person_role"}]
    assert len({e.term for e in roles}) >= 170
    assert {e.kind for e in roles} == {"title", "group", "person_role"}


def test_metonyms_count(dictionary: ActorDictionary) -> None:
    metonyms = {(e.term, e.country) for _, e in dictionary.terms() if e.kind == "metonym"}
    assert len(metonyms) >= 60
    assert len({country for _, country in metonyms}) >= 25


def test_every_country_has_names_and_demonym_forms() -> None:
    for country in _json("countries.json"):
        assert country["name"], country
        assert country["adjectives"] or country["demonyms"] or country["iso3"] in {"DMA", "VGB"}, country["iso3"]


# --- lookups --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("the Kremlin", ("metonym", "RUS", "GOV")),
        ("Kremlin", ("metonym", "RUS", "GOV")),
        ("Kiev", ("capital", "UKR", "GOV")),
        ("Kyiv", ("capital", "UKR", "GOV")),
        ("Moscow", ("capital", "RUS", "GOV")),
        ("Washington", ("capital", "USA", "GOV")),
        ("U.S.", ("country", "USA", None)),
        ("US", ("country", "USA", None)),
        ("U.S.A.", ("country", "USA", None)),
        ("United States of America", ("country", "USA", None)),
        ("America", ("country", "USA", None)),
        ("UK", ("country", "GBR", None)),
        ("U.K.", ("country", "GBR", None)),
        ("Britain", ("country", "GBR", None)),
        ("DPRK", ("country", "PRK", None)),
        ("ROK", ("country", "KOR", None)),
        ("PRC", ("country", "CHN", None)),
        ("UAE", ("country", "ARE", None)),
        ("DRC", ("country", "COD", None)),
        ("Burma", ("country", "MMR", None)),
        ("Swaziland", ("country", "SWZ", None)),
        ("Ivory Coast", ("country", "CIV", None)),
        ("Czech Republic", ("country", "CZE", None)),
        ("Türkiye", ("country", "TUR", None)),
        ("Russian", ("adjective", "RUS", None)),
        ("Russians", ("demonym", "RUS", None)),
        ("Sino", ("adjective", "CHN", None)),
        ("Beijing", ("capital", "CHN", "GOV")),
        ("Peking", ("capital", "CHN", "GOV")),
        ("the White House", ("metonym", "USA", "GOV")),
        ("the Pentagon", ("metonym", "USA", "MIL")),
        ("Foggy Bottom", ("metonym", "USA", "GOV")),
        ("Capitol Hill", ("metonym", "USA", "LEG")),
        ("Downing Street", ("metonym", "GBR", "GOV")),
        ("Number 10", ("metonym", "GBR", "GOV")),
        ("No. 10", ("metonym", "GBR", "GOV")),
        ("the Élysée", ("metonym", "FRA", "GOV")),
        ("Quai d'Orsay", ("metonym", "FRA", "GOV")),
        ("Zhongnanhai", ("metonym", "CHN", "GOV")),
        ("the Blue House", ("metonym", "KOR", "GOV")),
        ("the Knesset", ("metonym", "ISR", "LEG")),
        ("Bundestag", ("metonym", "DEU", "LEG")),
        ("Duma", ("metonym", "RUS", "LEG")),
        ("IDF", ("metonym", "ISR", "MIL")),
        ("PLA", ("metonym", "CHN", "MIL")),
        ("Tatmadaw", ("metonym", "MMR", "MIL")),
        ("NATO", ("igo", "NATO", "IGO")),
        ("Nato", ("igo", "NATO", "IGO")),
        ("the Atlantic alliance", ("igo", "NATO", "IGO")),
        ("OSCE", ("igo", "OSCE", "IGO")),
        ("EU", ("igo", "EU", "IGO")),
        ("European Commission", ("igo", "EU", "IGO")),
        ("U.N.", ("igo", "UNO", "IGO")),
        ("UN Security Council", ("igo", "UNO", "IGO")),
        ("WHO", ("igo", "WHO", "IGO")),
        ("Unicef", ("igo", "UNICEF", "IGO")),
        ("Red Cross", ("igo", "ICRC", "NGO")),
        ("Doctors Without Borders", ("igo", "MSF", "NGO")),
        ("President", ("title", None, "GOV")),
        ("foreign minister", ("title", None, "GOV")),
        ("Defence Minister", ("title", None, "GOV")),
        ("Defense Minister", ("title", None, "GOV")),
        ("Sen.", ("title", None, "LEG")),
        ("Gen.", ("title", None, "MIL")),
        ("senior administration official", ("person_role", None, "GOV")),
        ("troops", ("group", None, "MIL")),
        ("riot police", ("group", None, "COP")),
        ("protesters", ("group", None, "CVL")),
        ("rebels", ("group", None, "REB")),
        ("separatists", ("group", None, "SEP")),
        ("lawmakers", ("group", None, "LEG")),
        ("state media", ("group", None, "MED")),
        ("refugees", ("group", None, "REF")),
        ("gunmen", ("group", None, "UAF")),
    ],
)
def test_lookup_finds_entry(dictionary: ActorDictionary, phrase: str, expected: tuple[str, str | None, str | None]) -> None:
    assert expected in _keys(dictionary.lookup(phrase))


@pytest.mark.parametrize("phrase", ["us", "un", "eu", "who", "Us", "Who", "pla", "idf", "car", "", "   "])
def test_lookup_abbreviations_are_case_sensitive(dictionary: ActorDictionary, phrase: str) -> None:
    assert dictionary.lookup(phrase) == ()


def test_lookup_ignores_case_of_ordinary_words(dictionary: ActorDictionary) -> None:
    assert ("country", "RUS", None) in _keys(dictionary.lookup("RUSSIA"))
    assert ("metonym", "RUS", "GOV") in _keys(dictionary.lookup("THE KREMLIN"))


def test_lookup_normalises_apostrophes_whitespace_and_accents(dictionary: ActorDictionary) -> None:
    assert ("metonym", "CHN", "MIL") in _keys(dictionary.lookup("People\u2019s  Liberation Army"))
    assert ("metonym", "FRA", "GOV") in _keys(dictionary.lookup("Quai d\u2019Orsay"))
    assert ("country", "CIV", None) in _keys(dictionary.lookup("Cote d'Ivoire"))
    assert ("metonym", "FRA", "GOV") in _keys(dictionary.lookup("Elysee"))


def test_lookup_returns_every_reading_of_ambiguous_names(dictionary: ActorDictionary) -> None:
    assert {("country", "COG", None), ("country", "COD", None)} <= _keys(dictionary.lookup("Congo"))
    congolese = {e.country for e in dictionary.lookup("Congolese")}
    assert congolese == {"COG", "COD"}


def test_lookup_returns_no_repeats(dictionary: ActorDictionary) -> None:
    found = dictionary.lookup("the Kremlin")
    assert len(found) == len({(e.kind, e.country, e.sector, e.name) for e in found}) == 1
    assert found[0].name == "Russia"


def test_entry_fields_by_kind(dictionary: ActorDictionary) -> None:
    for _, entry in dictionary.terms():
        assert entry.term.strip() == entry.term and entry.term
        if entry.kind in {"title", "group", "person_role"}:
            assert entry.country is None and entry.sector is not None
        elif entry.kind == "capital":
            assert entry.sector == "GOV"
        elif entry.kind == "igo":
            assert entry.sector in {"IGO", "NGO"}
        elif entry.kind in {"country", "adjective", "demonym"}:
            assert entry.sector is None and entry.country is not None


def test_terms_include_curly_apostrophe_variants(dictionary: ActorDictionary) -> None:
    surfaces = {surface for surface, _ in dictionary.terms()}
    assert "Quai d'Orsay" in surfaces
    assert "Quai d\u2019Orsay" in surfaces


def test_case_sensitive_rule() -> None:
    assert ActorDictionary.case_sensitive("US")
    assert ActorDictionary.case_sensitive("U.S.")
    assert ActorDictionary.case_sensitive("NATO")
    assert not ActorDictionary.case_sensitive("UNICEF")
    assert not ActorDictionary.case_sensitive("Russia")


def test_country_name_and_cameo_code(dictionary: ActorDictionary) -> None:
    assert dictionary.country_name("RUS") == "Russia"
    assert dictionary.country_name("NATO") == "North Atlantic Treaty Organization"
    assert dictionary.cameo_code("USA") == "USA"
    assert dictionary.cameo_code("NATO") == "IGOWSTNAT"
    for iso3, cameo in CAMEO_DIFFERENCES.items():
        assert dictionary.cameo_code(iso3) == cameo


def test_country_name_unknown_code_fails(dictionary: ActorDictionary) -> None:
    with pytest.raises(RegistryError, match=r"E301.*'ZZZ'.*Available: .*RUS"):
        dictionary.country_name("ZZZ")


def test_load_is_cached() -> None:
    assert ActorDictionary.load() is ActorDictionary.load()


def test_dictionary_pickles(dictionary: ActorDictionary) -> None:
    clone = pickle.loads(pickle.dumps(dictionary))
    assert clone.lookup("Kyiv") == dictionary.lookup("Kyiv")


# --- validation -----------------------------------------------------------------------------

_ARNOR = {"iso3": "ARN", "name": "Arnor", "aliases": ["North Kingdom"], "adjectives": ["Arnorian"],
          "demonyms": ["Arnorians"], "capitals": ["Fornost"], "metonyms": {"the Citadel": "GOV"}, "cameo": "ARN"}
_GONDOR = {"iso3": "GON", "name": "Gondor", "aliases": [], "adjectives": ["Gondorian"],
           "demonyms": [], "capitals": ["Minas Tirith"], "metonyms": {}, "cameo": "GON"}
_COUNCIL = {"code": "WHITE", "name": "White Council", "aliases": ["the Council"], "sector": "IGO", "cameo": "IGO"}


def _write(tmp_path: Path, *, countries: list[Any] | None = None, igos: list[Any] | None = None,
           roles: str | None = None) -> dict[str, Path]:
    paths = {"countries": tmp_path / "countries.json", "igos": tmp_path / "igos.json", "roles": tmp_path / "roles.tsv"}
    for key, items in (("countries", countries or [_ARNOR, _GONDOR]), ("igos", igos or [_COUNCIL])):
        body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
        paths[key].write_text(f"[\n{body}\n]\n", encoding="utf-8")
    paths["roles"].write_text(roles or "term\tsector\tkind\nking\tGOV\ttitle\nsoldiers\tMIL\tgroup\n", encoding="utf-8")
    return paths


def test_from_files_loads_fictional_dictionary(tmp_path: Path) -> None:
    d = ActorDictionary.from_files(**_write(tmp_path))
    assert ("metonym", "ARN", "GOV") in _keys(d.lookup("the Citadel"))
    assert ("capital", "GON", "GOV") in _keys(d.lookup("Minas Tirith"))
    assert ("igo", "WHITE", "IGO") in _keys(d.lookup("Council"))
    assert ("title", None, "GOV") in _keys(d.lookup("King"))
    assert d.country_name("GON") == "Gondor"


def test_duplicate_iso3_fails(tmp_path: Path) -> None:
    paths = _write(tmp_path, countries=[_ARNOR, _GONDOR, {**_GONDOR, "name": "Gondor Again", "cameo": "GOX"}])
    with pytest.raises(DataError, match=r"E501.*countries\.json:4: duplicate iso3 'GON' \(first at line 3\)"):
        ActorDictionary.from_files(**paths)


def test_unknown_metonym_sector_fails(tmp_path: Path) -> None:
    paths = _write(tmp_path, countries=[{**_ARNOR, "metonyms": {"the Citadel": "XXX"}}])
    with pytest.raises(DataError, match=r"countries\.json:2: entry 'ARN' metonym 'the Citadel': unknown sector code 'XXX'"):
        ActorDictionary.from_files(**paths)


def test_empty_alias_fails(tmp_path: Path) -> None:
    paths = _write(tmp_path, countries=[_ARNOR, {**_GONDOR, "aliases": ["South Kingdom", " "]}])
    with pytest.raises(DataError, match=r"countries\.json:3: entry 'GON': 'aliases\[1\]' must be a non-empty string"):
        ActorDictionary.from_files(**paths)


def test_unknown_country_key_fails(tmp_path: Path) -> None:
    paths = _write(tmp_path, countries=[{**_ARNOR, "capital": "Fornost"}])
    with pytest.raises(DataError, match=r"countries\.json:2: entry 'ARN': .*unknown keys \['capital'\]"):
        ActorDictionary.from_files(**paths)


def test_malformed_json_fails(tmp_path: Path) -> None:
    paths = _write(tmp_path)
    paths["igos"].write_text('[\n{"code": "WHITE",\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"igos\.json:\d+: malformed JSON"):
        ActorDictionary.from_files(**paths)


def test_igo_sector_must_be_igo_or_ngo(tmp_path: Path) -> None:
    paths = _write(tmp_path, igos=[{**_COUNCIL, "sector": "GOV"}])
    with pytest.raises(DataError, match=r"igos\.json:2: entry 'WHITE': unknown sector code 'GOV'; allowed: IGO, NGO"):
        ActorDictionary.from_files(**paths)


def test_igo_code_may_not_shadow_a_country(tmp_path: Path) -> None:
    paths = _write(tmp_path, igos=[{**_COUNCIL, "code": "ARN"}])
    with pytest.raises(DataError, match=r"igos\.json:2: .*already a country code"):
        ActorDictionary.from_files(**paths)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ("term\tsector\nking\tGOV\n", r"roles\.tsv:1: header must be"),
        ("term\tsector\tkind\nking\tKNG\ttitle\n", r"roles\.tsv:2: role 'king': unknown sector code 'KNG'"),
        ("term\tsector\tkind\nking\tGOV\tnoble\n", r"roles\.tsv:2: role 'king': unknown kind 'noble'"),
        ("term\tsector\tkind\nking\tGOV\ttitle\n\tGOV\tgroup\n", r"roles\.tsv:3: role: 'term' must be a non-empty string"),
        ("term\tsector\tkind\nking\tGOV\ttitle\nKing\tGOV\ttitle\n", r"roles\.tsv:3: duplicate role term 'King' \(first at line 2\)"),
        ("term\tsector\tkind\nking\tGOV\n", r"roles\.tsv:2: expected 3 tab-separated cells"),
    ],
)
def test_bad_roles_fail(tmp_path: Path, roles: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        ActorDictionary.from_files(**_write(tmp_path, roles=roles))


# --- checks against the public CAMEO reference tables ---------------------------------------


def _reference(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    if not path.is_file():
        pytest.skip(f"reference table {path} not found; this check needs the shared/reference "
                    "directory next to the repository")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_iso3_and_cameo_codes_are_known_reference_codes() -> None:
    rows = _reference("cameo_countries.tsv")
    known_iso3 = {r["iso3"] for r in rows if r["iso3"]}
    known_cameo = {r["code"] for r in rows if r["kind"] == "country/territory"}
    ours = _json("countries.json")
    unknown_iso3 = {c["iso3"] for c in ours} - known_iso3 - ISO3_EXCEPTIONS
    unknown_cameo = {c["cameo"] for c in ours} - known_cameo
    assert unknown_iso3 == set()
    assert unknown_cameo == set()


def test_cameo_field_follows_reference_iso3_mapping() -> None:
    rows = _reference("cameo_countries.tsv")
    cameo_for_iso3 = {r["iso3"]: r["code"] for r in rows if r["iso3"] and r["kind"] == "country/territory"}
    for country in _json("countries.json"):
        iso3 = country["iso3"]
        expected = CAMEO_DIFFERENCES.get(iso3) or cameo_for_iso3.get(iso3, iso3)
        assert country["cameo"] == expected, iso3


def test_sectors_are_reference_actor_types(dictionary: ActorDictionary) -> None:
    known = {r["code"] for r in _reference("cameo_actor_types.tsv")}
    used = {e.sector for _, e in dictionary.terms() if e.sector is not None}
    assert used - known == set()


def test_igo_cameo_codes_are_built_from_known_parts() -> None:
    parts = {"IGO", "NGO"}
    parts |= {r["code"] for r in _reference("cameo_actor_types.tsv")}
    parts |= {r["code"] for r in _reference("cameo_known_groups.tsv")}
    parts |= {r["code"] for r in _reference("cameo_countries.tsv")}
    parts |= {r["code"] for r in _reference("cameo_religions.tsv")}
    for igo in _json("igos.json"):
        chunks = re.findall(r"[A-Z]{3}", igo["cameo"])
        assert chunks[0] == igo["sector"], igo["code"]
        assert set(chunks) <= parts, (igo["code"], set(chunks) - parts)
