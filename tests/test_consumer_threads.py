"""The consumer's two sides against a fake channel, without a broker: a delivery is acked only
after every publish it caused is confirmed and marked published; multiple confirms, nacks and
returns; plans of a lost connection are void; while the store is away consuming pauses, the
deliveries held stay held, and it all resumes by itself. The worker runs in its own thread as in
service; the test thread plays the I/O thread by running the callbacks the worker hands it.
The store is a real SQLite file; an outage is a wrapper that raises what a locked or vanished
database raises."""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pika.spec import Basic, BasicProperties

from acid_processor.assessment.engine import Assessor
from acid_processor.assessment.policy import Policy
from acid_processor.config import Settings, Topology
from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.pipeline import Delivery, Pipeline
from acid_processor.replies import load_profile
from acid_processor.service import worker as worker_module
from acid_processor.service.broker import BrokerSide
from acid_processor.service.handoff import Stop
from acid_processor.service.worker import Worker
from acid_processor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CLEAN = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_bytes()


def filing(n: int) -> bytes:
    """A distinct clean direct AWB filing."""
    awb = f"020-{68548340 + 11 * n:08d}"
    awb = f"{awb[:11]}{(int(awb[4:11]) % 7)}"  # a check digit that holds
    return CLEAN.replace(b"020-68548340", awb.encode())


# --- the fakes ---------------------------------------------------------------------------------------


class FakeLoop:
    """The connection's ioloop: callbacks from the worker thread queue up until the test runs them."""

    def __init__(self) -> None:
        self.callbacks: queue.Queue[Callable[[], None]] = queue.Queue()
        self.later: list[tuple[float, Callable[[], None]]] = []
        self.stopped = False

    def add_callback_threadsafe(self, cb: Callable[[], None]) -> None:
        self.callbacks.put(cb)

    def call_later(self, delay: float, cb: Callable[[], None]) -> None:
        self.later.append((delay, cb))

    def stop(self) -> None:
        self.stopped = True


class FakeConnection:
    def __init__(self) -> None:
        self.ioloop = FakeLoop()
        self.is_open = True
        self.is_closing = False
        self.is_closed = False

    def close(self) -> None:
        self.is_open, self.is_closed = False, True


class FakeChannel:
    """Records what the broker side asks of the channel."""

    def __init__(self) -> None:
        self.is_open = True
        self.consumers: dict[str, str] = {}  # tag -> queue
        self.cancelled: list[str] = []
        self.published: list[tuple[str, str, bytes, BasicProperties]] = []
        self.acked: list[int] = []
        self.nacked: list[tuple[int, bool]] = []
        self._n = 0

    def basic_consume(self, queue_name: str, callback: Any, auto_ack: bool = False) -> str:
        assert auto_ack is False
        self._n += 1
        tag = f"ctag-{self._n}"
        self.consumers[tag] = queue_name
        return tag

    def basic_cancel(self, tag: str) -> None:
        self.consumers.pop(tag, None)
        self.cancelled.append(tag)

    def basic_publish(self, exchange: str, routing_key: str, body: bytes, properties: Any, mandatory: bool):
        assert mandatory is True and properties.delivery_mode == 2
        self.published.append((exchange, routing_key, body, properties))

    def basic_ack(self, tag: int) -> None:
        self.acked.append(tag)

    def basic_nack(self, tag: int, requeue: bool = True) -> None:
        self.nacked.append((tag, requeue))


