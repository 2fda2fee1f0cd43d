"""Chat-completions client for an operator-hosted OpenAI-compatible server (vLLM, llama.cpp
server, TGI, Ollama ...): ``POST {base_url}/chat/completions`` with greedy decoding."""

from __future__ import annotations

import threading
from typing import Any

from models.generators.base import GeneratedAnswer, GeneratorError, SourceSection, build_messages, make_answer


class OpenAICompatibleGenerator:
    """``base_url`` is the API root, e.g. ``http://127.0.0.1:8080/v1``."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_seconds: float = 20.0,
                 max_tokens: int = 400) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_seconds = timeout_seconds
        self.max_tokens = max_tokens
        self.id = f"openai:{model}"
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def load(self) -> None:
        """Creates the HTTP client; no request is made (the server may start later)."""
        with self._lock:
            if self._client is None:
                import httpx

                headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
                self._client = httpx.Client(timeout=self.timeout_seconds, headers=headers)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def payload(self, question: str, sources: list[SourceSection], lang: str) -> tuple[dict[str, Any],
                                                                                      dict[str, str]]:
        messages, links = build_messages(question, sources, lang)
        body = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens, "temperature": 0}
        return body, links

    def generate(self, question: str, sources: list[SourceSection], lang: str) -> GeneratedAnswer:
        import httpx

        body, links = self.payload(question, sources, lang)
        self.load()
        try:
            response = self._client.post(self.url, json=body)
        except httpx.TimeoutException as err:
            raise GeneratorError(
                f"The generator at {self.url} did not answer within {self.timeout_seconds:g} s "
                "([generator].timeout_seconds). Check the server's load or raise the timeout."
            ) from err
        except httpx.HTTPError as err:
            raise GeneratorError(
                f"Cannot reach the generator at {self.url} ({type(err).__name__}: {err}). "
                "Start the server or fix [generator].base_url."
            ) from err
        if response.status_code != 200:
            raise GeneratorError(
                f"The generator at {self.url} answered HTTP {response.status_code}: {response.text[:300]!r}. "
                "Check [generator].model and the server's log."
            )
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as err:
            raise GeneratorError(
                f"The generator at {self.url} sent a reply that is not a chat completion "
                f"({type(err).__name__}): {response.text[:300]!r}"
            ) from err
        if not isinstance(content, str):
            raise GeneratorError(f"The generator at {self.url} sent no answer text (content={content!r}).")
        return make_answer(content, links, truncated=choice.get("finish_reason") == "length")
