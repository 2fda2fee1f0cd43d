"""Learned message classifiers: what a message is (a service question, or one the bot must not
answer, and why), which section a service question asks about, and which service it names.

All three are multinomial logistic regressions over the same features: the message's e5 query embedding
(the one retrieval computes anyway) and hashed word and character n-grams of its normalised text
(which carry Roman-Urdu spellings the embedder reads poorly). They back up the readable rules in
``bot/routing.py`` and ``bot/sections.py``: the rules decide first, and the audit log records which
of the two decided; the service classifier only re-weighs the services retrieval found
(``bot/services.py``). ``rahnuma train-intent`` fits them (``bot/train_intent.py``); the weights ship
in ``bot/intent_weights.npz`` with the list of training files and the date.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.roman import roman_key
from retrieval.tokenise import words

WEIGHTS_PATH = Path(__file__).with_name("intent_weights.npz")
HASH_DIMS = 4096
SCOPE_CLASSES = ("answerable", "out_of_scope", "personal_case", "sensitive", "emergency", "user_requested")
SECTION_CLASSES = ("overview", "eligibility", "documents", "procedure", "fees", "processing_time",
                   "where_to_apply", "contact", "faq")


def hashed_ngrams(text: str, dims: int = HASH_DIMS) -> np.ndarray:
    """Word unigrams and bigrams and character 3-/4-grams of the normalised words, hashed into
    ``dims`` buckets, log-scaled and L2-normalised. Stable across runs (crc32, not ``hash``)."""
    ws = words(text)
    grams = [f"w:{w}" for w in ws] + [f"b:{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]
    # Roman-Urdu spelling keys (consonant skeletons: kaise / kese / kesy -> "ks"), so that a
    # spelling the training data never had still shares features with the ones it had
    keys = [roman_key(w) for w in ws if w.isascii() and w.isalpha() and len(w) > 2]
    grams += [f"k:{k}" for k in keys] + [f"kb:{a} {b}" for a, b in zip(keys, keys[1:], strict=False)]
    for w in ws:
        padded = f"<{w}>"
        grams += [f"c:{padded[i:i + n]}" for n in (3, 4) for i in range(max(1, len(padded) - n + 1))]
    out = np.zeros(dims, np.float32)
    for g in grams:
        out[zlib.crc32(g.encode("utf-8")) % dims] += 1.0
    np.log1p(out, out=out)
    norm = float(np.linalg.norm(out))
    return out / norm if norm > 0 else out


FEATURE_SCALE = 3.0  # unit vectors scaled up: the weights then converge in 1,500 steps (measured)


def featurise(text: str, query_vec: np.ndarray) -> np.ndarray:
    """[embedding | hashed n-grams], each of length FEATURE_SCALE, so neither swamps the other."""
    return FEATURE_SCALE * np.concatenate([np.asarray(query_vec, np.float32), hashed_ngrams(text)])


def query_vec_of(x: np.ndarray) -> np.ndarray:
    """The query embedding inside a featurised message (its first part, unscaled)."""
    return x[: len(x) - HASH_DIMS] / FEATURE_SCALE


@dataclass(frozen=True, slots=True)
class LinearClassifier:
    """Softmax regression: ``classes`` labels, ``weights`` (features x classes), ``bias``."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    def probabilities(self, x: np.ndarray) -> dict[str, float]:
        z = x @ self.weights + self.bias
        z = np.exp(z - z.max())
        p = z / z.sum()
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    @classmethod
    def fit(cls, x: np.ndarray, labels: Sequence[str], classes: Sequence[str], l2: float = 1e-4,
            steps: int = 1500, lr: float = 2.0, class_weight: dict[str, float] | None = None) -> LinearClassifier:
        """Full-batch gradient descent on the L2-regularised, optionally class-weighted cross-entropy.
        Unknown labels are an error naming them."""
        unknown = sorted(set(labels) - set(classes))
        if unknown:
            raise ValueError(f"labels {unknown} are not among the classes {list(classes)}")
        y = np.zeros((len(labels), len(classes)), np.float32)
        y[np.arange(len(labels)), [classes.index(lab) for lab in labels]] = 1.0
        sw = np.asarray([(class_weight or {}).get(lab, 1.0) for lab in labels], np.float32)[:, None]
        sw /= sw.mean()
        w = np.zeros((x.shape[1], len(classes)), np.float32)
        b = np.zeros(len(classes), np.float32)
        for _ in range(steps):
            z = x @ w + b
            z = np.exp(z - z.max(1, keepdims=True))
            p = z / z.sum(1, keepdims=True)
            g = (p - y) * sw / len(x)
            w -= lr * (x.T @ g + l2 * w)
            b -= lr * g.sum(0)
        return cls(tuple(classes), w, b)


@dataclass(frozen=True, slots=True)
class IntentModels:
    scope: LinearClassifier
    section: LinearClassifier
    meta: dict[str, object]
    service: LinearClassifier | None = None  # classes: the service ids it was trained on

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> IntentModels:
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `rahnuma train-intent` to fit the message classifiers")
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("hash_dims") != HASH_DIMS:
                raise ValueError(f"{path} was fitted with hash_dims={meta.get('hash_dims')}, the code uses "
                                 f"{HASH_DIMS}: re-run `rahnuma train-intent`")
            scope = LinearClassifier(tuple(meta["scope_classes"]), z["scope_w"], z["scope_b"])
            section = LinearClassifier(tuple(meta["section_classes"]), z["section_w"], z["section_b"])
            service = (LinearClassifier(tuple(meta["service_classes"]), z["service_w"].astype(np.float32),
                                        z["service_b"])
                       if "service_w" in z.files else None)
        if scope.classes != SCOPE_CLASSES or section.classes != SECTION_CLASSES:
            raise ValueError(f"{path}: classes do not match the code's; re-run `rahnuma train-intent`")
        return cls(scope, section, meta, service)

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        meta = dict(self.meta, hash_dims=HASH_DIMS, scope_classes=list(self.scope.classes),
                    section_classes=list(self.section.classes))
        arrays: dict[str, Any] = dict(scope_w=self.scope.weights, scope_b=self.scope.bias,
                                      section_w=self.section.weights, section_b=self.section.bias)
        if self.service is not None:
            meta["service_classes"] = list(self.service.classes)
            arrays.update(service_w=self.service.weights.astype(np.float16), service_b=self.service.bias)
        np.savez_compressed(path, meta=np.asarray(json.dumps(meta, ensure_ascii=False)), **arrays)
