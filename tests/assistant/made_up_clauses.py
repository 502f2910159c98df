"""Direct first lines on made-up clauses: each text a quoted passage of one made-up document, the question expanded
over their own words, as the chain would."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct import direct_answer
from assistant.answer.extractive import Passage
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import SearchHit


def lead_over(question: str, texts: tuple[str, ...], doc_title: str, general: bool = False,
              term_share: Callable[[str], float] | None = None) -> DirectAnswer | None:
    """The direct answer to `question` over `texts`, each opening with its locator (第三条 …); `general` and
    `term_share` as the chain passes them."""
    tp = default_processor()
    passages = []
    for i, text in enumerate(texts):
        hit = SearchHit(id=f"d:{i}", doc_id="d", doc_title=doc_title, locator=text.split()[0], text=text, score=1.0)
        passages.append(Passage(i, hit, 0, len(text), 1.0))
    expanded = CrossLingualExpander(tp, frozenset(t for x in texts for t in tp.tokenize(x))).expand(question)
    return direct_answer(question, passages, (), (), expanded, general=general, term_share=term_share)
