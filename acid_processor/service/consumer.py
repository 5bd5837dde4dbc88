"""The RabbitMQ consumer: never loses a filing, never answers twice.

Two threads, as in dramatiq: the I/O thread owns the pika connection (SelectConnection: consuming,
publishing, confirms, acks, heartbeats) and never blocks; the worker thread owns the store and
does the work (check, assess, render, record) in batches. They talk through a queue one way and
`add_callback_threadsafe` the other.

For every delivery, in order:
  1. the worker processes it, applies the lifecycle (the consignments' state, read and locked in
     the same transaction) and commits the outcome, the new state and its outbound messages to
     the store (one transaction per batch); a duplicate (same message id and body hash) is
     recognised here and changes nothing;
  2. the I/O thread publishes every outbound message (mandatory, persistent) and, for a message
     that cannot be processed, a copy to the dead-letter queue with the reason in its headers;
  3. when the broker has confirmed all of them, the worker marks them published;
  4. then, and only then, the delivery is acknowledged.
A crash anywhere leaves the delivery unacknowledged: it comes back, the store recognises it, and
only the outbound messages not yet confirmed are published again, under the same message ids.
"""

from __future__ import annotations

import contextlib
import queue
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
import structlog
from pika.adapters.select_connection import SelectConnection
from pika.exceptions import AMQPError
from pika.spec import Basic, BasicProperties

from acid_processor import codes
from acid_processor.config import Settings
from acid_processor.lifecycle.commands import CommandError, parse_command
from acid_processor.lifecycle.runner import CommandRefused, Lifecycle
from acid_processor.model import ACCEPTED, FilingOutcome, ReceivedMessage
from acid_processor.pipeline import DeadLetter, Delivery, Pipeline, Processed
from acid_processor.service import metrics
from acid_processor.service.topology import declare
from acid_processor.store import open_store
from acid_processor.store.base import AuditStore, OutboundMessage, RecordResult

log = structlog.get_logger("acid_processor.consumer")

REASON_CODE_HEADER = "x-acid-reason-code"
REASON_DETAIL_HEADER = "x-acid-reason"


@dataclass(slots=True)
class _Inbound:
    generation: int
    tag: int
    properties: BasicProperties
    body: bytes
    routing_key: str
    received_at: datetime
    command: bool = False  # from the commands queue: an officer command, not a filing


@dataclass(slots=True)
class _Plan:
    """What the I/O thread must do for one delivery: publish these, then ack."""

    generation: int
    tag: int
    publishes: list[tuple[OutboundMessage, BasicProperties]]
    duplicate: bool = False


@dataclass(slots=True)
class _Pending:
    plan: _Plan
    remaining: int
    failed: bool = False
    confirmed: list[str] = field(default_factory=list)


_STOP = object()


