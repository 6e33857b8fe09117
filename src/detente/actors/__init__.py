"""Actors: dictionaries (states, IGOs, roles, people, regions) and mention -> Actor resolution."""

from ._dictionary import TRANSNATIONAL, ActorDictionary, Entry
from ._people import People, Tenure
from ._resolver import (
           RELATIONAL,
           ROLE_KINDS,
           ActorResolver,
           ArticleActors,
           Mention,
           mention_actor,
           sentence_bounds,
)

__all__ = ["RELATIONAL", "ROLE_KINDS", "TRANSNATIONAL", "ActorDictionary", "ActorResolver", "ArticleActors", "Entry", "Mention", "People", "Tenure", "mention_actor",
           "sentence_bounds"]
