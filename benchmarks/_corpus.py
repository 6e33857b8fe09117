"""A synthetic news corpus for benchmarks: wire-style articles of 400-800 words from our own
templates and vocabulary (fictional wording, real-world actor names so the coder has work)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

ACTORS = [
    ("Russia", "Russian", "Moscow"), ("Ukraine", "Ukrainian", "Kyiv"), ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"), ("China", "Chinese", "Beijing"), ("India", "Indian", "New Delhi"),
    ("Japan", "Japanese", "Tokyo"), ("Turkey", "Turkish", "Ankara"), ("Iran", "Iranian", "Tehran"),
    ("Israel", "Israeli", "Jerusalem"), ("Egypt", "Egyptian", "Cairo"), ("Brazil", "Brazilian", "Brasilia"),
    ("Poland", "Polish", "Warsaw"), ("Nigeria", "Nigerian", "Abuja"), ("Kenya", "Kenyan", "Nairobi"),
    ("Mexico", "Mexican", "Mexico City"), ("Pakistan", "Pakistani", "Islamabad"), ("Sudan", "Sudanese", "Khartoum"),
]
ROLES = ["foreign minister", "defence minister", "prime minister", "president", "spokesman", "ambassador"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TEMPLATES = [
    "{A} and {B} held talks in {capB} on {day} about trade and security, officials said.",
    "The {adjA} {role} met his {adjB} counterpart in {capA} to discuss the disputed border.",
    "{A} accused {B} of violating the ceasefire agreement along their shared frontier.",
    "{adjA} troops shelled positions near the border with {B} overnight, the military said.",
    "{A} threatened to impose sanctions on {B} if it did not release the detained journalists.",
    "Thousands of protesters rallied outside the parliament in {capA} on {day}, demanding the government resign.",
    "Police in {capA} arrested dozens of opposition activists after the demonstration turned violent.",
    "{A} will host a summit with {B} next month, the {adjA} {role} told reporters on {day}.",
    "The two governments signed an agreement on energy cooperation during the visit to {capB}.",
    "{A} denied reports that it planned to send more troops to the region.",
    "{adjB} officials said they would retaliate if {A} carried out further strikes.",
    "{A} pledged humanitarian aid for refugees fleeing the fighting in {B}.",
    "The {adjA} {role} urged {B} to return to negotiations without preconditions.",
    "{A} expelled two {adjB} diplomats on {day}, citing activities incompatible with their status.",
    "Analysts said the economy of {A} had slowed sharply as the dispute with {B} dragged on.",
    "Negotiators from {A} and {B} are due to meet again in Geneva on Jan. 10.",
    "\"We will not accept any threats against our sovereignty,\" the {adjA} {role} said.",
    "Markets in {capA} fell after the announcement, while the currency weakened against the dollar.",
    "The {adjB} {role} praised {A} for its role in brokering the prisoner exchange.",
    "{A} recalled its ambassador from {capB} for consultations after the incident.",
]


def article(rng: random.Random, index: int, words_range: tuple[int, int] = (400, 800)) -> dict[str, str]:
    """One article of 400-800 words (or ``words_range``)."""
    sentences: list[str] = []
    target_words = rng.randint(*words_range)
    words = 0
    while words < target_words:
        (a, adj_a, cap_a), (b, adj_b, cap_b) = rng.sample(ACTORS, 2)
        s = rng.choice(TEMPLATES).format(A=a, B=b, adjA=adj_a, adjB=adj_b, capA=cap_a, capB=cap_b,
                                         role=rng.choice(ROLES), day=rng.choice(DAYS))
        sentences.append(s)
        words += len(s.split())
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    day = dt.date(2022, 1, 1) + dt.timedelta(days=index % 700)
    return {"id": f"bench-{index}", "title": f"Report {index}", "published": day.isoformat(),
            "outlet": "Benchmark Wire", "text": "\n\n".join(paragraphs)}


def articles(n: int, *, seed: int = 7, words_range: tuple[int, int] = (400, 800)) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for i in range(n):
        yield article(rng, i, words_range)


def write_jsonl(path: Path, n: int, *, seed: int = 7, words_range: tuple[int, int] = (400, 800)) -> int:
    """Write n articles as JSON lines; return the number of words."""
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in articles(n, seed=seed, words_range=words_range):
            words += len(record["text"].split())
            fh.write(json.dumps(record) + "\n")
    return words
