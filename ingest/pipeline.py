"""Incremental, idempotent ingest: load -> parse -> embed (cached) -> store, then manifest, then deletions.

Unit ids are content-addressed, so the order "add new units, write the manifest, delete stale ids" means a run
killed at any point leaves every unit of the previous index in place, and the next run simply finishes the job.
"""

from __future__ import annotations

import fcntl
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.eligibility.rulebook import RULES_FILE, RuleBook
from ingest.embed import CachedEmbeddings, build_embeddings
from ingest.load import SkippedFile, load_sources
from ingest.manifest import Manifest, SourceEntry, now_iso, read_manifest, write_manifest
from ingest.models import PolicyDocument, SourceText, Unit
from ingest.records import record_hash
from ingest.settings import IndexSettings
from ingest.store import UnitStore

log = logging.getLogger(__name__)

# progress(stage, done, total); stages: "load", "parse", "embed", "store", "sentences" (only when an older index
# gains its sentences).
ProgressFn = Callable[[str, int, int], None]


@dataclass
class SourceStats:
    name: str
    status: str  # new | changed | unchanged | kept (not given) | pruned
    documents: int = 0
    units: int = 0
    written: int = 0
    deleted: int = 0


@dataclass
class IngestReport:
    documents: int
    units_total: int
    units_written: int
    units_deleted: int
    texts_embedded: int
    skipped: list[SkippedFile]
    seconds: float
    sources: list[SourceStats] = field(default_factory=list)
    model_id: str = ""
    index_units: int = 0  # units in the whole index after the run (incl. sources not given this time)


    def to_json(self) -> dict:
        """The `ingest --json` report (what the staff console shows for each uploaded file)."""
        return {"documents": self.documents, "units": self.units_total, "units_written": self.units_written,
                "units_deleted": self.units_deleted, "texts_embedded": self.texts_embedded,
                "index_units": self.index_units, "seconds": round(self.seconds, 2),
                "sources": [vars(s) for s in self.sources],
                "skipped": [{"name": s.name, "reason": s.reason} for s in self.skipped]}


@dataclass
class RemovalReport:
    removed: dict[str, int]  # source name → units deleted
    unknown: list[str]  # names given that no indexed source has
    index_units: int

    def to_json(self) -> dict:
        return {"removed": self.removed, "unknown": self.unknown, "index_units": self.index_units}


@dataclass
class _Parsed:
    source: SourceText
    documents: list[PolicyDocument]
    units: list[Unit]


def _index_version(now: str) -> str:
    """A new index version: the time, plus a random part so two changes within one second still differ."""
    return f"{now}#{uuid.uuid4().hex[:8]}"


def _noop(stage: str, done: int, total: int) -> None:
    return None


