"""Whether a text mentions a question's concept: the test both the answerer and the refusal gate apply."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from assistant.query.crosslingual import Concept
from assistant.query.textproc import default_processor, has_cjk


@lru_cache(maxsize=16384)
def text_tokens(text: str) -> frozenset[str]:
    return frozenset(default_processor().tokenize(text))


def concept_in(concept: Concept, norm_text: str, tokens: frozenset[str]) -> bool:
    """A concept matches a text when one of its alternatives is one of the text's tokens, or (Chinese terms
    of two or more characters without digits) a substring of it. Amounts match as tokens only, so 500万
    doesn't match 1500万."""
    for term in concept.terms:
        t = term.lower()
        if t in tokens:
            return True
        if len(t) >= 2 and has_cjk(t) and not any(ch.isdigit() for ch in t) and t in norm_text:
            return True
    return False


def informative_concepts(concepts: Sequence[Concept]) -> list[Concept]:
    """The concepts worth looking for: all but one- and two-letter Latin words."""
    return [c for c in concepts if c.origin != "latin" or len(c.source) > 2]
