"""What the consumer's two threads hand each other: typed messages instead of tuples read by
position. The I/O thread (broker.py) puts `Inbound`, `Confirmed`, `Released` and `Drain` in the
worker's queue; the worker (worker.py) calls back into the I/O thread with `Plan`s to execute or
settle, through the connection's `add_callback_threadsafe`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acid_processor.model import OutboundMessage

__all__ = ["Confirmed", "Drain", "Inbound", "Plan", "Released", "Stop"]


@dataclass(slots=True)
class Inbound:
    """One delivery, as the I/O thread received it."""

    generation: int  # the connection it came on: a delivery tag means nothing on another
    tag: int
    properties: Any  # pika BasicProperties
    body: bytes
    routing_key: str
    received_at: datetime
    started: float  # time.monotonic() at receipt, for the received-to-acked latency
    command: bool = False  # from the commands queue: an officer command, not a filing


@dataclass(slots=True)
class Plan:
    """What the I/O thread must do for one delivery: publish these messages, then, once the broker
    has confirmed every one and the store has marked them published, ack the delivery."""

    generation: int
    tag: int | None  # None: no delivery to settle (stranded messages published by the sweep)
    publishes: list[tuple[OutboundMessage, Any]]  # (message, pika BasicProperties)
    started: float = 0.0
    duplicate: bool = False


@dataclass(slots=True)
class Confirmed:
    """Every publish of a plan confirmed (plan None: confirmed ids of a plan that failed)."""

    plan: Plan | None
    message_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Released:
    """Publishes that will not be confirmed (the delivery comes back): forget they were handed."""

    message_ids: list[str]


@dataclass(slots=True)
class Drain:
    """Stop starting new work: what was prefetched and not started goes back to the broker."""

    generation: int


@dataclass(slots=True)
class Stop:
    """The consumer is stopping: the worker finishes and closes the store."""