class FlakyStore:
    """The real store, unless `down`: then every call raises what an unavailable database raises."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.down = False
        self.failures = 0
        self.reconnects = 0

    def reconnect(self) -> None:
        self.reconnects += 1
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*a: Any, **kw: Any) -> Any:
            if self.down:
                self.failures += 1
                raise sqlite3.OperationalError("database is locked")
            return attr(*a, **kw)

        return call


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Assessor(Policy.load(FIXTURES / "policy-test")), load_profile("pact"), Topology())


class Rig:
    """A BrokerSide on a fake connection and channel, a Worker thread on a real SQLite store."""

    def __init__(self, pipeline: Pipeline, path: Path, *, store_down_at_start: bool = False) -> None:
        self.settings = Settings(batch_size=50, prefetch=50, store_retry_max_delay=0.01, drain_timeout=5)
        self.inbox: queue.Queue[Any] = queue.Queue()
        self.broker = BrokerSide(self.settings, self.inbox)
        self.stop = threading.Event()
        self.path = path
        self.real = open_store(f"sqlite:///{path}")
        # The test reads through a connection of its own: the worker's is in the middle of its
        # transactions on another thread, and SQLite refuses a second BEGIN on one connection.
        self.reader = open_store(f"sqlite:///{path}")
        self.store = FlakyStore(self.real)
        self.store.down = store_down_at_start
        self.opens = 0

        def factory() -> Any:
            self.opens += 1
            if self.store.down:
                raise sqlite3.OperationalError("unable to open database file")
            return self.store

        self.worker = Worker(self.settings, pipeline, self.broker, self.inbox, factory, self.stop)
        self.connect()
        self.thread = threading.Thread(target=self.worker.run, daemon=True)
        self.thread.start()

    def connect(self) -> FakeChannel:
        """A new connection and channel (as after a reconnect), in confirm mode."""
        self.conn = FakeConnection()
        self.broker.new_connection(self.conn)
        self.channel = FakeChannel()
        self.broker.channel = self.channel  # what on_channel_open and confirm mode end in
        self.broker.start_consuming()
        self.seq_base = 0
        return self.channel

    def pump(self, until: Callable[[], bool], timeout: float = 10.0) -> None:
        """Run the worker's callbacks on this (the I/O) thread until `until()` holds."""
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached")
            try:
                cb = self.conn.ioloop.callbacks.get(timeout=0.005)
            except queue.Empty:
                continue
            cb()

    def settle_for(self, seconds: float) -> None:
        """Run callbacks for a while: nothing more may happen than what was asserted."""
        deadline = time.monotonic() + seconds
        self.pump(lambda: time.monotonic() > deadline, timeout=seconds + 1)

    def deliver(self, body: bytes, tag: int, message_id: str | None = None) -> None:
        props = BasicProperties(content_type="application/xml", message_id=message_id or f"m-{tag}")
        method = SimpleNamespace(delivery_tag=tag, routing_key="filing")
        self.broker.on_message(self.channel, method, props, body)

    def confirm(self, seq: int, *, multiple: bool = False, ack: bool = True) -> None:
        method = (Basic.Ack if ack else Basic.Nack)(delivery_tag=seq, multiple=multiple)
        self.broker.on_confirm(SimpleNamespace(method=method))

    def close(self) -> None:
        self.inbox.put(Stop())
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()
        assert self.worker.error is None, self.worker.error
        self.real.close()
        self.reader.close()


@pytest.fixture
def rig(pipeline: Pipeline, tmp_path: Path):
    made: list[Rig] = []

    def make(**kw: Any) -> Rig:
        r = Rig(pipeline, tmp_path / f"store-{len(made)}.sqlite3", **kw)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


# --- the specifications ---------------------------------------------------------------------------


def test_a_delivery_is_acked_only_after_every_publish_is_confirmed_and_marked(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(1), tag=1)
    r.pump(lambda: len(r.channel.published) >= 2)
    n = len(r.channel.published)
    kinds = [p.type for _, _, _, p in r.channel.published]
    assert kinds == ["xfnm", "xcsn"]  # the acknowledgement, then the assessment-complete notice
    assert r.reader.stats()["outbound_pending"] == n  # stored before published
    for seq in range(1, n):  # all but the last confirmed: no ack yet
        r.confirm(seq)
    r.settle_for(0.05)
    assert r.channel.acked == [] and r.broker.in_flight == 1
    r.confirm(n)
    r.pump(lambda: r.channel.acked == [1])
    assert r.reader.stats()["outbound_pending"] == 0  # marked published before the ack
    assert r.broker.in_flight == 0 and r.broker.unconfirmed == 0


