"""A local causal language model from a folder (Hugging Face format), greedy decoding.

Needs the ``transformers`` extra (``pip install -e .[transformers]``). Uses the tokenizer's chat
template when it has one, else a plain "System / User / Answer" prompt.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from models.generators.base import (
    GeneratedAnswer,
    GeneratorError,
    GeneratorUnavailableError,
    SourceSection,
    build_messages,
    make_answer,
)

_MODEL_INPUTS = ("input_ids", "attention_mask")


class TransformersGenerator:
    def __init__(self, path: str | Path, max_tokens: int = 400, device: str = "auto") -> None:
        self.path = Path(path)
        self.max_tokens = max_tokens
        self.device = device
        self.id = f"transformers:{self.path.name}"
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if not self.path.is_dir():
                raise GeneratorUnavailableError(
                    f"No model folder at {str(self.path)!r}. Set [generator].model to a local folder "
                    "holding a causal language model (config.json, weights, tokenizer)."
                )
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as err:
                raise GeneratorUnavailableError(
                    f"The transformers generator needs torch and transformers ({err}). Install the "
                    "'transformers' extra: pip install -e '.[transformers]'."
                ) from err
            device = self.device
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            import transformers

            # the checkpoint's own dtype (bf16 for most instruct models), not float32
            major, minor = (int(p) for p in transformers.__version__.split(".")[:2])
            dtype_arg = "dtype" if (major, minor) >= (4, 56) else "torch_dtype"
            try:
                tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
                model: Any = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True,
                                                                  **{dtype_arg: "auto"})
            except (OSError, ValueError) as err:
                raise GeneratorUnavailableError(
                    f"Cannot load a causal language model from {str(self.path)!r}: {err}"
                ) from err
            model.to(device).eval()
            self._tokenizer, self._model, self._device = tokenizer, model, device

    def prompt(self, messages: list[dict[str, str]]) -> str:
        """The model input: the chat template when the tokenizer has one, else a plain prompt."""
        tok = self._tokenizer
        if getattr(tok, "chat_template", None):
            return str(tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
        system, user = messages[0]["content"], messages[1]["content"]
        return f"System: {system}\n\nUser: {user}\n\nAnswer:"

    def generate(self, question: str, sources: list[SourceSection], lang: str) -> GeneratedAnswer:
        messages, links = build_messages(question, sources, lang)
        self.load()
        import torch

        tok, model = self._tokenizer, self._model
        text = self.prompt(messages)
        inputs = tok(text, return_tensors="pt", add_special_tokens=not getattr(tok, "chat_template", None))
        n_in = int(inputs["input_ids"].shape[1])
        cfg = model.config
        limit = getattr(cfg, "max_position_embeddings", None) or getattr(cfg, "n_positions", None)
        if limit and n_in + self.max_tokens > limit:
            raise GeneratorError(
                f"The prompt is {n_in} tokens and max_tokens is {self.max_tokens}; the model at "
                f"{str(self.path)!r} takes {limit} in all. Lower [generator].max_tokens or use a model "
                "with a longer context."
            )
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        try:
            with self._lock, torch.inference_mode():
                out = model.generate(
                    **{k: v.to(self._device) for k, v in inputs.items() if k in _MODEL_INPUTS},
                    max_new_tokens=self.max_tokens, do_sample=False, num_beams=1,
                    pad_token_id=pad, eos_token_id=tok.eos_token_id,
                )
        except (RuntimeError, ValueError) as err:
            raise GeneratorError(f"Generation with {str(self.path)!r} failed: {err}") from err
        new = out[0, n_in:]
        eos = tok.eos_token_id
        truncated = len(new) >= self.max_tokens and (eos is None or int(new[-1]) != eos)
        raw = tok.decode(new, skip_special_tokens=True)
        return make_answer(raw, links, truncated=truncated)
