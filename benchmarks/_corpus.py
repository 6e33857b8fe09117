"""A synthetic news corpus for benchmarks: wire-style articles of 400-800 words from our own
templates and vocabulary (fictional wording, real-world actor names so the coder has work).

Real news mixes event sentences with background, context and colour: on the PolNeAR development
articles (84 political stories, 67k words) detente codes one event per ~70 words. ``event_share``
sets the fraction of sentences drawn from the event templates: the default 0.25 gives one event per
~45 words, denser than that real news; ``event_share=1.0`` is a stress corpus where nearly every
sentence holds an event (one per ~7 words).
"""

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

# Background, context and colour: no political event in them.
BACKGROUND = [
    "The region has long been one of the poorest in {A}, with unemployment above twenty percent.",
    "Temperatures in {capA} climbed to record highs this week, and schools closed early on {day}.",
    "The river that forms part of the frontier floods almost every spring, cutting the main road.",
    "Most of the population lives in a narrow coastal strip, far from the mountains in the north.",
    "The {adjA} economy grew by about three percent last year, driven by exports of grain and steel.",
    "The old quarter of {capB}, with its markets and narrow lanes, draws millions of visitors each year.",
    "Shops along the main avenue stayed open late, and traffic was heavy in the evening.",
    "The conflict has its roots in a decades-old quarrel over water rights and grazing land.",
    "Inflation has eased in recent months, though food prices remain higher than a year ago.",
    "The {adjA} {role} is a former economist who spent much of her career at the central bank.",
    "Many families in the border villages make a living from farming, fishing and small trade.",
    "The national football team is preparing for a qualifying match in {capB} later this month.",
    "The harbour handles most of the country's imports, from fuel to medicine and machinery.",
    "Local newspapers devoted several pages to the story, alongside coverage of the harvest.",
    "The railway line between the two capitals was built more than a century ago and is due for repair.",
    "Rainfall this season has been well below average, and reservoirs are at their lowest in years.",
    "The parliament building, completed in the 1960s, sits on a hill overlooking the old city.",
    "Tourism accounts for roughly a tenth of the economy of {B}, according to official figures.",
    "Observers described the mood in the capital as calm but uncertain.",
    "The talks are the latest chapter in a relationship that has swung between rivalry and partnership.",
]


# Run `detente ARGS...` in a fresh interpreter (python -c RUNNER ARGS...) and print its peak RSS in KiB
# on stderr's last line: the memory benchmarks' measure.
RUNNER = """
import resource, sys
from detente.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

def article(rng: random.Random, index: int, words_range: tuple[int, int] = (400, 800), *,
            event_share: float = 0.25) -> dict[str, str]:
    """One article of 400-800 words (or ``words_range``); ``event_share`` of its sentences hold events."""
    sentences: list[str] = []
    target_words = rng.randint(*words_range)
    words = 0
    while words < target_words:
        (a, adj_a, cap_a), (b, adj_b, cap_b) = rng.sample(ACTORS, 2)
        templates = TEMPLATES if rng.random() < event_share else BACKGROUND
        s = rng.choice(templates).format(A=a, B=b, adjA=adj_a, adjB=adj_b, capA=cap_a, capB=cap_b,
                                         role=rng.choice(ROLES), day=rng.choice(DAYS))
        sentences.append(s)
        words += len(s.split())
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    day = dt.date(2022, 1, 1) + dt.timedelta(days=index % 700)
    return {"id": f"bench-{index}", "title": f"Report {index}", "published": day.isoformat(),
            "outlet": "Benchmark Wire", "text": "\n\n".join(paragraphs)}


def articles(n: int, *, seed: int = 7, words_range: tuple[int, int] = (400, 800),
             event_share: float = 0.25) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for i in range(n):
        yield article(rng, i, words_range, event_share=event_share)


def write_jsonl(path: Path, n: int, *, seed: int = 7, words_range: tuple[int, int] = (400, 800),
                event_share: float = 0.25) -> int:
    """Write n articles as JSON lines; return the number of words."""
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in articles(n, seed=seed, words_range=words_range, event_share=event_share):
            words += len(record["text"].split())
            fh.write(json.dumps(record) + "\n")
    return words
