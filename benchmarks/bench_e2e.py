"""End-to-end throughput of the RabbitMQ service against its two bounds, in one run of this script:

- end to end: `acid-processor consume --processes P` (a subprocess, SQLite store in a temp dir,
  default prefetch and batch unless --prefetch/--batch) drains a quorum filings queue pre-filled
  with n synthetic filings, with 1 and with 2 consumer processes (--processes 1,2) in every run.
  Timed from the start of the consumer process to the moment the store holds every filing's
  outcome and every reply is confirmed (count == n and outbound_pending == 0). Nothing is
  subtracted; the start-up cost (process start to first stored outcome) is shown separately.
- in-process: what the consumer's worker does, on one core, without the broker: `Pipeline.process`
  (safe parse, validate, extract, assess, acknowledgement) and the lifecycle (`Lifecycle.record`:
  the batch's filings stored, the consignments' state read, locked and folded, XCSNs and referrals
  rendered, everything committed) in batches of the consumer's size, on a store of the same kind
  (an SQLite file): the ceiling of what the service can do. The lifecycle's own cost per filing
  is printed apart.
- bare relay: a pika SelectConnection consumer on the same broker that consumes each message of a
  quorum queue pre-filled with the same n messages, publishes one message to another quorum queue
  (mandatory, persistent) with publisher confirms tracked asynchronously, and acks each delivery
  after its confirm. No processing: the ceiling of what the broker and pika allow one connection.

The corpus is realistic traffic for the lifecycle: synthetic filings whose houses refer to
consolidation masters of the corpus (some arriving before their master), and about 30% amendments
(a later issue time, a changed weight) of earlier filings.

Run:    .venv/bin/python benchmarks/bench_e2e.py [--n 20000] [--runs 3] [--prefetch P] [--batch B]
                                                 [--processes 1,2] [--store postgres] [--profile]
Targets: end to end (1 process) / in-process >= 0.60; 2 processes / 1 process >= 1.5.
--store postgres puts the store in a fresh schema of ACID_TEST_PG_URL (dropped afterwards).
Rates are filings per second, median of the runs; every run is listed. Every exchange and queue
gets a unique name per run and is deleted afterwards.
--profile adds one more end-to-end run with cProfile in both consumer threads (I/O and worker),
set up by this script in the child process (the consumer's code is not changed).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import os
import pstats
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pika  # noqa: E402
from pika.adapters.select_connection import SelectConnection  # noqa: E402
from pika.spec import Basic, BasicProperties  # noqa: E402

from acid_processor.config import Settings, Topology  # noqa: E402
from acid_processor.service.topology import declare  # noqa: E402

AMQP_URL = os.environ.get("ACID_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_URL = os.environ.get("ACID_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")
TARGET = 0.60
TARGET_SCALING = 1.5


# --- publishing -------------------------------------------------------------------------------------


def publish_confirmed(
    messages: list[tuple[str, str, bytes, BasicProperties]], window: int = 2000, timeout: float = 600
) -> float:
    """Publish (exchange, routing key, body, properties), mandatory, up to `window` unconfirmed,
    confirms settled as they come (multiple acks too). Returns the seconds it took."""
    state: dict[str, Any] = {"next": 0, "acked": 0, "error": None}
    outstanding: list[int] = []
    box: dict[str, Any] = {}

    def fail(msg: str) -> None:
        state["error"] = state["error"] or msg
        if box["conn"].is_open:
            box["conn"].close()

    def pump(ch: Any) -> None:
        while state["next"] < len(messages) and len(outstanding) < window:
            exchange, key, body, props = messages[state["next"]]
            ch.basic_publish(exchange, key, body, props, mandatory=True)
            state["next"] += 1
            outstanding.append(state["next"])
        if state["acked"] == len(messages):
            box["conn"].close()

    def on_confirm(frame: Any, ch: Any) -> None:
        m = frame.method
        if isinstance(m, Basic.Nack):
            fail(f"publish {m.delivery_tag} nacked")
            return
        n = 0
        if m.multiple:
            while n < len(outstanding) and outstanding[n] <= m.delivery_tag:
                n += 1
            del outstanding[:n]
        else:
            outstanding.remove(m.delivery_tag)
            n = 1
        state["acked"] += n
        pump(ch)

    def on_channel(ch: Any) -> None:
        ch.add_on_return_callback(lambda *a: fail("publish returned unroutable"))
        ch.confirm_delivery(lambda f: on_confirm(f, ch), callback=lambda _: pump(ch))

    def on_open(conn: Any) -> None:
        conn.channel(on_open_callback=on_channel)
        conn.ioloop.call_later(timeout, lambda: fail("publishing timed out"))

    def on_open_error(conn: Any, err: BaseException) -> None:
        state["error"] = repr(err)
        conn.ioloop.stop()

    started = time.perf_counter()
    box["conn"] = SelectConnection(
        pika.URLParameters(AMQP_URL),
        on_open_callback=on_open,
        on_open_error_callback=on_open_error,
        on_close_callback=lambda c, r: c.ioloop.stop(),
    )
    box["conn"].ioloop.start()
    if state["error"] or state["acked"] != len(messages):
        raise RuntimeError(state["error"] or f"{state['acked']}/{len(messages)} confirmed")
    return time.perf_counter() - started


def xml_props(message_id: str) -> BasicProperties:
    return BasicProperties(content_type="application/xml", message_id=message_id, delivery_mode=2)


def blocking() -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(AMQP_URL))


def delete(queues: list[str], exchanges: list[str]) -> None:
    """Delete the run's names, one connection each: deleting a full quorum queue can take long
    enough for the broker to close a connection, and one failure must not leave the rest."""
    for kind, name in [("queue", q) for q in queues] + [("exchange", e) for e in exchanges]:
        with contextlib.suppress(Exception):
            conn = blocking()
            try:
                ch = conn.channel()
                if kind == "queue":
                    ch.queue_delete(name)
                else:
                    ch.exchange_delete(name)
            finally:
                with contextlib.suppress(Exception):
                    conn.close()


# --- end to end -------------------------------------------------------------------------------------


@dataclass
class E2E:
    rate: float  # n / (process start -> all stored and confirmed)
    seconds: float
    startup: float  # process start -> first stored outcome
    steady: float  # n / (first outcome -> done)
    prefill: float
    confirm_lag_ms: tuple[float, float]  # median and p95 of (published_at - recorded_at)
    batches: int  # distinct commit timestamps (record_many transactions)
    cpu_consumer_ms: float  # CPU time of the consumer process(es) per filing
    cpu_broker_ms: float  # CPU time of the broker (beam.smp) per filing, over the same interval


def topology_for(run: str) -> Topology:
    p = f"bench.{run}"
    return Topology(
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


def env_for(t: Topology, store_url: str, args: argparse.Namespace, processes: int = 1) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACID_")}
    env.update(
        {
            "ACID_AMQP_URL": AMQP_URL,
            "ACID_STORE_URL": store_url,
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
            "ACID_PROCESSES": str(processes),
        }
    )
    if args.prefetch:
        env["ACID_PREFETCH"] = str(args.prefetch)
    if args.batch:
        env["ACID_BATCH_SIZE"] = str(args.batch)
    return env


class StoreReader:
    """Reads the consumer's store while it works: an SQLite file (created by the consumer) or a
    PostgreSQL schema (created here, dropped by `drop`)."""

    def __init__(self, kind: str, tmp: Path, run: str) -> None:
        self.kind = kind
        self.conn: Any = None
        if kind == "sqlite":
            self.path = tmp / "audit.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.schema = f"bench_{run}"
            self.url = f"{PG_URL}?schema={self.schema}"

    def query(self, sql: str) -> list[tuple] | None:
        """Rows, or None while the store is not there yet."""
        try:
            if self.conn is None:
                if self.kind == "sqlite":
                    if not self.path.exists():
                        return None
                    self.conn = sqlite3.connect(self.path, timeout=30)
                else:
                    import psycopg

                    self.conn = psycopg.connect(PG_URL, autocommit=True)
                    self.conn.execute(f'SET search_path TO "{self.schema}"')
            return list(self.conn.execute(sql).fetchall())
        except Exception:
            self.close()
            return None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def drop(self) -> None:
        self.close()
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as db:
                db.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User + system CPU seconds of a process (and its child processes, alive ones) from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    if children:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def broker_pid() -> int | None:
    """The local RabbitMQ's Erlang VM, to count its CPU (None when it is not on this machine)."""
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError):
                if (d / "comm").read_text().strip() == "beam.smp":
                    return int(d.name)
    return None


