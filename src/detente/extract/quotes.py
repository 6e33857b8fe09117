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

_CUES = SPEECH | frozenset({
    "warn", "argue", "insist", "acknowledge", "admit", "tell", "promise", "vow", "threaten", "urge", "demand",
    "ask", "reply", "respond", "recall", "predict", "concede", "caution", "accuse", "complain", "boast", "quip",
    "joke", "comment", "brief", "lament", "observe", "maintain", "allege", "contend", "deny", "emphasize",
    "emphasise", "believe", "think", "report", "show", "indicate", "reveal", "find", "estimate", "tweet", "post",
    "declare", "hint", "signal", "charge", "suggest", "fear", "expect", "assert", "agree", "announce", "conclude",
    "testify", "recount", "remark", "speculate", "affirm", "counter", "retort", "scoff", "muse",
    "worry", "wonder", "feel", "know", "guess", "bet", "doubt", "question", "dispute", "pledge",
    "write", "answer", "continue", "explain", "mention", "note", "stress", "add",
})
_QUOTE_RE = re.compile(r"“([^”]{1,3000})”|\"([^\"\n]{1,3000})\"|‘([^’]{3,600})’(?![a-z])")
_CUE_NOUNS = frozenset({
    "statement", "claim", "assertion", "report", "comment", "remark", "warning", "argument", "allegation",
    "announcement", "suggestion", "belief", "view", "promise", "pledge", "accusation", "charge", "insistence",
    "admission", "prediction", "fear", "hope", "concern", "message", "assurance", "contention", "declaration",
    "testimony", "tweet", "post", "readout", "letter", "note", "answer", "response", "reply",
})
# "PENCE: We never said that." in interview transcripts.
_LABEL_RE = re.compile(r"^[\"“]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}):\s+(\S.*)$", re.MULTILINE)
# A quote signed after a dash: “We will not back down.” ― Jane Doe
_SIGNED_RE = re.compile(r"[”\"]\s{0,2}[―—–-]{1,2}\s?([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})")
# Verbs that attribute a stance or intention; their object or infinitive is the content.
_STANCE = frozenset({
    "call", "cite", "support", "agree", "plan", "want", "decline", "refuse", "promise", "pledge", "criticize",
    "criticise", "ask", "urge", "claim", "defend", "oppose", "endorse", "reject", "propose", "demand", "vow",
    "threaten", "intend", "seek", "hope", "praise", "condemn", "blame", "accuse", "mention", "dismiss", "deny",
    "question", "welcome", "applaud", "slam", "blast", "attack", "push", "press", "recommend", "favor", "favour",
    "decide", "reveal", "describe", "report", "announce", "offer", "acknowledge", "admit", "complain", "mock",
    "ridicule", "encourage", "discuss", "speak", "talk", "warn", "insist", "lament", "denounce", "tout", "hail",
    # Evaluating, framing and laying out: the object is what the speaker holds or put forward.
    "back", "champion", "advocate", "promote", "chastise", "scold", "rebuke", "fault", "lambaste", "castigate",
    "excoriate", "deride", "implore", "outline", "detail", "explain", "liken", "compare", "portray", "characterize",
    "characterise", "dispute", "invoke", "highlight", "disclose", "predict", "forecast", "echo", "pitch",
})
# Verbs that put a communication into the world: "released a statement", "sent a letter", "posted a video".
# Their object is content only when it is a communication.
_PUBLISH = frozenset({"release", "issue", "publish", "send", "post", "unleash", "deliver", "give", "make", "put",
                      "write", "air", "run", "share", "fire", "pen", "sign"})
_COMMUNICATIONS = _CUE_NOUNS | frozenset({
    "ad", "advertisement", "video", "memo", "editorial", "speech", "interview", "remarks", "paper", "appeal",
    "plea", "ultimatum", "proposal", "op-ed", "column", "essay", "book", "letter", "tweet", "statement", "report",
    "analysis", "poll", "survey", "study", "rebuttal", "denial", "apology", "complaint", "criticism", "attack",
})
_NOT_ATTRIBUTION = frozenset({"be", "mean", "seem", "appear", "make", "ensure", "happen", "matter", "cause",
                              "prove", "follow", "become", "remain", "let", "have", "get", "do", "go", "come"})
