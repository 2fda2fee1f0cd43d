"""Outbound WhatsApp Cloud API client: text, reply-button and template messages.

Synchronous (httpx.Client) on purpose: the webhook processes messages in a FastAPI background task,
which runs sync functions in the thread pool, so retries and backoff sleeps never block the event loop.
Call it from sync routes, or wrap it in ``starlette.concurrency.run_in_threadpool`` from async ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from bot.config import WhatsAppConfig
from bot.errors import ConfigError, RahnumaError

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4096  # text message body
MAX_INTERACTIVE_BODY_CHARS = 1024  # interactive message body
MAX_BUTTON_TITLE_CHARS = 20  # reply-button title
MAX_BUTTON_ID_CHARS = 256
MAX_TEMPLATE_PARAM_CHARS = 1024
MAX_RETRY_AFTER_SECONDS = 30.0


class WhatsAppSendError(RahnumaError):
    """A message could not be delivered to the Cloud API (after retries, or a non-retryable 4xx)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def template_param(text: str) -> str:
    """Template body parameters may not contain newlines, tabs or more than 4 consecutive spaces."""
    flat = " ".join(text.split())
    return clip(flat, MAX_TEMPLATE_PARAM_CHARS) or "-"


def text_payload(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": clip(body, MAX_TEXT_CHARS), "preview_url": False},
    }


def buttons_payload(to: str, body: str, buttons: Sequence[tuple[str, str]]) -> dict[str, Any]:
    if not 1 <= len(buttons) <= 3:
        raise ValueError(f"WhatsApp reply-button messages take 1 to 3 buttons, got {len(buttons)}")
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": clip(body, MAX_INTERACTIVE_BODY_CHARS)},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {
                            "id": bid[:MAX_BUTTON_ID_CHARS],
                            "title": clip(title, MAX_BUTTON_TITLE_CHARS),
                        },
                    }
                    for bid, title in buttons
                ]
            },
        },
    }


def template_payload(to: str, name: str, language: str, body_text: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": template_param(body_text)}]}
            ],
        },
    }


class WhatsAppClient:
    """Posts messages to ``{api_base_url}/{phone_number_id}/messages`` with retries.

    Retries (``max_retries`` extra attempts, delay ``backoff_seconds * 2**attempt``) on 429, 5xx and
    network errors; any other 4xx fails at once. ``transport`` and ``sleep`` are for tests.
    """

    def __init__(
        self,
        config: WhatsAppConfig,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            headers={"Content-Type": "application/json"},
        )

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WhatsAppClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- message kinds ---------------------------------------------------------------------------
    def send_text(self, to: str, body: str, *, phone_number_id: str | None = None) -> str | None:
        return self.send(text_payload(to, body), phone_number_id=phone_number_id)

    def send_buttons(
        self, to: str, body: str, buttons: Sequence[tuple[str, str]], *, phone_number_id: str | None = None
    ) -> str | None:
        """An interactive message with up to 3 reply buttons given as (id, title) pairs."""
        return self.send(buttons_payload(to, body, buttons), phone_number_id=phone_number_id)

    def send_template(self, to: str, body_text: str, *, phone_number_id: str | None = None) -> str | None:
        """The configured template (``template_name``/``template_language``), ``body_text`` as {{1}}."""
        payload = template_payload(to, self.config.template_name, self.config.template_language, body_text)
        return self.send(payload, phone_number_id=phone_number_id)

    # -- transport -------------------------------------------------------------------------------
    def url_for(self, phone_number_id: str | None = None) -> str:
        pnid = phone_number_id or self.config.phone_number_id
        if not pnid:
            raise ConfigError(
                "whatsapp.phone_number_id is empty: set it in rahnuma.toml ([whatsapp] phone_number_id) "
                "to the sending number's id from the Meta app dashboard."
            )
        return f"{self.config.api_base_url.rstrip('/')}/{pnid}/messages"

    def send(self, payload: dict[str, Any], *, phone_number_id: str | None = None) -> str | None:
        """POST one message; returns the WhatsApp message id (``wamid``) when the API gives one."""
        if not self.config.access_token:
            raise ConfigError(
                "whatsapp.access_token is empty: set WHATSAPP_ACCESS_TOKEN (or [whatsapp] access_token)."
            )
        url = self.url_for(phone_number_id)
        headers = {"Authorization": f"Bearer {self.config.access_token}"}
        attempts = self.config.max_retries + 1
        last_error = ""
        last_status: int | None = None
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                resp = self._http.post(url, json=payload, headers=headers)
            except httpx.TransportError as err:
                last_error, last_status = f"network error: {type(err).__name__}: {err}", None
            else:
                if resp.is_success:
                    return _message_id(resp)
                last_status = resp.status_code
                last_error = f"HTTP {resp.status_code}: {resp.text[:300]}"
                if resp.status_code != 429 and resp.status_code < 500:
                    raise WhatsAppSendError(
                        f"WhatsApp API rejected the {payload.get('type')} message ({last_error}); "
                        "not retried: fix the request, token or template named in the error.",
                        resp.status_code,
                    )
                retry_after = _retry_after(resp)
            if attempt + 1 < attempts:
                delay = self.config.backoff_seconds * (2**attempt)
                if retry_after is not None:
                    delay = max(delay, retry_after)
                log.warning(
                    "whatsapp send attempt %d/%d failed (%s); retrying in %.2fs",
                    attempt + 1, attempts, last_error, delay,
                )
                self._sleep(delay)
        raise WhatsAppSendError(
            f"WhatsApp API send failed after {attempts} attempts ({last_error}).", last_status
        )


def _message_id(resp: httpx.Response) -> str | None:
    try:
        data = resp.json()
        return str(data["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_SECONDS)
    except ValueError:
        return None
