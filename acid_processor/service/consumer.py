"""The RabbitMQ consumer: never loses a filing, never answers twice.

Two threads, as in dramatiq: the I/O thread (broker.BrokerSide) owns the pika connection
(consuming, publishing, confirms, acks, heartbeats) and never blocks; the worker thread
(worker.Worker) owns the store and does the work (check, assess, lifecycle, record) in batches.
They hand each other typed messages (handoff.py): through a queue one way and the connection's
`add_callback_threadsafe` the other.

For every delivery, in order:
  1. the worker processes it, applies the lifecycle (the consignments' state, read and locked in
     the same transaction) and commits the outcome, the new state and its outbound messages to
     the store (one transaction per batch); a duplicate (same message id and body hash) is
     recognised here and changes nothing;
  2. the I/O thread publishes every outbound message (mandatory, persistent; a message that
     cannot be processed is among them: its copy for the dead-letter queue, reason in headers);
  3. when the broker has confirmed all of them, the worker marks them published;
  4. then, and only then, the delivery is acknowledged.
A crash anywhere leaves the delivery unacknowledged: it comes back, the store recognises it, and
only the outbound messages not yet confirmed are published again, under the same message ids.
The store may come and go (worker.py): consuming pauses while it is away and resumes by itself.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pika
import structlog
from pika.adapters.select_connection import SelectConnection
from pika.exceptions import AMQPError

from acid_processor.config import Settings
from acid_processor.pipeline import REASON_CODE_HEADER, REASON_DETAIL_HEADER, Pipeline
from acid_processor.service import metrics
from acid_processor.service.broker import BrokerSide
from acid_processor.service.handoff import Stop
from acid_processor.service.topology import declare
from acid_processor.service.worker import Worker
from acid_processor.store import open_store
from acid_processor.store.base import AuditStore

__all__ = ["REASON_CODE_HEADER", "REASON_DETAIL_HEADER", "Consumer"]

log = structlog.get_logger("acid_processor.consumer")


class Consumer:
    """`acid-processor consume`: runs until SIGTERM/SIGINT, reconnecting when the broker goes and
    waiting for the store when it goes."""

    def __init__(
        self, settings: Settings, pipeline: Pipeline, store_factory: Callable[[], AuditStore] | None = None
    ):
        self.settings = settings
        self.pipeline = pipeline
        self._params = pika.URLParameters(settings.amqp_url)
        self._params.heartbeat = settings.heartbeat
        self._params.blocked_connection_timeout = 60
        self._inbox: queue.Queue[Any] = queue.Queue()
        self._stop = threading.Event()
        self.broker = BrokerSide(settings, self._inbox)
        self.worker = Worker(
            settings,
            pipeline,
            self.broker,
            self._inbox,
            store_factory or (lambda: open_store(settings.store_url)),
            self._stop,
        )
        self._thread = threading.Thread(target=self.worker.run, name="acid-worker", daemon=True)
        self._attempt = 0
        metrics.rules.info({"version": pipeline.assessor.rules_version, "profile": pipeline.profile.name})

    # --- health ------------------------------------------------------------------------------------

    def alive(self) -> tuple[bool, dict[str, object]]:
        """The process and its worker thread are alive (a liveness probe)."""
        ok = self._thread.is_alive() and self.worker.error is None
        return ok, {"worker": "alive" if ok else "dead", "pid": os.getpid()}

    def ready(self) -> tuple[bool, dict[str, object]]:
        """Connected to the broker, consuming, and the store answering (a readiness probe)."""
        b = self.broker
        detail = {
            "broker_connected": b.connected,
            "consuming": b.consuming,
            "store_available": self.worker.store_up,
            "in_flight": b.in_flight,
            "unconfirmed": b.unconfirmed,
        }
        return bool(b.connected and b.consuming and self.worker.store_up), detail

    # --- running ------------------------------------------------------------------------------------

    def run(self, install_signals: bool = True) -> int:
        """Consume until asked to stop; 0 on a clean stop, 1 when the worker failed."""
        if install_signals:
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)
        self._thread.start()
        while not self._stop.is_set() and not self.broker.worker_failed:
            try:
                self._declare_topology()
                connection = SelectConnection(
                    self._params,
                    on_open_callback=lambda c: c.channel(on_open_callback=self._on_channel_open),
                    on_open_error_callback=self.broker.on_open_error,
                    on_close_callback=self.broker.on_connection_closed,
                )
                self.broker.new_connection(connection)
                connection.ioloop.start()
            except AMQPError as exc:
                log.warning("broker unavailable", error=repr(exc))
            if self._stop.is_set() or self.broker.stopping or self.broker.worker_failed:
                break
            self._backoff()
        self._stop.set()
        self._inbox.put(Stop())
        if not self.broker.worker_failed:
            self._thread.join(timeout=self.settings.drain_timeout)
        metrics.up.set(0)
        metrics.broker_connected.set(0)
        error = self.worker.error
        log.info("stopped", worker_error=repr(error) if error else None)
        return 1 if error else 0

    def _on_channel_open(self, channel: Any) -> None:
        self._attempt = 0
        self.broker.on_channel_open(channel)

    def stop(self) -> None:
        """Ask the consumer to drain and stop (thread-safe)."""
        conn = self.broker.connection
        if conn is not None and conn.is_open and self.worker.store_up:
            conn.ioloop.add_callback_threadsafe(self.broker.begin_drain)
        else:  # nothing can be finished: stop now (held deliveries go back to the queue)
            self._stop.set()
            self.broker.stopping = True
            self.broker.call(self.broker.close)

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
        while time.monotonic() < deadline and not self._stop.is_set():
            time.sleep(0.05)

    def _declare_topology(self) -> None:
        conn = pika.BlockingConnection(self._params)
        try:
            declare(conn.channel(), self.settings.topology)
        finally:
            with contextlib.suppress(AMQPError):
                conn.close()
