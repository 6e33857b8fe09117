"""Extract: events (with status and date), quotes and speakers, time expressions."""

from .dates import ResolvedDate, resolve_date
from .quotes import extract_quotes
from .rules import RulesConfig, RulesExtractor

__all__ = ["ResolvedDate", "RulesConfig", "RulesExtractor", "extract_quotes", "resolve_date"]
