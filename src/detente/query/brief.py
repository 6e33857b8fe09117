"""An extractive brief on a dyad: what happened, what each side says, what comes next.

Every line of a :class:`Brief` quotes a stored sentence or quote verbatim and cites its
article (title, or id when the article has none); nothing is paraphrased or invented. The
four sections:

- **Why it matters**: the weightiest events of the pair that occurred (largest |Goldstein|);
- **What they're saying**: quotes by side A's speakers (speaker country or code A) in
  articles that report an event of the pair;
- **The other side**: the same for side B;
- **What's next**: calendar entries (scheduled and intended occasions) of the pair.

Every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Database

__all__ = ["SECTION_TITLES", "Brief", "BriefItem", "BriefSection", "build_brief"]

#: The brief's section headings, in order.
SECTION_TITLES: tuple[str, ...] = ("Why it matters", "What they're saying", "The other side", "What's next")

_PER_SECTION = 5
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefItem:
    """One line of a brief: a verbatim sentence or quote, what it is, and the article it comes from."""

    text: str
    label: str
    article_id: str
    article_title: str | None
    url: str | None
    date: dt.date | None
    ref: str

    @property
    def citation(self) -> str:
        """The article's title, or its id when it has none."""
        return self.article_title or f"article {self.article_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "article_id": self.article_id,
                "article_title": self.article_title, "citation": self.citation, "url": self.url,
                "date": self.date.isoformat() if self.date else None, "ref": self.ref}


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefSection:
    title: str
    note: str
    items: tuple[BriefItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "note": self.note, "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Brief:
    """A brief on the pair ``side_a``-``side_b`` over ``since``..``until`` (either may be open)."""

    side_a: str
    side_b: str
    since: dt.date | None
    until: dt.date | None
    sections: tuple[BriefSection, ...]

    @property
    def dyad(self) -> str:
        return f"{self.side_a}-{self.side_b}"

    @property
    def period(self) -> str:
        if self.since and self.until:
            return f"{self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"from {self.since.isoformat()}"
        if self.until:
            return f"up to {self.until.isoformat()}"
        return "all dates"

    def markdown(self) -> str:
        """The brief as Markdown: a heading, then the four sections as lists of cited quotations."""
        lines = [f"# Brief: {self.side_a}–{self.side_b}, {self.period}", "",
                 "_Extractive: every line quotes a stored article and cites it; nothing is paraphrased._"]
        for section in self.sections:
            lines += ["", f"## {section.title}", "", f"_{_md(section.note)}_", ""]
            if not section.items:
                lines.append("- Nothing in the store.")
            for item in section.items:
                day = f"{item.date.isoformat()} · " if item.date else ""
                lines.append(f"- {day}{_md(item.label)}: “{_md(item.text)}” — {_link(item)}")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"dyad": self.dyad, "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "period": self.period,
                "sections": [s.to_dict() for s in self.sections], "markdown": self.markdown()}