_EXPLETIVES = frozenset({"it", "this", "that", "which", "what", "there", "these", "those"})
# Cue words that are not verbs of saying on their own and need a clausal complement to count.
_NEEDS_CLAUSE = frozenset({"find", "show", "know", "feel", "continue", "add", "agree", "question", "answer"})
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
            head = sent.doc[sent.start:tok.i]
            # "The Kremlin said:" introduces a quote; "What they're saying:" only labels a section.
            if any(t.lemma_.lower() in _CUES and t.tag_ in ("VBD", "VBZ", "VBP") for t in head):
                return int(sent.start)
            return int(tok.i) + 1
    return int(sent.start)


def _speaker_arg(verb: Any) -> Any:
    """Who speaks: the active subject, or the agent of a passive ("was written by X"); the passive
    subject is what was said or who was told, never the speaker."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is not None:
        return subj
    return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)


def _cue_verb(sent: Any, exclude: tuple[int, int] | None) -> Any:
    best = None
    label_end = _label_end(sent)
    for tok in sent:
        if exclude and exclude[0] <= tok.idx < exclude[1]:
            continue
        if tok.i < label_end:
            continue
        if tok.lemma_.lower() in _CUES and tok.pos_ in ("VERB",):
            subj = _speaker_arg(tok)
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


def speaker_actor(head: Any, actors: ArticleActors) -> Actor:
    """The speaker as an actor: coded when the dictionaries know it, else just its span
    ("sources", "a spokesperson for the campaign")."""
    referent = head
    if head.lower_ in ("who", "that", "which"):
        # "an official who briefed reporters", "the agency, which rated the claim true": the span stays
        # on the relative pronoun (the mention in the text), the actor is its antecedent.
        clause = head.head
        while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i and clause.pos_ in ("VERB", "AUX"):
            clause = clause.head
        if clause.dep_ in ("relcl", "acl") and clause.head.pos_ in ("NOUN", "PROPN"):
            referent = clause.head
    tokens = actors.np_tokens(head) if referent.i == head.i else [head]
    lo = min(t.i for t in tokens)
    hi = max(t.i for t in tokens) + 1
    doc = head.doc
    while lo < hi - 1 and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
        lo += 1
    while hi - 1 > lo and doc[hi - 1].is_punct:
        hi -= 1
    span = doc[lo:hi]
    group = actors.resolve_group(referent)
    coded = group[0] if group else None
    return Actor(text=span.text, start=span.start_char, end=span.end_char,
                 name=coded.name if coded else None, country=coded.country if coded else None,
                 sector=coded.sector if coded else None, code=coded.code if coded else None)


def _speaker_of(sent: Any, exclude: tuple[int, int] | None, actors: ArticleActors
                ) -> tuple[Actor, str] | None:
    verb = _cue_verb(sent, exclude)
    if verb is not None:
        return speaker_actor(_speaker_arg(verb), actors), verb.text
    head = _according_to(sent, exclude)
    if head is not None:
        return speaker_actor(head, actors), "according to"
    return None


def _span_of(tokens: list[Any]) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].dep_ in ("mark", "punct", "cc") or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    if not tokens:
        return 0, 0
    return int(tokens[0].idx), int(tokens[-1].idx + len(tokens[-1].text))


def _reported(sent: Any) -> list[tuple[int, int, Any, str]]:
    """(start, end, speaker head, cue) of each piece of reported speech in a sentence."""
    out = []
    label_end = _label_end(sent)
    for tok in sent:
        if tok.i < label_end or tok.pos_ not in ("VERB", "AUX"):
            continue
        lemma = tok.lemma_.lower()
        if lemma not in _CUES and lemma not in _STANCE and lemma not in _PUBLISH:
            # Any other verb whose subject is someone and whose complement is a clause attributes
            # that clause to them ("critics argue ...", "she hopes that ...").
            subj_tok = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if (lemma in _NOT_ATTRIBUTION or subj_tok is None or subj_tok.lower_ in _EXPLETIVES
                    or not any(c.dep_ == "ccomp" for c in tok.children)):
                continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj",)), None)
        agent = next((g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        patient = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if subj is None and agent is not None and patient is not None and lemma in _STANCE:
            # "The nominee has been endorsed by three newspapers": the newspapers hold the view.
            start, end = _span_of(list(patient.subtree))
            out.append((start, end, agent, tok.text))
            continue
        if subj is None and tok.tag_ == "VBG" and tok.dep_ in ("advcl", "xcomp", "conj", "acl"):
            # "..., saying that ...": the participle's speaker is the subject of the clause it hangs on.
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if comp is None and lemma in _PUBLISH:
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.lemma_.lower() in _COMMUNICATIONS:
                comp = obj
        if comp is None and tok.lemma_.lower() in _STANCE:
            # Stances and intentions attributed to someone: "called for a ban", "plans to run".
            comp = next((c for c in tok.children if c.dep_ in ("xcomp", "dobj")), None)
            if comp is None:
                comp = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ in (
                    "for", "on", "about", "of", "against") for g in c.children if g.dep_ == "pobj"), None)
        if comp is not None:
            start, end = _span_of(list(comp.subtree))
            out.append((start, end, subj, tok.text))
        elif tok.dep_ == "parataxis" and tok.lemma_.lower() not in _NEEDS_CLAUSE:
            # "The economy is strong, the minister said."
            inside = {t.i for t in tok.subtree}
            start, end = _span_of([t for t in tok.head.subtree if t.i not in inside])
            out.append((start, end, subj, tok.text))
    for tok in sent:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in _CUE_NOUNS:
            continue
        # "the minister's claim that ...", "a statement by the ministry that ..."
        comp = next((c for c in tok.children if c.dep_ in ("acl", "ccomp") and any(
            g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is None:
            owner = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")
                          for g in c.children if g.dep_ == "pobj"), None)
        if comp is not None and owner is not None:
            start, end = _span_of(list(comp.subtree))
            out.append((start, end, owner, tok.text))
    according = _according_to(sent, None)
    if according is not None:
        phrase = according.head.head  # "according" <- "to" <- pobj
        inside = {t.i for t in phrase.subtree}
        start, end = _span_of([t for t in sent if t.i not in inside and t.i >= label_end])
        out.append((start, end, according, "according to"))
    return out


def _qid(article: Article, start: int, end: int) -> str:
    return hashlib.blake2b(f"{article.id}|q|{start}|{end}".encode(), digest_size=10).hexdigest()


def extract_quotes(doc: Any, article: Article, actors: ArticleActors) -> list[Quote]:
    """Direct and reported quotes of one document, each with its cue and resolved speaker."""
    quotes: list[Quote] = []
    text = article.text  # the text the doc was parsed from (Doc.text rebuilds it on every access)
    sents = list(doc.sents)
    covered: list[tuple[int, int]] = []
    last: tuple[int, tuple[Actor, str]] | None = None
    for start, end in _quote_spans(text):
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
        if found is None and last is not None and start - last[0] < 400 and "\n" in text[last[0]:start]:
            # A quote paragraph that continues the previous speaker's quote.
            found = last[1]
        if found is None:
            signed = _SIGNED_RE.match(text, end)
            if signed is not None:
                name = doc.char_span(signed.start(1), signed.end(1), alignment_mode="expand")
                if name is not None:
                    found = (speaker_actor(name.root, actors), "―")
        if found is None:
            continue
        speaker, cue = found
        last = (end, found)
        covered.append((start, end))
        quotes.append(Quote(id=_qid(article, start, end), article_id=article.id, speaker=speaker,
                            speaker_text=speaker.text, cue=cue,
                            content=Span(start=start, end=end, text=text[start:end]), direct=True))
    # Transcripts: a line that opens with a speaker label in capitals.
    for match in _LABEL_RE.finditer(text):
        start, end = match.start(2), match.end(2)
        if any(s <= start < e or start <= s < end for s, e in covered) or len(match.group(1)) < 3:
            continue
        label = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if label is None:
            continue
        covered.append((start, end))
        speaker = speaker_actor(label.root, actors)
        quotes.append(Quote(id=_qid(article, start, end), article_id=article.id, speaker=speaker,
                            speaker_text=speaker.text, cue=":",
                            content=Span(start=start, end=end, text=text[start:end]), direct=True))
    # Reported speech: "X said that ...", "..., X said", "according to X, ...".
    for sent in sents:
        for start, end, speaker_head, cue in _reported(sent):
            if end - start < 8 or any(s <= start < e or start <= s < end for s, e in covered):
                continue
            covered.append((start, end))
            speaker = speaker_actor(speaker_head, actors)
            quotes.append(Quote(id=_qid(article, start, end), article_id=article.id, speaker=speaker,
                                speaker_text=speaker.text, cue=cue,
                                content=Span(start=start, end=end, text=text[start:end]), direct=False))
    quotes.sort(key=lambda q: q.content.start)
    return quotes
