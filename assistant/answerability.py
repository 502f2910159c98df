"""A learned answerability check: how likely a question is out of scope, from its embedding and the gate's support.

Why: the lexical gate (assistant/refusal.py) can't tell "医保卡丢了去哪里补办" (医保 and 补办 occur in the
policies) from an answerable question with words the policies phrase differently; at ≤5% false refusals on a new
writer's questions it refused ~23% of out-of-scope ones. A logistic regression over the question's e5 embedding
plus that support learns which *kinds* of question this compilation doesn't cover (everyday services: 医保,
驾照, passports; procedures it never describes) from the labelled visitor questions in eval/. Left-one-writer-out
it refuses about twice as many: with each labelled set left out, 138/250 out-of-scope questions refused at
9/394 answerable ones (worst set 4.9%), against 44/190 at 9/190 for the lexical gate; blind hold-out 14/40 at
0/40 (2026-12-02, this machine; `policy-assistant calibrate-refusal`). Looser settings refuse more on the dev
sets but learn a writer's habits: fitted without the eval set, one refused 27% of its answerable 几年/多少
questions — hence the rule "≤ 5% false refusals on every set left out" (assistant/answerability_calibration.py).

What it learned is about one corpus and one embedding model. So the model file records both — the embedding
model id and a fingerprint of the indexed document titles — and applies only when the live index matches:
after staff ingest other policy files, what the compilation covers has changed, and the assistant falls back to
the lexical gate (with a logged warning) until someone recalibrates with `calibrate-refusal --write-model`.
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

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "resources" / "answerability.json"
SUPPORT_SCALE = 5.0  # the support (0–1) is scaled to the spread of the embedding's coordinates before fitting


def corpus_fingerprint(titles: Iterable[str]) -> str:
    """sha256 of the sorted, de-duplicated document titles: what the compilation covers, not its chunking."""
    joined = "\n".join(sorted({t.strip() for t in titles if t and t.strip()}))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AnswerabilityModel:
    embedding_model: str  # the `.model_id` of the embedder whose query vectors it was trained on
    corpus: str  # corpus_fingerprint() of the document titles it was trained for
    coef: tuple[float, ...]  # the support's coefficient first, then one per embedding dimension
    intercept: float
    threshold: float  # refuse when P(out of scope) ≥ this
    calibration: str = ""  # how the threshold and C were chosen, with the cross-validated numbers

    def p_out_of_scope(self, vector: Sequence[float], support: float) -> float:
        x = np.concatenate([[support * SUPPORT_SCALE], np.asarray(vector, dtype=np.float64)])
        if x.shape[0] != len(self.coef):
            raise ValueError(f"the answerability model expects {len(self.coef) - 1}-d vectors, got {x.shape[0] - 1}")
        z = float(np.dot(np.asarray(self.coef), x) + self.intercept)
        return float(1.0 / (1.0 + np.exp(-z)))

    def applies_to(self, embedding_model: str, titles: Iterable[str]) -> bool:
        return embedding_model == self.embedding_model and corpus_fingerprint(titles) == self.corpus

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
            return cls(data["embedding_model"], data["corpus"], tuple(float(c) for c in data["coef"]),
                       float(data["intercept"]), float(data["threshold"]), str(data.get("calibration", "")))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("answerability model %s unreadable (%s); using the lexical refusal gate only", path, exc)
            return None


def design(vectors: np.ndarray, supports: np.ndarray) -> np.ndarray:
    return np.hstack([supports[:, None] * SUPPORT_SCALE, vectors])


def fit(vectors: np.ndarray, supports: np.ndarray, out_of_scope: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """(coef, intercept) of an L2 logistic regression; deterministic (lbfgs)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000).fit(design(vectors, supports), out_of_scope.astype(int))
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


def predict(coef: np.ndarray, intercept: float, vectors: np.ndarray, supports: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(design(vectors, supports) @ coef + intercept)))


def threshold_for(p: np.ndarray, out_of_scope: np.ndarray, budget: float) -> float:
    """The lowest threshold (most refusals) that refuses at most `budget` of the answerable questions."""
    answerable = np.sort(p[~out_of_scope])[::-1]
    allowed = int(np.floor(budget * len(answerable)))
    if allowed >= len(answerable):
        return 0.0
    # Refuse the `allowed` most out-of-scope-looking answerable ones at most: sit just above the next one.
    return float(np.nextafter(answerable[allowed], 1.0))
