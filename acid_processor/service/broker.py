"""The consumer's I/O side: the one thread that owns the pika connection and channel, as in
dramatiq. It never blocks: it consumes, publishes with confirms tracked asynchronously, acks and
nacks, and keeps the heartbeats going; all processing happens on the worker thread.

For each delivery: received -> (the worker stores the outcome and hands back a Plan) -> every
outbound message published (mandatory, persistent) -> every publish confirmed -> (the worker
marks them published in the store) -> the delivery acked. A publish nacked or returned unroutable
requeues its delivery (what was confirmed is marked, so it is not published again). A connection
lost voids every plan made for it (its generation): the broker redelivers those deliveries.

When the store is unavailable the worker pauses consuming (basic_cancel): the deliveries already
held stay held, unacked and not returned (no delivery counter moves), the connection and its
heartbeats stay up, and consuming resumes by itself once the store is back.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from pika.exceptions import AMQPError
from pika.spec import Basic, BasicProperties

from acid_processor.config import Settings
from acid_processor.service import metrics
from acid_processor.service.handoff import Confirmed, Drain, Inbound, Plan, Released

__all__ = ["BrokerSide"]

log = structlog.get_logger("acid_processor.consumer")


@dataclass(slots=True)
class _Pending:
    """A plan whose publishes are on their way: how many are not confirmed yet."""

    plan: Plan
    remaining: int
    failed: bool = False
    confirmed: list[str] = field(default_factory=list)


class BrokerSide:
    """The connection's state and its callbacks. Every method runs on the I/O thread; the worker
    reaches them through `call`."""

    def __init__(self, settings: Settings, inbox: queue.Queue[Any]) -> None:
        self.settings = settings
        self.topology = settings.topology
        self.inbox = inbox
        self.generation = 0
        self.connection: Any = None
        self.channel: Any = None
        self._tags: dict[str, str] = {}  # queue -> consumer tag, while consuming
        self._seq = 0
        self._unconfirmed: dict[int, tuple[_Pending, str]] = {}  # publish seq -> (plan, message id)
        self._returned: set[str] = set()
        self.in_flight = 0  # deliveries received on this connection and not yet settled
        self.stopping = False
        self.drained = False
        self._closing_scheduled = False
        # Set by the worker thread (a plain bool: atomic under the GIL), read here: consume only
        # while the store works.
        self.store_ready = False
        self.worker_failed = False

    # --- readiness -----------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.channel is not None and self.channel.is_open

    @property
    def consuming(self) -> bool:
        return self.connected and bool(self._tags)

    @property
    def unconfirmed(self) -> int:
        return len(self._unconfirmed)

    def call(self, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn(*args)` on the I/O thread (from any thread); nothing when there is no connection."""
        conn = self.connection
        if conn is None:
            return
        with contextlib.suppress(AMQPError, RuntimeError, AttributeError):
            conn.ioloop.add_callback_threadsafe(lambda: fn(*args))

    # --- connection and channel ----------------------------------------------------------------

    def new_connection(self, connection: Any) -> None:
        """A connection is being opened: every plan of the previous one is void."""
        self.generation += 1
        self.connection = connection
        self.channel = None
        self._tags.clear()
        self._seq = 0
        self._unconfirmed.clear()
        self._returned.clear()
        self.in_flight = 0
        self.drained = False
        self._closing_scheduled = False
        self._gauges()

    def on_open_error(self, connection: Any, error: BaseException) -> None:
        log.warning("connection failed", error=repr(error))
        connection.ioloop.stop()

    def on_connection_closed(self, connection: Any, reason: BaseException) -> None:
        self.channel = None
        self._tags.clear()
        if self._unconfirmed or self.in_flight:
            log.warning(
                "connection lost with work in flight; it will be redelivered",
                in_flight=self.in_flight,
                unconfirmed=len(self._unconfirmed),
                reason=repr(reason),
            )
        self.generation += 1  # plans made for the old connection are void
        self._gauges()
        connection.ioloop.stop()

    def on_channel_open(self, channel: Any) -> None:
        self.channel = channel
        if self.worker_failed:  # it died while the connection was opening
            self.close()
            return
        channel.add_on_close_callback(self.on_channel_closed)
        channel.add_on_return_callback(self.on_return)
        channel.confirm_delivery(self.on_confirm, callback=lambda _: self._on_confirm_mode(channel))

    def _on_confirm_mode(self, channel: Any) -> None:
        channel.basic_qos(prefetch_count=self.settings.prefetch, callback=lambda _: self.start_consuming())

    def on_channel_closed(self, channel: Any, reason: BaseException) -> None:
        (log.info if self.stopping else log.warning)("channel closed", reason=repr(reason))
        self.channel = None
        self._tags.clear()
        self._gauges()
        conn = self.connection
        if conn is not None and conn.is_open:
            conn.close()

    # --- consuming, pausing, resuming -----------------------------------------------------------

    def start_consuming(self) -> None:
        """Consume the filings and commands queues, once the store works and unless stopping."""
        channel = self.channel
        if channel is None or self._tags or self.stopping or not self.store_ready:
            return
        self._tags[self.topology.filings_queue] = channel.basic_consume(
            self.topology.filings_queue, self.on_message, auto_ack=False
        )
        self._tags[self.topology.commands_queue] = channel.basic_consume(
            self.topology.commands_queue, self.on_command, auto_ack=False
        )
        log.info("consuming", queue=self.topology.filings_queue, prefetch=self.settings.prefetch)
        self._gauges()

    def _cancel(self) -> None:
        channel = self.channel
        for tag in list(self._tags.values()):
            if channel is not None and channel.is_open:
                with contextlib.suppress(AMQPError):
                    channel.basic_cancel(tag)
        self._tags.clear()
        self._gauges()

    def store_changed(self) -> None:
        """The worker's store came or went (it sets `store_ready` itself, so that a connection
        opened later sees it too): consume while it works; while it does not, take no more
        deliveries but keep those held (unacked, not returned, so no delivery counter moves),
        the connection and its heartbeats."""
        if self.store_ready:
            if not self._tags:
                self.start_consuming()
        elif self._tags:
            self._cancel()
            log.warning("store unavailable: consuming paused", holding=self.in_flight)

    # --- deliveries ------------------------------------------------------------------------------

    def on_message(
        self, channel: Any, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        self._receive(method, properties, body, command=False)

    def on_command(
        self, channel: Any, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        self._receive(method, properties, body, command=True)

    def _receive(
        self, method: Basic.Deliver, properties: BasicProperties, body: bytes, *, command: bool
    ) -> None:
        self.in_flight += 1
        metrics.received.inc()
        metrics.in_flight.set(self.in_flight)
        self.inbox.put(
            Inbound(
                self.generation,
                method.delivery_tag,
                properties,
                body,
                method.routing_key,
                datetime.now(UTC),
                time.monotonic(),
                command=command,
            )
        )

    def execute(self, plans: list[Plan]) -> None:
        """Publish what each plan says; deliveries with nothing to publish are acked at once."""
        channel = self.channel
        for plan in plans:
            if plan.generation != self.generation or channel is None:
                continue  # the connection it came from is gone: the broker redelivers it
            if not plan.publishes:
                self._ack(plan)
                continue
            pending = _Pending(plan, remaining=len(plan.publishes))
            for message, props in plan.publishes:
                try:
                    channel.basic_publish(
                        message.exchange, message.routing_key, message.body, props, mandatory=True
                    )
                except AMQPError as exc:  # the channel is going: the delivery will come back
                    log.warning("publish failed", error=repr(exc))
                    return
                self._seq += 1
                self._unconfirmed[self._seq] = (pending, message.message_id)
        metrics.unconfirmed.set(len(self._unconfirmed))

    def on_return(self, channel: Any, method: Any, properties: BasicProperties, body: bytes) -> None:
        log.error(
            "unroutable publish returned by the broker",
            exchange=method.exchange,
            routing_key=method.routing_key,
            reply_text=method.reply_text,
            message_id=properties.message_id,
        )
        metrics.unroutable.inc()
        if properties.message_id:
            self._returned.add(properties.message_id)

    def on_confirm(self, frame: Any) -> None:
        method = frame.method
        acked = isinstance(method, Basic.Ack)
        if method.multiple:
            tags = []
            for t in self._unconfirmed:  # insertion order is publish order: stop at the first beyond
                if t > method.delivery_tag:
                    break
                tags.append(t)
        else:
            tags = [method.delivery_tag] if method.delivery_tag in self._unconfirmed else []
        for tag in tags:
            pending, message_id = self._unconfirmed.pop(tag)
            if not acked or message_id in self._returned:
                self._returned.discard(message_id)
                pending.failed = True
            else:
                pending.confirmed.append(message_id)
            pending.remaining -= 1
            if pending.remaining == 0:
                if pending.failed:
                    self._fail(pending)
                else:
                    # Mark published in the store first, then ack (the worker calls settle).
                    self.inbox.put(Confirmed(pending.plan, pending.confirmed))
        metrics.unconfirmed.set(len(self._unconfirmed))

    def _fail(self, pending: _Pending) -> None:
        """The broker refused or could not route a publish: requeue the delivery (bounded by the
        queue's delivery limit); what was confirmed is marked so it is not published again."""
        metrics.publish_failures.inc()
        if pending.confirmed:
            self.inbox.put(Confirmed(None, pending.confirmed))
        confirmed = set(pending.confirmed)
        self.inbox.put(
            Released([m.message_id for m, _ in pending.plan.publishes if m.message_id not in confirmed])
        )
        channel, plan = self.channel, pending.plan
        if channel is not None and plan.generation == self.generation and plan.tag is not None:
            channel.basic_nack(plan.tag, requeue=True)
            self.in_flight -= 1
            metrics.in_flight.set(self.in_flight)
        self.maybe_finish_drain()

    def settle(self, plans: list[Plan]) -> None:
        """Ack the deliveries whose publishes are confirmed and marked published."""
        for plan in plans:
            self._ack(plan)

    def _ack(self, plan: Plan) -> None:
        channel = self.channel
        if channel is None or plan.generation != self.generation or plan.tag is None:
            return
        channel.basic_ack(plan.tag)
        self.in_flight -= 1
        metrics.acked.inc()
        metrics.in_flight.set(self.in_flight)
        if plan.started:
            metrics.latency.observe(time.monotonic() - plan.started)
        self.maybe_finish_drain()

    # --- draining on SIGTERM -----------------------------------------------------------------------

    def begin_drain(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.inbox.put(Drain(self.generation))
        self._cancel()
        conn = self.connection
        if conn is not None:
            conn.ioloop.call_later(self.settings.drain_timeout, self.close)
        self.maybe_finish_drain()

    def on_drained(self, generation: int, dropped: int) -> None:
        """The worker has finished what it started; `dropped` deliveries were left for redelivery."""
        if generation == self.generation:
            self.in_flight -= dropped
        self.drained = True
        self.maybe_finish_drain()

    def maybe_finish_drain(self) -> None:
        if self.stopping and self.drained and self.in_flight <= 0 and not self._unconfirmed:
            if self._closing_scheduled:
                return
            self._closing_scheduled = True
            # A short pause before closing: quorum queues can drop acks that arrive just before
            # the channel closes (rabbitmq-server#10327); the message would come back although
            # it was answered (the store would recognise it, but why make it).
            conn = self.connection
            if conn is not None:
                conn.ioloop.call_later(0.3, self.close)

    def worker_died(self) -> None:
        """The worker thread failed (a bug): close now, the held deliveries go back to the queue."""
        self.worker_failed = True
        self.stopping = True
        self.close()

    def close(self) -> None:
        """Close the connection; one still opening is abandoned (its loop stopped)."""
        conn = self.connection
        if conn is None:
            return
        if conn.is_open:
            conn.close()
        elif not (conn.is_closing or conn.is_closed):
            conn.ioloop.stop()

    def _gauges(self) -> None:
        metrics.broker_connected.set(1 if self.connected else 0)
        metrics.up.set(1 if self.consuming else 0)
