"""Status of an event from its clause: negation, conditionals, modality, intent, threats, demands.

The walk goes from the trigger up the dependency tree; the nearest marker decides. A
hypothetical or denied event must never come out as occurred.
"""

from __future__ import annotations

from typing import Any

DENY = frozenset({"deny", "reject", "dismiss", "refute", "rebuff", "disavow", "dispute", "rule", "refuse", "decline", "fail"})
THREAT = frozenset({"threaten", "warn"})
DEMAND = frozenset({"demand", "urge", "call", "ask", "press", "insist", "request", "push", "appeal", "require",
                    "implore", "order", "tell", "want"})
INTENT = frozenset({"plan", "intend", "aim", "seek", "hope", "hop", "prepare", "pledge", "promise", "expect", "vow",
                    "agree", "decide", "offer", "propose", "consider", "mull", "try", "attempt", "set",
                    "schedule", "slate", "plot", "resolve", "continue", "move", "begin", "start", "commit",
                    "vote", "announce", "due", "ready", "willing", "poise", "going", "prepared", "determined",
                    "eager", "keen"})
FEAR = frozenset({"fear", "worry", "concern", "risk", "speculation", "possibility", "prospect", "danger",
                  "rumor", "rumour", "specter", "spectre", "threat", "scenario", "likelihood", "chance",
                  "warning", "alarm", "anxiety", "contingency", "eventuality", "deter", "prevent", "avoid",
                  "avert", "deterrence", "plan"})
SCHEDULE_MODS = frozenset({"upcoming", "planned", "scheduled", "proposed", "forthcoming", "next", "future",
                           "expected", "coming", "prospective"})
MAYBE_MODS = frozenset({"possible", "potential", "hypothetical", "likely", "imminent", "feared", "alleged",
                        "threatened", "renewed"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "should", "whether", "lest", "once"})
