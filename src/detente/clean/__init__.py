"""Clean: main text from HTML, boilerplate and clutter removed, bylines and datelines kept as metadata.

The cleaned text is what is stored, and every offset of every record points into it.
Rules are general (newsletter and subscription prompts, "More from ...", share lines,
photo credits, bylines, datelines), never about one outlet's text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

from ..errors import Errors, InputError
from ..ingest import RawDocument, parse_date
from ..model import Article

logger = logging.getLogger(__name__)

__all__ = ["CleanText", "article_id", "clean_document", "clean_text", "english_ratio", "html_to_text", "looks_english"]

# Whole lines that are clutter, not reporting. Each pattern is anchored at the start of a line.
_CLUTTER = [
    r"(more|read more|see more|also read|read also|related|recommended|most read|trending|further reading|you may also like|more stories|more coverage)\b.{0,80}:",
    r"(sign up|signup|subscribe|register|join)\b.{0,200}\b(newsletter|briefing|inbox|email|free|today|updates|alerts|now|here)\b",
    r"(get|receive)\b.{0,60}\b(newsletter|in your inbox|delivered)",
    r"(share|share this|share on|tweet this|email this|print this|copy link|follow us|follow (him|her|them) on|like us on)\b",
    r"(photo|photograph|image|picture|video|graphic|illustration|photo illustration)s?( credit)?\s*[:(]",
    r"\(?(photo|image|picture)s? (by|courtesy of|credit)\b",
    r"(copyright|©|\(c\)\s*\d{4}|all rights reserved)",
    r"(advertisement|sponsored|sponsored content|promoted|story continues below|continue reading|click here|download (our|the) app|listen to this article|reporting by|editing by|additional reporting)\b",
    r"(this (article|story) (was|has been) (updated|corrected)|correction:)",
]
_CLUTTER_RE = re.compile(r"^\W{0,3}(?:" + "|".join(_CLUTTER) + ")", re.IGNORECASE)
# A sentence inside a promo line that gives it away even when the line starts innocently.
_PROMO_RE = re.compile(
    r"\b(sign up|subscribe (for|to|now|today)|subscribe\b.{0,20}\bfree|newsletter|in your inbox|"
    r"all rights reserved)\b", re.IGNORECASE)
_BYLINE_RE = re.compile(r"^\s*(?:[Bb]y|BY|[Ff]rom)\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|de|van|von|al|bin))"
                        r"{0,5})\s*(?:[,|—–-].{0,60})?$")
_DATELINE_RE = re.compile(
    r"^\s*([A-Z][A-Z .'’-]{1,40}[A-Z](?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"  # GENEVA / WASHINGTON, D.C.
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"  # , Sept. 28 / , March 3, 2022
    r"\s*(?:\(([^)]{1,40})\))?\s*(?:—|–|--|-|:)\s+")
_BULLET_RE = re.compile(r"^\s*(?:[-•*·▪►]|\d{1,2}[.)])\s+")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")

# English function words for the language check: frequent, short, and rare in other languages.
_ENGLISH = frozenset(
    ["the", "of", "and", "to", "in", "is", "was", "that", "for", "on", "with", "as", "by", "at", "from", "it", "his", "her", "their", "has", "have", "had", "be", "been", "are", "were", "said", "will", "would", "not", "but", "which", "who", "this", "an", "or", "after", "its", "they", "he", "she", "we", "also", "than", "more", "about", "over", "into", "against", "could", "should", "there", "when", "what", "while"]
)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# Frequent function words of other languages written in Latin script, none of them English words.
_FOREIGN = frozenset(
    ["le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "que", "qui", "sur", "pas", "avec", "sont", "ont", "aux", "ce", "cette", "il", "elle", "nous", "vous", "ils", "el", "los", "las", "del", "y", "con", "por", "para", "una", "es", "lo", "se", "su", "sus", "al", "pero", "como", "más", "muy", "también", "fue", "der", "das", "und", "ist", "mit", "von", "dem", "nicht", "ein", "eine", "sich", "auf", "auch", "nach", "wird", "bei", "zum", "zur", "ich", "wir", "sie", "di", "che", "per", "non", "della", "delle", "degli", "nel", "nella", "sono", "gli", "questo", "anche", "do", "da", "em", "um", "uma", "não", "os", "ao", "pelo", "pela", "são", "foi", "mais", "het", "een", "van", "zijn", "niet", "ook", "naar", "voor", "maar", "wordt", "och", "att", "som", "för", "med", "är", "inte", "til", "og", "ikke", "jest", "nie", "się", "na", "że", "do", "jak"]
) - _ENGLISH


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanText:
    text: str
    byline: str | None = None
    dateline: str | None = None
    removed: tuple[str, ...] = ()


def english_ratio(text: str, *, words: int = 400) -> float:
    """Share of the first ``words`` words that are common English function words."""
    tokens = _WORD_RE.findall(text[:20000].lower())[:words]
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t in _ENGLISH) / len(tokens)


def looks_english(text: str, *, min_ratio: float = 0.1) -> bool:
    """True when text reads as English: Latin script, enough English function words, and
    clearly more of them than of other languages' function words."""
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) / len(letters) < 0.8:
        return False
    tokens = _WORD_RE.findall(sample.lower())[:400]
    if not tokens:
        return False
    english = sum(1 for t in tokens if t in _ENGLISH) / len(tokens)
    foreign = sum(1 for t in tokens if t in _FOREIGN) / len(tokens)
    return english >= min_ratio and english >= 2 * foreign


