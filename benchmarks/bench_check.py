"""Throughput of reading a filing: bare lxml parse + XSD validation (the floor) against the full
Checker.check (safe parse, bounds, detect, validate, extract, data quality), on one core, over a
varied synthetic corpus (XFWB direct and consolidated, XFZB, XFHL). The pure-Python xmlschema
validator is measured on a subset, for information.

Run: .venv/bin/python benchmarks/bench_check.py [--n 2000] [--runs 5] [--seed 7] [--profile]
     [--stages baseline,check,assess,floor,watchlist,xmlschema]
Targets: check / baseline >= 0.50, assess / baseline >= 0.35. Figures are filings per second,
median of the runs; every run is printed. Stages are interleaved run by run (order alternating)
to spread drift; GC is off while timing. A stage is one entry of STAGES: a name, a builder
returning `fn(kind, raw)`, and optional subset size.

Two stages are yardsticks rather than product code: `floor` (the same parse and validation, every
element's tag and text read once, the record built by calling its constructors on prepared values:
what a pure-Python check costs with no logic at all) and `watchlist` (assess's watch-list screening
alone). The summary sets them against what each target leaves per filing.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import io
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acid_processor.assessment.policy import Policy
from acid_processor.check import Checker
from acid_processor.formats.validate import SCHEMA_FILES, SchemaRegistry, schemas_dir
from acid_processor.testing.synthetic import DEFAULT_MIX, corpus

# synthetic kind -> (message kind, version) of its schema
SCHEMA_OF = {
    "XFWB-direct": ("XFWB", "3.00"),
    "XFWB-consol": ("XFWB", "3.00"),
    "XFZB": ("XFZB", "3.00"),
    "XFHL": ("XFHL", "2.00"),
}

Filings = Sequence[tuple[str, bytes]]
StageFn = Callable[[str, bytes], object]


@dataclass(frozen=True)
class Stage:
    """One measured column: `build()` does the one-off work and returns the per-filing function."""

    name: str
    build: Callable[[], StageFn]
    subset: int | None = None  # measure on the first N filings only (slow stages)
    max_runs: int | None = None  # cap the runs of a slow stage
    note: str = ""


def build_baseline() -> StageFn:
    """Bare lxml parse with a plain parser + validate with the compiled schema of the kind."""
    registry = SchemaRegistry(kinds=set(SCHEMA_OF.values()))
    by_kind = {kind: registry.schema(*key) for kind, key in SCHEMA_OF.items()}
    parser = etree.XMLParser()
    fromstring = etree.fromstring

    def baseline(kind: str, raw: bytes) -> bool:
        return by_kind[kind].validate(fromstring(raw, parser))

    return baseline


def build_check() -> StageFn:
    """The full Checker.check: safe parse + bounds + detect + validate + extract + quality."""
    check = Checker().check

    def full(kind: str, raw: bytes) -> bool:
        return check(raw).valid

    return full


def build_xmlschema() -> StageFn:
    """The pure-Python xmlschema library validating the same documents (schemas built once)."""
    import xmlschema

    directory = schemas_dir()
    schemas = {k: xmlschema.XMLSchema(str(directory / SCHEMA_FILES[key])) for k, key in SCHEMA_OF.items()}

    def validate(kind: str, raw: bytes) -> bool:
        return schemas[kind].is_valid(xmlschema.XMLResource(raw, defuse="always", allow="none"))

    return validate


WATCHLIST_ENTRIES = 10_000


def bench_policy() -> Policy:
    """The shipped policy with its watch list grown by 10,000 generated realistic entries."""
    from acid_processor.assessment.watchlist import WatchList

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_watchlist import make_listing  # the watch-list benchmark's realistic generator

    policy = Policy.load()
    shipped = list(policy.watchlist.entries) if policy.watchlist else []
    generated = list(make_listing(WATCHLIST_ENTRIES, 11).entries)
    policy.watchlist = WatchList.from_entries(shipped + generated, threshold=policy.watchlist.threshold)
    return policy


def build_assess() -> StageFn:
    """Full in-process assessment as the service runs it: check + every rule of the shipped
    policy + a 10,000-entry generated watch list + XFNM/XCSN/referral rendering (Pipeline)."""
    from datetime import UTC, datetime

    from acid_processor.assessment.engine import Assessor
    from acid_processor.pipeline import Delivery, Pipeline
    from acid_processor.replies import load_profile

    pipeline = Pipeline(Assessor(bench_policy()), load_profile("pact"))
    when = datetime.now(UTC)

    def full(kind: str, raw: bytes) -> bool:
        return pipeline.process(Delivery(body=raw, message_id="bench", received_at=when)).dead_letter is None

    return full


def _constructor_source(obj: object, consts: list[object]) -> str:
    """Python source that rebuilds a record by calling its constructors on constant leaves."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        consts.append(type(obj))
        cls = len(consts) - 1
        args = ", ".join(_constructor_source(getattr(obj, f.name), consts) for f in dataclasses.fields(obj))
        return f"c[{cls}]({args})"
    if type(obj) is tuple:
        return "(" + "".join(_constructor_source(x, consts) + ", " for x in obj) + ")"
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a NamedTuple
        consts.append(type(obj))
        cls = len(consts) - 1
        return f"c[{cls}](" + ", ".join(_constructor_source(x, consts) for x in obj) + ")"
    consts.append(obj)
    return f"c[{len(consts) - 1}]"