def _ts(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def run_e2e(
    bodies: list[bytes], args: argparse.Namespace, profile_dir: Path | None = None, processes: int = 1
) -> E2E:
    n = len(bodies)
    run = uuid.uuid4().hex[:10]
    t = topology_for(run)
    # The replies go to one quorum queue per outbound exchange, as a carrier's and targeting's would.
    carriers_q, targeting_q = f"bench.{run}.carriers.all", f"bench.{run}.targeting.all"
    queues = [
        t.filings_queue,
        t.dead_letter_queue,
        t.unrouted_queue,
        t.commands_queue,
        carriers_q,
        targeting_q,
    ]
    exchanges = [t.inbound_exchange, t.dead_letter_exchange, t.unrouted_exchange, t.commands_exchange]
    exchanges += [t.carriers_exchange, t.targeting_exchange]
    tmp = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    reader = StoreReader(args.store, tmp, run)
    proc = None
    try:
        conn = blocking()
        ch = conn.channel()
        declare(ch, t)
        for q, ex in ((carriers_q, t.carriers_exchange), (targeting_q, t.targeting_exchange)):
            ch.queue_declare(q, durable=True, arguments={"x-queue-type": "quorum"})
            ch.queue_bind(q, ex, routing_key="#")
        conn.close()
        prefill = publish_confirmed(
            [(t.inbound_exchange, "filing", b, xml_props(f"bench-{i}")) for i, b in enumerate(bodies)]
        )

        env = env_for(t, reader.url, args, processes)
        cmd = [sys.executable, "-m", "acid_processor", "consume"]
        if profile_dir is not None:
            cmd = [sys.executable, __file__, "--child-profile", str(profile_dir)]
        log = (tmp / "consumer.log").open("wb")
        beam = broker_pid()
        beam_cpu0 = cpu_seconds(beam, children=False) if beam else 0.0
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
        log.close()
        first = None
        done = None
        while done is None:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"consumer exited {proc.returncode}: {(tmp / 'consumer.log').read_text()[-2000:]}"
                )
            if time.perf_counter() - started > 1800:
                raise RuntimeError("timed out")
            rows = reader.query("SELECT COUNT(*) FROM filings")
            if rows:
                (count,) = rows[0]
                if count and first is None:
                    first = time.perf_counter()
                if count >= n:
                    pending = reader.query("SELECT COUNT(*) FROM outbound WHERE NOT published")
                    if pending and pending[0][0] == 0:
                        done = time.perf_counter()
                        consumer_cpu = cpu_seconds(proc.pid)
                        broker_cpu = (cpu_seconds(beam, children=False) - beam_cpu0) if beam else 0.0
            time.sleep(0.05)
        assert first is not None
        # Checks: all stored once, nothing dead-lettered; timings of the pipeline from the store itself.
        ((stored, dead),) = reader.query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'dead_lettered' THEN 1 ELSE 0 END), 0)"
            " FROM filings"
        )
        lags = sorted(
            (_ts(p) - _ts(r)).total_seconds() * 1000
            for r, p in reader.query(
                "SELECT f.recorded_at, MAX(o.published_at) FROM filings f"
                " JOIN outbound o ON o.filing_id = f.id GROUP BY f.id, f.recorded_at"
            )
        )
        ((batches,),) = reader.query("SELECT COUNT(DISTINCT recorded_at) FROM filings")
        if stored != n or dead:
            raise RuntimeError(f"stored {stored} of {n}, {dead} dead-lettered")
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
        if rc != 0:
            raise RuntimeError(f"consumer exit status {rc}")
        return E2E(
            rate=n / (done - started),
            seconds=done - started,
            startup=first - started,
            steady=n / (done - first),
            prefill=prefill,
            confirm_lag_ms=(statistics.median(lags), lags[int(len(lags) * 0.95)]),
            batches=batches,
            cpu_consumer_ms=consumer_cpu / n * 1000,
            cpu_broker_ms=broker_cpu / n * 1000,
        )
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.drop()
        delete(queues, exchanges)
        shutil.rmtree(tmp, ignore_errors=True)


