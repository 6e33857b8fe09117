"""Quotes: direct quotations in straight or curly quotes, and reported speech, with speakers.

A direct quote is attributed to the subject of the speech verb of its sentence ("...," the
official said), to "according to X", or, for a quote that fills its sentence, to the speaker
of a neighbouring sentence. Reported speech is the clausal complement of a speech verb.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..actors import ArticleActors
from ..model import Actor, Article, Quote, Span
from ._status import SPEECH

_CUES = SPEECH | frozenset({"warn", "argue", "insist", "acknowledge", "admit", "tell", "promise", "vow",
                            "threaten", "urge", "call", "demand", "ask", "reply", "respond", "recall",
                            "predict", "concede", "caution", "accuse", "complain", "boast", "quip", "joke",
                            "comment", "brief", "lament", "observe", "point", "maintain", "allege",
                            "contend", "deny", "readout", "statement", "emphasize", "emphasise"})
_QUOTE_RE = re.compile(r"“([^”]{1,3000})”|\"([^\"\n]{1,3000})\"|‘([^’]{3,600})’(?![a-z])")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _QUOTE_RE.finditer(text):
        group = next(i for i in (1, 2, 3) if m.group(i) is not None)
        spans.append((m.start(group), m.end(group)))
    return spans


def _label_end(sent: Any) -> int:
    """Token index just past a leading rubric label such as "What they're saying:" (else the start)."""
    for tok in sent[:7]:
        if tok.text == ":":
            return int(tok.i) + 1
    return int(sent.start)


def _cue_verb(sent: Any, exclude: tuple[int, int] | None) -> Any:
    best = None
    label_end = _label_end(sent)
    for tok in sent:
        if exclude and exclude[0] <= tok.idx < exclude[1]:
            continue
        if tok.i < label_end:
            continue
        if tok.lemma_.lower() in _CUES and tok.pos_ in ("VERB",):
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and not (exclude and exclude[0] <= subj.idx < exclude[1]):
                if best is None or tok.dep_ in ("ROOT", "parataxis"):
                    best = tok
    return best


def _according_to(sent: Any, exclude: tuple[int, int] | None) -> Any:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            for child in tok.doc[tok.i + 1].children:
                if child.dep_ == "pobj" and not (exclude and exclude[0] <= child.idx < exclude[1]):
                    return child
    return None


def _speaker_of(sent: Any, exclude: tuple[int, int] | None, actors: ArticleActors
                ) -> tuple[Actor | None, str | None, str] | None:
    verb = _cue_verb(sent, exclude)
    if verb is not None:
        subj = next(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
        if subj.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
            subj = verb.head  # "an official who briefed reporters"
        group = actors.resolve_group(subj)
        text = sent.doc[min(t.i for t in subj.subtree):max(t.i for t in subj.subtree) + 1].text
        return (group[0] if group else None), text, verb.text
    head = _according_to(sent, exclude)
    if head is not None:
        group = actors.resolve_group(head)
        text = sent.doc[min(t.i for t in head.subtree):max(t.i for t in head.subtree) + 1].text
        return (group[0] if group else None), text, "according to"
    return None


def _qid(article: Article, start: int, end: int) -> str:
    return hashlib.blake2b(f"{article.id}|q|{start}|{end}".encode(), digest_size=10).hexdigest()


def extract_quotes(doc: Any, article: Article, actors: ArticleActors) -> list[Quote]:
    """Direct and reported quotes of one document, each with its cue and resolved speaker."""
    quotes: list[Quote] = []
    sents = list(doc.sents)
    covered: list[tuple[int, int]] = []
    for start, end in _quote_spans(doc.text):
        sent_index = next((i for i, s in enumerate(sents) if s.start_char <= start < s.end_char), None)
        if sent_index is None:
            continue
        found = None
        sent = sents[sent_index]
        # A quote that spans sentences: look at every sentence it touches, then neighbours.
        touched = [s for s in sents if s.start_char < end and s.end_char > start]
        for s in touched:
            found = _speaker_of(s, (start, end), actors)
            if found:
                break
        if found is None:
            # Sentences of quote only: the speaker is named just before or after.
            for neighbour in (sent_index - 1, sent_index + len(touched)):
                if 0 <= neighbour < len(sents):
                    found = _speaker_of(sents[neighbour], None, actors)
                    if found:
                        break
        if found is None:
            continue
        speaker, speaker_text, cue = found
        covered.append((start, end))
        quotes.append(Quote(id=_qid(article, start, end), article_id=article.id, speaker=speaker,
                            speaker_text=speaker_text, cue=cue,
                            content=Span(start=start, end=end, text=doc.text[start:end]), direct=True))
    # Reported speech: "X said that ...", "X warned Y that ...".
    for sent in sents:
        for tok in sent:
            if tok.lemma_.lower() not in _CUES or tok.pos_ != "VERB":
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if comp is None or subj is None:
                continue
            toks = sorted(comp.subtree, key=lambda t: t.i)
            start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            if toks[0].dep_ == "mark":
                start = toks[1].idx if len(toks) > 1 else start
            if any(s <= start < e or start <= s < end for s, e in covered):
                continue
            group = actors.resolve_group(subj)
            stoks = sorted(subj.subtree, key=lambda t: t.i)
            speaker_text = doc.text[stoks[0].idx:stoks[-1].idx + len(stoks[-1].text)]
            quotes.append(Quote(id=_qid(article, start, end), article_id=article.id,
                                speaker=group[0] if group else None, speaker_text=speaker_text, cue=tok.text,
                                content=Span(start=start, end=end, text=doc.text[start:end]), direct=False))
    quotes.sort(key=lambda q: q.content.start)
    return quotes