def build_floor() -> StageFn:
    """An estimate of the least any pure-Python check can cost: the same safe parse, detection and
    validation as check, then every element's tag and text read once (an extractor must read
    nearly every leaf: the filing is mostly the 7+1 data), then the record built by calling its
    constructors on values prepared in advance: no look-ups, no logic, no data-quality checks."""
    from acid_processor.formats.detect import detect

    checker = Checker()
    parse, validate = checker.reader.parse, checker.registry.validate
    builders: dict[bytes, tuple[Callable[[list[object]], object], list[object]]] = {}

    def floor(kind: str, raw: bytes) -> bool:
        root, _ = parse(raw)
        mtype, _ = detect(root)
        valid = not validate(root, mtype.kind, mtype.version)
        values = [(el.tag, el.text) for el in root.iter()]
        built = builders.get(raw)
        if built is None:  # the warm-up pass prepares each filing's constructor calls
            consts: list[object] = []
            source = _constructor_source(checker.check(raw).filing, consts)
            built = builders[raw] = (eval(f"lambda c: {source}"), consts)  # our own text
        record = built[0](built[1])
        return valid and bool(values) and record is not None

    return floor


def build_screen() -> StageFn:
    """Only the watch-list screening of assess: both parties of every assessed consignment against
    the same 10,000-entry list (records read in the warm-up pass, not timed)."""
    policy = bench_policy()
    screen, check = policy.watchlist.screen_party, Checker().check
    parties: dict[bytes, list] = {}

    def watchlist(kind: str, raw: bytes) -> bool:
        found = parties.get(raw)
        if found is None:
            filing = check(raw).filing
            found = parties[raw] = [p for c in filing.consignments for p in (c.shipper, c.consignee)]
        for party in found:
            screen(party, "party")
        return True

    return watchlist


STAGES: dict[str, Stage] = {
    s.name: s
    for s in (
        Stage("baseline", build_baseline, note="lxml parse + XMLSchema.validate"),
        Stage("check", build_check, note="Checker().check(raw)"),
        Stage("xmlschema", build_xmlschema, subset=200, max_runs=3, note="xmlschema.is_valid, subset"),
        Stage("assess", build_assess, note="Pipeline.process: check + rules + 10k watch list + replies"),
        Stage("floor", build_floor, note="parse + validate + read every element + build the record"),
        Stage("watchlist", build_screen, note="watch-list screening alone, both parties, 10k entries"),
    )
}
DEFAULT_STAGES = ("baseline", "check", "assess", "floor", "watchlist", "xmlschema")


def timed(fn: StageFn, filings: Filings) -> tuple[float, int]:
    """Seconds for one pass over the filings (GC off) and how many returned a truthy result."""
    gc.collect()
    gc.disable()
    try:
        ok = 0
        start = time.perf_counter()
        for kind, raw in filings:
            if fn(kind, raw):
                ok += 1
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return elapsed, ok


def pin_one_core() -> str:
    """Pin the process to one CPU where the OS allows it (libxml2 runs in this thread anyway)."""
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
        return f"pinned to CPU {cpus[-1]} of {len(cpus)}"
    return "not pinned (no sched_setaffinity)"


def describe(filings: Filings) -> None:
    """Print the corpus: size, mix and byte sizes per kind."""
    counts = Counter(kind for kind, _ in filings)
    sizes: dict[str, list[int]] = {}
    for kind, raw in filings:
        sizes.setdefault(kind, []).append(len(raw))
    total = sum(len(raw) for _, raw in filings)
    print(f"corpus: {len(filings)} filings, {total / 1e6:.1f} MB, mean {total / len(filings):,.0f} bytes")
    for kind in DEFAULT_MIX:
        if counts[kind]:
            s = sizes[kind]
            print(
                f"  {kind:<12} {counts[kind]:>6} ({counts[kind] / len(filings):5.1%})"
                f"  mean {statistics.mean(s):>7,.0f} B  median {statistics.median(s):>7,.0f} B"
                f"  max {max(s):>7,} B"
            )