# --- bare relay ---------------------------------------------------------------------------------------


def run_relay(bodies: list[bytes], prefetch: int) -> float:
    """Consume, publish one message with an asynchronous confirm, ack after the confirm."""
    n = len(bodies)
    run = uuid.uuid4().hex[:10]
    q_in, q_out = f"bench.{run}.relay.in", f"bench.{run}.relay.out"
    try:
        conn = blocking()
        ch = conn.channel()
        for q in (q_in, q_out):
            ch.queue_declare(q, durable=True, arguments={"x-queue-type": "quorum"})
        conn.close()
        publish_confirmed([("", q_in, b, xml_props(f"relay-{i}")) for i, b in enumerate(bodies)])
        state: dict[str, Any] = {"seq": 0, "acked": 0, "t0": None, "t1": None, "error": None}
        unconfirmed: OrderedDict[int, int] = OrderedDict()  # publish seq -> delivery tag

        def on_message(ch: Any, method: Any, props: BasicProperties, body: bytes) -> None:
            out = BasicProperties(
                content_type=props.content_type, message_id=props.message_id, delivery_mode=2
            )
            ch.basic_publish("", q_out, body, out, mandatory=True)
            state["seq"] += 1
            unconfirmed[state["seq"]] = method.delivery_tag

        def on_confirm(frame: Any, ch: Any) -> None:
            m = frame.method
            if isinstance(m, Basic.Nack):
                state["error"] = "nacked"
                ch.connection.close()
                return
            tags = []
            if m.multiple:
                while unconfirmed and next(iter(unconfirmed)) <= m.delivery_tag:
                    tags.append(unconfirmed.popitem(last=False)[1])
            elif m.delivery_tag in unconfirmed:
                tags.append(unconfirmed.pop(m.delivery_tag))
            for tag in tags:
                ch.basic_ack(tag)
            state["acked"] += len(tags)
            if state["acked"] == n:
                state["t1"] = time.perf_counter()
                ch.connection.close()

        def start(ch: Any) -> None:
            state["t0"] = time.perf_counter()
            ch.basic_consume(q_in, lambda *a: on_message(*a), auto_ack=False)

        def on_channel(ch: Any) -> None:
            ch.confirm_delivery(
                lambda f: on_confirm(f, ch),
                callback=lambda _: ch.basic_qos(prefetch_count=prefetch, callback=lambda _: start(ch)),
            )

        relay = SelectConnection(
            pika.URLParameters(AMQP_URL),
            on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
            on_close_callback=lambda c, r: c.ioloop.stop(),
        )
        relay.ioloop.start()
        if state["error"] or state["t1"] is None:
            raise RuntimeError(state["error"] or f"relay stopped after {state['acked']} of {n}")
        return n / (state["t1"] - state["t0"])
    finally:
        delete([q_in, q_out], [])


