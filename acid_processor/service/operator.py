"""Operator commands over a plain blocking connection: publish filings, list and replay the
dead-letter queue. Not the hot path: one confirmed publish at a time is fine here."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pika
from pika.spec import BasicProperties

from acid_processor.config import Settings
from acid_processor.pipeline import (
    ORIGINAL_MESSAGE_ID_HEADER,
    REASON_CODE_HEADER,
    REASON_DETAIL_HEADER,
    REPLAY_HEADER,
)
from acid_processor.service.topology import declare

_PUBLISH_NS = uuid.UUID("6f0e3c52-2b0e-4f5e-9d6a-0c4a7cf3b1d1")
_ACID_HEADERS = (
    REASON_CODE_HEADER,
    REASON_DETAIL_HEADER,
    "x-acid-dead-lettered-at",
    "x-acid-original-routing-key",
    ORIGINAL_MESSAGE_ID_HEADER,
    REPLAY_HEADER,
)


def message_id_for(body: bytes) -> str:
    """A message id derived from the body: publishing the same file twice is a duplicate."""
    return str(uuid.uuid5(_PUBLISH_NS, hashlib.sha256(body).hexdigest()))


def _open(settings: Settings) -> tuple[pika.BlockingConnection, Any]:
    conn = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = conn.channel()
    declare(channel, settings.topology)
    channel.confirm_delivery()
    return conn, channel


def publish_files(
    settings: Settings,
    files: list[Path],
    *,
    routing_key: str = "filing",
    content_type: str = "application/xml",
    message_id: str | None = None,
) -> Iterator[tuple[Path, str]]:
    """Publish each file to the inbound exchange (persistent, confirmed, mandatory)."""
    conn, channel = _open(settings)
    try:
        for path in files:
            body = path.read_bytes()
            mid = message_id or message_id_for(body)
            props = BasicProperties(
                content_type=content_type, message_id=mid, delivery_mode=2, app_id="acid-processor"
            )
            channel.basic_publish(
                settings.topology.inbound_exchange, routing_key, body, props, mandatory=True
            )
            yield path, mid
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class DeadLetterView:
    message_id: str | None
    reason_code: str | None
    reason: str | None
    dead_lettered_at: str | None
    size: int
    content_type: str | None
    x_death: str | None  # the broker's own record when it dead-lettered (e.g. delivery limit)


def _view(props: BasicProperties, body: bytes) -> DeadLetterView:
    headers = props.headers or {}
    death = headers.get("x-death")
    death_text = None
    if isinstance(death, list) and death:
        first = death[0]
        death_text = f"{_text(first.get('reason'))} from {_text(first.get('queue'))} x{first.get('count')}"
    return DeadLetterView(
        message_id=props.message_id,
        reason_code=_text(headers.get(REASON_CODE_HEADER))
        or (f"broker:{_text(death[0].get('reason'))}" if death_text else None),
        reason=_text(headers.get(REASON_DETAIL_HEADER)),
        dead_lettered_at=_text(headers.get("x-acid-dead-lettered-at")),
        size=len(body),
        content_type=props.content_type,
        x_death=death_text,
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return None if value is None else str(value)


def list_dead_letters(settings: Settings, limit: int = 1000) -> list[DeadLetterView]:
    """Look at the dead-letter queue without removing anything (messages are returned to it)."""
    conn, channel = _open(settings)
    out = []
    try:
        for _ in range(limit):
            method, props, body = channel.basic_get(settings.topology.dead_letter_queue, auto_ack=False)
            if method is None:
                break
            out.append(_view(props, body))
    finally:
        conn.close()  # unacknowledged gets go back to the queue
    return out


def replay_dead_letters(
    settings: Settings, message_id: str | None = None, limit: int = 100_000, reason_code: str | None = None
) -> list[str]:
    """Publish dead-lettered messages (all, the one with `message_id`, or those dead-lettered for
    `reason_code`) back to the inbound exchange without the reason headers, then remove them from
    the dead-letter queue."""
    conn, channel = _open(settings)
    replayed: list[str] = []
    try:
        # Only what is queued now: a replayed message dead-lettered again returns to the tail.
        queued = channel.queue_declare(settings.topology.dead_letter_queue, passive=True).method.message_count
        limit = min(limit, queued)
        for _ in range(limit):
            method, props, body = channel.basic_get(settings.topology.dead_letter_queue, auto_ack=False)
            if method is None:
                break
            if message_id is not None and props.message_id != message_id:
                continue  # left unacked: it goes back to the queue when the channel closes
            if reason_code is not None and _view(props, body).reason_code != reason_code:
                continue
            headers = {
                k: v for k, v in (props.headers or {}).items() if k not in _ACID_HEADERS and k != "x-death"
            }
            # A fresh token per replay: if the message is still dead, it comes back to this queue
            # (the store already knows it, so without the token it would be answered as a duplicate).
            headers[REPLAY_HEADER] = uuid.uuid4().hex
            key = _text((props.headers or {}).get("x-acid-original-routing-key")) or "filing"
            out = BasicProperties(
                content_type=props.content_type,
                message_id=props.message_id,
                headers=headers,
                delivery_mode=2,
                correlation_id=props.correlation_id,
                type=props.type,
            )
            channel.basic_publish(settings.topology.inbound_exchange, key, body, out, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            replayed.append(props.message_id or "(no id)")
    finally:
        conn.close()
    return replayed
