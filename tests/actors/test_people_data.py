"""Checks on the bundled people list (actors/data/people.tsv)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[2] / "src/detente/actors/data/people.tsv"
HEADER = ["name", "aliases", "country", "sector", "role", "start", "end"]
SECTORS = {"GOV", "MIL", "LEG", "OPP", "REB", "INS", "UAF", "JUD", "IGO", "PTY"}


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read()[1]


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def test_header() -> None:
    assert _read()[0] == HEADER


def test_row_count(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 600


def test_every_row_has_all_columns(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert None not in row, row  # no extra fields
        assert all(value is not None for value in row.values()), row  # no missing fields
        assert row["name"].strip() and row["role"].strip(), row


def test_country_codes(rows: list[dict[str, str]]) -> None:
    bad = [row["country"] for row in rows if not re.fullmatch(r"[A-Z]{2,4}", row["country"])]
    assert not bad


def test_sectors(rows: list[dict[str, str]]) -> None:
    bad = {row["sector"] for row in rows} - SECTORS
    assert not bad


def test_dates_parse_and_are_ordered(rows: list[dict[str, str]]) -> None:
    for row in rows:
        start, end = _date(row["start"]), _date(row["end"])
        assert start is not None, row
        if end is not None:
            assert start <= end, row


def test_aliases_are_clean(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if not row["aliases"]:
            continue
        for alias in row["aliases"].split("|"):
            assert alias and alias == alias.strip(), row


def test_no_duplicate_rows(rows: list[dict[str, str]]) -> None:
    counts = Counter(tuple(row[column] for column in HEADER) for row in rows)
    assert [key for key, n in counts.items() if n > 1] == []


def _holding(rows: list[dict[str, str]], name: str, day: dt.date) -> list[str]:
    roles = []
    for row in rows:
        if row["name"] != name:
            continue
        start, end = _date(row["start"]), _date(row["end"])
        if (start is None or start <= day) and (end is None or day < end):
            roles.append(row["role"])
    return roles


def test_spot_checks(rows: list[dict[str, str]]) -> None:
    day = dt.date(2021, 12, 30)
    assert "president" in _holding(rows, "Vladimir Putin", day)
    assert "president" in _holding(rows, "Joe Biden", day)
    assert "president" not in _holding(rows, "Donald Trump", day)
    zelensky = [r for r in rows if r["name"] == "Volodymyr Zelensky" and r["role"] == "president"]
    assert zelensky and zelensky[0]["start"] == "2019-05-20"
    assert "Zelenskyy" in zelensky[0]["aliases"].split("|")
    assert "president" not in _holding(rows, "Volodymyr Zelensky", dt.date(2019, 5, 19))
    assert "president" in _holding(rows, "Petro Poroshenko", dt.date(2019, 5, 19))