@contextmanager
def _ingest_lock(settings: IndexSettings) -> Iterator[None]:
    """One ingest at a time per data dir; the kernel drops the lock if the process dies."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".ingest.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another ingest is running on %s; waiting for it", settings.data_dir)
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def _parse(sources: list[SourceText], skipped: list[SkippedFile], progress: ProgressFn) -> list[_Parsed]:
    from ingest.structure import parse_source

    parsed: list[_Parsed] = []
    for i, src in enumerate(sources):
        progress("parse", i, len(sources))
        try:
            result = parse_source(src)
        except Exception as e:  # a parser bug on one odd file must not stop the others
            log.exception("parse failed for %s", src.name)
            skipped.append(SkippedFile(src.name, f"could not be split into policy units ({type(e).__name__}: {e}); "
                                       "check the file's content or report it", src.path))
            continue
        if not result.units:
            skipped.append(SkippedFile(src.name, "no policy text found after cleaning; check the file's content",
                                       src.path))
            continue
        units = list({u.id: u for u in result.units}.values())  # a repeated id is the same unit
        parsed.append(_Parsed(src, list(result.documents), units))
    progress("parse", len(sources), len(sources))
    return parsed


def run_ingest(settings: IndexSettings, paths: list[Path] | None = None, prune: bool = False,
               progress: ProgressFn | None = None, embeddings: CachedEmbeddings | None = None) -> IngestReport:
    """Bring the index in line with `paths` (default: settings.corpus_paths). See module docstring."""
    t0 = time.perf_counter()
    progress = progress or _noop
    paths = [Path(p) for p in (paths or settings.corpus_paths)]
    with _ingest_lock(settings):
        emb = embeddings or build_embeddings(settings, for_ingest=True)
        embedded_before = emb.embedded_count
        store = UnitStore.open(settings, emb)  # first: an unreachable server or a model mismatch fails fast
        progress("load", 0, 1)
        loaded = load_sources(paths, settings)
        progress("load", 1, 1)
        skipped = list(loaded.skipped)
        parsed = _parse(loaded.sources, skipped, progress)

        manifest = read_manifest(settings.manifest_path)
        if manifest is None or manifest.model_id != emb.model_id or manifest.collection != settings.collection:
            manifest = Manifest(model_id=emb.model_id, collection=settings.collection)

        # 1. Add new and changed units (never deleting anything yet).
        stats: list[SourceStats] = []
        stale: list[str] = []
        plans = []
        for p in parsed:
            existing = store.ids_for_source(p.source.name)
            docs = {d.doc_id: d for d in p.documents}
            order = {d.doc_id: i for i, d in enumerate(p.documents)}
            todo = [u for u in p.units
                    if existing.get(u.id) != record_hash(u, docs.get(u.doc_id), order.get(u.doc_id, 0))]
            old = sorted(set(existing) - {u.id for u in p.units})
            status = "new" if not existing else ("changed" if todo or old else "unchanged")
            plans.append((p, docs, order, todo))
            stale.extend(old)
            stats.append(SourceStats(p.source.name, status, len(p.documents), len(p.units), len(todo), len(old)))
        total = sum(len(todo) for *_, todo in plans)
        done = 0
        batch = max(1, settings.embedding_batch_size)
        progress("embed", 0, total)
        for _, docs, order, todo in plans:
            for i in range(0, len(todo), batch):
                done += store.upsert_units(todo[i:i + batch], docs, order)
                progress("embed", done, total)

        # 2. Sources not given this time: kept, unless pruned. A file that failed to load is never "removed".
        given = {p.source.name for p in parsed} | {s.name for s in skipped}
        for name, n in sorted(store.sources().items()):
            if name in given:
                continue
            if prune:
                ids = list(store.ids_for_source(name))
                stale.extend(ids)
                manifest.sources.pop(name, None)
                stats.append(SourceStats(name, "pruned", units=n, deleted=len(ids)))
            else:
                stats.append(SourceStats(name, "kept", units=n))
        if prune:
            for name in [n for n in manifest.sources if n not in given]:
                manifest.sources.pop(name)

        # 3. Record what is now indexed, atomically, before deleting what it replaced.
        progress("store", 0, max(1, len(stale)))
        now = now_iso()
        for p in parsed:
            manifest.sources[p.source.name] = SourceEntry(p.source.name, p.source.path, p.source.sha256,
                                                          len(p.documents), len(p.units), now)
        manifest.documents = sum(e.documents for e in manifest.sources.values())
        manifest.units = sum(e.units for e in manifest.sources.values())
        manifest.updated_at = now
        write_manifest(settings.manifest_path, manifest)

        # 4. Delete units that the new versions replaced.
        deleted = store.delete_ids(stale)
        if total or deleted:
            store.mark_updated(_index_version(now))
        progress("store", max(1, len(stale)), max(1, len(stale)))
        # 5. Sentences of units stored without them (an older index, or an ingest stopped half-way).
        indexed = store.all_units()
        missing = store.without_sentences(indexed)
        for i in range(0, len(missing), batch):
            store.add_sentences(missing[i:i + batch])
            progress("sentences", min(len(missing), i + batch), len(missing))
        if missing and not (total or deleted):
            store.mark_updated(_index_version(now))
        # 6. The eligibility rules read out of every indexed clause, stored beside the index.
        RuleBook.build(indexed).save(settings.data_dir / RULES_FILE)
        report = IngestReport(
            documents=sum(len(p.documents) for p in parsed), units_total=sum(len(p.units) for p in parsed),
            units_written=total, units_deleted=deleted, texts_embedded=emb.embedded_count - embedded_before,
            skipped=skipped, seconds=time.perf_counter() - t0, sources=stats, model_id=emb.model_id,
            index_units=store.count())
        # Release Chroma: a client left open pins the process's in-memory vector index of this path, and a server
        # in the same process would then never see what a later ingest in another process writes.
        store.close()
        if embeddings is None:
            emb.close()  # the caller's embedder stays open; ours is done
    log.info("ingest: %d documents, %d units, %d written, %d deleted, %d embedded, %d skipped in %.1fs",
             report.documents, report.units_total, report.units_written, report.units_deleted,
             report.texts_embedded, len(skipped), report.seconds)
    return report


def remove_sources(settings: IndexSettings, names: list[str]) -> RemovalReport:
    """Delete every unit of the named source files (as `docs --json` lists them in "source") from the index.

    Same order as an ingest: the manifest stops listing the sources first, then their units are deleted, so a run
    killed half-way leaves nothing half-listed; the other sources are untouched.
    """
    with _ingest_lock(settings):
        emb = build_embeddings(settings, for_ingest=True)
        try:
            store = UnitStore.open(settings, emb, create=False)
            indexed = store.sources()
            present = [n for n in dict.fromkeys(names) if n in indexed]
            manifest = read_manifest(settings.manifest_path)
            if manifest is not None:
                for name in present:
                    manifest.sources.pop(name, None)
                manifest.documents = sum(e.documents for e in manifest.sources.values())
                manifest.units = sum(e.units for e in manifest.sources.values())
                manifest.updated_at = now_iso()
                write_manifest(settings.manifest_path, manifest)
            removed = {name: store.delete_ids(list(store.ids_for_source(name))) for name in present}
            if present:
                store.mark_updated(_index_version(now_iso()))
                RuleBook.build(store.all_units()).save(settings.data_dir / RULES_FILE)
            report = RemovalReport(removed, [n for n in names if n not in indexed], store.count())
            store.close()
        finally:
            emb.close()
    log.info("removed %d sources (%d units); %d names not indexed", len(report.removed),
             sum(report.removed.values()), len(report.unknown))
    return report
