"""The `acid-processor` command line: one sub-command per job.

Exit status: 0 when every file is valid, 1 when any is not, 2 on a usage error (argparse's own
convention, kept for missing files too).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from acid_processor import __version__
from acid_processor.assessment.errors import PolicyError
from acid_processor.check import Checker, CheckResult
from acid_processor.formats.safe_xml import Limits
from acid_processor.formats.validate import SchemaError
from acid_processor.model import Reason, Severity, to_jsonable

FILING_SUFFIXES = (".xml", ".txt")  # .txt: Cargo-IMP text, answered UNSUPPORTED_FORMAT
FILES_HELP = "filing files, or directories of them (*.xml; Cargo-IMP *.txt gets UNSUPPORTED_FORMAT)"


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def expand_files(args: Sequence[str], suffixes: tuple[str, ...] = FILING_SUFFIXES) -> list[Path]:
    """Files named on the command line; a directory stands for the filing files (*.xml, *.txt) in
    it, in name order."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
                )
            )
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(f"no such file or directory: {arg}")
    return out


def read_message(path: Path, limits: Limits) -> bytes:
    """A file's bytes, reading no more than one byte past the size limit (the check refuses it)."""
    from acid_processor.lifecycle.files import read_file

    return read_file(path, limits)


def reason_json(reason: Reason) -> dict:
    return {
        "code": reason.code,
        "path": reason.path,
        "line": reason.line,
        "detail": reason.detail,
        "severity": reason.severity.value,
    }


def check_json(path: Path, result: CheckResult) -> dict:
    return {
        "file": str(path),
        "kind": result.kind,
        "version": result.version,
        "valid": result.valid,
        "reasons": [reason_json(r) for r in result.reasons],
        "record": to_jsonable(result.filing) if result.filing is not None else None,
    }


def _check_lines(path: Path, result: CheckResult) -> Iterator[str]:
    kind = f"{result.kind or '?'} {result.version or ''}".strip()
    yield f"{path}  {kind}  {'valid' if result.valid else 'INVALID'}"
    for r in result.reasons:
        where = r.path or ""
        if r.line:
            where += f" (line {r.line})"
        yield f"    {r.severity.value:<7} {r.code:<24} {where}"
        yield f"            {r.detail}"


def cmd_check(ns: argparse.Namespace) -> int:
    files = expand_files(ns.files)
    limits = Limits()
    checker = Checker(limits=limits)
    all_valid = True
    for path in files:
        raw = read_message(path, limits)
        result = checker.check(raw)
        all_valid &= result.valid
        if ns.explain and result.kind and result.filing is None:
            result = CheckResult(
                result.kind,
                result.version,
                result.valid,
                result.reasons + tuple(checker.explain(raw, result)),
                None,
                result.envelope,
            )
        if ns.json:
            print(json.dumps(check_json(path, result), ensure_ascii=False))
        else:
            print("\n".join(_check_lines(path, result)))
    return 0 if all_valid else 1


# --- assess ---------------------------------------------------------------------------------------


def _assessor(ns: argparse.Namespace):  # -> Assessor; imported late so `check` stays light
    from acid_processor.assessment.engine import Assessor
    from acid_processor.assessment.policy import Policy

    policy = Policy.load(Path(ns.rules) if ns.rules else None)
    return Assessor(policy, test_mode=ns.test_mode)


def decision_json(path: Path, kind: str | None, d, assessment) -> dict:
    """One consignment's decision for the operator (as recorded, after the lifecycle): every rule
    hit, never filtered."""
    hits = d.detail.get("hits") or []
    reasons = [
        {
            "code": h["rule_id"] if h["category"] == "rejection" else h["category"].upper(),
            "rule": h["rule_id"],
            "detail": h["detail"],
        }
        for h in hits
    ]
    # What the check noted without rejecting (warnings, RFI data quality), for the operator.
    reasons += [
        {"code": r.code, "rule": None, "detail": r.detail}
        for r in assessment.reasons
        if r.severity is not Severity.REJECT
    ]
    return {
        "file": str(path),
        "kind": kind,
        "key": d.consignment_key,
        "awb": d.awb,
        "hawb": d.hawb,
        "level": d.detail.get("level"),
        "decision": d.decision,
        "reasons": reasons,
        "screening_methods": list(d.detail.get("screening_methods") or ()),
        "rules_version": d.rules_version,
    }


