"""The eval question set: loading, validation helpers, span matching and the stratified fast subset."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import Turn

EVAL_DIR = Path(__file__).resolve().parent
EVAL_DATA = EVAL_DIR / "data"  # the labelled question sets
QUESTIONS_PATH = EVAL_DATA / "questions.jsonl"
DEFAULT_CORPUS_FILE = EVAL_DIR.parent / "ingest" / "corpus" / "pujiang-2021-policy-compilation.txt"

TYPES = ("single", "numeric", "multi", "followup", "out_of_scope", "validity")
LANGS = ("zh", "en", "mixed")
STATUS_PREFIX = "status:"  # a fact "status:expired" is checked against Answer.validity, not the answer text

_WS = re.compile(r"\s+")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def norm(text: str) -> str:
    """Matching form of a text: NFKC (full/half-width punctuation agree) and no whitespace at all.

    The corpus is a PDF dump with stray spaces inside words (`由 7 年缩短为 3 年`), so every comparison of
    spans, units and facts ignores whitespace.
    """
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def norm_fact(text: str) -> str:
    """Fact matching also treats `2025年11月30日` and `2025-11-30` as the same date and ignores case."""
    text = norm(text).lower()
    return _CN_DATE.sub(lambda m: f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", text)


@dataclass(frozen=True)
class GoldRef:
    doc_title: str
    locator: str
    span: str


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    lang: str
    type: str
    history: tuple[Turn, ...]
    gold: tuple[GoldRef, ...]
    facts: tuple[str, ...]
    notes: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != "out_of_scope"

    @property
    def text_facts(self) -> tuple[str, ...]:
        """Facts that must appear in the answer text."""
        return tuple(f for f in self.facts if not f.startswith(STATUS_PREFIX))

    @property
    def expected_status(self) -> str | None:
        """Expected validity status of the gold document, when the question asks about it."""
        for f in self.facts:
            if f.startswith(STATUS_PREFIX):
                return f[len(STATUS_PREFIX):]
        return None

    @property
    def history_dicts(self) -> list[dict]:
        return [{"role": t.role, "content": t.content} for t in self.history]


@dataclass
class QuestionSet:
    questions: list[EvalQuestion] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.questions)

    def by_id(self) -> dict[str, EvalQuestion]:
        return {q.id: q for q in self.questions}


def parse_record(rec: dict) -> EvalQuestion:
    """One jsonl line → EvalQuestion (raises KeyError/ValueError naming the problem)."""
    for key in ("id", "question", "lang", "type", "history", "gold", "facts"):
        if key not in rec:
            raise KeyError(f"question {rec.get('id', '?')}: missing field '{key}'")
    if rec["type"] not in TYPES:
        raise ValueError(f"question {rec['id']}: unknown type {rec['type']!r}")
    if rec["lang"] not in LANGS:
        raise ValueError(f"question {rec['id']}: unknown lang {rec['lang']!r}")
    return EvalQuestion(
        id=rec["id"], question=rec["question"], lang=rec["lang"], type=rec["type"],
        history=tuple(Turn(role=h["role"], content=h["content"]) for h in rec["history"]),
        gold=tuple(GoldRef(g["doc_title"], g["locator"], g["span"]) for g in rec["gold"]),
        facts=tuple(rec["facts"]), notes=rec.get("notes", ""),
    )


def read_records(path: Path = QUESTIONS_PATH) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_questions(path: Path = QUESTIONS_PATH, subset: str | None = None) -> QuestionSet:
    qs = [parse_record(r) for r in read_records(path)]
    if subset == "fast":
        qs = fast_subset(qs)
    elif subset not in (None, "", "full"):
        raise ValueError(f"unknown subset {subset!r}; use 'fast' or 'full'")
    return QuestionSet(qs)


def fast_subset(questions: list[EvalQuestion], size: int = 40) -> list[EvalQuestion]:
    """A deterministic ~`size` sample stratified by (type, lang): round-robin over the strata in id order,
    so every type and language keeps roughly its share and the subset never changes between runs."""
    strata: dict[tuple[str, str], list[EvalQuestion]] = defaultdict(list)
    for q in sorted(questions, key=lambda q: q.id):
        strata[(q.type, q.lang)].append(q)
    total = len(questions)
    # quota per stratum proportional to its size, at least one each
    quotas = {k: max(1, round(len(v) * size / total)) for k, v in strata.items()}
    picked: list[EvalQuestion] = []
    for key in sorted(strata):
        members = strata[key]
        step = len(members) / quotas[key]
        picked.extend(members[int(i * step)] for i in range(quotas[key]))
    return sorted(picked, key=lambda q: q.id)


def span_in(span: str, text: str) -> bool:
    return norm(span) in norm(text)