# --- in process ----------------------------------------------------------------------------------------


def make_pipeline() -> Any:
    from acid_processor.assessment.engine import Assessor
    from acid_processor.assessment.policy import Policy
    from acid_processor.pipeline import Pipeline
    from acid_processor.replies import load_profile

    return Pipeline(Assessor(Policy.load(None)), load_profile("pact"), Topology())


@dataclass
class InProcess:
    rate: float  # filings/s of the whole worker's work
    pipeline_us: float  # per filing: Pipeline.process
    lifecycle_us: float  # per filing: Lifecycle.record (store, state, fold, replies, commit)


def run_inprocess(pipeline: Any, bodies: list[bytes], batch: int) -> InProcess:
    """What the consumer's worker does for every filing, in batches of its size, on a fresh SQLite
    file store (one core, GC as usual); the pipeline's and the lifecycle's time apart."""
    from acid_processor.lifecycle.runner import Lifecycle
    from acid_processor.pipeline import Delivery
    from acid_processor.store import open_store

    deliveries = [
        Delivery(body=b, message_id=f"bench-{i}", content_type="application/xml", routing_key="filing")
        for i, b in enumerate(bodies)
    ]
    lifecycle = Lifecycle(pipeline)
    with (
        tempfile.TemporaryDirectory(prefix="bench-inproc-") as d,
        open_store(f"sqlite:///{d}/a.sqlite3") as store,
    ):
        gc.collect()
        t_pipeline = t_lifecycle = 0.0
        started = time.perf_counter()
        for start in range(0, len(deliveries), batch):
            t0 = time.perf_counter()
            processed = [pipeline.process(x) for x in deliveries[start : start + batch]]
            t1 = time.perf_counter()
            lifecycle.record(store, processed)
            t2 = time.perf_counter()
            t_pipeline += t1 - t0
            t_lifecycle += t2 - t1
            for p in processed:
                if p.dead_letter is not None:
                    raise RuntimeError(f"{p.received.message_id} dead-lettered: {p.dead_letter}")
        total = time.perf_counter() - started
    n = len(bodies)
    return InProcess(n / total, t_pipeline / n * 1e6, t_lifecycle / n * 1e6)