def _write_replies(out_dir: Path, path: Path, replies) -> None:
    """Each message published for a file, named file.consignment.kind[.n].xml|json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seen: dict[str, int] = {}
    for reply in replies:
        suffix = "json" if reply.content_type == "application/json" else "xml"
        key = (reply.headers.get("x-acid-consignment") or "").replace("/", "_")
        name = f"{path.stem}.{key + '.' if key else ''}{reply.kind}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name += f".{seen[name]}"
        (out_dir / f"{name}.{suffix}").write_bytes(reply.body)


def cmd_assess(ns: argparse.Namespace) -> int:
    """Assess files in the order given, applying the lifecycle as the service does: in memory, or
    kept in the store `--store` names. Officer commands (*.json) apply in their place."""
    from acid_processor.lifecycle.files import apply_files
    from acid_processor.lifecycle.runner import Lifecycle
    from acid_processor.pipeline import Pipeline
    from acid_processor.replies import load_profile
    from acid_processor.store import open_store

    files = expand_files(ns.files, suffixes=(*FILING_SUFFIXES, ".json"))
    lifecycle = Lifecycle(Pipeline(_assessor(ns), load_profile(ns.profile)))
    all_valid = True
    rows = []
    with open_store(ns.store or "sqlite:///:memory:") as store:
        for applied in apply_files(lifecycle, store, files):
            path, result = applied.path, applied.result
            if applied.refused is not None or result is None:
                print(f"acid-processor: {path}: command refused: {applied.refused}", file=sys.stderr)
                all_valid = False
                continue
            if ns.out:
                _write_replies(Path(ns.out), path, result.pending)
            told, targeting = _told(result.pending), _targeting(result.pending)
            if applied.command is not None:
                new_rows = [command_json(path, applied.command)]
            else:
                assessment = applied.processed.assessment if applied.processed else None
                if assessment is None:  # pragma: no cover - only a wrong content type has none
                    continue
                all_valid &= assessment.valid
                new_rows = [decision_json(path, assessment.kind, d, assessment) for d in result.decisions]
                named = {r["key"] for r in new_rows}
                # Consignments the filing changed besides its own (a house's master, a manifest's).
                new_rows += [_other_row(path, key) for key in (*told, *targeting) if key not in named]
            for row in {r["key"]: r for r in new_rows}.values():
                row["carrier"] = told.get(row["key"], [])
                row["targeting"] = targeting.get(row["key"], [])
                if ns.json:
                    print(json.dumps(row, ensure_ascii=False))
                else:
                    rows.append(row)
    if not ns.json:
        print(_table(rows))
    return 0 if all_valid else 1


def _other_row(path: Path, key: str) -> dict:
    awb, _, hawb = key.partition("/")
    return {"file": str(path), "kind": "-", "key": key, "awb": awb, "hawb": hawb or None, "decision": "-"} | {
        "reasons": [],
        "screening_methods": [],
    }


_STATUS = re.compile(rb"<ram:StatusCode>([^<]*)</ram:StatusCode>")


def _told(outbound) -> dict[str, list[str]]:
    """The XCSN status codes each consignment was sent, in order."""
    told: dict[str, list[str]] = {}
    for o in outbound:
        if o.kind == "xcsn" and (m := _STATUS.search(o.body)):
            told.setdefault(o.headers.get("x-acid-consignment", ""), []).append(m.group(1).decode())
    return told


def _targeting(outbound) -> dict[str, list[str]]:
    """The routing keys of what targeting was sent about each consignment (referrals, lifecycle)."""
    sent: dict[str, list[str]] = {}
    for o in outbound:
        if o.kind in ("referral", "lifecycle"):
            sent.setdefault(o.headers.get("x-acid-consignment", ""), []).append(o.routing_key)
    return sent


def command_json(path: Path, command) -> dict:
    """An officer command as the operator sees it applied: who did what, and why."""
    awb, _, hawb = command.consignment_key.partition("/")
    return {
        "file": str(path),
        "kind": "COMMAND",
        "key": command.consignment_key,
        "awb": awb,
        "hawb": hawb or None,
        "decision": f"{command.action.upper()} by {command.officer}",
        "reasons": [{"code": "OFFICER", "rule": None, "detail": command.note}],
        "screening_methods": [],
    }


def _table(rows: list[dict]) -> str:
    header = ("FILE", "KIND", "AWB", "HAWB", "DECISION", "CARRIER", "TARGETING", "SCREENING", "RULES")
    lines = [
        (
            Path(r["file"]).name,
            r["kind"] or "-",
            r["awb"] or "-",
            r["hawb"] or "-",
            r["decision"],
            " ".join(r.get("carrier") or ()) or "-",
            " ".join(r.get("targeting") or ()) or "-",
            " ".join(r["screening_methods"]) or "-",
            ", ".join(x["rule"] for x in r["reasons"] if x["rule"]) or "-",
        )
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*row).rstrip() for row in [header, *lines])


# --- service and operator commands ------------------------------------------------------------


def _settings(ns: argparse.Namespace):
    from acid_processor.config import ConfigError, load_settings

    try:
        return load_settings(getattr(ns, "config", None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def cmd_consume(ns: argparse.Namespace) -> int:
    import gc
    import os

    import structlog

    from acid_processor import logs
    from acid_processor.pipeline import Pipeline
    from acid_processor.service.consumer import Consumer
    from acid_processor.service.health import serve_health
    from acid_processor.service.supervisor import Supervisor

    settings = _settings(ns)
    logs.configure(settings.log_level)
    processes = ns.processes if ns.processes is not None else settings.processes
    if processes < 0:
        raise UsageError("--processes: a number of processes, 0 for one per core")
    processes = processes or os.cpu_count() or 1
    # Loaded once, before any fork: the children share the policy and its lists copy-on-write.
    pipeline = Pipeline.from_settings(settings)
    # The lists' indexes are a million long-lived objects. Frozen, the collector's full passes
    # neither walk them (a tenth of the screening time, `bench_watchlist.py`) nor write to their
    # pages, which would copy the shared pages into every child (see gc.freeze in Python's docs).
    gc.collect()
    gc.freeze()

    def consume(index: int) -> int:
        if processes > 1:
            structlog.contextvars.bind_contextvars(process=index)
        consumer = Consumer(settings, pipeline)
        if settings.metrics_port:  # one port per process: base, base + 1, ...
            serve_health(settings.metrics_port + index, consumer.alive, consumer.ready)
        return consumer.run()

    if processes == 1:
        return consume(0)
    return Supervisor(processes, consume, drain_timeout=settings.drain_timeout).run()


def cmd_topology(ns: argparse.Namespace) -> int:
    import pika

    from acid_processor.service.topology import declare, describe

    settings = _settings(ns)
    if not ns.dry_run:
        conn = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        try:
            declare(conn.channel(), settings.topology)
        finally:
            conn.close()
    print(describe(settings.topology))
    return 0


def cmd_publish(ns: argparse.Namespace) -> int:
    from acid_processor.service.operator import publish_files

    files = expand_files(ns.files)
    settings = _settings(ns)
    for path, mid in publish_files(
        settings, files, routing_key=ns.routing_key, content_type=ns.content_type, message_id=ns.message_id
    ):
        print(f"{path}  published  message_id={mid}")
    return 0


def cmd_dlq(ns: argparse.Namespace) -> int:
    from acid_processor.service.operator import list_dead_letters, replay_dead_letters

    settings = _settings(ns)
    if ns.dlq_command == "list":
        views = list_dead_letters(settings)
        for v in views:
            if ns.json:
                print(json.dumps(dataclasses.asdict(v), ensure_ascii=False))
            else:
                reason = v.reason or v.x_death or ""
                print(f"{v.message_id or '(no id)'}  {v.reason_code or '-'}  {v.size} bytes  {reason}")
        if not ns.json:
            print(f"{len(views)} dead-lettered message(s)")
        return 0
    replayed = replay_dead_letters(settings, ns.id)
    for mid in replayed:
        print(f"replayed {mid}")
    if ns.id and not replayed:
        print(f"acid-processor: no dead-lettered message with id {ns.id}", file=sys.stderr)
        return 1
    return 0


# --- holds: the officers' commands ------------------------------------------------------------------


def _when(value) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def cmd_holds(ns: argparse.Namespace) -> int:
    from acid_processor.lifecycle.commands import CommandError, normalise_key
    from acid_processor.store import open_store

    settings = _settings(ns)
    with open_store(settings.store_url) as store:
        if ns.holds_command == "list":
            rows = store.holds(open_only=not ns.all, limit=ns.limit)
            for h in rows:
                if ns.json:
                    print(json.dumps(h, default=str, ensure_ascii=False))
            if not ns.json:
                header = ("KIND", "CONSIGNMENT", "HOLD", "STATE", "PLACED", "BY", "RULES", "DEPARTED")
                table = [
                    (
                        h["kind"],
                        h["consignment"],
                        h["hold_id"],
                        h["state"],
                        _when(h["placed_at"]),
                        h["placed_by"],
                        ",".join(h["rule_ids"]),
                        "YES " + ",".join(h["flights"]) if h["departed"] else "-",
                    )
                    for h in rows
                ]
                widths = [max(len(str(c)) for c in col) for col in zip(header, *table, strict=False)]
                for line in (header, *table):
                    print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
                print(f"{len(rows)} hold(s)")
            return 0
        try:
            key = normalise_key(ns.consignment)
        except CommandError as exc:
            raise UsageError(exc.detail) from None
        if ns.holds_command == "show":
            history = store.history(key)
            if history["state"] is None:
                print(f"acid-processor: no consignment {key} is known", file=sys.stderr)
                return 1
            if ns.json:
                print(json.dumps(_history_json(history), default=str, ensure_ascii=False, indent=2))
            else:
                print("\n".join(_history_lines(history)))
            return 0
        return _act(ns, settings, store, key)


def _act(ns: argparse.Namespace, settings, store, key: str) -> int:
    import uuid
    from datetime import UTC, datetime

    from acid_processor.lifecycle.runner import CommandRefused, Lifecycle, OfficerCommand
    from acid_processor.model import Outcome
    from acid_processor.pipeline import Pipeline
    from acid_processor.replies import load_profile
    from acid_processor.service.officer import act

    command = OfficerCommand(
        command_id=ns.command_id or f"cli-{uuid.uuid4()}",
        officer=ns.officer,
        action=ns.holds_command,
        consignment_key=key,
        note=ns.note,
        hold_ids=tuple(ns.hold or ()),
        kind=Outcome(ns.kind) if getattr(ns, "kind", None) else None,
        at=datetime.now(UTC),
        source="cli",
    )
    from acid_processor.assessment.engine import Assessor
    from acid_processor.assessment.policy import Policy

    policy = Policy.load(Path(settings.rules_dir) if settings.rules_dir else None)
    lifecycle = Lifecycle(Pipeline(Assessor(policy), load_profile(settings.profile), settings.topology))
    try:
        acted = act(settings, store, lifecycle, command)
    except CommandRefused as exc:
        print(f"acid-processor: refused: {exc}", file=sys.stderr)
        return 1
    for o in acted.outbound:
        print(f"{o.kind:<9} {o.routing_key:<34} {o.message_id}")
    if acted.error:
        print(
            f"acid-processor: {command.action} applied and audited, but "
            f"{len(acted.outbound) - acted.published} message(s) could not be published ({acted.error});"
            " they are kept as pending in the store",
            file=sys.stderr,
        )
        return 1
    return 0


def _history_json(h: dict) -> dict:
    from acid_processor.lifecycle.records import state_to_json

    out = dict(h)
    out["state"] = state_to_json(h["state"])
    out["decisions"] = [dataclasses.asdict(d) for d in h["decisions"]]
    out["replies"] = [
        {"kind": o.kind, "routing_key": o.routing_key, "message_id": o.message_id, "published": pub}
        for o, pub in h["replies"]
    ]
    return out


def _history_lines(h: dict) -> Iterator[str]:
    s = h["state"]
    yield f"{s.key}  ({s.level}{', master ' + s.master_key if s.master_key else ''})"
    if s.house_keys:
        yield f"  houses: {', '.join(s.house_keys)}"
    yield f"  carrier last told: {s.last_status or '-'}"
    if s.departed:
        yield f"  DEPARTED on {s.departed_flight or '?'} at {_when(s.departed_at)}"
    yield "  holds:"
    for hold in s.holds:
        rules = ",".join(hold.rule_ids)
        line = f"    {hold.id} {hold.kind.value} {hold.state} rules {rules} placed by {hold.placed_by}"
        if not hold.open:
            line += f"; removed by {hold.removed_by} ({hold.removal})"
        yield line
    if not s.holds:
        yield "    none"
    yield "  history:"
    for e in h["events"]:
        ev = e["event"]
        what = ev.get("outcome") or ev.get("action") or ("departed " + str(ev.get("flight") or "")).strip()
        yield f"    {_when(e['time'])} {e['kind']:<9} {e['event_id']}  {what}"
    for a in h["actions"]:
        yield f"    officer {a['officer']} {a['action']} at {_when(a['acted_at'])}: {a['note']}"
    yield "  replies:"
    for o, published in h["replies"]:
        yield f"    {o.kind:<9} {o.routing_key:<34} {'published' if published else 'PENDING'}"


# --- the console and its users, and trying a rule set ----------------------------------------------


def cmd_serve(ns: argparse.Namespace) -> int:
    """Run the operations and targeting console (waitress) until interrupted."""
    try:
        import waitress

        from acid_processor.console.app import create_app
        from acid_processor.console.settings import ConsoleSettings, parse_bind
    except ImportError as exc:
        raise UsageError(
            f"the console needs its extra: pip install 'acid-processor[console]' ({exc})"
        ) from None
    from acid_processor import logs

    settings = _settings(ns)
    logs.configure(settings.log_level)
    try:
        console = ConsoleSettings.load(bind=ns.bind, refresh_s=ns.refresh, users_file=ns.users)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    host, port = parse_bind(console.bind)
    app = create_app(settings, console)
    users = app.extensions["acid_console"].users.count()
    print(f"acid-processor console on http://{console.bind}/ (users file {console.users_file})", flush=True)
    if not users:
        print(
            "acid-processor: no console user yet: add one with"
            " `acid-processor users add NAME --role officer|viewer`",
            file=sys.stderr,
            flush=True,
        )
    waitress.serve(app, host=host, port=port, threads=console.threads, ident="acid-console", _quiet=True)
    return 0


def cmd_users(ns: argparse.Namespace) -> int:
    """Add a console user (or change their role and password) in the users file."""
    import getpass

    from acid_processor.console.auth import UserError, add_user
    from acid_processor.console.settings import ConsoleSettings

    path = Path(ns.users) if ns.users else ConsoleSettings.load().users_file
    if ns.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {ns.name}: ")
        if getpass.getpass("again: ") != password:
            raise UsageError("the passwords differ")
    try:
        new = add_user(path, ns.name, ns.role, password)
    except UserError as exc:
        raise UsageError(str(exc)) from None
    print(f"{'added' if new else 'updated'} {ns.name} ({ns.role}) in {path}")
    return 0


def cmd_replay(ns: argparse.Namespace) -> int:
    """Try a rule set over the last N stored filings: how the decisions would change; nothing is
    stored or sent."""
    from acid_processor.assessment.engine import Assessor
    from acid_processor.assessment.policy import Policy
    from acid_processor.console.replay import replay_rules
    from acid_processor.store import open_store

    settings = _settings(ns)
    if not Path(ns.rules).is_dir():
        raise UsageError(f"--rules {ns.rules}: not a directory")
    if ns.last < 1:
        raise UsageError("--last must be 1 or more")
    in_force = Assessor(
        Policy.load(Path(settings.rules_dir) if settings.rules_dir else None), test_mode=settings.test_mode
    )
    proposed = Assessor(Policy.load(Path(ns.rules)), checker=in_force.checker, test_mode=settings.test_mode)
    with open_store(ns.store or settings.store_url) as store:
        report = replay_rules(store, in_force, proposed, ns.last, keep=ns.last)
    if ns.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acid-processor",
        description="Reads air-cargo advance information filings (IATA Cargo-XML), checks and assesses them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="read and validate filings; print kind, version, validity, reasons")
    check.add_argument("files", nargs="+", metavar="FILE", help=FILES_HELP)
    check.add_argument("--json", action="store_true", help="one JSON object per file per line")
    check.add_argument(
        "--explain",
        action="store_true",
        help="for schema failures, add the xmlschema library's more detailed explanation (slower)",
    )
    check.set_defaults(func=cmd_check)

    assess = sub.add_parser("assess", help="check and assess filings; print one decision per consignment")
    assess.add_argument("files", nargs="+", metavar="FILE", help=FILES_HELP)
    assess.add_argument(
        "--rules", metavar="DIR", help="policy directory (default: $ACID_RULES_DIR or the shipped one)"
    )
    assess.add_argument(
        "--profile", default="pact", help="regime profile for XCSN status codes: pact, iata, camir"
    )
    assess.add_argument(
        "--test-mode", action="store_true", help="honour the PACT test triggers in descriptions"
    )
    assess.add_argument("--json", action="store_true", help="one JSON object per consignment per line")
    assess.add_argument("--out", metavar="DIR", help="write the XFNM, XCSN and referral files here")
    assess.add_argument(
        "--store",
        metavar="URL",
        help="keep the consignments' state in this store (default: in memory, forgotten at exit)",
    )
    assess.set_defaults(func=cmd_assess)

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", metavar="FILE", help="TOML settings file (ACID_* variables override it)")
        return p

    consume = with_config(sub.add_parser("consume", help="run the RabbitMQ service until SIGTERM"))
    consume.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="consumer processes under one supervisor (default: ACID_PROCESSES, else one per core);"
        " process i serves health and metrics on ACID_METRICS_PORT + i",
    )
    consume.set_defaults(func=cmd_consume)

    topology = with_config(sub.add_parser("topology", help="declare the broker topology and print it"))
    topology.add_argument("--dry-run", action="store_true", help="print without connecting")
    topology.set_defaults(func=cmd_topology)

    publish = with_config(sub.add_parser("publish", help="send filing files to the inbound exchange"))
    publish.add_argument("files", nargs="+", metavar="FILE")
    publish.add_argument("--routing-key", default="filing")
    publish.add_argument("--content-type", default="application/xml")
    publish.add_argument("--message-id", help="default: derived from the body, so a re-send is a duplicate")
    publish.set_defaults(func=cmd_publish)

    dlq = with_config(sub.add_parser("dlq", help="show or replay dead-lettered messages"))
    dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_list = dlq_sub.add_parser("list", help="list dead-lettered messages with their reasons")
    dlq_list.add_argument("--json", action="store_true")
    dlq_replay = dlq_sub.add_parser(
        "replay", help="re-inject dead-lettered messages into the inbound exchange"
    )
    dlq_replay.add_argument("--id", help="only the message with this message id")
    for p in (dlq_list, dlq_replay):
        p.add_argument("--config", metavar="FILE", help=argparse.SUPPRESS)
    dlq.set_defaults(func=cmd_dlq)

    holds = with_config(sub.add_parser("holds", help="list, show and act on consignment holds"))
    holds_sub = holds.add_subparsers(dest="holds_command", required=True)
    h_list = holds_sub.add_parser("list", help="holds, DNL first, oldest first (open ones unless --all)")
    h_list.add_argument("--open", action="store_true", help="open holds only (the default)")
    h_list.add_argument("--all", action="store_true", help="removed holds too")
    h_list.add_argument("--limit", type=int, default=500)
    h_list.add_argument("--json", action="store_true")
    h_show = holds_sub.add_parser("show", help="a consignment's whole history: filings, holds, replies")
    h_show.add_argument("consignment", metavar="AWB[/HAWB]")
    h_show.add_argument("--json", action="store_true")
    for action, text in (
        ("release", "remove holds (all open ones unless --hold names some)"),
        ("confirm", "confirm holds after review (all open ones unless --hold names some)"),
        ("place", "place a manual hold"),
    ):
        p = holds_sub.add_parser(action, help=text)
        p.add_argument("consignment", metavar="AWB[/HAWB]")
        p.add_argument("--officer", required=True, help="the acting officer's id (audited)")
        p.add_argument("--note", required=True, help="why (audited; never sent to the carrier)")
        p.add_argument("--command-id", help="an id for the action: repeating it applies it once")
        if action == "place":
            p.add_argument("--kind", required=True, choices=("RFI", "RFS", "DNL"))
        else:
            p.add_argument("--hold", action="append", metavar="HOLD_ID", help="a hold to act on (repeatable)")
    for p in (h_list, h_show, *(holds_sub.choices[a] for a in ("release", "confirm", "place"))):
        p.add_argument("--config", metavar="FILE", help=argparse.SUPPRESS)
    holds.set_defaults(func=cmd_holds)

    serve = with_config(sub.add_parser("serve", help="run the operations and targeting console (web)"))
    serve.add_argument("--bind", metavar="HOST:PORT", help="where to listen (default 127.0.0.1:8080)")
    serve.add_argument("--refresh", type=float, metavar="SECONDS", help="how often pages refresh (default 5)")
    serve.add_argument("--users", metavar="FILE", help="the users file (default $ACID_CONSOLE_USERS)")
    serve.set_defaults(func=cmd_serve)

    users = sub.add_parser("users", help="console users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    u_add = users_sub.add_parser("add", help="add a user with a role (or change their role and password)")
    u_add.add_argument("name")
    u_add.add_argument("--role", required=True, choices=("viewer", "officer"))
    u_add.add_argument("--users", metavar="FILE", help="the users file (default $ACID_CONSOLE_USERS)")
    u_add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users.set_defaults(func=cmd_users)

    replay = with_config(
        sub.add_parser("replay", help="try a rule set over the last N stored filings (changes nothing)")
    )
    replay.add_argument("--rules", required=True, metavar="DIR", help="the proposed policy directory")
    replay.add_argument("--last", type=int, default=1000, metavar="N", help="how many filings (default 1000)")
    replay.add_argument("--store", metavar="URL", help="the audit store (default $ACID_STORE_URL)")
    replay.add_argument("--json", action="store_true", help="the report as one JSON object")
    replay.set_defaults(func=cmd_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    try:
        return ns.func(ns)
    except UsageError as exc:
        print(f"acid-processor: error: {exc}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        print(f"acid-processor: policy error: {exc}", file=sys.stderr)
        return 2
    except SchemaError as exc:
        print(f"acid-processor: schema error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
