"""Regime profiles: the status codes and generic texts a regime (PACT, IATA, CAMIR) tells carriers.

The mapping is data (acid_processor/policy/profiles.toml), read with tomllib once at start and
checked strictly: a missing stage, an unknown key or a code the XCSN schema would refuse stops the
start with a PolicyError naming the file and the problem.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from acid_processor.assessment.errors import PolicyError
from acid_processor.model import Outcome

__all__ = ["DEFAULT_PROFILES", "HOLDS", "STAGES", "Profile", "load_profile", "load_profiles"]

DEFAULT_PROFILES = Path(__file__).resolve().parents[1] / "policy" / "profiles.toml"

STAGES: tuple[str, ...] = ("placed", "in_place", "removed")
HOLDS: tuple[Outcome, ...] = (Outcome.RFI, Outcome.RFS, Outcome.DNL)
XFNM_ACK = "XFNM:Acknowledgement"
XFNM_ERROR = "XFNM:Error"

_STATUS_CODE = re.compile(r"[A-Z0-9]{1,3}")  # CustomsStatusCodeContentType in iata-datamodel-3.xsd
_PARTY_ID = re.compile(r"\S{1,70}")
_PROFILE_KEYS = frozenset(
    {
        "description",
        "sender_id",
        "sender_schemes",
        "unknown_recipient",
        "received",
        "rejected",
        "action_type_code",
        "action_type_name",
        "list_warnings",
        "test_marker",
        "status",
        "information",
    }
)
_REQUIRED_KEYS = ("sender_id", "received", "rejected", "status", "information")


@dataclass(frozen=True, slots=True)
class Profile:
    """One regime's way of telling carriers an outcome: status codes per stage, texts, sender id."""

    name: str
    description: str
    version: str
    sender_id: str
    sender_schemes: tuple[str, ...]
    unknown_recipient: str
    received: str  # "XFNM:Acknowledgement" or a CSN status code (SR)
    rejected: str  # "XFNM:Error" or a CSN status code (PER)
    action_type_code: str | None
    action_type_name: str | None
    list_warnings: bool
    test_marker: str | None
    statuses: Mapping[tuple[Outcome, str], str]
    texts: Mapping[tuple[Outcome, str], str]

    def status_code(self, outcome: Outcome, stage: str = "placed") -> str | None:
        """The status code for an outcome at a hold stage (placed, in_place, removed); None when the
        regime has no CSN status for it (not assessed; a rejection told by XFNM Error)."""
        _check_stage(stage)
        if outcome is Outcome.ASSESSMENT_COMPLETE:
            return self.statuses[(outcome, "placed")]
        if outcome.is_hold:
            return self.statuses[(outcome, stage)]
        if outcome is Outcome.REJECTED:
            return None if self.rejected.startswith("XFNM:") else self.rejected
        return None

    def information(self, outcome: Outcome, stage: str = "placed") -> str | None:
        """The generic XCSN Information text for an outcome at a hold stage (never a reason)."""
        _check_stage(stage)
        if outcome is Outcome.ASSESSMENT_COMPLETE:
            return self.texts[(outcome, "placed")]
        if outcome.is_hold:
            return self.texts[(outcome, stage)]
        return None

    @property
    def received_status(self) -> str | None:
        """The CSN status code for 'received, no errors', or None when an XFNM acknowledgement says it."""
        return None if self.received.startswith("XFNM:") else self.received

    @property
    def rejected_status(self) -> str | None:
        """The CSN status code for a rejection (CAMIR PER), or None when an XFNM Error says it."""
        return None if self.rejected.startswith("XFNM:") else self.rejected


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"hold stage {stage!r} is not one of {', '.join(STAGES)}")


def load_profiles(path: Path | None = None) -> dict[str, Profile]:
    """Every profile in a profiles file (default: the package's policy/profiles.toml), checked."""
    path = path or DEFAULT_PROFILES
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise PolicyError(path, None, f"cannot read the profiles file: {e.strerror or e}") from e
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(path, _toml_line(e), f"not valid TOML: {e}") from e
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError(path, None, "missing top-level 'version' (a string naming this policy version)")
    unknown_top = set(data) - {"version", "profiles"}
    if unknown_top:
        raise PolicyError(path, None, f"unknown top-level keys: {', '.join(sorted(unknown_top))}")
    profiles = data.get("profiles")
    if not isinstance(profiles, dict) or not profiles:
        raise PolicyError(path, None, "no [profiles.<name>] tables")
    return {name: _profile(path, version, name, body) for name, body in profiles.items()}


def load_profile(name: str, path: Path | None = None) -> Profile:
    """The named regime profile (pact, iata, camir, ...); PolicyError when unknown or malformed."""
    profiles = load_profiles(path)
    try:
        return profiles[name]
    except KeyError:
        raise PolicyError(
            path or DEFAULT_PROFILES,
            None,
            f"unknown regime profile {name!r}; known profiles: {', '.join(sorted(profiles))}",
        ) from None


