"""Officer actions from the command line and the console: apply the command through the lifecycle
(one transaction, audited) and publish what it caused (the carrier's status, targeting's hold
event) with publisher confirms, marking each message published once the broker has it.

The consumer applies commands that arrive on the commands queue through the same Lifecycle; this
module is for the callers that hold the store themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pika
from pika.spec import BasicProperties

from acid_processor.config import Settings
from acid_processor.lifecycle.runner import Lifecycle, OfficerCommand
from acid_processor.model import OutboundMessage
from acid_processor.service.topology import declare

__all__ = ["Acted", "act", "publish_outbound"]


@dataclass(frozen=True, slots=True)
class Acted:
    """A command applied: what it caused, and whether each message reached the broker."""

    outbound: tuple[OutboundMessage, ...]
    published: int
    error: str | None = None  # why publishing stopped (the rest stays pending in the store)


def publish_outbound(settings: Settings, store: Any, messages: Sequence[OutboundMessage]) -> int:
    """Publish messages (persistent, mandatory, confirmed) and mark each published; the count."""
    if not messages:
        return 0
    conn = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        channel = conn.channel()
        declare(channel, settings.topology)
        channel.confirm_delivery()
        done = 0
        for m in messages:
            props = BasicProperties(
                content_type=m.content_type,
                message_id=m.message_id,
                correlation_id=m.headers.get("x-acid-source-message-id"),
                headers=m.headers,
                delivery_mode=2,
                type=m.kind,
                app_id="acid-processor",
            )
            channel.basic_publish(m.exchange, m.routing_key, m.body, props, mandatory=True)
            store.mark_published([m.message_id])
            done += 1
        return done
    finally:
        if conn.is_open:
            conn.close()


def act(settings: Settings, store: Any, lifecycle: Lifecycle, command: OfficerCommand) -> Acted:
    """Apply one officer command and publish what it caused. CommandRefused when it cannot apply
    (nothing changes); a broker fault leaves the messages pending in the store and says so."""
    result = lifecycle.command(store, command)
    try:
        published = publish_outbound(settings, store, result.pending)
    except (pika.exceptions.AMQPError, OSError) as exc:
        return Acted(result.pending, 0, error=repr(exc))
    return Acted(result.pending, published)
