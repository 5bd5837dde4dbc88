"""Harness for the integration tests of the RabbitMQ service: a real broker, a real store, the
consumer as a real subprocess.

Every test gets its own names on the broker (a uuid suffix passed through the ACID_* variables),
its own SQLite file (or PostgreSQL schema), and deletes every exchange and queue it declared when it
ends; it never touches another name on the broker. When RabbitMQ or PostgreSQL cannot be reached the
tests skip on a developer machine and fail when the CI variable is set.

The expected outbound messages are computed with the pure pipeline in this process on the same
bytes: the reply ids depend only on (message id, body hash) and the routing only on the filing, so
what the service must publish is known before it runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pika
import pytest
from pika.adapters.select_connection import SelectConnection
from pika.spec import Basic, BasicProperties

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.policy import Policy
from acid_processor.config import Topology
from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.pipeline import Delivery, Pipeline, Processed
from acid_processor.replies import load_profile
from acid_processor.service.topology import declare
from acid_processor.store import open_store

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
AMQP_URL = os.environ.get("ACID_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_URL = os.environ.get("ACID_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")
XML = "application/xml"


# --- reachability -------------------------------------------------------------------------------


def _unreachable(what: str, exc: BaseException) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is unreachable and CI is set: {exc!r}")
    pytest.skip(f"{what} is unreachable: {exc!r}")


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """The broker's URL, once it is known to answer."""
    try:
        pika.BlockingConnection(pika.URLParameters(AMQP_URL)).close()
    except Exception as exc:
        _unreachable(f"RabbitMQ at {AMQP_URL.split('@')[-1]}", exc)
    return AMQP_URL


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL (without a schema), once it is known to answer."""
    import psycopg

    try:
        psycopg.connect(PG_URL, connect_timeout=5).close()
    except Exception as exc:
        _unreachable(f"PostgreSQL at {PG_URL}", exc)
    return PG_URL


# --- the expected outcomes (pure pipeline, in process) ------------------------------------------


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    """The shipped policy, as the consumer loads it (no ACID_RULES_DIR)."""
    return Assessor(Policy.load(None))


@dataclass(frozen=True, slots=True)
class Msg:
    """One message to publish to the inbound exchange."""

    body: bytes
    message_id: str | None
    content_type: str | None = XML
    routing_key: str = "filing"
    headers: dict[str, Any] | None = None

    def properties(self) -> BasicProperties:
        return BasicProperties(
            content_type=self.content_type,
            message_id=self.message_id,
            headers=self.headers,
            delivery_mode=2,
        )

    def delivery(self) -> Delivery:
        return Delivery(
            body=self.body,
            message_id=self.message_id,
            content_type=self.content_type,
            headers=dict(self.headers or {}),
            routing_key=self.routing_key,
        )


def filings(n: int, seed: int, tag: str) -> list[Msg]:
    """`n` realistic synthetic filings, each with a unique message id, each about consignments of
    its own: what each is answered does not depend on the order the consumer takes them in (a
    redelivery after a crash reorders them). Linked filings are the lifecycle tests' business."""
    from acid_processor.testing.synthetic import corpus

    return [
        Msg(body, f"{tag}-{i:05d}-{uuid.uuid4().hex[:8]}")
        for i, (_, body) in enumerate(corpus(n, seed, linked=False))
    ]


# --- replies read back from the collector queues ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """One message the service published, as a collector queue received it."""

    exchange: str
    routing_key: str
    message_id: str | None
    headers: dict[str, Any]
    body: bytes
    content_type: str | None

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value.decode() if isinstance(value, bytes) else value


Route = tuple[str, str, str]  # (exchange, routing key, message id)


def routes_of(replies: Iterable[Reply]) -> Counter[Route]:
    return Counter((r.exchange, r.routing_key, r.message_id or "") for r in replies)


# --- the consumer subprocess ------------------------------------------------------------------


@dataclass
class Consumer:
    """`python -m acid_processor consume` in its own process, its log in a file."""

    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def amqp_local_ports(self) -> set[int]:
        """The local TCP ports of this process's connections to the broker (from /proc)."""
        inodes = set()
        fd_dir = Path(f"/proc/{self.pid}/fd")
        for fd in fd_dir.iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        broker_port = pika.URLParameters(AMQP_URL).port
        ports = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    cols = line.split()
                    local, remote, state, inode = cols[1], cols[2], cols[3], cols[9]
                    if inode in inodes and state == "01" and int(remote.rsplit(":", 1)[1], 16) == broker_port:
                        ports.add(int(local.rsplit(":", 1)[1], 16))
        return ports