def _toml_line(e: tomllib.TOMLDecodeError) -> int | None:
    m = re.search(r"at line (\d+)", str(e))
    return int(m.group(1)) if m else None


def _profile(path: Path, version: str, name: str, body: Any) -> Profile:
    where = f"[profiles.{name}]"

    def fail(problem: str) -> PolicyError:
        return PolicyError(path, None, f"{where}: {problem}")

    if not isinstance(body, dict):
        raise fail("must be a table")
    unknown = set(body) - _PROFILE_KEYS
    if unknown:
        raise fail(f"unknown keys: {', '.join(sorted(unknown))}")
    missing = [k for k in _REQUIRED_KEYS if k not in body]
    if missing:
        raise fail(f"missing keys: {', '.join(missing)}")

    def text(key: str, default: str | None = None, *, max_len: int = 70) -> str | None:
        value = body.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_len:
            raise fail(f"{key!r} must be a non-empty string of at most {max_len} characters")
        return value

    sender_id = text("sender_id") or ""
    if not _PARTY_ID.fullmatch(sender_id):
        raise fail(f"'sender_id' {sender_id!r} must be 1-70 characters without spaces")
    schemes = body.get("sender_schemes", ["C"])
    if (
        not isinstance(schemes, list)
        or not schemes
        or not all(isinstance(s, str) and _PARTY_ID.fullmatch(s) for s in schemes)
    ):
        raise fail("'sender_schemes' must be a non-empty list of scheme ids such as [\"C\"]")
    unknown_recipient = text("unknown_recipient", "UNKNOWN") or ""
    if not _PARTY_ID.fullmatch(unknown_recipient):
        raise fail("'unknown_recipient' must be 1-70 characters without spaces")

    received = _answer(body.get("received"), XFNM_ACK, "received", fail)
    rejected = _answer(body.get("rejected"), XFNM_ERROR, "rejected", fail)
    list_warnings = body.get("list_warnings", False)
    if not isinstance(list_warnings, bool):
        raise fail("'list_warnings' must be true or false")

    statuses = _table(body["status"], "status", fail, _STATUS_CODE, "1-3 upper-case letters or digits")
    texts = _table(
        body["information"],
        "information",
        fail,
        re.compile(r"(?s)\S.{0,499}"),
        "a non-empty text of at most 500 characters",
    )
    return Profile(
        name=name,
        description=str(body.get("description", "")),
        version=version,
        sender_id=sender_id,
        sender_schemes=tuple(schemes),
        unknown_recipient=unknown_recipient,
        received=received,
        rejected=rejected,
        action_type_code=text("action_type_code", max_len=35),
        action_type_name=text("action_type_name"),
        list_warnings=list_warnings,
        test_marker=text("test_marker", max_len=10),
        statuses=MappingProxyType(statuses),
        texts=MappingProxyType(texts),
    )


def _answer(value: Any, xfnm: str, key: str, fail: Any) -> str:
    if value == xfnm or (isinstance(value, str) and _STATUS_CODE.fullmatch(value)):
        return value
    raise fail(
        f"{key!r} must be {xfnm!r} or a status code of 1-3 upper-case letters or digits, not {value!r}"
    )


def _table(
    table: Any, key: str, fail: Any, pattern: re.Pattern[str], what: str
) -> dict[tuple[Outcome, str], str]:
    """[status] or [information]: ASSESSMENT_COMPLETE = value; RFI/RFS/DNL = {placed, in_place, removed}."""
    if not isinstance(table, dict):
        raise fail(f"[{key}] must be a table")
    expected = {Outcome.ASSESSMENT_COMPLETE.value, *(h.value for h in HOLDS)}
    unknown = set(table) - expected
    if unknown:
        raise fail(
            f"[{key}] has unknown outcomes: {', '.join(sorted(unknown))} "
            f"(expected {', '.join(sorted(expected))})"
        )
    out: dict[tuple[Outcome, str], str] = {}

    def value(v: Any, label: str) -> str:
        if not isinstance(v, str) or not pattern.fullmatch(v):
            raise fail(f"[{key}] {label} = {v!r}: must be {what}")
        return v

    complete = table.get(Outcome.ASSESSMENT_COMPLETE.value)
    if complete is None:
        raise fail(f"[{key}] is missing ASSESSMENT_COMPLETE")
    out[(Outcome.ASSESSMENT_COMPLETE, "placed")] = value(complete, "ASSESSMENT_COMPLETE")
    for hold in HOLDS:
        stages = table.get(hold.value)
        if not isinstance(stages, dict):
            raise fail(
                f"[{key}] {hold.value} must be a table {{ placed = ..., in_place = ..., removed = ... }}"
            )
        extra = set(stages) - set(STAGES)
        if extra:
            raise fail(f"[{key}] {hold.value} has unknown stages: {', '.join(sorted(extra))}")
        for stage in STAGES:
            if stage not in stages:
                raise fail(f"[{key}] {hold.value} is missing the {stage!r} stage")
            out[(hold, stage)] = value(stages[stage], f"{hold.value}.{stage}")
    return out
