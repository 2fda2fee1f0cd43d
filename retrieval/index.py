"""Index build and load.

A build reads the corpus, chunks it, embeds passages and sentence windows (through the content-hash
cache), and writes a new versioned directory. Only when that directory is complete does the
``current`` symlink switch to it (an atomic rename), so a crash mid-build leaves the previous index
serving. ``manifest.json`` records the corpus hash, embedder id, counts and build time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from bot.errors import IndexMissingError
from models.embedders import Embedder
from retrieval.cache import EmbeddingCache, TextCache
from retrieval.chunking import chunk_document, sentence_windows, split_sentences
from retrieval.documents import Skipped, load_documents
from retrieval.roman import ROMAN_KEY_VERSION, UrduRomaniser, char_ngrams, roman_keys, romaniser_id
from retrieval.tokenise import tokenise
from retrieval.types import Document, Passage, Section

FORMAT_VERSION = 2
KEEP_VERSIONS = 3


@dataclass(frozen=True, slots=True)
class IndexSettings:
    max_passage_words: int = 160
    window_sentences: int = 2
    roman_ngram: int = 3
    roman_shadow: bool = True


@dataclass(slots=True)
class IndexData:
    """Everything a retriever needs, in memory."""

    documents: dict[str, Document]
    passages: list[Passage]
    bm25_tokens: list[list[str]]
    roman_tokens: list[list[str]]
    passage_vecs: np.ndarray
    window_vecs: np.ndarray
    window_owner: np.ndarray
    manifest: dict[str, object]
    # single sentences (list items): dense and BM25 scored, best one per passage
    sentence_vecs: np.ndarray | None = None
    sentence_owner: np.ndarray | None = None
    sentence_tokens: list[list[str]] | None = None


def lexical_text(p: Passage, doc: Document) -> str:
    """What BM25 sees: title and text; the overview also carries the summary and keywords."""
    extra = f"\n{doc.summary}\n{' ; '.join(doc.keywords)}" if p.section == "overview" else ""
    return f"{p.title}\n{p.text}{extra}"


def dense_text(p: Passage, doc: Document) -> str:
    summary = f" {doc.summary}" if p.section == "overview" and doc.summary else ""
    return f"{p.title}:{summary} {p.text}"


def build_data(
    docs: Sequence[Document],
    embedder: Embedder,
    cache_dir: Path,
    settings: IndexSettings = IndexSettings(),
    progress: bool = False,
) -> IndexData:
    """Chunk and embed ``docs`` (the in-memory half of a build; benchmarks use it directly)."""
    started = time.perf_counter()
    embedder.load()
    passages: list[Passage] = []
    for doc in docs:
        passages.extend(chunk_document(doc, settings.max_passage_words, start_id=len(passages)))
    by_id = {d.doc_id: d for d in docs}
    lexical = [lexical_text(p, by_id[p.doc_id]) for p in passages]
    windows: list[str] = []
    owner: list[int] = []
    sentences: list[str] = []
    sentence_owner: list[int] = []
    for p in passages:
        for w in sentence_windows(p.text, settings.window_sentences):
            windows.append(f"{p.title}: {w}")
            owner.append(p.passage_id)
        for sent in split_sentences(p.text):
            sentences.append(f"{p.title}: {sent}")
            sentence_owner.append(p.passage_id)
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    try:
        bar = ("passages", "windows", "sentences") if progress else ("", "", "")  # progress bar labels
        pvecs = cache.embed(embedder.id, "passage", [dense_text(p, by_id[p.doc_id]) for p in passages],
                            embedder.embed_passages, progress=bar[0])
        wvecs = cache.embed(embedder.id, "passage", windows, embedder.embed_passages, progress=bar[1])
        svecs = cache.embed(embedder.id, "passage", sentences, embedder.embed_passages, progress=bar[2])
        embedded = cache.misses
    finally:
        cache.close()
    roman = _roman_tokens(lexical, cache_dir, settings) if settings.roman_shadow else [[] for _ in passages]
    if settings.roman_shadow:
        by_id.update(_romanised_documents(docs, cache_dir))
    manifest: dict[str, object] = {
        "format": FORMAT_VERSION,
        "embedder_id": embedder.id,
        "settings": asdict(settings),
        "counts": {"documents": len(docs), "passages": len(passages), "windows": len(windows),
                   "sentences": len(sentences),
                   "embedded_now": embedded},
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    return IndexData(
        documents=dict(by_id), passages=passages, bm25_tokens=[tokenise(t) for t in lexical],
        roman_tokens=roman, passage_vecs=_as_matrix(pvecs, embedder), window_vecs=_as_matrix(wvecs, embedder),
        window_owner=np.asarray(owner, dtype=np.int64), manifest=manifest,
        sentence_vecs=_as_matrix(svecs, embedder), sentence_owner=np.asarray(sentence_owner, dtype=np.int64),
        sentence_tokens=[tokenise(t) for t in sentences],
    )


def _as_matrix(vecs: np.ndarray, embedder: Embedder) -> np.ndarray:
    if vecs.size == 0:
        return np.zeros((0, max(embedder.dim, 1)), np.float32)
    return np.ascontiguousarray(vecs, dtype=np.float32)


def _roman_tokens(lexical: list[str], cache_dir: Path, settings: IndexSettings) -> list[list[str]]:
    romaniser = UrduRomaniser()
    cache = TextCache(cache_dir / "embeddings.sqlite")
    try:
        romanised = cache.map(romaniser_id(), lexical, romaniser.romanise)
    finally:
        cache.close()
    return [char_ngrams(roman_keys(t), settings.roman_ngram) for t in romanised]


def _romanised_documents(docs: Sequence[Document], cache_dir: Path) -> dict[str, Document]:
    """Roman-Urdu copies of the Urdu documents, romanised line by line so that list items keep
    their positions; answers to Roman-Urdu questions are composed from these (not indexed)."""
    romaniser = UrduRomaniser()
    cache = TextCache(cache_dir / "embeddings.sqlite")
    out: dict[str, Document] = {}
    try:
        for doc in docs:
            if doc.lang != "ur":
                continue
            sections = tuple(
                Section(s.key, "\n".join(cache.map(romaniser_id(), s.text.split("\n"), romaniser.romanise)))
                for s in doc.sections
            )
            title = cache.map(romaniser_id(), [doc.title], romaniser.romanise)[0]
            out[f"{doc.service_id}.ur-Latn"] = replace(doc, doc_id=f"{doc.service_id}.ur-Latn", lang="ur-Latn",
                                                       title=title, sections=sections)
    finally:
        cache.close()
    return out


def corpus_fingerprint(corpus_dir: Path, embedder_id: str, settings: IndexSettings) -> str:
    """Hash of every corpus file's path and bytes plus what shapes the index (the romaniser's id
    too: a changed loanword list changes the Roman shadow and the Roman-Urdu answers)."""
    h = hashlib.sha256(
        f"{FORMAT_VERSION}|{embedder_id}|{romaniser_id()}|key{ROMAN_KEY_VERSION}|{sorted(asdict(settings).items())}"
        .encode())
    for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file()):
        h.update(path.relative_to(corpus_dir).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def build_index(
    corpus_dir: Path, index_root: Path, cache_dir: Path, embedder: Embedder,
    settings: IndexSettings = IndexSettings(), progress: bool = False,
) -> tuple[Path, list[Skipped]]:
    """Build a new index version from ``corpus_dir`` and switch ``current`` to it atomically."""
    started = time.perf_counter()
    # fingerprint first: a file edited while the build runs makes the new index stale, not wrongly current
    fingerprint = corpus_fingerprint(corpus_dir, embedder.id, settings)
    docs, skipped = load_documents(corpus_dir)
    data = build_data(docs, embedder, cache_dir, settings, progress)
    data.manifest.update({
        "corpus_hash": fingerprint, "corpus_path": str(corpus_dir),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "skipped": [asdict(s) for s in skipped],
        "build_seconds": round(time.perf_counter() - started, 3),
    })
    index_root.mkdir(parents=True, exist_ok=True)
    tmp = index_root / f".tmp-{uuid.uuid4().hex}"
    write_data(data, tmp)
    final = index_root / f"v{time.strftime('%Y%m%dT%H%M%S')}-{fingerprint[:8]}-{uuid.uuid4().hex[:4]}"
    os.rename(tmp, final)
    _switch_current(index_root, final)
    _prune(index_root, final)
    return final, skipped


def write_data(data: IndexData, target: Path) -> None:
    import faiss

    target.mkdir(parents=True)
    with open(target / "documents.jsonl", "w", encoding="utf-8") as f:
        for d in data.documents.values():
            f.write(json.dumps(asdict(d), ensure_ascii=False) + "\n")
    with open(target / "passages.jsonl", "w", encoding="utf-8") as f:
        for p, bt, rt in zip(data.passages, data.bm25_tokens, data.roman_tokens, strict=True):
            f.write(json.dumps({"passage": asdict(p), "bm25": bt, "roman": rt}, ensure_ascii=False) + "\n")
    np.save(target / "passage_vecs.npy", data.passage_vecs)
    np.save(target / "window_vecs.npy", data.window_vecs)
    np.save(target / "window_owner.npy", data.window_owner)
    if data.sentence_vecs is not None and data.sentence_owner is not None:
        np.save(target / "sentence_vecs.npy", data.sentence_vecs)
        np.save(target / "sentence_owner.npy", data.sentence_owner)
        with open(target / "sentences.jsonl", "w", encoding="utf-8") as f:
            for tokens in data.sentence_tokens or []:
                f.write(json.dumps(tokens, ensure_ascii=False) + "\n")
    for name, vecs in (("passages.faiss", data.passage_vecs), ("windows.faiss", data.window_vecs)):
        faiss.write_index(candidate_index(faiss, vecs), str(target / name))
    (target / "manifest.json").write_text(json.dumps(data.manifest, ensure_ascii=False, indent=2))


def candidate_index(faiss, vecs: np.ndarray):  # type: ignore[no-untyped-def]
    """Exhaustive inner-product index over ``vecs`` stored as float16: it only proposes candidates,
    whose scores are then computed exactly from the float32 vectors. Half the memory read per query
    of a float32 ``IndexFlatIP``: on 10,000 passages 0.49 ms against 0.89 ms per search, with 99.9%
    of the top 100 the same (scripts/faiss_fp16.py, docs/benchmarks.md)."""
    index = faiss.IndexScalarQuantizer(vecs.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    index.add(vecs)
    return index


def _switch_current(index_root: Path, final: Path) -> None:
    link = index_root / "current"
    tmp_link = index_root / f".current-{uuid.uuid4().hex}"
    os.symlink(final.name, tmp_link)
    os.replace(tmp_link, link)  # atomic on POSIX: readers see the old or the new, never neither


def _prune(index_root: Path, keep: Path) -> None:
    versions = sorted((p for p in index_root.glob("v*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in versions[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in index_root.glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:  # a crashed build's leftovers
            shutil.rmtree(tmp, ignore_errors=True)


def current_index_dir(index_root: Path) -> Path | None:
    link = index_root / "current"
    if not link.exists():
        return None
    return link.resolve()


def read_manifest(index_root: Path) -> dict[str, object] | None:
    current = current_index_dir(index_root)
    if current is None or not (current / "manifest.json").exists():
        return None
    return dict(json.loads((current / "manifest.json").read_text()))


def is_stale(corpus_dir: Path, index_root: Path, embedder_id: str, settings: IndexSettings) -> bool:
    manifest = read_manifest(index_root)
    return manifest is None or manifest.get("corpus_hash") != corpus_fingerprint(corpus_dir, embedder_id, settings)


def load_data(index_root: Path) -> IndexData:
    """Load the ``current`` index version into memory."""
    current = current_index_dir(index_root)
    if current is None or not (current / "manifest.json").exists():
        raise IndexMissingError(str(index_root))
    documents: dict[str, Document] = {}
    with open(current / "documents.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            d["sections"] = tuple(Section(**s) for s in d["sections"])
            d["source_urls"] = tuple(d["source_urls"])
            d["keywords"] = tuple(d["keywords"])
            d["ages"] = tuple(d["ages"]) if d.get("ages") else None
            documents[d["doc_id"]] = Document(**d)
    passages, bm25_tokens, roman_tokens = [], [], []
    with open(current / "passages.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            passages.append(Passage(**row["passage"]))
            bm25_tokens.append(row["bm25"])
            roman_tokens.append(row["roman"])
    manifest = json.loads((current / "manifest.json").read_text())
    manifest["version"] = current.name
    sentence_vecs, sentence_owner, sentence_tokens = _load_sentences(current)
    return IndexData(
        documents=documents, passages=passages, bm25_tokens=bm25_tokens, roman_tokens=roman_tokens,
        passage_vecs=np.load(current / "passage_vecs.npy"), window_vecs=np.load(current / "window_vecs.npy"),
        window_owner=np.load(current / "window_owner.npy"), manifest=manifest,
        sentence_vecs=sentence_vecs, sentence_owner=sentence_owner, sentence_tokens=sentence_tokens,
    )


def _load_sentences(current: Path) -> tuple[np.ndarray | None, np.ndarray | None, list[list[str]] | None]:
    """The single-sentence units, or Nones for an index built before they existed."""
    if not (current / "sentence_vecs.npy").exists():
        return None, None, None
    with open(current / "sentences.jsonl", encoding="utf-8") as f:
        tokens = [json.loads(line) for line in f]
    return np.load(current / "sentence_vecs.npy"), np.load(current / "sentence_owner.npy"), tokens
