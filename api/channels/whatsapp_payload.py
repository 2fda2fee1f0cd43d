"""Parsing of WhatsApp Cloud API webhook payloads into flat inbound messages.

Tolerant by design: anything of the wrong shape is skipped (and counted), never raised, because
the webhook must acknowledge every signed delivery with 200 or Meta keeps retrying it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HUMAN_BUTTON_ID = "human"
HUMAN_REQUEST_TEXT = "talk to a person"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One citizen message. ``text`` is None for kinds the bot cannot read (image, audio, ...)."""

    message_id: str
    sender: str  # the citizen's WhatsApp id (phone number, digits only)
    kind: str  # WhatsApp message type: text, interactive, button, image, ...
    text: str | None
    timestamp: str = ""
    button_id: str | None = None
    phone_number_id: str | None = None  # the business number that received it


@dataclass(frozen=True, slots=True)
class ParsedPayload:
    messages: tuple[InboundMessage, ...]
    statuses: int = 0  # delivery/read receipts (ignored)
    skipped: int = 0  # malformed entries, changes or messages


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _message_text(msg: dict[str, Any]) -> tuple[str | None, str | None]:
    """(text, button_id) for the kinds the bot reads; (None, None) otherwise."""
    kind = msg.get("type")
    if kind == "text":
        body = _dict(msg.get("text")).get("body")
        return (body if isinstance(body, str) else None), None
    if kind == "interactive":
        inter = _dict(msg.get("interactive"))
        reply = _dict(inter.get("button_reply")) or _dict(inter.get("list_reply"))
        bid, title = _str(reply.get("id")), _str(reply.get("title"))
        if bid == HUMAN_BUTTON_ID:
            return HUMAN_REQUEST_TEXT, bid
        return title, bid
    if kind == "button":  # quick-reply button on a template message
        button = _dict(msg.get("button"))
        payload, text = _str(button.get("payload")), _str(button.get("text"))
        if payload == HUMAN_BUTTON_ID:
            return HUMAN_REQUEST_TEXT, payload
        return text, payload
    return None, None


def parse_payload(payload: Any) -> ParsedPayload:
    """Messages in ``entry[].changes[].value.messages[]``; everything else is skipped or counted."""
    messages: list[InboundMessage] = []
    statuses = skipped = 0
    root = _dict(payload)
    if not root:
        return ParsedPayload((), 0, 1)
    entries = root.get("entry")
    if not isinstance(entries, list):
        return ParsedPayload((), 0, 1)
    for entry in entries:
        changes = _dict(entry).get("changes")
        if not isinstance(changes, list):
            skipped += 1
            continue
        for change in changes:
            value = _dict(_dict(change).get("value"))
            if not value:
                skipped += 1
                continue
            statuses += len(_list(value.get("statuses")))
            pnid = _str(_dict(value.get("metadata")).get("phone_number_id"))
            for raw in _list(value.get("messages")):
                msg = _dict(raw)
                mid, sender, kind = _str(msg.get("id")), _str(msg.get("from")), _str(msg.get("type"))
                if not (mid and sender and kind):
                    skipped += 1
                    continue
                text, button_id = _message_text(msg)
                messages.append(
                    InboundMessage(
                        message_id=mid,
                        sender=sender,
                        kind=kind,
                        text=text,
                        timestamp=_str(msg.get("timestamp")) or "",
                        button_id=button_id,
                        phone_number_id=pnid,
                    )
                )
    return ParsedPayload(tuple(messages), statuses, skipped)
