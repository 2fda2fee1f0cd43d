"""Extractive QA readers, scored on UQA in gold-paragraph mode (the question comes with its paragraph).

* ``TransformersReader``: any extractive QA model in a local folder (``AutoModelForQuestionAnswering``
  + a fast ``AutoTokenizer``), SQuAD 2.0 decoding with a no-answer option.
* ``OracleReader``: returns the gold answer; a plumbing check (EM must be 100).
* ``FirstSentenceReader``: returns the paragraph's first sentence; a floor for smoke runs.

``evaluate_reader`` gives SQuAD 2.0 EM/F1 next to the published UQA figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.errors import ModelUnavailableError
from eval.answers import answer_sentence_hit, exact_match, split_sentences, squad_summary, token_f1

# UQA paper / README, validation split, best model.
PUBLISHED_UQA = {
    "model": "XLM-RoBERTa-XL",
    "EM": 74.56,
    "F1": 85.99,
    "source": "Arif et al., LREC-COLING 2024",
}
EXTRA_HINT = "pip install 'rahnuma[transformers]' (installs torch and transformers)"


@dataclass(frozen=True, slots=True)
class ReaderAnswer:
    text: str  # "" = no answer
    start: int  # character offset in the context, -1 for no answer
    score: float = 0.0  # span score minus no-answer score (model readers); higher = surer


class Reader(Protocol):
    id: str

    def read(self, questions: Sequence[str], contexts: Sequence[str]) -> list[ReaderAnswer]: ...


class OracleReader:
    """Looks the gold answer up by (question, context): every metric should come out perfect."""

    id = "oracle"

    def __init__(self, gold: Iterable[tuple[str, str, str, int]]) -> None:
        """``gold``: (question, context, answer, answer_start) rows; answer "" for no-answer."""
        self._gold = {(q, c): (a, s) for q, c, a, s in gold}

    def read(self, questions: Sequence[str], contexts: Sequence[str]) -> list[ReaderAnswer]:
        out = []
        for q, c in zip(questions, contexts, strict=True):
            answer, start = self._gold.get((q, c), ("", -1))
            out.append(ReaderAnswer(answer, start if answer else -1, 1.0))
        return out


class FirstSentenceReader:
    """Answers every question with the first sentence of its paragraph."""

    id = "first-sentence"

    def read(self, questions: Sequence[str], contexts: Sequence[str]) -> list[ReaderAnswer]:
        out = []
        for c in contexts:
            spans = split_sentences(c)
            s, e = spans[0] if spans else (0, 0)
            out.append(ReaderAnswer(c[s:e], s if e > s else -1, 0.0))
        return out


class TransformersReader:
    """An extractive QA model from a local folder, decoded SQuAD 2.0-style over sliding windows.

    For each question the best span (start <= end, at most ``max_answer_tokens`` tokens, inside the
    context) across windows is compared with the best no-answer score (the [CLS] logits); the reader
    abstains when ``no_answer - best_span > null_threshold``.
    """

    def __init__(
        self,
        path: str | Path,
        max_length: int = 384,
        stride: int = 128,
        max_answer_tokens: int = 30,
        null_threshold: float = 0.0,
        batch_size: int = 16,
        device: str = "auto",
    ) -> None:
        try:
            import torch
            from transformers import AutoModelForQuestionAnswering, AutoTokenizer
        except ImportError as err:
            raise ModelUnavailableError(
                f"the reader needs torch and transformers ({err}); {EXTRA_HINT}"
            ) from err
        folder = Path(path)
        if not folder.is_dir():
            raise ModelUnavailableError(f"--reader {folder}: no such folder; pass a local QA model directory")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
            self.model = AutoModelForQuestionAnswering.from_pretrained(str(folder))
        except (OSError, ValueError) as err:
            raise ModelUnavailableError(f"{folder}: not a loadable extractive QA model ({err})") from err
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelUnavailableError(
                f"{folder}: the reader needs a fast tokenizer (tokenizer.json) for offsets"
            )
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self.model.to(device).eval()
        self.id = f"hf-{folder.resolve().name}"
        self.max_length = min(
            max_length, getattr(self.tokenizer, "model_max_length", max_length) or max_length
        )
        self.stride = min(stride, self.max_length // 2)
        self.max_answer_tokens = max_answer_tokens
        self.null_threshold = null_threshold
        self.batch_size = batch_size

    def read(self, questions: Sequence[str], contexts: Sequence[str]) -> list[ReaderAnswer]:
        out: list[ReaderAnswer] = []
        for i in range(0, len(questions), self.batch_size):
            out.extend(
                self._read_batch(
                    list(questions[i : i + self.batch_size]), list(contexts[i : i + self.batch_size])
                )
            )
        return out

    def _read_batch(self, questions: list[str], contexts: list[str]) -> list[ReaderAnswer]:
        import torch

        pad_right = getattr(self.tokenizer, "padding_side", "right") == "right"
        enc = self.tokenizer(
            [q.strip() for q in questions] if pad_right else contexts,
            contexts if pad_right else [q.strip() for q in questions],
            truncation="only_second" if pad_right else "only_first",
            max_length=self.max_length,
            stride=self.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=True,
            return_tensors="pt",
        )
        sample_of = enc.pop("overflow_to_sample_mapping").tolist()
        offsets = enc.pop("offset_mapping").tolist()
        context_seq = 1 if pad_right else 0
        inputs = {
            k: v.to(self.device)
            for k, v in enc.items()
            if k in ("input_ids", "attention_mask", "token_type_ids")
        }
        with torch.no_grad():
            result: Any = self.model(**inputs)
        starts = result.start_logits.float().cpu().tolist()
        ends = result.end_logits.float().cpu().tolist()
        best: list[tuple[float, int, int]] = [(float("-inf"), -1, -1)] * len(questions)
        null: list[float] = [float("inf")] * len(questions)
        for w, sample in enumerate(sample_of):
            seq_ids = enc.sequence_ids(w)
            null[sample] = min(null[sample], starts[w][0] + ends[w][0])
            ctx = [t for t, s in enumerate(seq_ids) if s == context_seq]
            if not ctx:
                continue
            top_s = sorted(ctx, key=lambda t: -starts[w][t])[:20]
            top_e = sorted(ctx, key=lambda t: -ends[w][t])[:20]
            for s in top_s:
                for e in top_e:
                    if e < s or e - s + 1 > self.max_answer_tokens:
                        continue
                    score = starts[w][s] + ends[w][e]
                    if score > best[sample][0]:
                        best[sample] = (score, offsets[w][s][0], offsets[w][e][1])
        answers = []
        for i, context in enumerate(contexts):
            score, c0, c1 = best[i]
            margin = score - null[i]
            if c0 < 0 or c1 <= c0 or -margin > self.null_threshold:
                answers.append(ReaderAnswer("", -1, margin if c0 >= 0 else float("-inf")))
            else:
                answers.append(ReaderAnswer(context[c0:c1], c0, margin))
        return answers


def make_reader(spec: str, gold: Iterable[tuple[str, str, str, int]] = ()) -> Reader:
    """``"oracle"``, ``"first-sentence"`` or a path to a local QA model folder."""
    if spec == "oracle":
        return OracleReader(gold)
    if spec == "first-sentence":
        return FirstSentenceReader()
    return TransformersReader(spec)


def score_prediction(
    question_id: str, context: str, golds: Sequence[str], answer: ReaderAnswer
) -> dict[str, Any]:
    """One per-item record (JSON-serialisable) for the run cache."""
    return {
        "id": question_id,
        "prediction": answer.text,
        "start": answer.start,
        "score": answer.score,
        "golds": list(golds),
        "em": exact_match(answer.text, golds),
        "f1": token_f1(answer.text, golds),
        "sentence_hit": answer_sentence_hit(
            context, answer.text, golds, answer.start if answer.start >= 0 else None
        ),
    }


def summarise_reader(records: Sequence[dict[str, Any]], reader_id: str) -> dict[str, Any]:
    """SQuAD 2.0 summary of per-item records plus the sentence hit rate and the published reference."""
    from eval.metrics import mean_defined

    summary: dict[str, Any] = dict(squad_summary((r["prediction"], r["golds"]) for r in records))
    hit = mean_defined(r["sentence_hit"] for r in records)
    summary["answer_sentence_hit"] = round(100 * hit, 2) if hit is not None else None
    return {"reader": reader_id, "summary": summary, "published": PUBLISHED_UQA}