class Consumer:
    """`acid-processor consume`: runs until SIGTERM/SIGINT, reconnecting when the broker goes."""

    def __init__(
        self, settings: Settings, pipeline: Pipeline, store_factory: Callable[[], AuditStore] | None = None
    ):
        self.settings = settings
        self.pipeline = pipeline
        self.lifecycle = Lifecycle(pipeline)
        self.topology = settings.topology
        self._store_factory = store_factory or (lambda: open_store(settings.store_url))
        self._params = pika.URLParameters(settings.amqp_url)
        self._params.heartbeat = settings.heartbeat
        self._params.blocked_connection_timeout = 60

        self._inbox: queue.Queue[Any] = queue.Queue()
        self._generation = 0
        self._connection: SelectConnection | None = None
        self._channel: Any = None
        self._consumer_tag: str | None = None
        self._command_tag: str | None = None
        self._seq = 0
        self._unconfirmed: dict[int, tuple[_Pending, str]] = {}
        self._returned: set[str] = set()
        self._in_flight = 0  # deliveries received on this connection and not yet settled
        self._stopping = False
        self._stopped = threading.Event()
        self._worker_error: BaseException | None = None
        self._drained = False
        self._closing_scheduled = False
        # Worker-owned: outbound ids handed to the I/O thread and not yet marked published, with
        # the connection generation they were published on. A duplicate delivery arriving while
        # the original's replies are still on their way must not publish them a second time.
        self._handed: dict[str, int] = {}
        self._worker = threading.Thread(target=self._work, name="acid-worker", daemon=True)
        self._attempt = 0

    # --- lifecycle (main thread) -----------------------------------------------------------------

    def run(self, install_signals: bool = True) -> int:
        """Consume until asked to stop; 0 on a clean stop, 1 when the worker failed."""
        if install_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        self._worker.start()
        metrics.up.set(1)
        while not self._stopping:
            try:
                self._declare_topology()
                self._connect()
                assert self._connection is not None
                self._connection.ioloop.start()
            except AMQPError as exc:
                log.warning("broker unavailable", error=repr(exc))
            if self._stopping:
                break
            self._backoff()
        self._inbox.put(_STOP)
        self._worker.join(timeout=self.settings.drain_timeout)
        metrics.up.set(0)
        log.info("stopped", worker_error=repr(self._worker_error) if self._worker_error else None)
        return 1 if self._worker_error else 0

    def stop(self) -> None:
        """Ask the consumer to drain and stop (thread-safe)."""
        conn = self._connection
        if conn is not None and conn.is_open:
            conn.ioloop.add_callback_threadsafe(self._begin_drain)
        else:
            self._stopping = True

    def _on_signal(self, signum: int, frame: Any) -> None:
        log.info("signal received, draining", signal=signal.Signals(signum).name)
        self.stop()

    def _backoff(self) -> None:
        """Exponential backoff with full jitter, capped; sleeps in short steps to stay stoppable."""
        self._attempt += 1
        delay = random.uniform(0, min(self.settings.reconnect_max_delay, 0.5 * 2**self._attempt))
        log.info("reconnecting", in_seconds=round(delay, 2), attempt=self._attempt)
        metrics.reconnects.inc()
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and not self._stopping:
            time.sleep(0.05)

    def _declare_topology(self) -> None:
        conn = pika.BlockingConnection(self._params)
        try:
            declare(conn.channel(), self.topology)
        finally:
            with contextlib.suppress(AMQPError):
                conn.close()

    # --- I/O thread: connection and channel ------------------------------------------------------

    def _connect(self) -> None:
        self._generation += 1
        self._seq = 0
        self._unconfirmed.clear()
        self._returned.clear()
        self._in_flight = 0
        self._drained = False
        self._closing_scheduled = False
        self._connection = SelectConnection(
            self._params,
            on_open_callback=lambda c: c.channel(on_open_callback=self._on_channel_open),
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_connection_closed,
        )

    def _on_open_error(self, connection: SelectConnection, error: BaseException) -> None:
        log.warning("connection failed", error=repr(error))
        connection.ioloop.stop()

    def _on_connection_closed(self, connection: SelectConnection, reason: BaseException) -> None:
        self._channel = None
        if self._unconfirmed or self._in_flight:
            log.warning(
                "connection lost with work in flight; it will be redelivered",
                in_flight=self._in_flight,
                unconfirmed=len(self._unconfirmed),
                reason=repr(reason),
            )
        self._generation += 1  # plans made for the old connection are void
        connection.ioloop.stop()

    def _on_channel_open(self, channel: Any) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(self._on_confirm, callback=lambda _: self._on_confirm_mode(channel))

    def _on_confirm_mode(self, channel: Any) -> None:
        channel.basic_qos(
            prefetch_count=self.settings.prefetch, callback=lambda _: self._start_consuming(channel)
        )

    def _start_consuming(self, channel: Any) -> None:
        self._attempt = 0
        self._consumer_tag = channel.basic_consume(
            self.topology.filings_queue, self._on_message, auto_ack=False
        )
        self._command_tag = channel.basic_consume(
            self.topology.commands_queue, self._on_command, auto_ack=False
        )
        log.info("consuming", queue=self.topology.filings_queue, prefetch=self.settings.prefetch)

    def _on_channel_closed(self, channel: Any, reason: BaseException) -> None:
        (log.info if self._stopping else log.warning)("channel closed", reason=repr(reason))
        self._channel = None
        conn = self._connection
        if conn is not None and conn.is_open:
            conn.close()

    # --- I/O thread: deliveries --------------------------------------------------------------------

    def _on_message(
        self, channel: Any, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        self._in_flight += 1
        metrics.received.inc()
        self._inbox.put(
            _Inbound(
                self._generation, method.delivery_tag, properties, body, method.routing_key, datetime.now(UTC)
            )
        )

    def _on_command(
        self, channel: Any, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        self._in_flight += 1
        metrics.received.inc()
        self._inbox.put(
            _Inbound(
                self._generation,
                method.delivery_tag,
                properties,
                body,
                method.routing_key,
                datetime.now(UTC),
                command=True,
            )
        )

    def _execute(self, plans: list[_Plan]) -> None:
        """Publish what each plan says; deliveries with nothing to publish are acked at once."""
        channel = self._channel
        for plan in plans:
            if plan.generation != self._generation or channel is None:
                continue  # the connection it came from is gone: the broker redelivers it
            if not plan.publishes:
                self._settle(plan)
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

    def _on_return(self, channel: Any, method: Any, properties: BasicProperties, body: bytes) -> None:
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

    def _on_confirm(self, frame: Any) -> None:
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
                    # Mark published in the store first, then ack (the worker calls back).
                    self._inbox.put(("published", pending.plan, pending.confirmed))

    def _fail(self, pending: _Pending) -> None:
        """The broker refused or could not route a publish: requeue the delivery (bounded by the
        queue's delivery limit); what was confirmed is marked so it is not published again."""
        metrics.publish_failures.inc()
        if pending.confirmed:
            self._inbox.put(("published", None, pending.confirmed))
        confirmed = set(pending.confirmed)
        unconfirmed = [m.message_id for m, _ in pending.plan.publishes if m.message_id not in confirmed]
        self._inbox.put(("released", unconfirmed))
        channel = self._channel
        if channel is not None and pending.plan.generation == self._generation:
            channel.basic_nack(pending.plan.tag, requeue=True)
            self._in_flight -= 1
        self._maybe_finish_drain()

    def _settle(self, plan: _Plan) -> None:
        channel = self._channel
        if channel is None or plan.generation != self._generation:
            return
        channel.basic_ack(plan.tag)
        self._in_flight -= 1
        metrics.acked.inc()
        self._maybe_finish_drain()

    def _settle_many(self, plans: list[_Plan]) -> None:
        for plan in plans:
            self._settle(plan)

    # --- I/O thread: draining on SIGTERM -----------------------------------------------------------

    def _begin_drain(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        self._inbox.put(("drain", self._generation))
        channel = self._channel
        if channel is not None and self._consumer_tag is not None:
            channel.basic_cancel(self._consumer_tag)
        if channel is not None and self._command_tag is not None:
            channel.basic_cancel(self._command_tag)
        conn = self._connection
        if conn is not None:
            conn.ioloop.call_later(self.settings.drain_timeout, self._close)
        self._maybe_finish_drain()

    def _on_drained(self, generation: int, dropped: int) -> None:
        """The worker has finished what it started; `dropped` deliveries were left for redelivery."""
        if generation == self._generation:
            self._in_flight -= dropped
        self._drained = True
        self._maybe_finish_drain()

    def _maybe_finish_drain(self) -> None:
        if self._stopping and self._drained and self._in_flight <= 0 and not self._unconfirmed:
            if self._closing_scheduled:
                return
            self._closing_scheduled = True
            # A short pause before closing: quorum queues can drop acks that arrive just before
            # the channel closes (rabbitmq-server#10327); the message would come back although
            # it was answered (the store would recognise it, but why make it).
            conn = self._connection
            if conn is not None:
                conn.ioloop.call_later(0.3, self._close)

    def _close(self) -> None:
        conn = self._connection
        if conn is not None and conn.is_open:
            conn.close()

    def _call_io(self, fn: Callable[..., None], *args: Any) -> None:
        conn = self._connection
        if conn is None:
            return
        with contextlib.suppress(AMQPError, RuntimeError, AttributeError):
            conn.ioloop.add_callback_threadsafe(lambda: fn(*args))

    # --- worker thread ---------------------------------------------------------------------------

    def _work(self) -> None:
        try:
            store = self._store_factory()
        except Exception as exc:  # the store cannot open: nothing can be processed
            self._worker_error = exc
            log.error("store unavailable", error=repr(exc))
            self._call_io(self._begin_drain)
            return
        draining = False
        try:
            while True:
                first = self._inbox.get()
                items = [first]
                while len(items) < self.settings.batch_size:
                    try:
                        items.append(self._inbox.get_nowait())
                    except queue.Empty:
                        break
                deliveries: list[_Inbound] = []
                published: list[tuple[_Plan | None, list[str]]] = []
                stop = False
                for item in items:
                    if item is _STOP:
                        stop = True
                    elif isinstance(item, _Inbound):
                        deliveries.append(item)
                    elif item[0] == "published":
                        published.append((item[1], item[2]))
                    elif item[0] == "released":  # a publish failed: its delivery comes back
                        for message_id in item[1]:
                            self._handed.pop(message_id, None)
                    elif item[0] == "drain":
                        draining = True
                if published:
                    ids = [i for _, confirmed in published for i in confirmed]
                    _retry(lambda ids=ids: store.mark_published(ids), "mark published")
                    for message_id in ids:
                        self._handed.pop(message_id, None)
                    self._call_io(self._settle_many, [p for p, _ in published if p is not None])
                if draining:
                    # Start nothing new: what was prefetched but not started is redelivered.
                    generation = self._generation
                    dropped = sum(1 for d in deliveries if d.generation == generation)
                    self._call_io(self._on_drained, generation, dropped)
                    deliveries = []
                if deliveries:
                    self._process_batch(store, deliveries)
                if stop:
                    break
        except Exception as exc:
            self._worker_error = exc
            log.exception("worker failed; stopping")
            self._call_io(self._begin_drain)
        finally:
            with contextlib.suppress(Exception):
                store.close()

    def _process_batch(self, store: AuditStore, deliveries: list[_Inbound]) -> None:
        current = [d for d in deliveries if d.generation == self._generation]
        if not current:
            return
        filings = [d for d in current if not d.command]
        processed = [self._process_one(d) for d in filings]
        results: list[RecordResult] = (
            _retry(lambda: self.lifecycle.record(store, processed), "record") if processed else []
        )
        done = list(zip(filings, processed, results, strict=True))
        done += [(d, *self._command(store, d)) for d in current if d.command]
        plans = []
        for d, p, r in done:
            if r.duplicate:
                _retry(
                    lambda p=p: store.note_duplicate(p.received.message_id, p.received.body_hash),
                    "note duplicate",
                )
                metrics.duplicates.inc()
                log.info("duplicate filing", message_id=p.received.message_id, pending=len(r.pending))
            else:
                metrics.outcomes.labels(p.outcome.status).inc()
                for decision in p.outcome.decisions:
                    metrics.decisions.labels(decision.decision).inc()
            publishes = [(m, _properties(m)) for m in r.pending]
            if p.dead_letter is not None:
                publishes.append(self._dead_letter(d, p.dead_letter))
            if r.duplicate:  # leave out what the original delivery is still publishing
                publishes = [x for x in publishes if self._handed.get(x[0].message_id) != d.generation]
            for message, _ in publishes:
                self._handed[message.message_id] = d.generation
            plans.append(_Plan(d.generation, d.tag, publishes, r.duplicate))
        if len(self._handed) > 100_000:  # ids of connections long gone: forget them
            self._handed = {k: g for k, g in self._handed.items() if g == self._generation}
        self._call_io(self._execute, plans)

    def _process_one(self, d: _Inbound) -> Processed:
        props = d.properties
        delivery = Delivery(
            body=d.body,
            message_id=props.message_id,
            content_type=props.content_type,
            headers=dict(props.headers or {}),
            routing_key=d.routing_key,
            received_at=d.received_at,
        )
        try:
            p = self.pipeline.process(delivery)
        except Exception as exc:  # a bug, not bad input: keep the message and the consumer
            log.exception("processing failed", message_id=props.message_id)
            p = self.pipeline.unprocessable(delivery, DeadLetter(codes.PROCESSING_ERROR, repr(exc)[:500]))
        if p.dead_letter is not None:
            metrics.dead_lettered.labels(p.dead_letter.code).inc()
            log.warning(
                "dead-lettering",
                message_id=props.message_id,
                code=p.dead_letter.code,
                detail=p.dead_letter.detail[:200],
            )
        return p

    def _command(self, store: AuditStore, d: _Inbound) -> tuple[Processed, RecordResult]:
        """An officer command from the commands queue: applied when its sender (the AMQP user_id
        the broker verified) is an officer account and it is well formed and applicable; else
        kept and dead-lettered with the reason, never applied."""
        props = d.properties
        user = props.user_id
        try:
            if not user or user not in self.settings.officer_accounts:
                raise CommandError(codes.COMMAND_UNAUTHORISED, f"user {user!r} is not an officer account")
            command = parse_command(d.body, officer=user, source="queue", received_at=d.received_at)
            received = ReceivedMessage.of(
                d.body,
                message_id=props.message_id or command.command_id,
                headers=_jsonable(props.headers),
                received_at=d.received_at,
                content_type=props.content_type,
                routing_key=d.routing_key,
                kind="COMMAND",
            )

            def attempt() -> RecordResult | CommandRefused:
                try:
                    return self.lifecycle.command(store, command, received=received)
                except CommandRefused as exc:  # not a store fault: not retried
                    return exc

            result = _retry(attempt, "officer command")
            if isinstance(result, CommandRefused):
                raise CommandError(codes.COMMAND_REFUSED, str(result))
            metrics.commands.labels("applied").inc()
            log.info(
                "officer command", officer=user, action=command.action, consignment=command.consignment_key
            )
            return Processed(received, FilingOutcome(ACCEPTED), None), result
        except CommandError as exc:
            metrics.commands.labels(exc.code).inc()
            delivery = Delivery(
                body=d.body,
                message_id=props.message_id,
                content_type=props.content_type,
                headers=dict(props.headers or {}),
                routing_key=d.routing_key,
                received_at=d.received_at,
            )
            p = self.pipeline.unprocessable(delivery, DeadLetter(exc.code, exc.detail))
            metrics.dead_lettered.labels(exc.code).inc()
            log.warning("officer command refused", code=exc.code, detail=exc.detail[:200], user=user)
            (r,) = _retry(lambda: self.lifecycle.record(store, [p]), "record")
            return p, r

    def _dead_letter(self, d: _Inbound, dead: DeadLetter) -> tuple[OutboundMessage, BasicProperties]:
        """A copy of the raw message for the dead-letter queue, with the reason in its headers."""
        props = d.properties
        headers = dict(props.headers or {})
        headers.update(
            {
                REASON_CODE_HEADER: dead.code,
                REASON_DETAIL_HEADER: dead.detail[:1000],
                "x-acid-dead-lettered-at": datetime.now(UTC).isoformat(),
                "x-acid-original-routing-key": d.routing_key,
            }
        )
        message_id = props.message_id or f"dlq-{d.generation}-{d.tag}"
        message = OutboundMessage(
            message_id=message_id,
            exchange=self.topology.dead_letter_exchange,
            routing_key=self.topology.filings_queue,
            kind="dead-letter",
            content_type=props.content_type or "application/octet-stream",
            body=d.body,
            headers=headers,
        )
        out_props = BasicProperties(
            content_type=props.content_type,
            message_id=props.message_id,
            correlation_id=props.correlation_id,
            headers=headers,
            delivery_mode=2,
            timestamp=props.timestamp,
            type=props.type,
        )
        return message, out_props


def _properties(m: OutboundMessage) -> BasicProperties:
    return BasicProperties(
        content_type=m.content_type,
        message_id=m.message_id,
        correlation_id=m.headers.get("x-acid-source-message-id"),
        headers=m.headers,
        delivery_mode=2,
        type=m.kind,
        app_id="acid-processor",
        timestamp=int(time.time()),
    )


def _retry(fn: Callable[[], Any], what: str, attempts: int = 5, first_delay: float = 0.2) -> Any:
    """Store calls retried a few times for transient faults (a locked SQLite file, a PostgreSQL
    fail-over), capped in attempts and time; then the error stops the consumer."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts:
                raise
            log.warning("store call failed, retrying", what=what, attempt=attempt, error=repr(exc))
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    return None  # pragma: no cover


def _jsonable(headers: Any) -> dict[str, Any]:
    """AMQP headers as JSON-able values for the store."""
    out: dict[str, Any] = {}
    for k, v in (headers or {}).items():
        out[str(k)] = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
    return out
