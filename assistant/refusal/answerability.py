"""A learned answerability check: how likely a question is out of scope, from its embedding and the gate's support.

Why: the lexical gate (assistant/refusal/gate.py) can't tell "医保卡丢了去哪里补办" (医保 and 补办 occur in the
policies) from an answerable question with words the policies phrase differently; at ≤5% false refusals on a new
writer's questions it refused ~23% of out-of-scope ones. A logistic regression over the question's e5 embedding
plus the gate's inputs (gate_inputs) learns which *kinds* of question this compilation doesn't cover (everyday
services: 医保, 驾照, passports; procedures it never describes) from the labelled visitor questions in eval/.
With each of the 14 labelled sets left out in turn: 343/530 out-of-scope questions refused at 12/673 answerable
ones (worst set 4.3%), against 115/530 at 21/673 for the lexical gate; blind hold-out (80 questions by two new
writers) 26/40 at 0/40, lexical gate 18/40 at 8/40 (2026-12-03, this machine; `policy-assistant
calibrate-refusal`). Looser settings refuse more on the dev sets but learn a writer's habits: fitted without the
eval set, one refused 27% of its answerable 几年/多少 questions — hence the rule "≤ 5% false refusals on every set
left out" (eval/calibration/answerability.py).

What it learned is about one corpus and one embedding model. So the model file records both — the embedding
model id and the titles of the documents it was trained for (and their fingerprint) — and applies only where
they hold. When staff *add* policy files, it still judges questions whose retrieved clauses all come from the
documents it knows, and defers to the lexical gate for any question that retrieves a clause of a new document
(added_documents; it learned that 驾照 is out of scope, not that a new 驾照 policy isn't). Measured 2026-12-04 on
this machine, each of the 13 documents treated in turn as the new one: 192–338/530 out-of-scope questions
refused at 9–20/673 answerable ones (worst set 4.3–7.5%), against 115/530 at 21/673 (worst set 12.5%) had it
been switched off, as it was until then (`calibrate-refusal` prints this table). When a
trained document is gone (or re-titled), or the embedding model differs, it doesn't apply at all and the lexical
gate decides alone (a logged warning) until someone recalibrates with `calibrate-refusal --write-model`.
Serving is a dot product (no scikit-learn at run time); training uses scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.refusal.gate import UNCOVERED_WEIGHT, RefusalFeatures

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parents[1] / "resources" / "answerability.json"
SUPPORT_SCALE = 5.0  # the support (0–1) is scaled to the spread of the embedding's coordinates before fitting
# The gate's other inputs (passage coverage, unit coverage, uncovered words, unstated details) are z-scored with
# the training mean and spread, then scaled like the embedding's coordinates (~0.05) so one L2 penalty fits all.
# Measured 2026-12-03 (each of 11 labelled sets left out): 231/410 out of scope refused at 8/554 answerable
# refused with them, 206/410 at 6/554 with the support alone; scale 0.1 and 0.05 within noise (222/410 at 6/554).
LEXICAL_SCALE = 0.1


def gate_inputs(f: RefusalFeatures) -> np.ndarray:
    """What the model reads of the lexical gate: the support first, then passage coverage, unit coverage, and the
    numbers of uncovered words and of unstated asked details (assistant/refusal/gate.py)."""
    return np.array([f.support(UNCOVERED_WEIGHT), f.passage_coverage, f.coverage, len(f.uncovered),
                     len(f.unstated)], dtype=np.float64)


def corpus_fingerprint(titles: Iterable[str]) -> str:
    """sha256 of the sorted, de-duplicated document titles: what the compilation covers, not its chunking."""
    joined = "\n".join(sorted({t.strip() for t in titles if t and t.strip()}))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fitted:
    """A logistic regression over design(): coefficients, intercept and the lexical inputs' standardisation."""

    coef: np.ndarray
    intercept: float
    lexical_mean: np.ndarray
    lexical_std: np.ndarray

    def predict(self, vectors: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        x = design(vectors, inputs, self.lexical_mean, self.lexical_std)
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))


