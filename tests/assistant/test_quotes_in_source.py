"""Every quote the assistant shows is what its source file says (ingest.provenance), not merely a slice of the
cleaned unit it was cut from: the real index of the default corpus, answering the eval's fast subset.

One known difference is allowed, narrowly: the cleaner gives a misprinted item number its opening bracket back
(`一)在国(境)外…` in the file → `(一)在国(境)外…` in the unit, ingest.clean.fix_missing_bracket), so a quote of
such an item shows a bracket the file lacks. Such a quote must be found once that one bracket is taken out; any
other difference fails.
"""

from __future__ import annotations

from quote_helpers import found_without_an_added_bracket

from assistant.service import PolicyAssistant
from eval.questions import QUESTIONS_PATH, load_questions
from ingest.provenance import IndexedSources


def test_every_quote_of_eval_answers_is_found_in_its_source_file(assistant: PolicyAssistant,
                                                                 indexed_settings) -> None:
    source_of = {u.id: u.source for u in assistant._load().store.all_units()}
    quotes: list[tuple[str, str, str]] = []  # (question id, source file, quote)
    for q in load_questions(QUESTIONS_PATH, "fast").questions:
        answer = assistant.ask(q.question, history=q.history_dicts)
        quotes += [(q.id, source_of[c.id], c.quote) for c in answer.citations if c.quote.strip()]
    assert len(quotes) >= 50  # enough answers quote something for this to say anything

    files = IndexedSources(indexed_settings)  # the files as the manifest names them, read by ingest.load
    not_found = [(qid, source, quote) for qid, source, quote in quotes if not files.contains(source, quote)]
    unexplained = [(qid, quote) for qid, source, quote in not_found
                   if not found_without_an_added_bracket(quote, files.matcher(source))]
    assert unexplained == [], "quotes that their source file doesn't say word for word"
