"""Request bodies of the REST API (pydantic, ``extra="forbid"``) and the documented error shape.

They stop at the boundary: :func:`to_articles` turns them into :class:`~detente.model.Article` records.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ..model import Article
from ..pipeline import make_article

__all__ = ["ErrorBody", "ErrorResponse", "IngestArticle", "IngestRequest", "to_articles"]

#: At most this many articles per ingest request, and this many characters per article.
MAX_ARTICLES = 100
MAX_CHARS = 200_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestArticle(_Strict):
    text: str = Field(min_length=1, max_length=MAX_CHARS, description="The article text.")
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=4000)
    published: dt.datetime | dt.date | None = Field(default=None, description="ISO 8601 date or date-time.")
    outlet: str | None = Field(default=None, max_length=200)
    id: str | None = Field(default=None, max_length=200, description="The article's id in your system.")


class IngestRequest(_Strict):
    articles: list[IngestArticle] = Field(min_length=1, max_length=MAX_ARTICLES)


class ErrorBody(_Strict):
    code: str = Field(description="detente's stable error code, e.g. E102.")
    message: str
    status: int = Field(description="The HTTP status.")
    errors: list[str] = Field(default_factory=list, description="Each invalid field as 'where.field: message'.")


class ErrorResponse(_Strict):
    ok: bool = False
    error: ErrorBody


def to_articles(request: IngestRequest) -> list[Article]:
    return [make_article(a.text, published=a.published, outlet=a.outlet, url=a.url, title=a.title,
                         source_id=a.id) for a in request.articles]
