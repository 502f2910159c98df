"""The rules of every indexed document, stored next to the index (`DATA_DIR/rules.json`), rebuilt by ingest.

The file is keyed by the indexed units and the extractor's code: a server reading an index whose rules file is
missing or stale (an index on a Chroma server, a newer extractor) rebuilds them in memory from the units it
holds, which takes milliseconds, so answers never use rules of other text or of other code.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from ingest.atomic import write_json_atomically
from ingest.eligibility.extract import extract_rules
from ingest.eligibility.model import Condition, Outcome, Requirement, Rule

log = logging.getLogger(__name__)

RULES_FILE = "rules.json"


@functools.lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of the extractor's own code: stored rules read by other code are rebuilt, never reused."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def units_key(units: Sequence) -> str:
    h = hashlib.sha256(extractor_version().encode())
    for u in sorted(units, key=lambda u: u.id):
        h.update(f"\x1f{u.id}\x1e{u.text}".encode())
    return h.hexdigest()[:20]


@dataclass(frozen=True, eq=False)
class RuleBook:
    key: str
    rules: tuple[Rule, ...]

    @classmethod
    def build(cls, units: Sequence) -> RuleBook:
        ordered = sorted(units, key=lambda u: (u.doc_id, u.order))
        rules: list[Rule] = []
        for _, doc_units in itertools.groupby(ordered, key=lambda u: u.doc_id):
            rules.extend(extract_rules(list(doc_units)))
        return cls(units_key(units), tuple(rules))

    @functools.cached_property
    def _by_unit(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, r in enumerate(self.rules):
            for u in r.unit_ids or (r.unit_id,):
                index.setdefault(u, []).append(i)
        return index

    def for_units(self, unit_ids: Sequence[str]) -> list[Rule]:
        """Rules whose spans lie in any of these units, in the order of `unit_ids`, then document order."""
        found = sorted({i for u in unit_ids for i in self._by_unit.get(u, ())})
        rank = {uid: i for i, uid in enumerate(unit_ids)}
        hit = [self.rules[i] for i in found]
        return sorted(hit, key=lambda r: min(rank.get(u, len(rank)) for u in r.unit_ids or (r.unit_id,)))

    # --- storage ---------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        data = {"key": self.key, "extractor_version": extractor_version(),
                "rules": [_rule_to_store(r) for r in self.rules]}
        write_json_atomically(path, data)  # readers see the old file or the new one, never half of one

    @classmethod
    def load_or_build(cls, path: Path, units: Sequence) -> RuleBook:
        key = units_key(units)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return cls(key, tuple(_rule_from_store(r) for r in data["rules"]))
            log.info("rules in %s are for another index or extractor; reading them from the units", path)
        except FileNotFoundError:
            log.info("no %s next to the index; reading the rules from the units", path.name)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable %s (%s); reading the rules from the units", path, exc)
        return cls.build(units)


def _fields(obj: object) -> dict:
    out = {}
    for f in fields(obj):  # type: ignore[arg-type]
        v = getattr(obj, f.name)
        out[f.name] = sorted(v) if isinstance(v, frozenset) else v
    return out


def _rule_to_store(r: Rule) -> dict:
    return {"unit_id": r.unit_id, "doc_title": r.doc_title, "locator": r.locator, "unit_ids": list(r.unit_ids),
            "outcome": _fields(r.outcome),
            "requirements": _requirements_to_store(r.requirements), "general": r.general,
            "inherited": _requirements_to_store(r.inherited), "inherited_from": r.inherited_from,
            "beneficiary": r.beneficiary}


def _requirements_to_store(requirements: Sequence[Requirement]) -> list:
    return [[[_fields(c) for c in option] for option in req.options] for req in requirements]


def _requirements_from_store(stored: list) -> tuple[Requirement, ...]:
    return tuple(Requirement(tuple(tuple(_condition(c) for c in option) for option in req)) for req in stored)


def _condition(d: dict) -> Condition:
    return Condition(**{**d, "topics": frozenset(d["topics"]), "qualifiers": frozenset(d["qualifiers"])})


def _rule_from_store(d: dict) -> Rule:
    return Rule(d["unit_id"], d["doc_title"], d["locator"], Outcome(**d["outcome"]),
                _requirements_from_store(d["requirements"]), tuple(d["unit_ids"]), d["general"],
                _requirements_from_store(d["inherited"]), d["inherited_from"], d.get("beneficiary"))
