"""The people list: who held which office when, so a name codes by the article's date."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from ..errors import DataError, Errors


@dataclass(frozen=True, slots=True, kw_only=True)
class Tenure:
    name: str
    country: str
    sector: str
    role: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class People:
    """Name or alias -> the tenures of the person it names."""

    def __init__(self, tenures: list[Tenure], aliases: dict[str, set[str]]) -> None:
        self._by_name: dict[str, list[Tenure]] = {}
        for tenure in tenures:
            self._by_name.setdefault(tenure.name, []).append(tenure)
        self._aliases = aliases  # surface form -> canonical names

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> People:
        """Read ``actors/data/people.tsv`` (validated once per process)."""
        path = "actors/data/people.tsv"
        try:
            text = resources.files("detente").joinpath(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls([], {})
        tenures: list[Tenure] = []
        aliases: dict[str, set[str]] = {}
        reader = csv.DictReader(io.StringIO(text), delimiter="\t")
        for line, row in enumerate(reader, start=2):
            try:
                name = row["name"].strip()
                tenure = Tenure(
                    name=name, country=row["country"].strip(), sector=row["sector"].strip(),
                    role=row["role"].strip(),
                    start=dt.date.fromisoformat(row["start"]) if row.get("start") else None,
                    end=dt.date.fromisoformat(row["end"]) if row.get("end") else None,
                )
            except (KeyError, ValueError, AttributeError) as exc:
                raise DataError(Errors.E501.format(path=path, line=line, detail=exc), code="E501") from exc
            if not name or len(tenure.country) < 2:
                raise DataError(Errors.E501.format(path=path, line=line, detail="empty name or country"),
                                code="E501")
            tenures.append(tenure)
            forms = {name, *(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())}
            for form in forms:
                aliases.setdefault(form, set()).add(name)
        return cls(tenures, aliases)

    def surface_forms(self) -> Iterator[str]:
        yield from self._aliases

    def lookup(self, surface: str, day: dt.date | None) -> Tenure | None:
        """The tenure a mention refers to on ``day``: the office held then, else the nearest one."""
        names = self._aliases.get(surface)
        if not names:
            return None
        candidates = [t for n in sorted(names) for t in self._by_name.get(n, [])]
        if not candidates:
            return None
        if day is not None:
            current = [t for t in candidates if t.covers(day)]
            if current:
                # Prefer heads of state/government when one person held two offices at once.
                return sorted(current, key=_role_rank)[0]

            def distance(t: Tenure) -> int:
                if t.start and day < t.start:
                    return (t.start - day).days
                if t.end and day >= t.end:
                    return (day - t.end).days
                return 0

            return min(candidates, key=lambda t: (distance(t), _role_rank(t)))
        return sorted(candidates, key=lambda t: (t.end is not None, _role_rank(t)))[0]


_RANK = ("president", "prime minister", "chancellor", "king", "supreme leader", "leader")


def _role_rank(tenure: Tenure) -> int:
    role = tenure.role.lower()
    for index, top in enumerate(_RANK):
        if top in role:
            return index
    return len(_RANK)
