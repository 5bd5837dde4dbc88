"""Officer commands as JSON (the commands queue, `assess` command files, the console): parsed and
checked against schemas/command.schema.json into an OfficerCommand, or refused with the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from acid_processor import codes
from acid_processor.formats.validate import schemas_dir
from acid_processor.lifecycle.runner import OfficerCommand
from acid_processor.model import AwbNumber, Outcome

__all__ = ["CommandError", "parse_command"]

MAX_BYTES = 64 * 1024


class CommandError(ValueError):
    """A command that is malformed or not allowed: the reason, for the dead-letter headers."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads((schemas_dir() / "command.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def normalise_key(text: str) -> str:
    """A consignment as named by an officer: AWB (with or without the hyphen), optionally /HAWB."""
    awb_text, slash, hawb = text.strip().partition("/")
    awb = AwbNumber.parse(awb_text)
    if awb is None:
        raise CommandError(codes.COMMAND_INVALID, f"{text!r} does not start with an AWB number PPP-SSSSSSSC")
    return f"{awb.number}/{hawb.strip()}" if slash and hawb.strip() else awb.number


def parse_command(
    body: bytes, *, officer: str | None = None, source: str = "queue", received_at: datetime | None = None
) -> OfficerCommand:
    """The command a JSON body holds. `officer` is the verified sender (the AMQP user_id) and wins;
    the body may name the same officer or none. CommandError with a code and a sentence otherwise."""
    if len(body) > MAX_BYTES:
        raise CommandError(codes.COMMAND_TOO_LARGE, f"{len(body)} bytes; at most {MAX_BYTES}")
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(codes.COMMAND_MALFORMED, f"not JSON: {exc}") from None
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "command"
        raise CommandError(codes.COMMAND_INVALID, f"{where}: {first.message}")
    named = doc.get("officer")
    if officer is not None and named is not None and named != officer:
        raise CommandError(codes.COMMAND_UNAUTHORISED, f"sent by {officer!r} in the name of {named!r}")
    who = officer or named
    if not who:
        raise CommandError(
            codes.COMMAND_INVALID, "no officer: the command names none and its sender is unknown"
        )
    at = received_at or datetime.now(UTC)
    if doc.get("at"):
        try:
            moment = datetime.fromisoformat(doc["at"].replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(
                codes.COMMAND_INVALID, f"at: {doc['at']!r} is not an ISO 8601 date-time"
            ) from None
        at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return OfficerCommand(
        command_id=doc["command_id"],
        officer=who,
        action=doc["action"],
        consignment_key=normalise_key(doc["consignment"]),
        note=doc["note"],
        hold_ids=tuple(doc.get("hold_ids") or ()),
        kind=Outcome(doc["kind"]) if doc.get("kind") else None,
        at=at.astimezone(UTC),
        source=source,
    )