def test_one_multiple_confirm_settles_every_delivery_it_covers_and_no_other(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    for tag in (1, 2, 3):
        r.deliver(filing(tag), tag=tag)
    r.pump(lambda: r.broker.unconfirmed > 0 and r.broker.in_flight == 3 and r.inbox.empty())
    r.pump(lambda: len(r.channel.published) == r.broker.unconfirmed and r.broker.unconfirmed >= 6)
    props = [p for _, _, _, p in r.channel.published]
    by_source = [p.correlation_id for p in props]
    last_of_second = max(i for i, s in enumerate(by_source, 1) if s in ("m-1", "m-2"))
    assert all(s in ("m-1", "m-2") for s in by_source[:last_of_second])
    r.confirm(last_of_second, multiple=True)
    r.pump(lambda: sorted(r.channel.acked) == [1, 2])
    r.settle_for(0.05)
    assert sorted(r.channel.acked) == [1, 2]  # the third waits for its own confirms
    r.confirm(len(props), multiple=True)
    r.pump(lambda: sorted(r.channel.acked) == [1, 2, 3])
    assert r.reader.stats()["outbound_pending"] == 0


def test_a_nacked_publish_requeues_its_delivery_and_only_the_unconfirmed_reply_is_sent_again(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(4), tag=7)
    r.pump(lambda: len(r.channel.published) >= 2 and r.inbox.empty())
    first = [p.message_id for _, _, _, p in r.channel.published]
    r.confirm(1)
    for seq in range(2, len(first) + 1):
        r.confirm(seq, ack=(seq != 2))  # the broker refuses the second
    r.pump(lambda: r.channel.nacked == [(7, True)])
    assert r.channel.acked == [] and r.broker.in_flight == 0
    r.pump(lambda: r.reader.stats()["outbound_pending"] == 1)  # only the refused one is pending
    (pending,) = r.reader.pending_outbound()
    assert pending.message_id == first[1]
    # The broker redelivers it: the store knows it, and only the refused reply goes out again.
    r.channel.published.clear()
    r.deliver(filing(4), tag=8, message_id="m-7")
    r.pump(lambda: len(r.channel.published) == 1)
    assert r.channel.published[0][3].message_id == first[1]
    r.confirm(len(first) + 1)
    r.pump(lambda: r.channel.acked == [8])
    assert r.reader.stats()["outbound_pending"] == 0


def test_a_publish_returned_unroutable_counts_as_failed_even_when_then_confirmed(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(5), tag=3)
    r.pump(lambda: len(r.channel.published) >= 2 and r.inbox.empty())
    returned = r.channel.published[0]
    method = SimpleNamespace(exchange=returned[0], routing_key=returned[1], reply_text="NO_ROUTE")
    r.broker.on_return(r.channel, method, returned[3], returned[2])
    r.confirm(len(r.channel.published), multiple=True)  # basic.return comes before the ack
    r.pump(lambda: r.channel.nacked == [(3, True)])
    assert r.channel.acked == []
    r.pump(lambda: r.reader.stats()["outbound_pending"] == 1)


def test_plans_made_for_a_lost_connection_are_void_and_the_redelivery_is_answered_on_the_new_one(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(6), tag=1)
    r.pump(lambda: r.broker.unconfirmed >= 2 and r.inbox.empty())
    old_conn, old_channel = r.conn, r.channel
    ids = [p.message_id for _, _, _, p in old_channel.published]
    r.confirm(len(ids), multiple=True)  # confirmed: the worker marks them and asks for the ack...
    settle = old_conn.ioloop.callbacks.get(timeout=5)
    r.broker.on_connection_closed(old_conn, ConnectionResetError("gone"))  # ...but the connection goes
    assert old_conn.ioloop.stopped
    new = r.connect()
    settle()  # the ack for delivery tag 1 of the old connection: void
    assert old_channel.acked == [] and new.acked == []
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(6), tag=1, message_id="m-1")  # the broker redelivers it, tag 1 on the new channel
    r.pump(lambda: new.acked == [1])  # marked published already: nothing to publish, acked at once
    assert new.published == []
    assert r.reader.stats()["duplicates_seen"] == 1


def test_a_redelivery_while_the_original_replies_are_unconfirmed_publishes_them_again_under_the_same_ids(
    rig,
) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(9), tag=1)
    r.pump(lambda: r.broker.unconfirmed >= 2 and r.inbox.empty())
    ids = [p.message_id for _, _, _, p in r.channel.published]
    r.broker.on_connection_closed(r.conn, ConnectionResetError("gone"))  # before any confirm
    new = r.connect()
    r.pump(lambda: r.broker.consuming)
    r.deliver(filing(9), tag=1, message_id="m-1")
    r.pump(lambda: len(new.published) == len(ids))
    assert [p.message_id for _, _, _, p in new.published] == ids  # the same ids: not new answers
    r.confirm(len(ids), multiple=True)
    r.pump(lambda: new.acked == [1])
    assert r.reader.stats()["outbound_pending"] == 0


