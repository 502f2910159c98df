"""Which of a question's topic words the indexed policies never use ("uncovered terms").

A question about 公积金, 高考 or "unemployment benefit" can't be answered by policies that never use the word, and
the visitor should be told so in as many words. This is a fact about the corpus, checked, not a guess:

- Chinese: precise-mode jieba words of the question (without jieba's HMM, which invents words such as 缩到 or
  交了), of two or more characters, that name a thing (jieba noun tags, textproc.NOUN_TAGS: 公积金, 派出所 —
  not 折腾 or 看中), question words and stopwords left out. A word is covered when it, one of its
  synonyms (resources/zh_synonyms.tsv), or one of its search-mode sub-words (常住户口 → 户口, 留学生 → 留学)
  occurs anywhere in the indexed text.
- English: words that CC-CEDICT knows (its English definitions). A word is covered when the domain glossary or
  the corpus-restricted CC-CEDICT index has it, or when any Chinese word whose short CC-CEDICT definition uses it
  occurs in the indexed text — after light lemmatising (studied → study, planned → plan) and British spellings
  (centre → center), or when a Chinese name in the text is glossed by it ("Pudong, subprovincial district of
  Shanghai" for 浦东). A word CC-CEDICT doesn't know at all (a name, a typo, an acronym) is no evidence either way
  and is never reported.
Amounts, years and durations are never topic words.

Built once per index (with the retriever): one pass over CC-CEDICT, ~1.1 s of every cold start on this machine
(2026-12-03), so its result is kept on disk next to the index (EvidenceCache) and read back in ~0.1 s.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.query import crosslingual
from assistant.query.crosslingual import (
    _CJK_RUN,
    CrossLingualExpander,
    _clean_definition,
    cedict_path,
    stem,
)
from assistant.query.textproc import (
    EN_FUNCTION_WORDS,
    NON_TOPIC_TAGS,
    NOUN_TAGS,
    STOPWORDS,
    ZH_QUESTION_WORDS,
    TextProcessor,
    has_cjk,
    normalize,
)

log = logging.getLogger(__name__)

MAX_DEFINITION_WORDS = 3  # "to pay taxes" makes 纳税 evidence for "tax"; longer glosses are explanations
# Question words of the shape 几X / 哪X / 多X / 怎X (几倍, 哪家, 多长, 怎么办) and generic question verbs.
_ZH_QUESTION = re.compile(r"^[几哪多啥怎咋]|^(?:为何|是否|能否|可否|有无)")
_NUMERIC = re.compile(r"\d")
# A verb with a directional or aspect complement (迁过来, 落到, 跟着, 开了个) or in its A-not-A question form
# (算不算) is the bare verb as far as topic goes: 迁 is covered when the corpus has it (迁移).
_VERB_COMPLEMENT = re.compile(r"^(.+?)(?:过来|过去|进来|进去|出来|出去|起来|下来|下去|上来|上去|回来|回去|了个|了|着|过|到|在|给|个)$")
_A_NOT_A = re.compile(r"^(.+?)[不没]\1$")
# Irregular English verb forms a visitor may use (the suffix rules can't undo them).
_IRREGULAR = {"won": "win", "kept": "keep", "paid": "pay", "made": "make", "built": "build", "sent": "send",
              "spent": "spend", "lent": "lend", "sold": "sell", "bought": "buy", "brought": "bring", "taught":
              "teach", "thought": "think", "left": "leave", "lost": "lose", "held": "hold", "met": "meet", "led":
              "lead", "went": "go", "gone": "go", "got": "get", "gotten": "get", "took": "take", "taken": "take",
              "gave": "give", "given": "give", "came": "come", "became": "become", "began": "begin", "begun":
              "begin", "chose": "choose", "chosen": "choose", "grew": "grow", "grown": "grow", "knew": "know",
              "known": "know", "saw": "see", "seen": "see", "wrote": "write", "written": "write", "ran": "run",
              "found": "find", "told": "tell", "said": "say", "heard": "hear", "moved": "move", "children":
              "child", "wives": "wife", "people": "person", "women": "woman", "men": "man"}
_ABBREVIATION = re.compile(r"\(([A-Z]{2,6})\)")  # "Renminbi (RMB)": the abbreviation counts too
# A proper name that opens a sense, before its explanation ("Pudong, subprovincial district of Shanghai",
# "Jiading district of northwest Shanghai").
_NAMED = re.compile(r"^\s*([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})(?:,| (?:district|county|city|province|prefecture|town|"
                    r"township|village|island|river|lake|mountain)\b)")
_BRITISH = ((re.compile(r"(?<=[a-z])tre$"), "ter"), (re.compile(r"(?<=[a-z])ence$"), "ense"),
            (re.compile(r"(?<=[a-z]{3})is(e|ed|ing|ation)$"), r"iz\1"), (re.compile(r"(?<=[a-z]{2})our$"), "or"),
            (re.compile(r"(?<=[a-z])yse$"), "yze"))
_SUFFIXES = (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("es", ""),
             ("s", ""), ("ly", ""), ("ily", "y"), ("er", ""), ("est", ""), ("ive", "e"), ("ive", ""),
             ("ation", "e"), ("ness", ""), ("ment", ""), ("al", ""), ("ial", "e"), ("en", "e"), ("en", ""))
# Words of no topic that CC-CEDICT nonetheless glosses ("how", "year"...): never reported.
_EN_GENERIC = frozenset("""year years month months day days time times today now shanghai china chinese people
    person thing things yes no okay ok hello hi thanks thank question questions answer help""".split())  # noqa: SIM905


def lemma_candidates(word: str) -> set[str]:
    """The word and what it may be an inflection or a British spelling of (a superset: used only to find a
    match, never to report)."""
    w = word.lower()
    out = {w, stem(w), _IRREGULAR.get(w, w)}
    for pattern, repl in _BRITISH:
        out.add(pattern.sub(repl, w))
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            out.add(w[: -len(suffix)] + repl)
    for x in list(out):
        if len(x) > 3 and x[-1] == x[-2] and x[-1] not in "aeiousl":  # planned → plann → plan
            out.add(x[:-1])
    return out


Evidence = tuple[frozenset[str], frozenset[str], frozenset[str]]


class EvidenceCache:
    """CorpusLexicon's CC-CEDICT evidence on disk, keyed by everything it is computed from: the indexed text, its
    vocabulary, the CC-CEDICT file and the code that reads it (this module and assistant/query/crosslingual.py), so an
    ingest or an upgrade recomputes it. Best effort, like the BM25 token cache: an unreadable, stale or
    unwritable file only costs the second (serving must work from a read-only data dir)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    @staticmethod
    def key(text: str, vocab: Iterable[str]) -> str:
        h = hashlib.sha256()
        for part in (text, "\n".join(sorted(vocab)), str(cedict_path().stat().st_size)):
            h.update(part.encode("utf-8") + b"\x1e")
        for module in (__file__, crosslingual.__file__):
            h.update(Path(module).read_bytes())
        return h.hexdigest()

    def get(self, key: str, compute: Callable[[], Evidence]) -> Evidence:
        if self.path is None:
            return compute()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return frozenset(data["known"]), frozenset(data["present"]), frozenset(data["things"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or unreadable: recompute and rewrite
        evidence = compute()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            known, present, things = (sorted(x) for x in evidence)
            tmp.write_text(json.dumps({"key": key, "known": known, "present": present, "things": things},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("corpus lexicon cache not written (%s); the next start will read CC-CEDICT again", exc)
        return evidence


class CorpusLexicon:
    """`uncovered(question)` → the question's topic words the indexed text never uses, in question order."""

    def __init__(self, processor: TextProcessor, corpus_text: str, vocab: dict[str, int] | frozenset[str],
                 expander: CrossLingualExpander, cache_path: Path | None = None) -> None:
        self.processor = processor
        self.text = normalize(corpus_text).lower()
        self.vocab = vocab
        self.expander = expander
        self._bigrams = frozenset(self.text[i:i + 2] for i in range(len(self.text) - 1))
        t0 = time.perf_counter()
        self._en_known, self._en_present, self._zh_things = EvidenceCache(cache_path).get(
            EvidenceCache.key(self.text, vocab), self._english_evidence)
        log.info("corpus lexicon: %d English words known to CC-CEDICT, %d with a Chinese word in the corpus "
                 "(%.2f s)", len(self._en_known), len(self._en_present), time.perf_counter() - t0)

    # --- building --------------------------------------------------------------------------------------
    def _in_corpus(self, zh: str) -> bool:
        if zh in self.vocab:
            return True
        return zh[:2] in self._bigrams and zh in self.text  # the bigram set rejects most words without a scan

    def _english_evidence(self) -> Evidence:
        """(every English word of a CC-CEDICT sense, the stems of the words of short senses of Chinese words
        that occur in the corpus, without parenthesised remarks but with abbreviations: "Renminbi (RMB)";
        the Chinese words whose first sense names a thing rather than an action — 高考 "college entrance exam",
        not 折腾 "to toss from side to side": jieba tags some such words as verbs)."""
        known: set[str] = set()
        present: set[str] = set()
        things: set[str] = set()
        word_re = re.compile(r"[a-z]+")
        with gzip.open(cedict_path(), mode="rt", encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                parts = line.split(" ", 2)
                if len(parts) < 3 or len(parts[1]) < 2:
                    continue
                raw_senses = line.rstrip().rstrip("/").split("/")[1:]
                senses = [s.lower() for s in raw_senses]
                known.update(word_re.findall(" ".join(senses)))
                if senses and not senses[0].startswith(("to ", "(verb")):
                    things.add(parts[1])
                if not self._in_corpus(parts[1]):
                    continue
                for raw in (s for d in raw_senses for s in d.split(";")):
                    name = _NAMED.match(raw)
                    if name:  # "Pudong, subprovincial district of Shanghai": the sense names Pudong
                        present.update(stem(w) for w in word_re.findall(name.group(1).lower()))
                    if _clean_definition(raw) is None:
                        continue
                    core = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", raw).lower()
                    if len(core.split()) <= MAX_DEFINITION_WORDS + 1:  # + "to" of a verb
                        present.update(stem(w) for w in word_re.findall(core))
                        present.update(a.lower() for a in _ABBREVIATION.findall(raw))
        return frozenset(known), frozenset(present), frozenset(things)

    # --- checking --------------------------------------------------------------------------------------
    def _zh_covered(self, word: str) -> bool:
        if self._in_corpus(word):
            return True
        if any(self._in_corpus(s) for s in self.expander.zh_synonyms.get(word, ())):
            return True
        if any(self._in_corpus(s) for s in self.processor.sub_words(word) if len(s) >= 2 and s != word):
            return True
        bare = _A_NOT_A.match(word) or _VERB_COMPLEMENT.match(word)
        return bool(bare) and bare.group(1) in self.text  # a one-character verb counts as part of any word

    def _zh_uncovered(self, run: str) -> Iterable[str]:
        for word, tag in self.processor.tagged_words(run):
            names_a_thing = tag in NOUN_TAGS or (tag not in NON_TOPIC_TAGS and word in self._zh_things)
            if (len(word) < 2 or not names_a_thing or word in STOPWORDS or _ZH_QUESTION.match(word)
                    or _NUMERIC.search(word) or word in ZH_QUESTION_WORDS):
                continue
            if not self._zh_covered(word):
                yield word

    def _en_covered(self, word: str) -> bool | None:
        """True/False, or None when CC-CEDICT doesn't know the word (no evidence)."""
        candidates = lemma_candidates(word)
        stems = {stem(c) for c in candidates}
        if any((s,) in self.expander.glossary or (s,) in self.expander.cedict for s in stems):
            return True
        if stems & self._en_present:
            return True
        return False if candidates & self._en_known else None

    def _en_uncovered(self, text: str) -> Iterable[str]:
        """Glossary phrases whose Chinese terms this corpus doesn't use, and English words the expander matched
        to nothing (corpus-restricted CC-CEDICT and glossary phrases cover theirs: "STAR Market", "small and
        micro") and that the corpus has no translation of."""
        concepts, unmatched = self.expander._english(text)  # noqa: SLF001 — the retriever's own matching
        for c in concepts:  # a glossary phrase counts only if this corpus uses one of its Chinese terms
            if c.origin == "glossary" and not any(self._in_corpus(t) for t in c.terms if has_cjk(t)):
                yield c.source
        skip = STOPWORDS | EN_FUNCTION_WORDS | _EN_GENERIC
        for word in unmatched:
            if len(word) < 3 or word in skip or word.isdigit() or word.endswith("ly"):  # adverbs name no topic
                continue
            if self._en_covered(word) is False:
                yield word

    def uncovered(self, question: str) -> tuple[str, ...]:
        text = unicodedata.normalize("NFKC", question)
        found: list[str] = []
        pos = 0
        for m in _CJK_RUN.finditer(text):
            found += self._en_uncovered(text[pos:m.start()])
            found += self._zh_uncovered(normalize(m.group(0)))
            pos = m.end()
        found += self._en_uncovered(text[pos:])
        return tuple(dict.fromkeys(found))

