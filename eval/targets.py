"""What the harness asks questions of: the pipeline in-process, or a running API over HTTP.

Both targets return the response contract dict (``Reply.to_public()``, see the API contract) with one
key added, ``latency_ms``: wall time of the call as the harness saw it. Every question is asked in a
fresh session (``session_id=None``) so that no conversation state leaks between items.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from bot.errors import RahnumaError


class TargetError(RahnumaError):
    """The system under evaluation could not be reached or gave an unusable reply."""


class Target(Protocol):
    id: str

    def ask(self, message: str, session_id: str | None = None) -> dict[str, Any]: ...

    def describe(self) -> dict[str, Any]: ...


def _timed(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    result = call()
    out = dict(result)
    out["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    return out


def _describe_object(obj: object) -> dict[str, Any]:
    """Embedder id / index version from ``obj.describe()`` if present, else from attributes of that name."""
    info: dict[str, Any] = {}
    describe = getattr(obj, "describe", None)
    if callable(describe):
        try:
            got = describe()
            if isinstance(got, dict):
                info.update(got)
        except Exception:  # noqa: BLE001 - a broken describe() must not stop an evaluation
            pass
    for key in ("embedder_id", "index_version", "reader_id"):
        value = getattr(obj, key, None)
        if value is not None and key not in info:
            info[key] = value
    # bot.pipeline.Pipeline today: ``.embedder.id`` and the loaded index manifest (``.data.manifest``)
    embedder_id = getattr(getattr(obj, "embedder", None), "id", None)
    if "embedder_id" not in info and isinstance(embedder_id, str):
        info["embedder_id"] = embedder_id
    try:
        manifest = obj.data.manifest  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - not loaded / no such attribute
        manifest = None
    if isinstance(manifest, dict):
        if "index_version" not in info and manifest.get("version"):
            info["index_version"] = manifest["version"]
        if manifest.get("corpus_hash"):
            info.setdefault("corpus_hash", manifest["corpus_hash"])
    return info


class PipelineTarget:
    """The bot pipeline in this process (``bot.pipeline.Pipeline``), asked on channel "eval"."""

    def __init__(self, pipeline: Any, channel: str = "eval", label: str = "pipeline") -> None:
        self.pipeline = pipeline
        self.channel = channel
        self.id = label

    @classmethod
    def from_config(cls, config_path: str | Path | None = None) -> PipelineTarget:
        """Load the config and build the pipeline with ``bot.pipeline.build_pipeline(config)``."""
        from bot.config import load_config

        try:
            from bot.pipeline import build_pipeline
        except ImportError as err:
            raise TargetError(
                f"cannot import bot.pipeline.build_pipeline ({err}); "
                "evaluate a running server with --url instead"
            ) from err
        return cls(build_pipeline(load_config(config_path)))

    def ask(self, message: str, session_id: str | None = None) -> dict[str, Any]:
        def call() -> dict[str, Any]:
            reply = self.pipeline.answer(message, session_id=session_id, channel=self.channel)
            public = reply.to_public() if hasattr(reply, "to_public") else reply
            if not isinstance(public, dict):
                raise TargetError(f"pipeline returned {type(public).__name__}, expected a Reply or dict")
            return public

        return _timed(call)

    def describe(self) -> dict[str, Any]:
        return {"target": "pipeline", **_describe_object(self.pipeline)}


class HttpTarget:
    """A running Rahnuma API: ``POST {url}/v1/chat``.

    ``client`` may be an ``httpx.Client`` (tests pass one with a mock transport). Connection failures
    and timeouts raise ``TargetError`` naming the URL and the fix.
    """

    def __init__(
        self, url: str, timeout: float = 30.0, channel: str | None = None, client: Any = None
    ) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise TargetError(
                f"--url {url!r} must start with http:// or https:// (e.g. http://127.0.0.1:8000)"
            )
        self.url = url.rstrip("/")
        self.id = self.url
        self.channel = channel
        self.timeout = timeout
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            return self._client.request(method, f"{self.url}{path}", **kwargs)
        except httpx.TimeoutException as err:
            raise TargetError(
                f"{self.url}{path} did not answer within {self.timeout:g} s; is the server overloaded? "
                "Raise the timeout or evaluate fewer items with --limit"
            ) from err
        except httpx.TransportError as err:
            raise TargetError(
                f"cannot reach the Rahnuma API at {self.url} ({err.__class__.__name__}: {err}); "
                "start it with "
                "`rahnuma serve` or correct --url"
            ) from err

    def ask(self, message: str, session_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message, "session_id": session_id}
        if self.channel:
            body["channel"] = self.channel

        def call() -> dict[str, Any]:
            resp = self._request("POST", "/v1/chat", json=body)
            if resp.status_code != 200:
                raise TargetError(
                    f"POST {self.url}/v1/chat answered {resp.status_code}: {resp.text[:300]!r} "
                    f"(message {message[:60]!r})"
                )
            try:
                data = resp.json()
            except ValueError as err:
                raise TargetError(f"POST {self.url}/v1/chat returned non-JSON: {resp.text[:200]!r}") from err
            if not isinstance(data, dict) or "outcome" not in data:
                raise TargetError(
                    f"POST {self.url}/v1/chat returned {str(data)[:200]!r}, not the response contract"
                )
            return data

        return _timed(call)

    def describe(self) -> dict[str, Any]:
        """``{"target": "http", "url": ...}`` plus embedder / index version if /healthz reports them."""
        info: dict[str, Any] = {"target": "http", "url": self.url}
        try:
            resp = self._request("GET", "/healthz")
            data = resp.json() if resp.status_code == 200 else {}
        except (TargetError, ValueError):
            data = {}
        if isinstance(data, dict):
            for key in ("embedder_id", "embedder", "index_version", "version"):
                if key in data:
                    info[key] = data[key]
        return info

    def close(self) -> None:
        self._client.close()