def test_while_the_store_is_away_consuming_pauses_holds_what_it_has_and_resumes_by_itself(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    r.store.down = True
    for tag in (1, 2):
        r.deliver(filing(10 + tag), tag=tag)
    r.pump(lambda: not r.broker.consuming)  # paused: consumers cancelled
    assert len(r.channel.cancelled) == 2 and not r.worker.store_up
    r.pump(lambda: r.store.failures >= 3)  # it keeps retrying, for as long as it takes
    assert r.channel.acked == [] and r.channel.nacked == []  # held, not returned
    assert r.broker.in_flight == 2 and r.channel.published == []
    r.store.down = False
    r.pump(lambda: r.broker.consuming and r.worker.store_up)
    r.pump(lambda: r.broker.unconfirmed >= 4 and r.inbox.empty())
    r.confirm(r.broker.unconfirmed, multiple=True)
    r.pump(lambda: sorted(r.channel.acked) == [1, 2])
    assert r.reader.stats()["received"] == 2 and r.reader.stats()["dead_lettered"] == 0


def test_nothing_is_consumed_before_the_store_opens(rig) -> None:
    r = rig(store_down_at_start=True)
    r.pump(lambda: r.opens >= 3)
    assert not r.broker.consuming and r.channel.consumers == {}
    r.store.down = False
    r.pump(lambda: r.broker.consuming)
    assert sorted(r.channel.consumers.values()) == sorted(
        [r.settings.topology.filings_queue, r.settings.topology.commands_queue]
    )


def test_a_message_that_cannot_be_processed_is_dead_lettered_once_however_often_it_comes(rig) -> None:
    r = rig()
    r.pump(lambda: r.broker.consuming)
    garbage = b"<not xml"
    r.deliver(garbage, tag=1, message_id="junk")
    r.pump(lambda: len(r.channel.published) == 1)
    exchange, _, body, props = r.channel.published[0]
    assert exchange == r.settings.topology.dead_letter_exchange and body == garbage
    assert props.headers["x-acid-reason-code"] == "XML_MALFORMED" and props.message_id == "junk"
    r.confirm(1)
    r.pump(lambda: r.channel.acked == [1])
    r.deliver(garbage, tag=2, message_id="junk")  # the same message again
    r.pump(lambda: r.channel.acked == [1, 2])
    assert len(r.channel.published) == 1
    assert r.reader.stats()["duplicates_seen"] == 1


def test_a_worker_that_dies_before_any_connection_stops_the_consumer(pipeline: Pipeline) -> None:
    settings = Settings(store_retry_max_delay=0.01)
    inbox: queue.Queue[Any] = queue.Queue()
    broker = BrokerSide(settings, inbox)
    stop = threading.Event()

    def broken() -> Any:
        raise ValueError("a programming error, not an outage")

    worker = Worker(settings, pipeline, broker, inbox, broken, stop)
    worker.run()  # no connection exists yet
    assert isinstance(worker.error, ValueError)
    assert broker.worker_failed and stop.is_set()  # the run loop sees it without a connection


def test_outbound_stranded_in_the_store_is_published_by_the_sweep_and_young_work_is_left_alone(
    rig, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An officer action from the command line whose publish failed leaves its messages pending
    in the store; the consumer's sweep publishes them (same ids) and marks them once confirmed.
    What another consumer stored a moment ago is its work in progress: not touched."""
    monkeypatch.setattr(worker_module, "SWEEP_EVERY_S", 0.05)
    monkeypatch.setattr(worker_module, "STRANDED_AFTER_S", 3600.0)
    r = rig()
    with open_store(f"sqlite:///{r.path}") as other:  # another process's connection
        lifecycle = Lifecycle(pipeline)
        for mid, n in (("old", 20), ("young", 21)):
            lifecycle.record(other, [pipeline.process(Delivery(body=filing(n), message_id=mid))])
        other._run(
            "UPDATE filings SET recorded_at = '2026-01-01T00:00:00.000000+00:00' WHERE message_id = 'old'"
        )
        young = [m.message_id for m in other.pending_outbound() if "old" not in m.headers.values()]
    r.pump(lambda: r.broker.consuming)
    r.pump(lambda: len(r.channel.published) >= 2)
    r.settle_for(0.2)  # several sweeps: each stranded message published once
    published = [p for _, _, _, p in r.channel.published]
    assert {p.correlation_id for p in published} == {"old"} and len(published) == 2
    r.confirm(2, multiple=True)
    r.pump(lambda: {m.message_id for m in r.reader.pending_outbound()} == set(young))
    assert r.channel.acked == [] and r.broker.in_flight == 0  # no delivery to settle
    r.settle_for(0.2)
    assert len(r.channel.published) == 2