def per_kind(stages: Sequence[tuple[Stage, StageFn, Filings]], filings: Filings) -> None:
    """One extra pass per kind for the full-corpus stages: where the cost is, by message kind."""
    full = [(s, fn) for s, fn, subset in stages if len(subset) == len(filings)]
    if not full:
        return
    print("\nper kind (one pass each, filings/second):")
    print("  " + f"{'kind':<12}" + "".join(f"{s.name:>12}" for s, _ in full) + "   ratio to first")
    for kind in DEFAULT_MIX:
        subset = [f for f in filings if f[0] == kind]
        if not subset:
            continue
        values = [len(subset) / timed(fn, subset)[0] for _, fn in full]
        ratios = " ".join(f"{v / values[0]:.2f}" for v in values[1:])
        print(f"  {kind:<12}" + "".join(f"{v:>12,.0f}" for v in values) + f"   {ratios}")


def profile_check(filings: Filings, top: int = 25) -> None:
    """cProfile of Checker.check over the corpus: where the time goes, by own time and cumulative."""
    check = Checker().check
    for _, raw in filings[:50]:
        check(raw)
    profiler = cProfile.Profile()
    profiler.enable()
    for _, raw in filings:
        check(raw)
    profiler.disable()
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        print(f"\n--- cProfile of Checker.check over {len(filings)} filings, by {key} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the corpus, measure every stage run by run, print the medians and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="corpus size (at least 1000 for a report)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stages", default=",".join(DEFAULT_STAGES), help=f"from {', '.join(STAGES)}")
    ap.add_argument("--xmlschema-n", type=int, default=200, help="subset size for the xmlschema stage")
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of Checker.check")
    args = ap.parse_args(argv)

    print(f"python {sys.version.split()[0]}, lxml {etree.__version__}, libxml2 {etree.LIBXML_VERSION}")
    print(pin_one_core())
    t0 = time.perf_counter()
    filings = corpus(args.n, seed=args.seed)
    print(f"generated in {time.perf_counter() - t0:.1f} s (seed {args.seed})")
    describe(filings)

    stages: list[tuple[Stage, StageFn, Filings]] = []
    for name in args.stages.split(","):
        stage = STAGES[name.strip()]
        if stage.name == "xmlschema":
            stage = Stage(stage.name, stage.build, args.xmlschema_n, stage.max_runs, stage.note)
        try:
            fn = stage.build()
            subset = filings[: stage.subset] if stage.subset else filings
            timed(fn, subset[: max(1, len(subset) // 10)] if stage.subset else subset)  # warm-up
        except Exception as exc:  # a stage under construction elsewhere must not stop the others
            print(f"stage {stage.name}: skipped ({type(exc).__name__}: {exc})")
            continue
        stages.append((stage, fn, subset))
        print(f"stage {stage.name}: {stage.note}; {len(subset)} filings")

    rates: dict[str, list[float]] = {s.name: [] for s, _, _ in stages}
    for run in range(args.runs):
        order = stages if run % 2 == 0 else list(reversed(stages))
        line = []
        for stage, fn, subset in order:
            if stage.max_runs is not None and len(rates[stage.name]) >= stage.max_runs:
                continue
            elapsed, ok = timed(fn, subset)
            if ok != len(subset):
                print(f"  warning: {stage.name} accepted {ok} of {len(subset)} filings")
            rates[stage.name].append(len(subset) / elapsed)
            line.append(f"{stage.name} {len(subset) / elapsed:9,.0f}/s")
        print(f"run {run + 1}: " + "  ".join(line))

    print("\nmedian filings/second (one core):")
    medians = {name: statistics.median(r) for name, r in rates.items() if r}
    for name, value in medians.items():
        spread = f"min {min(rates[name]):,.0f} max {max(rates[name]):,.0f}"
        per = f"{1e6 / value:8.1f} µs/filing"
        print(f"  {name:<10} {value:>10,.0f}/s   {per}   ({spread}, {len(rates[name])} runs)")
    base = medians.get("baseline")
    if base:
        for name, value in medians.items():
            if name != "baseline":
                target = {"check": "  (target >= 0.50)", "assess": "  (target >= 0.35)"}.get(name, "")
                print(f"  ratio {name}/baseline = {value / base:.3f}{target}")
    floor, screen = medians.get("floor"), medians.get("watchlist")
    if base and floor:
        print(
            f"  floor: {1e6 / floor:.0f} µs with no extraction logic and no data-quality check; the check "
            f"target leaves {1e6 / base / 0.50:.0f} µs"
        )
    if base and floor and screen:
        least = 1e6 / floor + 1e6 / screen
        print(
            f"  floor + watch-list screening alone: {least:.0f} µs (ratio {1e6 / least / base:.3f}); "
            f"the assess target leaves {1e6 / base / 0.35:.0f} µs"
        )
    per_kind(stages, filings)
    if args.profile:
        profile_check(filings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
