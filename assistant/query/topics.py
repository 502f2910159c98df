"""What a question is about, in terms of the indexed documents: the basis of follow-up detection.

A word names a topic when the index uses it in only a few of its documents (落户 in the hukou documents, 公积金 in
the housing-fund regulation, QFLP in one finance document); a word spread over many documents (投资, 材料, 条件,
累计) is an attribute that needs a topic from earlier in the conversation. English and mixed questions are read
through the cross-lingual expander, so "housing fund" names the same documents as 公积金.

Everything here is computed from the index, so a document staff add brings its own topics with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.query.crosslingual import CrossLingualExpander, ExpandedQuery
from assistant.query.textproc import TextProcessor

MAX_TOPIC_SHARE = 0.25  # a topic word occurs in at most this share of the indexed documents…
MIN_TOPIC_DOCS = 2  # …or in this many, whichever is larger (a two-document index still has topics)


class TopicIndex:
    """Which documents use each indexed token; built once per index snapshot (with the retriever)."""

    def __init__(self, doc_ids: Sequence[str], unit_tokens: Iterable[Iterable[str]],
                 expander: CrossLingualExpander, processor: TextProcessor) -> None:
        docs_of: dict[str, set[str]] = {}
        for doc_id, tokens in zip(doc_ids, unit_tokens, strict=True):
            for token in set(tokens):
                docs_of.setdefault(token, set()).add(doc_id)
        self._docs_of = {t: frozenset(d) for t, d in docs_of.items()}
        self.expander = expander
        self.processor = processor
        self.limit = max(MIN_TOPIC_DOCS, int(MAX_TOPIC_SHARE * len(set(doc_ids))))

    def documents(self, term: str) -> frozenset[str]:
        """The documents that use a term: all of its tokens, as the index tokenised them."""
        tokens = self.processor.tokenize(term, drop_stopwords=False) or [term.lower()]
        docs = [self._docs_of.get(t, frozenset()) for t in dict.fromkeys(tokens)]
        return frozenset.intersection(*docs) if docs else frozenset()

    def topics(self, text: str) -> dict[str, frozenset[str]]:
        """The text's topic words (each concept named by its first alternative) → the documents they point to."""
        found = self._all_topics(text)
        # 留学生 also yields 留学 and 学生: the whole word speaks for its parts
        return {n: d for n, d in found.items() if not any(n != m and n in m for m in found)}

    def _all_topics(self, text: str) -> dict[str, frozenset[str]]:
        return {terms[0]: docs for terms, docs in self.topic_concepts(text)}

    def topic_concepts(self, text: str | ExpandedQuery) -> list[tuple[tuple[str, ...], frozenset[str]]]:
        """Each topic concept of a text (or of its expansion, when the caller has it already): its alternative
        wordings and the documents they point to."""
        expanded = self.expander.expand(text) if isinstance(text, str) else text
        found = []
        for concept in expanded.concepts:
            name = concept.terms[0]
            if concept.origin == "number" or len(name) < 2 or any(ch.isdigit() for ch in name):
                continue
            docs = frozenset().union(*(self.documents(t) for t in concept.terms))
            if 0 < len(docs) <= self.limit:
                found.append((concept.terms, docs))
        return found

    def main_documents(self, text: str) -> frozenset[str]:
        """The documents a text is most about: each topic word gives its documents an equal share of one vote
        (a word in one document is a strong hint, a word in five a weak one); the leaders win."""
        votes: dict[str, float] = {}
        for docs in self.topics(text).values():
            for d in docs:
                votes[d] = votes.get(d, 0.0) + 1 / len(docs)
        if not votes:
            return frozenset()
        best = max(votes.values())
        return frozenset(d for d, v in votes.items() if v >= best - 1e-9)

    def continues(self, question: str, previous: str) -> bool | None:
        """Whether a question's topics are the previous turn's, or lie in the document it was most about
        (None: the question names no topic)."""
        own = self._all_topics(question)
        if not own:
            return None
        earlier = self._all_topics(previous)
        main = self.main_documents(previous)
        return any(name in earlier or docs & main for name, docs in own.items())
