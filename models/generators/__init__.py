"""Optional generative answer backends, off by default ([generator].backend = "none").

- ``OpenAICompatibleGenerator``: an operator-hosted server with a chat-completions API.
- ``TransformersGenerator``: a local causal language model folder (the ``transformers`` extra).

Every generated answer must pass ``bot.guardrails.validate_generated``; otherwise the pipeline
keeps its extractive answer.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import GeneratorConfig
from bot.errors import ConfigError
from models.generators.base import (
    GeneratedAnswer,
    Generator,
    GeneratorError,
    GeneratorUnavailableError,
    SourceSection,
    build_messages,
    cited_ids,
    find_urls,
    restore_links,
    strip_markers,
    tokenise_urls,
)
from models.generators.openai_compat import OpenAICompatibleGenerator
from models.generators.transformers_local import TransformersGenerator

__all__ = [
    "GeneratedAnswer", "Generator", "GeneratorError", "GeneratorUnavailableError",
    "OpenAICompatibleGenerator", "SourceSection", "TransformersGenerator", "build_messages", "cited_ids",
    "find_urls", "make_generator", "restore_links", "strip_markers", "tokenise_urls",
]


def make_generator(config: GeneratorConfig, base_dir: str | Path | None = None) -> Generator | None:
    """The configured generator (not loaded yet), or None when ``backend = "none"``.

    ``base_dir`` resolves a relative model folder for the transformers backend (pass ``Config.root``).
    """
    if config.backend == "none":
        return None
    if config.backend == "openai":
        missing = [k for k in ("base_url", "model") if not getattr(config, k).strip()]
        if missing:
            raise ConfigError(
                f"[generator] backend = \"openai\" needs {' and '.join(missing)}: set base_url to the "
                "server's API root (e.g. \"http://127.0.0.1:8080/v1\") and model to the name it serves, "
                "or set backend = \"none\"."
            )
        if not config.base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"[generator].base_url must start with http:// or https://, got {config.base_url!r}."
            )
        return OpenAICompatibleGenerator(config.base_url, config.model, config.api_key,
                                         config.timeout_seconds, config.max_tokens)
    if config.backend == "transformers":
        if not config.model.strip():
            raise ConfigError(
                "[generator] backend = \"transformers\" needs model = a local model folder "
                "(e.g. \"models/qwen2.5-1.5b-instruct\"), or set backend = \"none\"."
            )
        path = Path(config.model)
        if not path.is_absolute() and base_dir:
            path = Path(base_dir) / path
        return TransformersGenerator(path, config.max_tokens)
    raise ConfigError(
        f"Unknown [generator].backend {config.backend!r}; use \"none\", \"openai\" or \"transformers\"."
    )
