"""What the console asks the broker: is it there, and how deep is each queue, with how many
consumers. Nothing else: AMQP cannot show a queue's contents without taking them, and the
management plugin is not assumed. Each look is a passive queue_declare on a short-lived blocking
connection; the answer is kept for a couple of seconds so that many open pages cost one look."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

import pika
from pika.exceptions import AMQPError, ChannelClosedByBroker

from acid_processor.config import Settings

__all__ = ["BrokerProbe", "BrokerView", "QueueView"]


@dataclass(frozen=True, slots=True)
class QueueView:
    role: str  # inbound, dead_letters, unrouted, commands
    name: str
    messages: int | None  # ready messages; None when the queue does not exist
    consumers: int | None


@dataclass(frozen=True, slots=True)
class BrokerView:
    connected: bool
    queues: tuple[QueueView, ...] = ()
    error: str | None = None
    at: float = 0.0  # time.monotonic() of the look


class BrokerProbe:
    """Queue depths and consumer counts, looked up at most every `ttl_s` seconds (thread-safe)."""

    def __init__(self, settings: Settings, ttl_s: float = 2.0, timeout_s: float = 3.0) -> None:
        t = settings.topology
        self.queues = (
            ("inbound", t.filings_queue),
            ("dead_letters", t.dead_letter_queue),
            ("unrouted", t.unrouted_queue),
            ("commands", t.commands_queue),
        )
        self.params = pika.URLParameters(settings.amqp_url)
        self.params.socket_timeout = timeout_s
        self.params.blocked_connection_timeout = timeout_s
        self.params.connection_attempts = 1
        self.params.stack_timeout = timeout_s
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._last: BrokerView | None = None

    def look(self) -> BrokerView:
        """The broker as of at most `ttl_s` seconds ago."""
        with self._lock:
            if self._last is not None and time.monotonic() - self._last.at < self.ttl_s:
                return self._last
            self._last = self._look()
            return self._last

    def _look(self) -> BrokerView:
        try:
            conn = pika.BlockingConnection(self.params)
        except (AMQPError, OSError) as exc:
            return BrokerView(False, error=_short(exc), at=time.monotonic())
        try:
            views = []
            channel = conn.channel()
            for role, name in self.queues:
                try:
                    ok = channel.queue_declare(name, passive=True).method
                    views.append(QueueView(role, name, int(ok.message_count), int(ok.consumer_count)))
                except ChannelClosedByBroker:  # 404: not declared yet; the channel is closed
                    views.append(QueueView(role, name, None, None))
                    channel = conn.channel()
            return BrokerView(True, tuple(views), at=time.monotonic())
        except (AMQPError, OSError) as exc:
            return BrokerView(False, error=_short(exc), at=time.monotonic())
        finally:
            with contextlib.suppress(Exception):
                conn.close()


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:200]