def lifecycle_corpus(n: int, seed: int) -> tuple[list[bytes], dict[str, float]]:
    """n filings: about 70% originals (houses linked to masters of the corpus, shuffled, so some
    come before their master) and 30% amendments of earlier originals (new message id, issue time
    an hour or more later, a changed weight), each placed after its original. Returns the bodies
    and the shares of amendments and of houses filed before their master."""
    import random

    from lxml import etree

    from acid_processor.testing.synthetic import corpus

    rng = random.Random(seed)
    originals = corpus(int(n * 0.7), seed)
    order: list[bytes] = [b for _, b in originals]
    amendable = [i for i, (k, _) in enumerate(originals) if k in ("XFWB-direct", "XFZB")]
    ram = "{iata:datamodel:3}"
    for j in range(n - len(originals)):
        i = rng.choice(amendable)
        root = etree.fromstring(originals[i][1])
        header = root[0]
        header.find(f"{ram}ID").text = f"amend-{j}-{header.find(f'{ram}ID').text}"[:128]
        issued = header.find(f"{ram}IssueDateTime")
        issued.text = (
            issued.text[:11] + f"{(int(issued.text[11:13]) + 1 + j % 5) % 24:02d}" + issued.text[13:]
        )
        weights = root.iter(f"{ram}IncludedTareGrossWeightMeasure")
        w = next(weights, None)
        if w is not None:
            w.text = f"{float(w.text) + 0.5:.1f}"
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        # after its original, somewhere later in the stream
        at = order.index(originals[i][1]) + 1
        order.insert(rng.randint(at, len(order)), body)
    seen: set[str] = set()  # AWBs whose consolidation master was filed
    early = 0
    for body in order:
        root = etree.fromstring(body)
        kind = etree.QName(root).localname
        if kind == "Waybill":
            seen.add(root[1].findtext(f"{ram}ID") or "")
        elif kind in ("HouseWaybill", "HouseManifest"):
            awb = root[2].findtext(f"{ram}TransportContractDocument/{ram}ID")
            early += bool(awb) and awb not in seen
    return order, {"amendments": (n - len(originals)) / n, "houses_before_master": early / n}


# --- profiling (in the consumer child) --------------------------------------------------------------


def child_profile(out_dir: Path) -> int:
    """Run `acid-processor consume` with cProfile in the I/O (main) thread and in the worker thread."""
    from acid_processor import cli
    from acid_processor.service import worker

    work = worker.Worker.run

    def profiled_work(self: Any) -> None:
        prof = cProfile.Profile()
        prof.enable()
        try:
            work(self)
        finally:
            prof.disable()
            prof.dump_stats(out_dir / "worker.prof")

    worker.Worker.run = profiled_work  # type: ignore[method-assign]
    prof = cProfile.Profile()
    prof.enable()
    try:
        return cli.main(["consume", "--processes", "1"])
    finally:
        prof.disable()
        prof.dump_stats(out_dir / "io.prof")


def show_profile(path: Path, title: str, top: int = 22) -> None:
    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf)
    total = stats.total_tt  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n--- {title}: {total:.2f}s of CPU in this thread (cumulative, top {top}) ---")
    lines = buf.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print("\n".join(lines[start : start + top + 1]))


