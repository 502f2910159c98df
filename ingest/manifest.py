"""The ingest manifest: which sources are indexed, their hashes, the model, counts and time.

Written atomically (temp file + fsync + os.replace) so a crash leaves either the old or the new manifest,
never half of one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest.atomic import write_json_atomically

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1


@dataclass
class SourceEntry:
    name: str
    path: str
    sha256: str
    documents: int
    units: int
    indexed_at: str


@dataclass
class Manifest:
    model_id: str
    collection: str
    sources: dict[str, SourceEntry] = field(default_factory=dict)
    documents: int = 0
    units: int = 0
    updated_at: str = ""
    version: int = MANIFEST_VERSION

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        sources = {k: SourceEntry(**v) for k, v in (data.get("sources") or {}).items()}
        return cls(model_id=data["model_id"], collection=data.get("collection", ""), sources=sources,
                   documents=int(data.get("documents", 0)), units=int(data.get("units", 0)),
                   updated_at=data.get("updated_at", ""), version=int(data.get("version", MANIFEST_VERSION)))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_manifest(path: Path) -> Manifest | None:
    """The manifest, or None when missing or unreadable (the store stays the source of truth)."""
    try:
        return Manifest.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        log.warning("ignoring unreadable manifest %s: %s", path, e)
        return None


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Atomically replace the manifest at `path`."""
    write_json_atomically(path, manifest.to_json(), indent=2)
