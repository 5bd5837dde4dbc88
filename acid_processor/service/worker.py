"""The consumer's worker side: the thread that owns the store and does the work, in batches: check,
assess and apply the lifecycle to each delivery, commit the batch's outcomes and outbound messages
in one transaction, hand the publishes to the I/O thread, mark them published when confirmed.

The store is a dependency that comes and goes. A store error that goes away (the database down,
restarting, failing over or unreachable, a locked or missing SQLite file, a deadlock) is retried
with capped exponential backoff and jitter for as long as it lasts, reconnecting each time; while
it lasts the I/O side stops taking deliveries and the service reports not ready; the batch in hand
is processed when the store is back, and nothing is dead-lettered because of it. A programming
error is not retried: the worker fails and the consumer stops (exit status 1) at once.
"""

from __future__ import annotations

import contextlib
import queue
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from pika.spec import BasicProperties

from acid_processor import codes
from acid_processor.config import Settings
from acid_processor.lifecycle.commands import CommandError, parse_command
from acid_processor.lifecycle.runner import CommandRefused, Lifecycle
from acid_processor.model import ACCEPTED, FilingOutcome, OutboundMessage, ReceivedMessage
from acid_processor.pipeline import ORIGINAL_MESSAGE_ID_HEADER, DeadLetter, Delivery, Pipeline, Processed
from acid_processor.service import metrics
from acid_processor.service.broker import BrokerSide
from acid_processor.service.handoff import Confirmed, Drain, Inbound, Plan, Released, Stop
from acid_processor.store import is_transient, shown_url
from acid_processor.store.base import AuditStore, RecordResult

__all__ = ["StoreGone", "Worker", "properties_for"]

log = structlog.get_logger("acid_processor.consumer")


# How often the worker looks for stranded outbound messages, and how old an unconfirmed one must
# be to count as stranded (a delivery's own replies are confirmed within seconds).
SWEEP_EVERY_S = 30.0
STRANDED_AFTER_S = 120.0


class StoreGone(Exception):
    """The consumer was asked to stop while the store was unavailable: the work in hand is left
    for redelivery."""