@dataclass(frozen=True)
class AnswerabilityModel:
    embedding_model: str  # the `.model_id` of the embedder whose query vectors it was trained on
    corpus: str  # corpus_fingerprint() of the document titles it was trained for
    coef: tuple[float, ...]  # the support's, then one per lexical input, then one per embedding dimension
    intercept: float
    threshold: float  # refuse when P(out of scope) ≥ this
    calibration: str = ""  # how the threshold and C were chosen, with the cross-validated numbers
    # Training mean and standard deviation of gate_inputs()[1:]; empty = a support-only model (the first format).
    lexical_mean: tuple[float, ...] = ()
    lexical_std: tuple[float, ...] = ()
    # The trained document titles, sorted (their corpus_fingerprint() is `corpus`); empty in models written before titles were recorded,
    # which then applies to its exact compilation only.
    documents: tuple[str, ...] = ()

    def p_out_of_scope(self, vector: Sequence[float], f: RefusalFeatures) -> float:
        v = np.asarray(vector, dtype=np.float64)[None, :]
        n_lex = len(self.lexical_mean)
        if v.shape[1] + 1 + n_lex != len(self.coef):
            raise ValueError(f"the answerability model expects {len(self.coef) - 1 - n_lex}-d vectors, got "
                             f"{v.shape[1]}")
        fitted = Fitted(np.asarray(self.coef), self.intercept, np.asarray(self.lexical_mean),
                        np.asarray(self.lexical_std))
        return float(fitted.predict(v, gate_inputs(f)[None, :1 + n_lex])[0])

    def applies_to(self, embedding_model: str, titles: Iterable[str]) -> bool:
        """True for exactly the compilation and embedding model it was trained for."""
        return self.added_documents(embedding_model, titles) == frozenset()

    def added_documents(self, embedding_model: str, titles: Iterable[str]) -> frozenset[str] | None:
        """The live index's titles it wasn't trained for — empty for its own compilation — or None when it
        doesn't apply at all: another embedding model, or a trained document no longer indexed."""
        if embedding_model != self.embedding_model:
            return None
        live = {t.strip() for t in titles if t and t.strip()}
        if corpus_fingerprint(live) == self.corpus:
            return frozenset()
        trained = set(self.documents)
        if not trained or not trained <= live:
            return None
        return frozenset(live - trained)

    def describe_fit(self, embedding_model: str, titles: Iterable[str]) -> str | None:
        """One line for the staff who run ingest: how this index departs from what the check was trained for,
        and what that means for refusals; None when it is exactly that."""
        live = {t.strip() for t in titles if t and t.strip()}
        added = self.added_documents(embedding_model, live)
        fix = "recalibrate with `policy-assistant calibrate-refusal --write-model` on labelled questions"
        if added == frozenset():
            return None
        if added:
            return (f"{len(added)} indexed document(s) are new to the learned out-of-scope check (trained on "
                    f"{len(self.documents)}); questions that retrieve their clauses are judged by the lexical "
                    f"refusal gate alone. To have the learned check judge them too, {fix}.")
        if embedding_model != self.embedding_model:
            why = f"it was trained with {self.embedding_model}, this index uses {embedding_model or 'another model'}"
        elif self.documents:
            gone = sorted(set(self.documents) - live)
            why = f"{len(gone)} of the {len(self.documents)} documents it was trained for are not indexed ({gone[0]})"
        else:
            why = "this index holds other documents than it was trained for"
        return f"the learned out-of-scope check is off: {why}; the lexical refusal gate decides alone. To turn it on, {fix}."

    def save(self, path: Path = MODEL_PATH) -> None:
        data = asdict(self)
        data["coef"] = [round(c, 7) for c in self.coef]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerabilityModel | None:
        """The shipped model, or None (lexical gate only) when there is none or it can't be read."""
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            mean = tuple(float(x) for x in data.get("lexical_mean", ()))
            std = tuple(float(x) for x in data.get("lexical_std", ()))
            if len(mean) != len(std) or len(mean) > len(gate_inputs(RefusalFeatures(0.0, 0.0, 0))) - 1:
                raise ValueError("lexical_mean and lexical_std don't match the gate's inputs")
            documents = tuple(str(t) for t in data.get("documents", ()))
            if documents and corpus_fingerprint(documents) != data["corpus"]:
                raise ValueError("its documents don't match its corpus fingerprint")
            return cls(data["embedding_model"], data["corpus"], tuple(float(c) for c in data["coef"]),
                       float(data["intercept"]), float(data["threshold"]), str(data.get("calibration", "")),
                       mean, std, documents)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("answerability model %s unreadable (%s); using the lexical refusal gate only", path, exc)
            return None


def design(vectors: np.ndarray, inputs: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """[support × SUPPORT_SCALE, standardised lexical inputs × LEXICAL_SCALE, embedding] per row."""
    lexical = inputs[:, 1:1 + len(mean)]
    scaled = (lexical - mean) / np.where(std > 0, std, 1.0) * LEXICAL_SCALE
    return np.hstack([inputs[:, :1] * SUPPORT_SCALE, scaled, vectors])


def fit(vectors: np.ndarray, inputs: np.ndarray, out_of_scope: np.ndarray, c: float) -> Fitted:
    """An L2 logistic regression, deterministic (lbfgs); `inputs` are gate_inputs() rows."""
    from sklearn.linear_model import LogisticRegression

    mean, std = inputs[:, 1:].mean(axis=0), inputs[:, 1:].std(axis=0)
    clf = LogisticRegression(C=c, max_iter=5000).fit(design(vectors, inputs, mean, std), out_of_scope.astype(int))
    return Fitted(clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), mean, std)


def threshold_for(p: np.ndarray, out_of_scope: np.ndarray, budget: float) -> float:
    """The lowest threshold (most refusals) that refuses at most `budget` of the answerable questions."""
    answerable = np.sort(p[~out_of_scope])[::-1]
    allowed = int(np.floor(budget * len(answerable)))
    if allowed >= len(answerable):
        return 0.0
    # Refuse the `allowed` most out-of-scope-looking answerable ones at most: sit just above the next one.
    return float(np.nextafter(answerable[allowed], 1.0))