def _md(text: str) -> str:
    """One line of text with Markdown's (and HTML's) special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s) URL without whitespace, else None: no javascript:, data: or file: links."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s/?#]+", url, re.IGNORECASE) or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    return url


def _link(item: BriefItem) -> str:
    url = safe_url(item.url)
    title = _md(item.citation)
    if url is None:
        return title
    return f"[{title}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.store.con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _weighty(db: Database, dyad: str, since: dt.date | None, until: dt.date | None) -> tuple[BriefItem, ...]:
    from . import EventFilter

    where, params = EventFilter(dyad=dyad, either_way=True, status="occurred", since=since, until=until, limit=None).where()
    sql = ("SELECT e.id, e.date, e.source_code, e.target_code, e.cameo_code, e.cameo_name, e.goldstein, "
           "e.article_id, substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence, "
           f"a.title, a.url FROM events e JOIN articles a ON a.id = e.article_id{where} "
           "AND e.goldstein IS NOT NULL "
           "ORDER BY abs(e.goldstein) DESC, e.date DESC NULLS LAST, e.article_id, e.sentence_index, e.id LIMIT ?")
    items: list[BriefItem] = []
    seen: set[tuple[str, str]] = set()
    for row in _rows(db, sql, [*params, _PER_SECTION * 4]):
        sentence = _clean(row["sentence"])
        if not sentence or (row["article_id"], sentence) in seen:
            continue
        seen.add((row["article_id"], sentence))
        who = f"{row['source_code'] or '?'} → {row['target_code'] or '?'}"
        name = _clean(row["cameo_name"]).removesuffix(", not specified below")
        label = f"{who} · {row['cameo_code']} {name} (Goldstein {row['goldstein']:+.1f})"
        items.append(BriefItem(text=sentence, label=label, article_id=row["article_id"], article_title=row["title"],
                               url=row["url"], date=row["date"], ref=row["id"]))
        if len(items) == _PER_SECTION:
            break
    return tuple(items)


def _said(db: Database, speaker: str, dyad: str, since: dt.date | None,
          until: dt.date | None) -> tuple[BriefItem, ...]:
    from . import EventFilter

    where, params = EventFilter(dyad=dyad, either_way=True, since=since, until=until, limit=None).where()
    sql = ("SELECT q.id, q.speaker_text, q.speaker_code, q.cue, q.content_text, q.article_id, a.title, a.url, "
           "a.published FROM quotes q JOIN articles a ON a.id = q.article_id "
           "WHERE (q.speaker_country = ? OR q.speaker_code LIKE ? || '%') "
           f"AND q.article_id IN (SELECT e.article_id FROM events e{where}) "
           "ORDER BY a.published DESC NULLS LAST, q.article_id, q.content_start, q.id LIMIT ?")
    items = []
    for row in _rows(db, sql, [speaker, speaker, *params, _PER_SECTION]):
        who = _clean(row["speaker_text"]) or row["speaker_code"]
        cue = _clean(row["cue"])
        label = f"{who} ({row['speaker_code']})" + (f", {cue}" if cue else "")
        day = row["published"].date() if row["published"] else None
        items.append(BriefItem(text=_clean(row["content_text"]), label=label, article_id=row["article_id"],
                               article_title=row["title"], url=row["url"], date=day, ref=row["id"]))
    return tuple(items)


def _next(db: Database, dyad: str, since: dt.date | None) -> tuple[BriefItem, ...]:
    from .calendar import calendar_entries

    return tuple(
        BriefItem(text=e.sentence, label=e.title + (f" ({e.status})" if e.status != "scheduled" else ""),
                  article_id=e.article_id, article_title=e.article_title, url=e.url, date=e.date,
                  ref=",".join(e.event_ids))
        for e in calendar_entries(db, start=since, dyad=dyad, limit=_PER_SECTION))


def build_brief(db: Database, dyad: str, *, since: dt.date | None = None, until: dt.date | None = None) -> Brief:
    """The extractive brief on ``dyad`` ("USA-RUS") from the events, quotes and calendar in ``db``."""
    from . import parse_dyad

    a, b = parse_dyad(dyad)
    pair = f"{a}-{b}"
    sections = (
        BriefSection(title=SECTION_TITLES[0], note=f"The {a}–{b} events that occurred with the largest "
                     "|Goldstein| score, in either direction.", items=_weighty(db, pair, since, until)),
        BriefSection(title=SECTION_TITLES[1], note=f"Quotes by {a} speakers in articles on {a}–{b} events.",
                     items=_said(db, a, pair, since, until)),
        BriefSection(title=SECTION_TITLES[2], note=f"Quotes by {b} speakers in articles on {a}–{b} events.",
                     items=_said(db, b, pair, since, until)),
        BriefSection(title=SECTION_TITLES[3], note=f"Scheduled and intended {a}–{b} occasions by date"
                     + (f", from {since.isoformat()}." if since else "."), items=_next(db, pair, since)),
    )
    return Brief(side_a=a, side_b=b, since=since, until=until, sections=sections)