class Worker:
    """Built by the consumer; `run` is the worker thread's body."""

    def __init__(
        self,
        settings: Settings,
        pipeline: Pipeline,
        broker: BrokerSide,
        inbox: queue.Queue[Any],
        store_factory: Callable[[], AuditStore],
        stop: threading.Event,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.lifecycle = Lifecycle(pipeline)
        self.broker = broker
        self.inbox = inbox
        self.store_factory = store_factory
        self.stop = stop
        self.sleep = sleep
        self.store: AuditStore | None = None
        self.store_up = False
        self.error: BaseException | None = None
        # Outbound ids handed to the I/O thread and not yet marked published, with the connection
        # generation they were published on: a duplicate delivery arriving while the original's
        # replies are still on their way must not publish them a second time.
        self.handed: dict[str, int] = {}

    # --- the thread --------------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.store = self._open_store()
            self._loop()
        except StoreGone:
            log.info("stopped while the store was unavailable; held deliveries go back to the queue")
            self.broker.call(self.broker.close)
        except Exception as exc:
            self.error = exc
            log.exception("worker failed; stopping")
            # Flags first (the I/O thread and the run loop read them even when there is no
            # connection yet to call into), then close what is open.
            self.broker.worker_failed = True
            self.stop.set()
            self.broker.call(self.broker.worker_died)
        finally:
            if self.store is not None:
                with contextlib.suppress(Exception):
                    self.store.close()

    def _open_store(self) -> AuditStore:
        """The store, opened before anything is consumed; retried while it cannot be."""
        attempt = 0
        while True:
            try:
                store = self.store_factory()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                attempt += 1
                self._unavailable(exc, "open the store", attempt)
                continue
            self._available(attempt)
            return store

    def _loop(self) -> None:
        draining = False
        next_sweep = time.monotonic() + SWEEP_EVERY_S
        while True:
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + SWEEP_EVERY_S
                if not draining:
                    self.sweep()
            try:
                first = self.inbox.get(timeout=SWEEP_EVERY_S)
            except queue.Empty:
                continue
            items = [first]
            while len(items) < self.settings.batch_size:
                try:
                    items.append(self.inbox.get_nowait())
                except queue.Empty:
                    break
            deliveries: list[Inbound] = []
            confirmed: list[Confirmed] = []
            stop = False
            for item in items:
                if isinstance(item, Inbound):
                    deliveries.append(item)
                elif isinstance(item, Confirmed):
                    confirmed.append(item)
                elif isinstance(item, Released):  # a publish failed: its delivery comes back
                    for message_id in item.message_ids:
                        self.handed.pop(message_id, None)
                elif isinstance(item, Drain):
                    draining = True
                elif isinstance(item, Stop):
                    stop = True
            if confirmed:
                ids = [i for c in confirmed for i in c.message_ids]
                self.guarded(lambda ids=ids: self.store.mark_published(ids), "mark published")
                for message_id in ids:
                    self.handed.pop(message_id, None)
                self.broker.call(self.broker.settle, [c.plan for c in confirmed if c.plan is not None])
            if draining:
                # Start nothing new: what was prefetched but not started is redelivered.
                generation = self.broker.generation
                dropped = sum(1 for d in deliveries if d.generation == generation)
                self.broker.call(self.broker.on_drained, generation, dropped)
                deliveries = []
            if deliveries:
                self.process(deliveries)
            if stop:
                return

    def sweep(self) -> None:
        """Publish what the store holds unconfirmed for longer than any delivery takes: officer
        actions from the command line or the console whose publish failed, what a consumer that
        stopped for good left behind. Under the same ids, like any republish."""
        if not (self.store_up and self.broker.consuming):
            return
        stranded = self.guarded(lambda: self.store.stranded_outbound(STRANDED_AFTER_S), "stranded outbound")
        stranded = [m for m in stranded if m.message_id not in self.handed]
        if not stranded:
            return
        generation = self.broker.generation
        for m in stranded:
            self.handed[m.message_id] = generation
        log.warning("publishing stranded outbound messages", count=len(stranded))
        metrics.stranded.inc(len(stranded))
        plan = Plan(generation, None, [(m, properties_for(m)) for m in stranded])
        self.broker.call(self.broker.execute, [plan])

    # --- the store, while it comes and goes ---------------------------------------------------------

    def guarded(self, fn: Callable[[], Any], what: str) -> Any:
        """A store call, retried through an outage for as long as it lasts (transient errors only)."""
        attempt = 0
        while True:
            try:
                result = fn()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                attempt += 1
                self._unavailable(exc, what, attempt)
                with contextlib.suppress(Exception):
                    self.store.reconnect()
                continue
            self._available(attempt)
            return result

    def _unavailable(self, exc: BaseException, what: str, attempt: int) -> None:
        if self.store_up or attempt == 1:
            self.store_up = False
            metrics.store_available.set(0)
            self.broker.store_ready = False
            self.broker.call(self.broker.store_changed)
        (log.warning if attempt <= 3 or attempt % 10 == 0 else log.info)(
            "store unavailable, retrying",
            what=what,
            attempt=attempt,
            error=repr(exc)[:300],
            store=shown_url(self.settings.store_url),
        )
        if self.stop.is_set():
            raise StoreGone
        delay = random.uniform(0, min(self.settings.store_retry_max_delay, 0.25 * 2 ** min(attempt, 10)))
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if self.stop.is_set():
                raise StoreGone
            self.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def _available(self, attempts: int) -> None:
        if not self.store_up:
            if attempts:
                log.info("store available again", after_attempts=attempts)
            self.store_up = True
            metrics.store_available.set(1)
            self.broker.store_ready = True
            self.broker.call(self.broker.store_changed)

    # --- a batch -------------------------------------------------------------------------------------

    def process(self, deliveries: list[Inbound]) -> None:
        current = [d for d in deliveries if d.generation == self.broker.generation]
        if not current:
            return
        filings = [d for d in current if not d.command]
        processed = [self.process_one(d) for d in filings]
        results: list[RecordResult] = (
            self.guarded(lambda: self.lifecycle.record(self.store, processed), "record") if processed else []
        )
        done = list(zip(filings, processed, results, strict=True))
        done += [(d, *self.command(d)) for d in current if d.command]
        plans = []
        for d, p, r in done:
            if r.duplicate:
                self.guarded(
                    lambda p=p: self.store.note_duplicate(p.received.message_id, p.received.body_hash),
                    "note duplicate",
                )
                metrics.duplicates.inc()
                log.info("duplicate filing", message_id=p.received.message_id, pending=len(r.pending))
            else:
                metrics.outcomes.labels(p.outcome.status).inc()
                for decision in r.decisions or p.outcome.decisions:
                    metrics.decisions.labels(decision.decision).inc()
            pending = list(r.pending)
            if r.duplicate and p.dead_letter is not None and d.properties.headers:
                # A replay (`dlq replay`) of a message still dead: back to the dead-letter queue
                # under the replay's own id (new each replay; nothing new to store).
                known = {m.message_id for m in pending}
                pending += [
                    m
                    for m in p.outcome.outbound
                    if m.kind == "dead-letter" and "|replay-" in m.message_id and m.message_id not in known
                ]
            publishes = [(m, properties_for(m)) for m in pending]
            if r.duplicate:  # leave out what the original delivery is still publishing
                publishes = [x for x in publishes if self.handed.get(x[0].message_id) != d.generation]
            for message, _ in publishes:
                self.handed[message.message_id] = d.generation
            plans.append(Plan(d.generation, d.tag, publishes, d.started, r.duplicate))
        if len(self.handed) > 100_000:  # ids of connections long gone: forget them
            self.handed = {k: g for k, g in self.handed.items() if g == self.broker.generation}
        self.broker.call(self.broker.execute, plans)

    def process_one(self, d: Inbound) -> Processed:
        props = d.properties
        delivery = _delivery(d)
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

    def command(self, d: Inbound) -> tuple[Processed, RecordResult]:
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
                    return self.lifecycle.command(self.store, command, received=received)
                except CommandRefused as exc:  # not a store fault: not retried
                    return exc

            result = self.guarded(attempt, "officer command")
            if isinstance(result, CommandRefused):
                raise CommandError(codes.COMMAND_REFUSED, str(result))
            metrics.commands.labels("applied").inc()
            log.info(
                "officer command", officer=user, action=command.action, consignment=command.consignment_key
            )
            return Processed(received, FilingOutcome(ACCEPTED), None), result
        except CommandError as exc:
            metrics.commands.labels(exc.code).inc()
            p = self.pipeline.unprocessable(_delivery(d), DeadLetter(exc.code, exc.detail))
            metrics.dead_lettered.labels(exc.code).inc()
            log.warning("officer command refused", code=exc.code, detail=exc.detail[:200], user=user)
            (r,) = self.guarded(lambda: self.lifecycle.record(self.store, [p]), "record")
            return p, r


def _delivery(d: Inbound) -> Delivery:
    props = d.properties
    return Delivery(
        body=d.body,
        message_id=props.message_id,
        content_type=props.content_type,
        headers=dict(props.headers or {}),
        routing_key=d.routing_key,
        received_at=d.received_at,
    )


def properties_for(m: OutboundMessage) -> BasicProperties:
    """The AMQP properties of an outbound message: persistent, its stable id (a dead-letter copy
    keeps the original message's id), the message it answers as correlation id."""
    if m.kind == "dead-letter":
        return BasicProperties(
            content_type=m.content_type,
            message_id=m.headers.get(ORIGINAL_MESSAGE_ID_HEADER),
            headers=m.headers,
            delivery_mode=2,
        )
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


def _jsonable(headers: Any) -> dict[str, Any]:
    """AMQP headers as JSON-able values for the store."""
    out: dict[str, Any] = {}
    for k, v in (headers or {}).items():
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        elif isinstance(v, datetime):
            v = v.isoformat()
        out[str(k)] = v
    return out
