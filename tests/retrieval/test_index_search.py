"""Index build/load, atomic switch, embedding cache, skipped files, hybrid search (fake embedder)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.errors import IndexMissingError
from models.embedders import HashEmbedder
from retrieval.index import IndexSettings, build_index, current_index_dir, is_stale, load_data
from retrieval.search import HybridRetriever, RetrievalSettings
from tests.helpers import FIXTURE_CORPUS


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:  # type: ignore[override]
        self.calls += len(texts)
        return super().embed_passages(texts)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, dst)
    return dst


def _build(corpus: Path, tmp: Path, emb: HashEmbedder | None = None) -> Path:
    return build_index(corpus, tmp / "index", tmp / "cache", emb or HashEmbedder(), IndexSettings())[0]


def test_build_writes_manifest_and_switches_current(corpus: Path, tmp_path: Path) -> None:
    first = _build(corpus, tmp_path)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["embedder_id"] == "hash-64"
    assert manifest["counts"]["documents"] == 10
    assert manifest["counts"]["passages"] > 8
    assert len(manifest["corpus_hash"]) == 64
    assert current_index_dir(tmp_path / "index") == first
    second = _build(corpus, tmp_path)
    assert current_index_dir(tmp_path / "index") == second != first


def test_unchanged_corpus_reembeds_nothing(corpus: Path, tmp_path: Path) -> None:
    emb = CountingEmbedder()
    _build(corpus, tmp_path, emb)
    assert emb.calls > 0
    emb.calls = 0
    _build(corpus, tmp_path, emb)
    assert emb.calls == 0


def test_staleness_follows_the_corpus(corpus: Path, tmp_path: Path) -> None:
    settings = IndexSettings()
    assert is_stale(corpus, tmp_path / "index", "hash-64", settings)
    _build(corpus, tmp_path)
    assert not is_stale(corpus, tmp_path / "index", "hash-64", settings)
    (corpus / "services" / "extra.txt").write_text("Extra notes about bills.", encoding="utf-8")
    assert is_stale(corpus, tmp_path / "index", "hash-64", settings)


def test_a_changed_loanword_list_makes_the_index_stale(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The Roman shadow and the Roman-Urdu answers come from the romaniser: a new loanword entry
    must rebuild them."""
    settings = IndexSettings()
    _build(corpus, tmp_path)
    assert not is_stale(corpus, tmp_path / "index", "hash-64", settings)
    monkeypatch.setattr("retrieval.index.romaniser_id", lambda: "uromanizer-another-list")
    assert is_stale(corpus, tmp_path / "index", "hash-64", settings)


def test_crash_mid_build_leaves_previous_index_serving(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _build(corpus, tmp_path)
    import retrieval.index as index_module

    def boom(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(index_module, "write_data", boom)
    with pytest.raises(RuntimeError):
        _build(corpus, tmp_path)
    assert current_index_dir(tmp_path / "index") == first
    assert load_data(tmp_path / "index").manifest["version"] == first.name


def test_unparseable_file_is_skipped_with_reason(corpus: Path, tmp_path: Path) -> None:
    (corpus / "services" / "broken.md").write_text(
        "---\nservice_id: [unclosed\n---\n\n## overview\nx\n", encoding="utf-8"
    )
    (corpus / "services" / "scan.pdf").write_bytes(b"not really a pdf")
    (corpus / "services" / "page.html").write_text(
        "<html><title>Gas bill</title><body><nav>menu</nav><p>Pay your gas bill online.</p></body></html>"
    )
    path, skipped = build_index(corpus, tmp_path / "index", tmp_path / "cache", HashEmbedder(), IndexSettings())
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"broken.md", "scan.pdf"}
    assert "YAML" in reasons["broken.md"]
    data = load_data(tmp_path / "index")
    html = [d for d in data.documents.values() if d.title == "Gas bill"]
    assert html and "menu" not in html[0].sections[0].text
    assert data.manifest["counts"]["documents"] == 11


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="rahnuma index"):
        load_data(tmp_path / "nothing")


def test_hybrid_search_finds_the_right_service(corpus: Path, tmp_path: Path) -> None:
    _build(corpus, tmp_path)
    retriever = HybridRetriever(load_data(tmp_path / "index"), HashEmbedder(), RetrievalSettings(top_k=5))
    assert retriever.search("passport renewal fee")[0].passage.service_id == "dgip-passport-renewal"
    assert retriever.search("شناختی کارڈ کی تجدید")[0].passage.service_id == "nadra-cnic-renewal"
    top = retriever.search("bijli ka bil download")[0]
    assert top.passage.service_id == "utilities-electricity-duplicate-bill"
    assert top.signals.roman > 0


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="top_k must be greater than 0"):
        RetrievalSettings(top_k=0)


def test_search_adds_the_best_passage_of_a_service_asked_for(corpus: Path, tmp_path: Path) -> None:
    _build(corpus, tmp_path)
    retriever = HybridRetriever(load_data(tmp_path / "index"), HashEmbedder(), RetrievalSettings(top_k=1))
    [top] = retriever.search("passport renewal fee")
    assert top.passage.service_id == "dgip-passport-renewal"
    hits = retriever.search("passport renewal fee", services={"emergency-helplines", "dgip-passport-renewal"})
    assert [h.passage.service_id for h in hits] == ["dgip-passport-renewal", "emergency-helplines"]
    assert hits[1].score <= hits[0].score  # scored among the same candidates, after the top hits