def _is_clutter(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _CLUTTER_RE.match(stripped):
        return True
    # A short line whose sentences are mostly promotion ("Get the app. Subscribe for free").
    return len(stripped) < 300 and bool(_PROMO_RE.search(stripped)) and not re.search(
        r"\b(said|says|told|according)\b", stripped)


def clean_text(text: str) -> CleanText:
    """Normalise whitespace, drop clutter lines, and lift a byline and dateline into metadata.

    Idempotent: cleaning cleaned text changes nothing.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    kept: list[str] = []
    removed: list[str] = []
    byline: str | None = None
    dateline: str | None = None
    for line in lines:
        if not line:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if _is_clutter(line):
            removed.append(line)
            continue
        body = [x for x in kept if x]
        if byline is None and len(body) <= 1 and len(line.split()) <= 10:
            match = _BYLINE_RE.match(line)
            if match:
                byline = match.group(1)
                removed.append(line)
                continue
        line = _BULLET_RE.sub("", line)
        if dateline is None and len(body) <= 2:
            match = _DATELINE_RE.match(line)
            if match and len(match.group(1).split()) <= 5 and line[match.end():][:1].isupper():
                dateline = match.group(0).strip(" —–-:")
                removed.append(match.group(0).strip())
                line = line[match.end():]
        kept.append(line)
    while kept and kept[-1] == "":
        kept.pop()
    return CleanText(text="\n".join(kept), byline=byline, dateline=dateline, removed=tuple(removed))


def html_to_text(html: str, where: str) -> tuple[str, dict[str, str | None]]:
    """Main text and metadata of an HTML page (trafilatura), falling back to all text for fragments."""
    import trafilatura

    meta: dict[str, str | None] = {}
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if doc is not None:
        for key in ("title", "date", "url", "sitename", "author"):
            value = getattr(doc, key, None)
            meta[key] = str(value) if value else None
    if not text or not text.strip():
        # A fragment (feed item, short page): take its visible text.
        try:
            import lxml.html

            tree = lxml.html.fromstring(html)
            for bad in tree.xpath("//script|//style|//nav|//header|//footer|//aside|//form"):
                bad.drop_tree()
            blocks = [b.text_content().strip() for b in tree.xpath("//p|//li|//h1|//h2|//h3|//blockquote")]
            text = "\n".join(b for b in blocks if b) or tree.text_content()
        except Exception:  # lxml raises ParserError, ValueError and more on garbage
            text = ""
    if not text or len(text.split()) < 5:
        raise InputError(Errors.E208.format(path=where), code="E208")
    return text, meta


def article_id(*, outlet: str | None, url: str | None, text: str) -> str:
    """Stable id: a hash of outlet+url when there is a url, else of the cleaned text."""
    key = f"url\x00{(outlet or '').lower()}\x00{url}" if url else f"text\x00{text}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=10).hexdigest()


def clean_document(raw: RawDocument, *, require_english: bool = True,
                   min_english_ratio: float = 0.18) -> Article:
    """Turn a RawDocument into an Article with cleaned text and a stable id.

    Raises:
        InputError: no text left (E214, E208) or not English (E211).
    """
    text = raw.text
    title, url, published, outlet = raw.title, raw.url, raw.published, raw.outlet
    byline = None
    if raw.html:
        text, meta = html_to_text(text, raw.where)
        title = title or meta.get("title")
        url = url or meta.get("url")
        outlet = outlet or meta.get("sitename")
        byline = meta.get("author")
        if published is None and meta.get("date"):
            try:
                published = parse_date(meta["date"], raw.where)
            except InputError:
                published = None
    cleaned = clean_text(text)
    if len(cleaned.text.split()) < 3:
        raise InputError(Errors.E214.format(where=raw.where), code="E214")
    language = raw.language
    if require_english:
        if (language and not language.lower().startswith("en")) or not looks_english(
                cleaned.text, min_ratio=min_english_ratio):
            detected = language if language and not language.lower().startswith("en") else "not English"
            raise InputError(Errors.E211.format(where=raw.where, language=detected), code="E211")
        language = "en"
    return Article(
        id=article_id(outlet=outlet, url=url, text=cleaned.text),
        text=cleaned.text,
        url=url,
        outlet=outlet,
        title=title,
        published=published,
        language=language,
        source_path=raw.source_path,
        byline=byline or cleaned.byline,
        dateline=cleaned.dateline,
        source_id=raw.source_id,
    )
