"""The predicate dictionary (``codes/data/predicates.tsv``): verb and noun patterns -> CAMEO codes."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from importlib import resources

from ..errors import DataError, Errors

SLOTS = frozenset({
    "dobj", "iobj", "with", "to", "against", "on", "from", "of", "for", "at", "into", "over", "toward",
    "towards", "between", "near", "along", "in", "across", "upon", "compound", "amod", "poss", "by",
    "among", "about", "onto", "inside", "within", "around", "through", "behind", "beyond", "under",
    "ccomp", "that", "outside", "off", "out", "after",
})


@dataclass(frozen=True, slots=True, kw_only=True)
class Predicate:
    """One pattern row. ``objects`` are object lemmas (classes already expanded)."""

    pos: str
    lemma: str
    particle: str | None
    objects: frozenset[str] | None
    object_text: str
    prep: str | None
    source: tuple[str, ...]
    target: tuple[str, ...]
    cameo: str
    plover: str | None
    mode: str | None
    line: int

    @property
    def specificity(self) -> int:
        return (2 if self.objects else 0) + (1 if self.particle else 0) + (1 if self.prep else 0)

    @property
    def evidence(self) -> str:
        parts = [self.lemma]
        if self.particle:
            parts.append(self.particle)
        if self.objects:
            parts.append(self.object_text)
        if self.prep:
            parts.append(self.prep)
        return f"predicates.tsv:{self.line} {self.pos}:{' '.join(parts)}"


@dataclass(frozen=True, slots=True)
class PredicateTable:
    verbs: dict[str, tuple[Predicate, ...]]
    nouns: dict[str, tuple[Predicate, ...]]
    classes: dict[str, frozenset[str]]
    #: Predicate adjectives ("was satisfied with", "is critical of"), matched like verbs.
    adjectives: dict[str, tuple[Predicate, ...]] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(t) for table in (self.verbs, self.nouns, self.adjectives) for t in table.values())


def _read(path: str) -> str:
    return resources.files("detente").joinpath(path).read_text(encoding="utf-8")


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a TSV whose comment lines start with '#' (before or after the header)."""
    header: list[str] | None = None
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        out.append((number, dict(zip(header, cells, strict=False))))
    return out


@functools.lru_cache(maxsize=1)
def load_predicates() -> PredicateTable:
    """Read and validate the predicate and object-class tables (once per process)."""
    classes: dict[str, set[str]] = {}
    cpath = "codes/data/object_classes.tsv"
    for line, row in _rows(_read(cpath)):
        cls_name, member = (row.get("class") or "").strip(), (row.get("lemma") or "").strip().lower()
        if not cls_name or not member:
            raise DataError(Errors.E501.format(path=cpath, line=line, detail="empty class or lemma"), code="E501")
        classes.setdefault(cls_name, set()).add(member)
    frozen = {k: frozenset(v) for k, v in classes.items()}
    path = "codes/data/predicates.tsv"
    tables: dict[str, dict[str, list[Predicate]]] = {"V": {}, "N": {}, "A": {}}
    for number, row in _rows(_read(path)):
        raw = "\t".join(row.values())

        def col(name: str, row: dict[str, str] = row) -> str | None:
            value = (row.get(name) or "").strip()
            return None if value in ("", "-") else value

        def fail(detail: str, number: int = number) -> DataError:
            return DataError(Errors.E501.format(path=path, line=number, detail=detail), code="E501")

        pos, lemma, cameo = col("pos"), col("lemma"), col("cameo")
        if pos not in ("V", "N", "A") or not lemma or not cameo or not re.fullmatch(r"\d{2,4}", cameo):
            raise fail(f"need pos V|N|A, a lemma and a CAMEO code; got {raw!r}")
        objects: set[str] | None = None
        object_text = col("object") or ""
        if object_text:
            objects = set()
            for alt in object_text.split("|"):
                alt = alt.strip().lower()
                if alt.startswith("@"):
                    if alt[1:] not in frozen:
                        raise fail(f"unknown object class {alt!r}")
                    objects |= frozen[alt[1:]]
                elif alt:
                    objects.add(alt)
        slots = {}
        for name in ("source", "target"):
            value = col(name)
            slots[name] = tuple(s.strip() for s in value.split("|")) if value else ()
            bad = [s for s in slots[name] if s not in SLOTS]
            if bad:
                raise fail(f"unknown {name} slot(s) {bad}; known: {sorted(SLOTS)}")
        pred = Predicate(
            pos=pos, lemma=lemma.lower(), particle=col("particle"), objects=frozenset(objects) if objects else None,
            object_text=object_text, prep=col("prep"), source=slots["source"], target=slots["target"],
            cameo=cameo, plover=col("plover"), mode=col("mode"), line=number,
        )
        tables[pos].setdefault(pred.lemma, []).append(pred)

    def order(table: dict[str, list[Predicate]]) -> dict[str, tuple[Predicate, ...]]:
        return {k: tuple(sorted(v, key=lambda p: -p.specificity)) for k, v in table.items()}

    return PredicateTable(verbs=order(tables["V"]), nouns=order(tables["N"]), classes=frozen,
                          adjectives=order(tables["A"]))