HYPO_AUX = frozenset({"could", "might", "may", "would", "can"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
SPEECH = frozenset({"say", "tell", "state", "add", "announce", "declare", "note", "claim", "report", "write",
                    "explain", "stress", "emphasize", "emphasise", "insist", "argue", "confirm", "reiterate",
                    "assert", "remark", "suggest", "accord", "characterize", "describe"})


def _has_neg(tok: Any) -> bool:
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    return any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def _conditional(tok: Any) -> bool:
    return tok.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod", "aux") and c.lower_ in CONDITIONAL_MARKS for c in tok.children)


def _aux(tok: Any) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}


def clause_status(trigger: Any) -> str:
    """occurred, ongoing, intended, scheduled, threatened, demanded, hypothetical or denied."""
    status = _own_status(trigger)
    if status == "hypothetical" and _aux(trigger) & {"would", "will", "'d"} and _governed_by(trigger, THREAT):
        return "threatened"  # "warned that it would strike"
    if status is not None:
        return status
    cur = trigger
    steps = 0
    while cur.head.i != cur.i and steps < 12:
        steps += 1
        rel, head = cur.dep_, cur.head
        lemma = head.lemma_.lower()
        if _conditional(cur):
            return "hypothetical"
        if rel in ("xcomp", "ccomp", "dobj", "pobj", "acl", "prep", "advcl", "nsubj", "nsubjpass", "attr",
                   "relcl", "conj", "amod", "compound", "appos", "dep", "oprd"):
            if lemma in DENY and rel != "conj":
                return "denied"
            if lemma in FEAR and rel in ("pobj", "prep", "dobj", "xcomp", "acl", "compound", "ccomp", "nsubj",
                                         "nsubjpass", "advcl"):
                if lemma == "plan" and head.pos_ == "VERB":
                    return "intended"
                return "hypothetical"
            if lemma in THREAT and rel in ("xcomp", "ccomp", "advcl"):
                return "threatened"
            if lemma in DEMAND and rel in ("xcomp", "ccomp", "dobj"):
                if lemma == "tell" and rel == "ccomp":
                    pass
                elif lemma in ("want", "push", "press") and rel == "xcomp" and not any(
                        c.dep_ == "dobj" for c in head.children):
                    return "intended"  # "wants to help" (her own act), unlike "wants Iran to help"
                else:
                    return "demanded"
            if lemma in INTENT and rel in ("xcomp", "ccomp", "pobj", "prep", "acl", "dobj"):
                if lemma in ("set", "schedule", "slate", "due"):
                    return "scheduled"
                if lemma in ("continue", "begin", "start", "move"):
                    aux = _aux(head)
                    if not aux & FUTURE_AUX:
                        break
                return "intended"
        if lemma == "go" and head.tag_ == "VBG" and rel == "xcomp":
            return "intended"  # "is going to send"
        if rel in ("nsubj", "nsubjpass") and lemma in ("set", "schedule", "slate", "plan", "due", "expect") and not any(
                c.dep_ == "dobj" for c in head.children):
            return "scheduled"  # "talks are set for March 12"
        if rel in ("xcomp", "ccomp", "advcl", "relcl", "conj", "nsubj", "nsubjpass", "attr"):
            own = _own_status(head)
            if own in ("denied", "hypothetical"):
                return own
            if rel in ("ccomp",) and head.lemma_.lower() in SPEECH:
                break
        if rel in ("ccomp", "parataxis") and head.lemma_.lower() in SPEECH:
            break
        cur = head
    return _tense_status(trigger)


def _governed_by(tok: Any, lemmas: frozenset[str]) -> bool:
    cur = tok
    for _ in range(6):
        if cur.head.i == cur.i:
            return False
        if cur.dep_ in ("ccomp", "xcomp") and cur.head.lemma_.lower() in lemmas:
            return True
        cur = cur.head
    return False


def _own_status(tok: Any) -> str | None:
    if _has_neg(tok):
        return "denied"
    if any(c.dep_ in ("nsubj", "nsubjpass") and any(g.dep_ == "det" and g.lower_ == "no" for g in c.children)
           for c in tok.children):
        return "denied"  # "no jets had struck"
    aux_toks = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and any(a.lower_ in ("should", "had", "were") and a.i < subj.i for a in aux_toks):
        return "hypothetical"  # inverted conditional: "Should Serbia attack ..."
    aux = _aux(tok)
    if tok.pos_ in ("NOUN", "PROPN"):
        mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "advmod")}
        if mods & MAYBE_MODS:
            return "hypothetical"
        if mods & SCHEDULE_MODS:
            return "scheduled"
        return None
    if aux & {"could", "might", "may", "can"}:
        return "hypothetical"
    if "would" in aux:
        # "said it would hold talks" reports an intention; "a war would be catastrophic" and any
        # unreported "would" only imagine.
        return "intended" if _reported(tok) and tok.lemma_ != "be" else "hypothetical"
    if aux & {"should", "must"}:
        return "demanded"
    if aux & FUTURE_AUX or "going" in aux:
        return "intended"
    return None


def _reported(tok: Any) -> bool:
    cur = tok
    while cur.head.i != cur.i:
        if cur.dep_ == "ccomp" and cur.head.lemma_.lower() in SPEECH:
            return True
        if cur.dep_ in ("advcl",):
            return False
        cur = cur.head
    return False


def _tense_status(tok: Any) -> str:
    if tok.pos_ == "VERB":
        aux = _aux(tok)
        if tok.tag_ == "VBG" and aux & {"is", "are", "am", "be", "been", "'re", "'s"}:
            return "ongoing"
        if tok.tag_ == "VBG" and "been" in aux:
            return "ongoing"
    return "occurred"


def tense_direction(trigger: Any, status: str) -> str | None:
    """'past', 'future' or None: which way a bare date in the clause points."""
    if status in ("scheduled", "intended", "threatened", "demanded"):
        return "future"
    tok = trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head
    aux = _aux(tok)
    if aux & FUTURE_AUX or "going" in aux:
        return "future"
    if tok.tag_ in ("VBD", "VBN") or aux & {"had", "has", "have", "did", "was", "were"}:
        return "past"
    return None