# --- main ----------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--prefetch", type=int, default=None, help="ACID_PREFETCH (default: the service's)")
    ap.add_argument("--batch", type=int, default=None, help="ACID_BATCH_SIZE (default: the service's)")
    ap.add_argument(
        "--processes", default="1,2", help="consumer process counts to measure in every run (default 1,2)"
    )
    ap.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--profile", action="store_true", help="one more end-to-end run under cProfile")
    ap.add_argument("--child-profile", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_profile:
        return child_profile(args.child_profile)

    defaults = Settings()
    prefetch = args.prefetch or defaults.prefetch
    print(f"generating {args.n} synthetic filings (seed {args.seed})...", flush=True)
    bodies, shares = lifecycle_corpus(args.n, args.seed)
    print(
        f"corpus: {args.n} filings, {sum(map(len, bodies)) / 1e6:.1f} MB,"
        f" mean {statistics.mean(map(len, bodies)):.0f} B; amendments {shares['amendments']:.0%},"
        f" houses before their master {shares['houses_before_master']:.0%}"
    )
    print(
        f"consumer: prefetch {prefetch}, batch {args.batch or defaults.batch_size};"
        f" broker {AMQP_URL.split('@')[-1]}"
    )
    pipeline = make_pipeline()
    batch = args.batch or defaults.batch_size
    run_inprocess(pipeline, bodies[:200], batch)  # warm up (lazy policy indexes, schema caches)

    counts = [int(x) for x in args.processes.split(",")]
    e2e: dict[int, list[E2E]] = {c: [] for c in counts}
    inproc: list[InProcess] = []
    relay: list[float] = []
    print(f"store: {args.store}; consumer processes: {', '.join(map(str, counts))}; {os.cpu_count()} cores")
    for i in range(args.runs):
        for c in counts:
            e2e[c].append(run_e2e(bodies, args, processes=c))
            r = e2e[c][-1]
            print(
                f"run {i + 1}: end to end, {c} process{'es' if c > 1 else ''}: {r.rate:7.0f}/s"
                f" ({r.seconds:.1f}s; start-up {r.startup:.2f}s; after first outcome {r.steady:.0f}/s;"
                f" commit->confirmed median {r.confirm_lag_ms[0]:.0f} ms, p95 {r.confirm_lag_ms[1]:.0f} ms;"
                f" {r.batches} commits; prefill {r.prefill:.1f}s;"
                f" CPU per filing: consumer {r.cpu_consumer_ms:.2f} ms, broker {r.cpu_broker_ms:.2f} ms)",
                flush=True,
            )
        inproc.append(run_inprocess(pipeline, bodies, batch))
        x = inproc[-1]
        print(
            f"run {i + 1}: in-process {x.rate:7.0f}/s (pipeline {x.pipeline_us:.0f} us,"
            f" lifecycle {x.lifecycle_us:.0f} us per filing)",
            flush=True,
        )
        relay.append(run_relay(bodies, prefetch))
        print(f"run {i + 1}: bare relay {relay[-1]:7.0f}/s", flush=True)

    medians = {c: statistics.median(r.rate for r in e2e[c]) for c in counts}
    m_in = statistics.median(x.rate for x in inproc)
    m_relay = statistics.median(relay)
    print()
    for c in counts:
        rs = e2e[c]
        steady = statistics.median(r.steady for r in rs)
        startup = statistics.median(r.startup for r in rs)
        print(
            f"end to end, {c} proc {medians[c]:8.0f} filings/s"
            f"   (median of {', '.join(f'{r.rate:.0f}' for r in rs)});"
            f" excluding start-up {steady:.0f}/s; start-up {startup:.2f}s"
        )
    print(f"in-process   {m_in:8.0f} filings/s   (median of {', '.join(f'{x.rate:.0f}' for x in inproc)})")
    print(
        f"  per filing: pipeline {statistics.median(x.pipeline_us for x in inproc):.0f} us,"
        " lifecycle (store, state, fold, replies, commit)"
        f" {statistics.median(x.lifecycle_us for x in inproc):.0f} us"
    )
    print(f"bare relay   {m_relay:8.0f} msgs/s      (median of {', '.join(f'{x:.0f}' for x in relay)})")
    one = medians[counts[0]]
    ratio = one / m_in
    print(
        f"end to end ({counts[0]} proc) / in-process = {ratio:.2f}"
        f"  (target >= {TARGET:.2f}: {'met' if ratio >= TARGET else 'MISSED'})"
    )
    print(f"end to end ({counts[0]} proc) / bare relay = {one / m_relay:.2f}")
    cores = os.cpu_count() or 1
    for c in counts:
        cpu = statistics.median(r.cpu_consumer_ms + r.cpu_broker_ms for r in e2e[c])
        print(
            f"CPU per filing with {c} proc: {cpu:.2f} ms (consumer + broker):"
            f" all {cores} cores busy would give {cores / cpu * 1000:.0f} filings/s"
        )
    for c in counts[1:]:
        scale = medians[c] / one
        verdict = f"  (target >= {TARGET_SCALING:.1f}: {'met' if scale >= TARGET_SCALING else 'MISSED'})"
        print(f"{c} processes / {counts[0]} process = {scale:.2f}" + (verdict if c == 2 else ""))

    if args.profile:
        with tempfile.TemporaryDirectory(prefix="bench-e2e-prof-") as d:
            r = run_e2e(bodies, args, profile_dir=Path(d), processes=1)
            print(f"\nprofiled run: end to end {r.rate:.0f}/s (cProfile slows both threads)")
            show_profile(Path(d) / "worker.prof", "worker thread")
            show_profile(Path(d) / "io.prof", "I/O thread (main)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