# --- the harness ----------------------------------------------------------------------------------


def rabbitmqctl(*args: str, timeout: float = 60) -> str:
    out = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=timeout, check=True)
    return out.stdout


@dataclass
class Harness:
    """One test's world: unique names, a store, the consumer processes it started, the collectors."""

    amqp_url: str
    store_url: str
    tmp_path: Path
    suffix: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    consumers: list[Consumer] = field(default_factory=list)
    extra_queues: list[str] = field(default_factory=list)
    _store: Any = None
    _conn: pika.BlockingConnection | None = None

    def __post_init__(self) -> None:
        p = f"it.{self.suffix}"
        self.topology = Topology(
            inbound_exchange=f"{p}.inbound",
            filings_queue=f"{p}.filings",
            dead_letter_exchange=f"{p}.dlx",
            dead_letter_queue=f"{p}.filings.dlq",
            carriers_exchange=f"{p}.carriers",
            targeting_exchange=f"{p}.targeting",
            unrouted_exchange=f"{p}.unrouted",
            unrouted_queue=f"{p}.unrouted.q",
            commands_exchange=f"{p}.commands",
            commands_queue=f"{p}.commands.q",
        )
        self.carriers_collector = f"{p}.collect.carriers"
        self.targeting_collector = f"{p}.collect.targeting"

    # --- environment

    def env(self, **overrides: Any) -> dict[str, str]:
        """The process environment for the CLI and the consumer: every ACID_* name set for this test."""
        t = self.topology
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACID_")}
        env.update(
            {
                "ACID_AMQP_URL": self.amqp_url,
                "ACID_STORE_URL": self.store_url,
                "ACID_PROFILE": "pact",
                "ACID_LOG_LEVEL": "info",
                "ACID_DRAIN_TIMEOUT": "10",
                "ACID_PROCESSES": "1",
                "ACID_INBOUND_EXCHANGE": t.inbound_exchange,
                "ACID_FILINGS_QUEUE": t.filings_queue,
                "ACID_DEAD_LETTER_EXCHANGE": t.dead_letter_exchange,
                "ACID_DEAD_LETTER_QUEUE": t.dead_letter_queue,
                "ACID_CARRIERS_EXCHANGE": t.carriers_exchange,
                "ACID_TARGETING_EXCHANGE": t.targeting_exchange,
                "ACID_UNROUTED_EXCHANGE": t.unrouted_exchange,
                "ACID_UNROUTED_QUEUE": t.unrouted_queue,
                "ACID_COMMANDS_EXCHANGE": t.commands_exchange,
                "ACID_COMMANDS_QUEUE": t.commands_queue,
                "ACID_DELIVERY_LIMIT": str(t.delivery_limit),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update({f"ACID_{k.upper()}": str(v) for k, v in overrides.items()})
        return env

    def pipeline(self, assessor: Assessor) -> Pipeline:
        return Pipeline(assessor, load_profile("pact"), self.topology)

    # --- broker

    def channel(self) -> Any:
        """A blocking channel on the test's own connection, reopened if the broker closed it."""
        if self._conn is None or not self._conn.is_open:
            self._conn = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        return self._conn.channel()

    def declare(self, carriers_key: str | None = "#", targeting_key: str | None = "#") -> None:
        """The service's topology and the collector queues bound to the outbound exchanges."""
        ch = self.channel()
        declare(ch, self.topology)
        for queue, exchange, key in (
            (self.carriers_collector, self.topology.carriers_exchange, carriers_key),
            (self.targeting_collector, self.topology.targeting_exchange, targeting_key),
        ):
            if key is None:
                continue
            ch.queue_declare(queue, durable=True, arguments={"x-queue-type": "classic"})
            ch.queue_bind(queue, exchange, routing_key=key)
        ch.close()

    def collector(self, name: str, exchange: str, key: str) -> str:
        """An extra queue bound to `exchange` with `key` (deleted at the end of the test)."""
        queue = f"it.{self.suffix}.{name}"
        ch = self.channel()
        ch.queue_declare(queue, durable=True, arguments={"x-queue-type": "classic"})
        ch.queue_bind(queue, exchange, routing_key=key)
        ch.close()
        self.extra_queues.append(queue)
        return queue

    def publish(self, messages: list[Msg]) -> None:
        """Publish to the inbound exchange with confirms tracked asynchronously."""
        publish_confirmed(
            self.amqp_url,
            [(self.topology.inbound_exchange, m.routing_key, m.body, m.properties()) for m in messages],
        )

    def depth(self, queue: str) -> int:
        """Messages ready in a queue (passive declare)."""
        ch = self.channel()
        try:
            return ch.queue_declare(queue, passive=True).method.message_count
        finally:
            with contextlib.suppress(Exception):
                ch.close()

    def queue_counts(self, queue: str) -> tuple[int, int]:
        """(ready, unacknowledged) as the broker reports them."""
        rows = json.loads(
            rabbitmqctl(
                "list_queues",
                "name",
                "messages_ready",
                "messages_unacknowledged",
                "--formatter",
                "json",
                "-q",
            )
        )
        for row in rows:
            if row["name"] == queue:
                return int(row["messages_ready"]), int(row["messages_unacknowledged"])
        raise AssertionError(f"queue {queue} not found")

    def queue_info(self, queue: str) -> dict[str, Any]:
        rows = json.loads(
            rabbitmqctl("list_queues", "name", "type", "arguments", "--formatter", "json", "-q")
        )
        return next(r for r in rows if r["name"] == queue)

    def drain(self, queue: str, idle: float = 0.5) -> list[Reply]:
        """Consume (and ack) everything in a queue until it has been quiet for `idle` seconds."""
        ch = self.channel()
        ch.basic_qos(prefetch_count=500)
        out = []
        for method, props, body in ch.consume(queue, inactivity_timeout=idle):
            if method is None:
                break
            out.append(
                Reply(
                    exchange=method.exchange,
                    routing_key=method.routing_key,
                    message_id=props.message_id,
                    headers=dict(props.headers or {}),
                    body=body,
                    content_type=props.content_type,
                )
            )
            ch.basic_ack(method.delivery_tag)
        ch.cancel()
        ch.close()
        return out

    def replies(self) -> tuple[list[Reply], list[Reply]]:
        """Everything the carriers and targeting collectors received so far."""
        return self.drain(self.carriers_collector), self.drain(self.targeting_collector)

    def delete_all(self) -> None:
        """Delete this test's queues and exchanges (and nothing else)."""
        t = self.topology
        queues = [
            t.filings_queue,
            t.dead_letter_queue,
            t.unrouted_queue,
            t.commands_queue,
            self.carriers_collector,
            self.targeting_collector,
            *self.extra_queues,
        ]
        exchanges = [
            t.inbound_exchange,
            t.dead_letter_exchange,
            t.carriers_exchange,
            t.targeting_exchange,
            t.unrouted_exchange,
            t.commands_exchange,
        ]
        conn = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            for q in queues:
                ch = conn.channel()
                with contextlib.suppress(Exception):
                    ch.queue_delete(q)
                with contextlib.suppress(Exception):
                    ch.close()
            for ex in exchanges:
                ch = conn.channel()
                with contextlib.suppress(Exception):
                    ch.exchange_delete(ex)
                with contextlib.suppress(Exception):
                    ch.close()
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    # --- the service

    def start_consumer(self, **settings: Any) -> Consumer:
        """Start `python -m acid_processor consume` with this test's environment (plus ACID_* overrides)."""
        log_path = self.tmp_path / f"consumer-{len(self.consumers)}.log"
        fh = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "acid_processor", "consume"],
            env=self.env(**settings),
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=self.tmp_path,
        )
        fh.close()
        consumer = Consumer(proc, log_path)
        self.consumers.append(consumer)
        return consumer

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run `python -m acid_processor ARGS` with this test's environment."""
        return subprocess.run(
            [sys.executable, "-m", "acid_processor", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.tmp_path,
        )

    def close_connections_of(self, consumer: Consumer, reason: str = "test", wait_s: float = 30.0) -> int:
        """Have the broker force-close the consumer's connections, and only those: the broker is
        shared with other people's work, so `rabbitmqctl close_all_connections` is too broad.

        Tries until at least one is closed (or `wait_s` passes): a consumer that is reconnecting
        has a socket the broker does not list yet, and listing takes rabbitmqctl a second."""
        deadline = time.monotonic() + wait_s
        while True:
            ports = consumer.amqp_local_ports()
            listing = rabbitmqctl("list_connections", "pid", "peer_port", "-q", "--no-table-headers")
            closed = 0
            for line in listing.splitlines():
                pid, _, port = line.strip().rpartition("\t")
                if pid and port.isdigit() and int(port) in ports:
                    rabbitmqctl("close_connection", pid, reason)
                    closed += 1
            if closed or time.monotonic() >= deadline:
                return closed
            time.sleep(0.2)

    # --- the store

    @property
    def store(self) -> Any:
        if self._store is None:
            self._store = open_store(self.store_url)
        return self._store

    def stats(self) -> dict[str, int]:
        return self.store.stats()

    def stored(self) -> list[tuple[str | None, str, str]]:
        """(message id, body hash, status) of every filing row in the store."""
        sql = "SELECT message_id, body_hash, status FROM filings"
        if self.store_url.startswith("sqlite:"):
            with contextlib.closing(sqlite3.connect(self.store_url.removeprefix("sqlite:///"))) as db:
                return [tuple(r) for r in db.execute(sql)]
        import psycopg

        from acid_processor.store.postgres import split_schema

        conninfo, schema = split_schema(self.store_url)
        with psycopg.connect(conninfo) as db:
            return [tuple(r) for r in db.execute(sql.replace("filings", f'"{schema}".filings'))]

    def wait_until(
        self,
        what: str,
        check: Callable[[], bool],
        timeout: float,
        consumer: Consumer | None = None,
        every: float = 0.1,
    ) -> None:
        """Poll `check` until it holds; fail after `timeout` seconds with the consumer's log tail."""
        deadline = time.monotonic() + timeout
        while True:
            if check():
                return
            if time.monotonic() > deadline:
                tail = consumer.log_tail() if consumer else ""
                raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")
            if consumer is not None and not consumer.alive():
                raise AssertionError(
                    f"consumer exited ({consumer.proc.returncode}) while waiting for {what}\n"
                    f"{consumer.log_tail()}"
                )
            time.sleep(every)

    def wait_processed(self, n: int, timeout: float, consumer: Consumer | None = None) -> dict[str, int]:
        """Until the store holds `n` messages and nothing waits for a confirm, then until the broker
        shows the filings queue empty with nothing unacknowledged."""
        last: dict[str, int] = {}

        def done() -> bool:
            last.update(self.stats())
            return last["received"] >= n and last["outbound_pending"] == 0

        self.wait_until(f"{n} stored outcomes (last {last})", done, timeout, consumer)
        self.wait_until(
            "the filings queue to be empty and fully acked",
            lambda: self.queue_counts(self.topology.filings_queue) == (0, 0),
            30,
            consumer,
            every=0.5,
        )
        return self.stats()

    def close(self) -> None:
        for c in self.consumers:
            if c.alive():
                c.proc.kill()
                with contextlib.suppress(Exception):
                    c.proc.wait(timeout=10)
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self.delete_all()


@pytest.fixture
def harness(amqp_url: str, tmp_path: Path) -> Iterator[Harness]:
    """A harness with a fresh SQLite store in tmp_path."""
    h = Harness(amqp_url, f"sqlite:///{tmp_path / 'audit.sqlite3'}", tmp_path)
    try:
        yield h
    finally:
        h.close()


@pytest.fixture
def pg_harness(amqp_url: str, pg_url: str, tmp_path: Path) -> Iterator[Harness]:
    """A harness with the store in a fresh PostgreSQL schema, dropped afterwards."""
    import psycopg

    schema = f"it_{uuid.uuid4().hex[:12]}"
    h = Harness(amqp_url, f"{pg_url}?schema={schema}", tmp_path)
    try:
        yield h
    finally:
        h.close()
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# --- a fast confirmed publisher ---------------------------------------------------------------------


def publish_confirmed(
    url: str,
    messages: list[tuple[str, str, bytes, BasicProperties]],
    *,
    window: int = 1000,
    timeout: float = 120,
) -> None:
    """Publish (exchange, routing key, body, properties) messages, mandatory, keeping up to `window`
    unconfirmed and settling confirms as they come (multiple acks included): no round trip per
    message. Raises if any publish is nacked or returned unroutable, or on timeout."""
    if not messages:
        return
    state: dict[str, Any] = {"next": 0, "acked": 0, "error": None}
    outstanding: list[int] = []  # delivery tags in publish order
    conn_box: dict[str, Any] = {}

    def fail(msg: str) -> None:
        if state["error"] is None:
            state["error"] = msg
        conn = conn_box["conn"]
        if conn.is_open:
            conn.close()

    def pump(ch: Any) -> None:
        while state["next"] < len(messages) and len(outstanding) < window:
            exchange, key, body, props = messages[state["next"]]
            ch.basic_publish(exchange, key, body, props, mandatory=True)
            state["next"] += 1
            outstanding.append(state["next"])  # tags start at 1, one per publish on the channel
        if state["acked"] == len(messages):
            conn_box["conn"].close()

    def on_confirm(frame: Any, ch: Any) -> None:
        method = frame.method
        if isinstance(method, Basic.Nack):
            fail(f"publish {method.delivery_tag} nacked")
            return
        if method.multiple:
            n = 0
            while n < len(outstanding) and outstanding[n] <= method.delivery_tag:
                n += 1
            del outstanding[:n]
        else:
            outstanding.remove(method.delivery_tag)
            n = 1
        state["acked"] += n
        pump(ch)

    def on_channel(ch: Any) -> None:
        ch.add_on_return_callback(lambda *a: fail(f"publish returned unroutable: {a[1].routing_key}"))
        ch.confirm_delivery(lambda f: on_confirm(f, ch), callback=lambda _: pump(ch))

    def on_open(conn: Any) -> None:
        conn.channel(on_open_callback=on_channel)
        conn.ioloop.call_later(timeout, lambda: fail(f"publishing timed out after {timeout}s"))

    def on_open_error(conn: Any, error: BaseException) -> None:
        state["error"] = repr(error)
        conn.ioloop.stop()

    conn = SelectConnection(
        pika.URLParameters(url),
        on_open_callback=on_open,
        on_open_error_callback=on_open_error,
        on_close_callback=lambda c, r: c.ioloop.stop(),
    )
    conn_box["conn"] = conn
    conn.ioloop.start()
    if state["error"] is not None:
        raise RuntimeError(state["error"])
    if state["acked"] != len(messages):
        raise RuntimeError(f"only {state['acked']} of {len(messages)} publishes confirmed")


# --- expectations -------------------------------------------------------------------------------------


def expected(pipeline: Pipeline, messages: Iterable[Msg]) -> dict[str, Processed]:
    """What each message must get, by message id (every message must have one): the pipeline's
    verdict with every message the lifecycle adds, applied in order on an in-memory store."""
    lifecycle = Lifecycle(pipeline)
    out = {}
    with open_store("sqlite:///:memory:") as store:
        for m in messages:
            p = pipeline.process(m.delivery())
            key = m.message_id or p.received.message_id
            assert key is not None and key not in out
            if p.dead_letter is None:
                (result,) = lifecycle.record(store, [p])
                p = dataclasses.replace(p, outcome=dataclasses.replace(p.outcome, outbound=result.pending))
            out[key] = p
    return out


def expected_routes(processed: Iterable[Processed]) -> Counter[Route]:
    """The replies the collectors should see (the dead-letter copies go to the DLQ, counted there)."""
    return Counter(
        (o.exchange, o.routing_key, o.message_id)
        for p in processed
        for o in p.outcome.outbound
        if o.kind != "dead-letter"
    )


AWB_RE = re.compile(rb"\b(\d{3})-\d{8}\b")


def assert_exactly_once(
    h: Harness, msgs: list[Msg], processed: dict, carriers: list, targeting: list, prefetch: int
) -> None:
    """Every filing stored once; the distinct reply ids are exactly the expected ones; raw repeats
    (same id) bounded by the deliveries that can be in flight."""
    rows = h.stored()
    assert len(rows) == len(msgs), "store rows != published filings"
    assert Counter(mid for mid, _, _ in rows) == Counter(m.message_id for m in msgs)
    assert {status for _, _, status in rows} <= {"accepted", "rejected"}
    want = expected_routes(processed.values())
    got = routes_of(carriers + targeting)
    assert set(got) == set(want), (
        f"missing {len(set(want) - set(got))} replies, unexpected {len(set(got) - set(want))}"
    )
    repeats = {route: n for route, n in got.items() if n > 1}
    by_source = {r.message_id: r.header("x-acid-source-message-id") for r in carriers + targeting}
    sources = {by_source[mid] for (_, _, mid) in repeats}
    print(
        f"\nraw duplicate reply deliveries: {sum(n - 1 for n in repeats.values())}"
        f" ({len(repeats)} reply ids, from {len(sources)} filings)"
    )
    # A reply repeats with the SAME message id only for a filing caught between the broker's
    # confirm of its replies and the store's mark: redelivered, the store still lists those replies
    # as pending and they are published again. Such filings were unacknowledged deliveries, so there
    # are at most `prefetch` of them.
    assert len(sources) <= prefetch
    assert sum(n - 1 for n in repeats.values()) <= prefetch * max(
        len(p.outcome.outbound) for p in processed.values()
    )
