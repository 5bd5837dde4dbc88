"""The broker topology, declared idempotently (at every start and by `acid-processor topology`).

publishers ──► acid.inbound (topic, '#') ──► acid.filings (quorum, delivery limit)
                                                 │ dead letters (limit exceeded, or the
                                                 ▼ service's own reasoned copies)
                                      acid.dlx (direct) ──► acid.filings.dlq (quorum)
service ──► acid.carriers  (topic: <airline prefix>.<xfnm|xcsn>) ──► each carrier's own queue
service ──► acid.targeting (topic: referral.<rfi|rfs|dnl>, hold.<event>, alert.<kind>)
                                                                 ──► targeting systems' queues
both outbound exchanges have alternate-exchange acid.unrouted (fanout) ──► acid.unrouted, so a
reply for a carrier that has not bound a queue yet is kept, not dropped.
officers ──► acid.commands (direct, 'command') ──► acid.commands (quorum): officer commands (JSON,
schemas/command.schema.json), authorised by the AMQP user_id the broker verified; a malformed or
unauthorised one is dead-lettered to acid.filings.dlq with its reason, never applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acid_processor.config import Topology


@dataclass(frozen=True, slots=True)
class ExchangeSpec:
    name: str
    type: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any]
    bindings: tuple[tuple[str, str], ...]  # (exchange, routing key)


def plan(t: Topology) -> tuple[tuple[ExchangeSpec, ...], tuple[QueueSpec, ...]]:
    """Every exchange and queue with its arguments, in the order they must be declared."""
    queue_args: dict[str, Any] = {"x-queue-type": t.queue_type}
    filings_args = {
        **queue_args,
        "x-dead-letter-exchange": t.dead_letter_exchange,
        "x-dead-letter-routing-key": t.filings_queue,
    }
    if t.queue_type == "quorum":
        filings_args.update(
            {
                "x-delivery-limit": t.delivery_limit,
                # at-least-once dead-lettering: the broker keeps a message until the DLQ has it.
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            }
        )
    commands_args = {
        **queue_args,
        "x-dead-letter-exchange": t.dead_letter_exchange,
        "x-dead-letter-routing-key": t.filings_queue,
    }
    if t.queue_type == "quorum":
        commands_args["x-delivery-limit"] = t.delivery_limit
    exchanges = (
        ExchangeSpec(t.unrouted_exchange, "fanout", {}),
        ExchangeSpec(t.inbound_exchange, "topic", {}),
        ExchangeSpec(t.commands_exchange, "direct", {}),
        ExchangeSpec(t.dead_letter_exchange, "direct", {}),
        ExchangeSpec(t.carriers_exchange, "topic", {"alternate-exchange": t.unrouted_exchange}),
        ExchangeSpec(t.targeting_exchange, "topic", {"alternate-exchange": t.unrouted_exchange}),
    )
    queues = (
        QueueSpec(t.filings_queue, filings_args, ((t.inbound_exchange, "#"),)),
        QueueSpec(t.dead_letter_queue, dict(queue_args), ((t.dead_letter_exchange, t.filings_queue),)),
        QueueSpec(t.unrouted_queue, dict(queue_args), ((t.unrouted_exchange, ""),)),
        QueueSpec(t.commands_queue, commands_args, ((t.commands_exchange, "command"),)),
    )
    return exchanges, queues


def declare(channel: Any, t: Topology) -> None:
    """Declare the whole topology on a pika BlockingChannel. Idempotent: declaring what exists
    with the same arguments is a no-op; different arguments fail loudly (PRECONDITION_FAILED)."""
    exchanges, queues = plan(t)
    for ex in exchanges:
        channel.exchange_declare(ex.name, exchange_type=ex.type, durable=True, arguments=ex.arguments or None)
    for q in queues:
        channel.queue_declare(q.name, durable=True, arguments=q.arguments)
        for exchange, key in q.bindings:
            channel.queue_bind(q.name, exchange, routing_key=key)


def describe(t: Topology) -> str:
    """A plain-text listing of the topology, for `acid-processor topology`."""
    exchanges, queues = plan(t)
    lines = ["exchanges:"]
    lines += [f"  {e.name} ({e.type}) {e.arguments or ''}".rstrip() for e in exchanges]
    lines.append("queues:")
    for q in queues:
        lines.append(f"  {q.name} {q.arguments}")
        lines += [f"    bound to {ex} with {key!r}" for ex, key in q.bindings]
    return "\n".join(lines)
