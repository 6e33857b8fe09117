"""Cleaning: general clutter rules, bylines and datelines as metadata, idempotence, language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.clean import article_id, clean_document, clean_text, looks_english
from detente.errors import InputError
from detente.ingest import RawDocument

STORY = (
    "By Anna Kowal\n"
    "VALDORIA (Northbridge Wire) — Ruritania and Freedonia held talks on Monday.\n"
    "Photo: Jan Marek/Northbridge\n"
    "- The ministers agreed to meet again next month.\n"
    "Share this article\n"
    "Read more: Why the border matters\n"
    "More from The Meridian Post: Sign up for our Morning Brief newsletter. Subscribe for free\n"
)


def test_clean_removes_clutter_and_lifts_metadata() -> None:
    out = clean_text(STORY)
    assert out.text == ("Ruritania and Freedonia held talks on Monday.\n"
                        "The ministers agreed to meet again next month.")
    assert out.byline == "Anna Kowal"
    assert out.dateline is not None and out.dateline.startswith("VALDORIA")


@pytest.mark.parametrize("line", [
    "Sign up to get the latest news from the region in your inbox.",
    "Subscribe for free to our daily briefing",
    "More from Example Daily: The week in review",
    "Follow us on social media",
    "Copyright 2024 Example Media. All rights reserved.",
    "(Photo by Jane Doe/Example Agency)",
    "Advertisement",
])
def test_clean_drops_promo_lines(line: str) -> None:
    assert clean_text(f"Ruritania expelled two diplomats on Friday.\n{line}").text == (
        "Ruritania expelled two diplomats on Friday.")


def test_clean_keeps_reporting_that_mentions_newsletters() -> None:
    text = "The minister said the newsletter published by the embassy was propaganda."
    assert clean_text(text).text == text


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
@settings(max_examples=150, deadline=None)
def test_clean_is_idempotent(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once


def test_article_id_stable() -> None:
    assert article_id(outlet="x", url="https://a/b", text="one") == article_id(outlet="x", url="https://a/b", text="two")
    assert article_id(outlet=None, url=None, text="one") != article_id(outlet=None, url=None, text="two")


def test_clean_document_rejects_non_english() -> None:
    raw = RawDocument(text="Le président a rencontré son homologue à Paris pour des discussions sur la sécurité.",
                      where="fr.txt")
    with pytest.raises(InputError) as info:
        clean_document(raw)
    assert "fr.txt" in str(info.value) and info.value.code == "E211"


def test_looks_english() -> None:
    assert looks_english("Thousands of protesters rallied outside parliament on Sunday.")
    assert not looks_english("Der Kanzler hat am Montag mit dem Präsidenten gesprochen und die Lage ist ernst.")
    assert not looks_english("Президент встретился с министром.")


def test_clean_document_html() -> None:
    html = ("<html><head><title>Talks</title></head><body><nav>Home | World</nav><article><h1>Talks</h1>"
            "<p>Ruritania and Freedonia held talks in Valdoria on Monday, the foreign ministry said.</p>"
            "<p>The two sides agreed to meet again in March to discuss the disputed border region.</p>"
            "</article><footer>Sign up for our newsletter</footer></body></html>")
    article = clean_document(RawDocument(text=html, where="t.html", html=True))
    assert "Ruritania and Freedonia held talks" in article.text
    assert "newsletter" not in article.text and "Home | World" not in article.text


@pytest.mark.parametrize(("line", "dateline"), [
    ("PORT HAVEN, Oct. 3 (Northbridge Wire) — The council voted on Tuesday.", "PORT HAVEN, Oct. 3 (Northbridge Wire)"),
    ("LAKESIDE, N.R., March 14, 2023 — The mayor resigned.", "LAKESIDE, N.R., March 14, 2023"),
    ("VALDORIA — Talks resumed.", "VALDORIA"),
])
def test_dateline_with_a_date_is_lifted(line: str, dateline: str) -> None:
    out = clean_text("A headline about the council\n\n" + line)
    assert out.dateline == dateline
    assert "—" not in out.text.splitlines()[-1]
