"""The `acid-processor` command line: one sub-command per job.

Exit status: 0 when every file is valid, 1 when any is not, 2 on a usage error (argparse's own
convention, kept for missing files too).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
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


def expand_files(args: Sequence[str]) -> list[Path]:
    """Files named on the command line; a directory stands for the filing files (*.xml, *.txt) in it."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in FILING_SUFFIXES and not p.name.startswith(".")
                )
            )
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(f"no such file or directory: {arg}")
    return out


def read_message(path: Path, limits: Limits) -> bytes:
    """A file's bytes, reading no more than one byte past the size limit (the check refuses it)."""
    with path.open("rb") as fh:
        return fh.read(limits.max_bytes + 1)


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
    """One consignment's decision for the operator: every rule hit, never filtered."""
    reasons = [
        {
            "code": h.rule_id if h.category == "rejection" else h.category.upper(),
            "rule": h.rule_id,
            "detail": h.detail,
        }
        for h in d.hits
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
        "awb": d.awb,
        "hawb": d.hawb,
        "level": d.level,
        "decision": d.outcome.value,
        "reasons": reasons,
        "screening_methods": list(d.screening_methods),
        "rules_version": d.rules_version,
    }


def _write_replies(out_dir: Path, path: Path, replies) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for reply in replies:
        suffix = "json" if reply.content_type == "application/json" else "xml"
        key = (reply.consignment_key or "").replace("/", "_")
        name = f"{path.stem}.{key + '.' if key else ''}{reply.kind}.{suffix}"
        (out_dir / name).write_bytes(reply.body)


def cmd_assess(ns: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from acid_processor.replies import load_profile, render_replies

    files = expand_files(ns.files)
    assessor = _assessor(ns)
    profile = load_profile(ns.profile)
    limits = Limits()
    all_valid = True
    rows = []
    for path in files:
        raw = read_message(path, limits)
        assessment = assessor.assess(raw)
        all_valid &= assessment.valid
        if ns.out:
            import hashlib

            replies = render_replies(
                assessment, profile=profile, now=datetime.now(UTC), source_key=hashlib.sha256(raw).hexdigest()
            )
            _write_replies(Path(ns.out), path, replies)
        for d in assessment.decisions:
            row = decision_json(path, assessment.kind, d, assessment)
            if ns.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                rows.append(row)
    if not ns.json:
        print(_table(rows))
    return 0 if all_valid else 1


def _table(rows: list[dict]) -> str:
    header = ("FILE", "KIND", "AWB", "HAWB", "DECISION", "SCREENING", "RULES")
    lines = [
        (
            Path(r["file"]).name,
            r["kind"] or "-",
            r["awb"] or "-",
            r["hawb"] or "-",
            r["decision"],
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
    from acid_processor import logs
    from acid_processor.assessment.engine import Assessor
    from acid_processor.assessment.policy import Policy
    from acid_processor.pipeline import Pipeline
    from acid_processor.replies import load_profile
    from acid_processor.service import metrics
    from acid_processor.service.consumer import Consumer

    settings = _settings(ns)
    logs.configure(settings.log_level)
    policy = Policy.load(Path(settings.rules_dir) if settings.rules_dir else None)
    assessor = Assessor(policy, test_mode=settings.test_mode)
    pipeline = Pipeline(assessor, load_profile(settings.profile), settings.topology)
    if settings.metrics_port:
        metrics.start_exporter(settings.metrics_port)
    return Consumer(settings, pipeline).run()


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
    assess.add_argument(
        "files", nargs="+", metavar="FILE", help=FILES_HELP
    )
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
    assess.set_defaults(func=cmd_assess)

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", metavar="FILE", help="TOML settings file (ACID_* variables override it)")
        return p

    consume = with_config(sub.add_parser("consume", help="run the RabbitMQ service until SIGTERM"))
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
