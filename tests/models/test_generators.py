"""Generative backends: prompting, the OpenAI-compatible client against a local fake server, a tiny
local transformers model built here, and the factory."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.config import GeneratorConfig
from bot.errors import ConfigError, ModelUnavailableError, RahnumaError
from models.generators import (
    Generator,
    GeneratorError,
    GeneratorUnavailableError,
    OpenAICompatibleGenerator,
    SourceSection,
    TransformersGenerator,
    build_messages,
    cited_ids,
    make_generator,
    restore_links,
    strip_markers,
)

PAGE = "https://dgip.gov.pk/passport-fees"
SOURCES = [
    SourceSection("S1", "dgip-passport.en", "Passport", "fees", PAGE,
                  "Normal fee Rs. 4,500. Urgent fee Rs. 9,000. Pay online at https://pay.dgip.gov.pk/bank, "
                  "or see www.dgip.gov.pk for branches."),
    SourceSection("S2", "nadra-cnic.en", "CNIC", "contact", "https://nadra.gov.pk/cnic",
                  "Helpline 051-111-786-100. Email info@nadra.gov.pk"),
]
URLS = ("https://dgip.gov.pk/passport-fees", "https://pay.dgip.gov.pk/bank", "www.dgip.gov.pk",
        "https://nadra.gov.pk/cnic", "dgip.gov.pk", "nadra.gov.pk/cnic")


# --- prompting ---------------------------------------------------------------------------------

def test_messages_show_numbered_sources_without_any_url() -> None:
    messages, links = build_messages("What is the urgent fee?", SOURCES, "en")
    system, user = messages[0]["content"], messages[1]["content"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "[S1] Passport — fees\nNormal fee Rs. 4,500." in user
    assert "[S2] CNIC — contact\nHelpline 051-111-786-100." in user
    assert "Question: What is the urgent fee?" in user
    for text in (system, user):
        assert "http" not in text and "www." not in text and "gov.pk/" not in text
    assert set(links.values()) == {PAGE, "https://pay.dgip.gov.pk/bank", "www.dgip.gov.pk",
                                   "https://nadra.gov.pk/cnic"}
    assert all(tok in user for tok in links)
    assert "info@nadra.gov.pk" in user  # an email is not a link


@pytest.mark.parametrize(("lang", "name"), [
    ("ur", "Urdu, written in Urdu (Perso-Arabic) script"), ("en", "English"), ("ur-Latn", "Roman Urdu"),
])
def test_system_prompt_names_the_reply_language_and_rules(lang: str, name: str) -> None:
    system = build_messages("fee?", SOURCES, lang)[0][0]["content"]
    assert name in system
    assert "ONLY from the numbered sources" in system and "[S1]" in system and "do not know" in system


def test_bad_inputs_raise_generator_errors() -> None:
    with pytest.raises(GeneratorError, match="'sd'"):
        build_messages("fee?", SOURCES, "sd")
    with pytest.raises(GeneratorError, match="at least one"):
        build_messages("fee?", [], "en")
    with pytest.raises(GeneratorError, match="unique"):
        build_messages("fee?", [SOURCES[0], SOURCES[0]], "en")
    assert issubclass(GeneratorError, RahnumaError)
    assert issubclass(GeneratorUnavailableError, ModelUnavailableError)


@pytest.mark.parametrize(("text", "ids"), [
    ("Fee is Rs. 4,500 [S1].", ("S1",)),
    ("فیس 4500 روپے ہے [S2]، اور [S1, S2] [s3]", ("S2", "S1", "S3")),
    ("Both [S2][S1] and again [S2]", ("S2", "S1")),
    ("No markers, S1 alone or (S1) does not count", ()),
])
def test_cited_ids(text: str, ids: tuple[str, ...]) -> None:
    assert cited_ids(text) == ids


def test_restore_links_and_strip_markers() -> None:
    links = {"[URL1]": PAGE}
    assert restore_links("See [URL1] or [URL9].", links) == f"See {PAGE} or [URL9]."
    assert strip_markers("Fee is Rs. 4,500 [S1]. Urgent [S1, S2] ۔") == "Fee is Rs. 4,500. Urgent۔"


# --- OpenAI-compatible client against a local fake server ---------------------------------------

class FakeServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.reply: Any = {"choices": [{"message": {"role": "assistant", "content": "Rs. 9,000 [S1]."},
                                        "finish_reason": "stop"}]}
        self.hang = False
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers),
                                        "json": json.loads(body)})
                if server.hang:
                    server.release.wait(10)
                out = server.reply if isinstance(server.reply, bytes) else json.dumps(server.reply).encode()
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture()
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


def test_openai_success_returns_text_and_cited_ids(fake: FakeServer) -> None:
    fake.reply = {"choices": [{"message": {"content": "Urgent fee is Rs. 9,000 [S1]. Pay at [URL1] [S1]. "
                                                      "Helpline 051-111-786-100 [S2]."},
                               "finish_reason": "stop"}]}
    gen = OpenAICompatibleGenerator(fake.base_url + "/", "qwen2.5-7b-instruct", api_key="sekret",
                                    timeout_seconds=5, max_tokens=123)
    answer = gen.generate("urgent passport fee?", SOURCES, "en")
    assert answer.cited_ids == ("S1", "S2")
    assert answer.text.startswith("Urgent fee is Rs. 9,000 [S1]. Pay at https://pay.dgip.gov.pk/bank [S1].")
    assert "[URL1]" in answer.raw and not answer.truncated
    [req] = fake.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == "Bearer sekret"
    body = req["json"]
    assert body["model"] == "qwen2.5-7b-instruct" and body["max_tokens"] == 123 and body["temperature"] == 0
    sent = json.dumps(body, ensure_ascii=False)
    assert not any(url in sent for url in URLS)
    assert "Normal fee Rs. 4,500." in sent and "Helpline 051-111-786-100." in sent
    assert "urgent passport fee?" in body["messages"][1]["content"]


def test_openai_no_api_key_sends_no_authorization(fake: FakeServer) -> None:
    OpenAICompatibleGenerator(fake.base_url, "m").generate("fee?", SOURCES[:1], "ur")
    assert "Authorization" not in fake.requests[0]["headers"]


def test_openai_cut_off_answer_is_marked_truncated(fake: FakeServer) -> None:
    fake.reply = {"choices": [{"message": {"content": "Fee is Rs. 4,500 [S1] and"}, "finish_reason": "length"}]}
    assert OpenAICompatibleGenerator(fake.base_url, "m").generate("fee?", SOURCES, "en").truncated


def test_openai_timeout_raises_generator_error(fake: FakeServer) -> None:
    fake.hang = True
    gen = OpenAICompatibleGenerator(fake.base_url, "m", timeout_seconds=0.2)
    with pytest.raises(GeneratorError, match="did not answer within 0.2 s"):
        gen.generate("fee?", SOURCES, "en")


def test_openai_server_error_raises_generator_error(fake: FakeServer) -> None:
    fake.status, fake.reply = 500, {"error": "CUDA out of memory"}
    with pytest.raises(GeneratorError, match="HTTP 500.*CUDA out of memory"):
        OpenAICompatibleGenerator(fake.base_url, "m").generate("fee?", SOURCES, "en")


@pytest.mark.parametrize("reply", [b"<html>not json</html>", {"choices": []}, {"choices": [{"message": {}}]},
                                   {"choices": [{"message": {"content": None}}]}])
def test_openai_malformed_reply_raises_generator_error(fake: FakeServer, reply: Any) -> None:
    fake.reply = reply
    with pytest.raises(GeneratorError):
        OpenAICompatibleGenerator(fake.base_url, "m").generate("fee?", SOURCES, "en")


def test_openai_unreachable_server_raises_generator_error(fake: FakeServer) -> None:
    base_url = fake.base_url
    fake.httpd.shutdown()
    fake.httpd.server_close()
    with pytest.raises(GeneratorError, match="Cannot reach"):
        OpenAICompatibleGenerator(base_url, "m", timeout_seconds=2).generate("fee?", SOURCES, "en")


# --- local transformers model (tiny, built by the test) ------------------------------------------

VOCAB = ["[UNK]", "[PAD]", "</s>", "ok", "fee", "Rs", "S1"]


def _tiny_model(folder: Path, favour: str, chat_template: str | None = None) -> Path:
    """A 1-layer GPT-2 whose greedy output is always ``favour``: the final layer norm is zeroed
    with a fixed bias, so every position scores the token whose embedding matches that bias."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(VOCAB)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="</s>")
    if chat_template:
        fast.chat_template = chat_template
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(VOCAB), n_positions=1024, n_embd=16, n_layer=1, n_head=2,
                        bos_token_id=2, eos_token_id=2, pad_token_id=1)
    model = GPT2LMHeadModel(config)
    with torch.no_grad():
        bias = torch.ones(16)
        model.transformer.ln_f.weight.zero_()
        model.transformer.ln_f.bias.copy_(bias)
        model.transformer.wte.weight.mul_(0.01)
        model.transformer.wte.weight[vocab[favour]] = bias
        if favour != "</s>":
            model.transformer.wte.weight[vocab["</s>"]] = -bias
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_ok(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_model(tmp_path_factory.mktemp("tiny-ok"), "ok")


def test_transformers_generates_greedily_up_to_max_tokens(tiny_ok: Path) -> None:
    gen = TransformersGenerator(tiny_ok, max_tokens=3)
    assert isinstance(gen, Generator)
    answer = gen.generate("fee?", SOURCES, "en")
    assert answer.text == "ok ok ok" and answer.raw == "ok ok ok"
    assert answer.truncated and answer.cited_ids == ()
    assert TransformersGenerator(tiny_ok, max_tokens=5).generate("fee?", SOURCES, "ur").text == "ok ok ok ok ok"


def test_transformers_stops_at_end_of_sequence(tmp_path: Path) -> None:
    answer = TransformersGenerator(_tiny_model(tmp_path, "</s>"), max_tokens=4).generate("fee?", SOURCES, "en")
    assert answer.text == "" and not answer.truncated


def test_transformers_prompt_plain_or_chat_template(tiny_ok: Path, tmp_path: Path) -> None:
    messages, _ = build_messages("fee?", SOURCES, "en")
    plain = TransformersGenerator(tiny_ok)
    plain.load()
    assert plain.prompt(messages).startswith("System: You are Rahnuma")
    assert plain.prompt(messages).endswith("Answer:")
    template = "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}<assistant>"
    chat = TransformersGenerator(_tiny_model(tmp_path, "ok", template), max_tokens=2)
    chat.load()
    prompt = chat.prompt(messages)
    assert prompt.startswith("<system>You are Rahnuma") and prompt.endswith("<assistant>")
    assert "<user>Sources:" in prompt and "http" not in prompt
    assert chat.generate("fee?", SOURCES, "en").text == "ok ok"


def test_transformers_prompt_longer_than_context_is_an_error(tiny_ok: Path) -> None:
    with pytest.raises(GeneratorError, match="max_tokens is 1024"):
        TransformersGenerator(tiny_ok, max_tokens=1024).generate("fee?", SOURCES, "en")


def test_transformers_missing_folder_or_package(tmp_path: Path, tiny_ok: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    gen = TransformersGenerator(tmp_path / "nowhere")  # construction does not touch the disk
    with pytest.raises(GeneratorUnavailableError, match="No model folder"):
        gen.load()
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(GeneratorUnavailableError, match="'transformers' extra"):
        TransformersGenerator(tiny_ok).load()


# --- factory -----------------------------------------------------------------------------------

def test_make_generator_none_is_none() -> None:
    assert make_generator(GeneratorConfig()) is None


def test_make_generator_openai() -> None:
    gen = make_generator(GeneratorConfig(backend="openai", base_url="http://127.0.0.1:8080/v1/", model="m",
                                         api_key="k", timeout_seconds=3, max_tokens=50))
    assert isinstance(gen, OpenAICompatibleGenerator)
    assert gen.url == "http://127.0.0.1:8080/v1/chat/completions"
    assert (gen.model, gen.api_key, gen.timeout_seconds, gen.max_tokens) == ("m", "k", 3, 50)


@pytest.mark.parametrize(("fields", "missing"), [
    ({}, "base_url and model"), ({"model": "m"}, "base_url"), ({"base_url": "http://x/v1"}, "model"),
])
def test_make_generator_openai_needs_base_url_and_model(fields: dict[str, str], missing: str) -> None:
    with pytest.raises(ConfigError, match=f"needs {missing}:"):
        make_generator(GeneratorConfig(backend="openai", **fields))


def test_make_generator_openai_rejects_url_without_scheme() -> None:
    with pytest.raises(ConfigError, match="http://"):
        make_generator(GeneratorConfig(backend="openai", base_url="127.0.0.1:8080/v1", model="m"))


def test_make_generator_transformers(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs model"):
        make_generator(GeneratorConfig(backend="transformers"))
    gen = make_generator(GeneratorConfig(backend="transformers", model="models/llm", max_tokens=7), tmp_path)
    assert isinstance(gen, TransformersGenerator)
    assert gen.path == tmp_path / "models" / "llm" and gen.max_tokens == 7
    assert gen._model is None  # cheap: nothing loaded
