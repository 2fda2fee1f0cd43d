"""Builders shared by tests: a config pointing at temp folders and a fixture index."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from bot.pipeline import Pipeline
from models.embedders import Embedder, HashEmbedder
from retrieval.index import IndexSettings, build_index

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def make_config(tmp: Path, corpus: Path = FIXTURE_CORPUS, **sections: dict[str, object]) -> Config:
    data: dict[str, object] = {
        "corpus": {"path": str(corpus)},
        "index": {"path": str(tmp / "index"), "cache_path": str(tmp / "cache")},
        "embedder": {"backend": "hash"},
        "database": {"url": f"sqlite:///{tmp / 'db.sqlite'}"},
        "audit": {"path": str(tmp / "audit.jsonl")},
        "root": str(tmp),
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}  # type: ignore[dict-item]
    return Config.model_validate(data)


def build_fixture_index(cfg: Config, embedder: Embedder | None = None) -> Path:
    path, _ = build_index(Path(cfg.corpus.path), Path(cfg.index.path), Path(cfg.index.cache_path),
                          embedder or HashEmbedder(), IndexSettings(roman_shadow=True))
    return path


def fixture_pipeline(tmp: Path, embedder: Embedder | None = None, **sections: dict[str, object]) -> Pipeline:
    cfg = make_config(tmp, **sections)
    emb = embedder or HashEmbedder()
    build_fixture_index(cfg, emb)
    pipeline = Pipeline(cfg, embedder=emb)
    pipeline.load()
    return pipeline
