"""Applying the lifecycle to a batch of processed deliveries inside one store transaction.

For each delivery, in the order delivered: the filing is stored (a duplicate changes nothing); the
states of the consignments it names are read and locked; its events are folded (`fold.apply`, or
`fold.replay` for an event older than what was applied); and what the carrier and targeting are to
be told is rendered: an XCSN per status, a referral for what the rules found, lifecycle events for
holds placed, removed or answered, a consolidation held by its houses, and the alert of a
consignment loaded with an open hold. Everything commits with the filing, before anything is
published. The command line, the consumer and the tests use this one implementation.

What the runner adds to the pure fold is what needs the store: which consignments a filing names
(a house and its master, a manifest's houses), a house filed before its master (known by its
house number alone until linked), a consolidation master's security declaration and flights
reaching the houses that have none of their own (their current filing is read again and
re-assessed), and the master's own status, held while any of its houses is held.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from acid_processor.assessment.engine import Assessor
from acid_processor.lifecycle.fold import Told, Transition, apply, replay, status_text, told_for
from acid_processor.lifecycle.records import (
    COMPLETE,
    HOLD_KINDS,
    ConsignmentState,
    DepartureEvent,
    Event,
    FilingEvent,
    LifecyclePolicy,
    OfficerEvent,
    Screening,
)
from acid_processor.model import (
    Assessment,
    AwbNumber,
    Consignment,
    Decision,
    Filing,
    Movement,
    OutboundMessage,
    Outcome,
    to_jsonable,
)
from acid_processor.pipeline import Pipeline, Processed, decision_record
from acid_processor.replies import XML, OutboundReply
from acid_processor.replies.events import lifecycle_event
from acid_processor.replies.ids import reply_id
from acid_processor.replies.referral import build_referral, needs_referral, referral_type
from acid_processor.replies.xcsn import Subject, common_of, render_notice, subject_of
from acid_processor.store.base import RecordResult, StoreBatch

__all__ = ["Lifecycle", "OfficerCommand", "filing_time"]

JSON = "application/json"
_TYPES = {Outcome.RFI: "rfi", Outcome.RFS: "rfs", Outcome.DNL: "dnl"}
ALERT_KEY = "alert.loaded_with_open_hold"
# Consolidation masters read back for their houses, kept for the next houses of the same master
# (they come in bursts). A few KB each: the soak benchmark saw 4,096 of them add 17 MB of RSS
# before the cache was full; 512 keep the bursts' hits and the memory flat early.
MASTER_CACHE = 512
_UNSET: Any = object()


def filing_time(text: str | None, fallback: datetime) -> datetime:
    """A filed ISO 8601 date-time as UTC (a time without an offset is taken as UTC); the fallback
    (the time it was received) when there is none or it does not parse."""
    if text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    return fallback.astimezone(UTC)


def _iso_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class OfficerCommand:
    """An officer's action on one consignment, from the command line, the commands queue or the
    console: release or confirm holds (all open ones when none is named), or place a manual hold."""

    command_id: str
    officer: str
    action: str  # release, confirm, place
    consignment_key: str
    note: str
    hold_ids: tuple[str, ...] = ()
    kind: Outcome | None = None  # for place: RFI, RFS or DNL
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    source: str = "cli"  # cli, queue, console


class CommandRefused(Exception):
    """An officer command that cannot be applied: the consignment or a hold is not known, or the
    action makes no sense in the consignment's state. Nothing is changed."""


# --- per-batch working set -----------------------------------------------------------------------


class _Work:
    """The states a batch touches (read and locked once), the bodies read again, and the replies
    gathered per delivery."""

    def __init__(self, batch: StoreBatch, policy: LifecyclePolicy) -> None:
        self.batch = batch
        self.policy = policy
        self.states: dict[str, ConsignmentState] = {}
        self.touched: set[str] = set()
        self.bodies: dict[int, bytes | None] = {}

    def load(self, keys: Iterable[str]) -> None:
        wanted = [k for k in keys if k and k not in self.states]
        if not wanted:
            return
        found = self.batch.lock_states(wanted)
        for k in wanted:
            self.states.setdefault(k, found.get(k) or ConsignmentState(key=k))

    def get(self, key: str) -> ConsignmentState:
        if key not in self.states:
            self.load([key])
        return self.states[key]

    def put(self, state: ConsignmentState) -> None:
        self.states[state.key] = state
        self.touched.add(state.key)

    def fold(self, state: ConsignmentState, event: Event) -> Transition:
        """Apply one event; an event older than what was applied replays the whole history."""
        if state.applied_before(event.time, event.arrival):
            t = apply(state, event, self.policy)
        else:
            history = [e for e in self.batch.events(state.key) if e.event_id != event.event_id]
            new = replay(state, [*history, event], self.policy)
            t = _difference(state, new)
        self.batch.add_event(state.key, event)
        self.put(t.state)
        return t

    def body(self, filing_id: int | None) -> bytes | None:
        if filing_id is None:
            return None
        if filing_id not in self.bodies:
            self.bodies[filing_id] = self.batch.filing_body(filing_id)
        return self.bodies[filing_id]

    def flush(self) -> None:
        for key in sorted(self.touched):
            self.batch.put_state(self.states[key])


def _difference(old: ConsignmentState, new: ConsignmentState) -> Transition:
    """A late event replayed: what changed between the state before and after, told to the carrier
    only when its status changed (a late filing alone sends no XCSN; a hold is never silent)."""
    before = {h.id: h for h in old.holds}
    placed = tuple(h for h in new.holds if h.id not in before)
    removed = tuple(h for h in new.holds if not h.open and h.id in before and before[h.id].open)
    told: tuple[Told, ...] = ()
    if new.last_status != old.last_status:
        kind = new.strongest_open()
        if kind is not None:
            was = (old.last_status or "").split(":")[0]
            told = (Told(kind, "in_place" if was == kind.value else "placed"),)
        elif old.strongest_open() is not None:
            told = told_for(new.holds, (), [h for h in new.holds if h.id in before and before[h.id].open])
        else:
            told = (Told(Outcome.ASSESSMENT_COMPLETE),)
        new = replace(new, last_status=status_text(told[-1]))
    alerting = (Outcome.RFS, Outcome.DNL)
    alert = new.departed and any(h.open and h.kind in alerting for h in placed)
    return Transition(new, told=told, placed=placed, removed=removed, alert=alert)


# --- the runner -----------------------------------------------------------------------------------


class Lifecycle:
    """Built once at start from the pipeline (assessor, profile, topology) and the policy's
    [lifecycle] settings; records batches of processed deliveries and officer commands."""

    def __init__(self, pipeline: Pipeline, policy: LifecyclePolicy | None = None) -> None:
        self.pipeline = pipeline
        self.assessor: Assessor = pipeline.assessor
        self.profile = pipeline.profile
        self.policy = policy or self.assessor.policy.lifecycle
        totals = [s.id for s in self.assessor.policy.rules if s.type == "house_master_totals" and s.enabled]
        self.totals_rule = totals[0] if totals else None
        self.rules_version = self.assessor.rules_version
        self._masters: OrderedDict[int, Consignment | None] = OrderedDict()
        self._commons: dict[tuple, Any] = {}

    # --- entry points

    def record(self, store: Any, processed: Sequence[Processed]) -> list[RecordResult]:
        """Store and apply a batch in one transaction; what to publish for each delivery."""
        try:
            with store.batch() as batch:
                return self.apply(batch, processed)
        except BaseException:
            self._forget()
            raise

    def _forget(self) -> None:
        """A transaction rolled back: filing ids it handed out may be handed out again (SQLite
        reuses rowids), so what was cached by filing id is no longer known to be true."""
        self._masters.clear()

    def apply(self, batch: StoreBatch, processed: Sequence[Processed]) -> list[RecordResult]:
        """Store and apply a batch inside a transaction the caller holds."""
        results = batch.insert_filings([(p.received, p.outcome) for p in processed])
        work = _Work(batch, self.policy)
        work.load(k for p, r in zip(processed, results, strict=True) if not r.duplicate for k in _keys(p))
        masters = [s for s in list(work.states.values()) if s.house_keys]
        work.load(k for s in masters for k in s.house_keys)
        out: list[RecordResult] = []
        for p, r in zip(processed, results, strict=True):
            if r.duplicate:
                out.append(r)
                continue
            decisions, replies = self._apply_one(work, p, r.filing_id)
            outbound = tuple(p.outcome.outbound) + tuple(replies)
            batch.add_decisions(r.filing_id, decisions)
            batch.add_outbound(r.filing_id, outbound)
            out.append(
                RecordResult(r.filing_id, duplicate=False, pending=outbound, decisions=tuple(decisions))
            )
        work.flush()
        return out

    def command(self, store: Any, command: OfficerCommand, *, received: Any = None) -> RecordResult:
        """Apply an officer command in its own transaction; CommandRefused when it cannot apply (the
        transaction rolls back: nothing is stored). `received` is the command as a received
        message (stored like a filing, so that a repeated command is applied once)."""
        try:
            with store.batch() as batch:
                return self.apply_command(batch, command, received=received)
        except BaseException:
            self._forget()
            raise

    def apply_command(
        self, batch: StoreBatch, command: OfficerCommand, *, received: Any = None
    ) -> RecordResult:
        """An officer command inside a transaction the caller holds."""
        from acid_processor.model import ACCEPTED, FilingOutcome, ReceivedMessage

        received = received or ReceivedMessage.of(
            json.dumps(_command_json(command), sort_keys=True).encode(),
            message_id=command.command_id,
            received_at=command.at,
            content_type=JSON,
            kind="COMMAND",
        )
        # A command seen before (the same id and body) is answered from the store: a redelivered
        # release must not be refused because the holds it released are no longer open.
        (result,) = batch.insert_filings([(received, FilingOutcome(ACCEPTED))])
        if result.duplicate:
            return result
        work = _Work(batch, self.policy)
        state = work.get(command.consignment_key)
        if not (state.current or state.holds or state.departed or state.house_keys):
            raise CommandRefused(f"no consignment {command.consignment_key} is known")
        open_ids = {h.id for h in state.holds if h.open}
        unknown = [h for h in command.hold_ids if h not in open_ids]
        if unknown:
            raise CommandRefused(f"{command.consignment_key}: no open hold {', '.join(unknown)}")
        if command.action in ("release", "confirm") and not open_ids:
            raise CommandRefused(f"{command.consignment_key} has no open hold to {command.action}")
        if command.action == "place" and command.kind not in HOLD_KINDS:
            raise CommandRefused("a manual hold needs a kind: RFI, RFS or DNL")
        if command.action not in ("release", "confirm", "place"):
            raise CommandRefused(f"unknown action {command.action!r}")
        if not command.note.strip() or not command.officer.strip():
            raise CommandRefused("an officer action needs the officer's id and a note")
        at = command.at.astimezone(UTC)
        event = OfficerEvent(
            event_id=f"officer {command.command_id}",
            time=state.last_time or at,  # it folds right after what was applied before it
            arrival=result.filing_id,
            officer=command.officer,
            action=command.action,
            note=command.note,
            hold_ids=command.hold_ids,
            kind=command.kind,
            at=at,
        )
        if state.master_key:
            work.load([state.master_key])
        t = work.fold(state, event)
        source_key = f"command|{command.command_id}"
        replies = list(self._tell(t, _subject_from_state(t.state), source_key, event.event_id))
        replies += self._hold_events(t, source_key, event.event_id)
        if t.state.master_key:  # a house's status is its consolidation's too
            replies += self._master_status(work, t.state.master_key, source_key, event.event_id, always=False)
        outbound = tuple(self._route(r, command.command_id) for r in replies)
        batch.add_outbound(result.filing_id, outbound)
        batch.add_action(
            command.command_id,
            command.officer,
            command.action,
            command.consignment_key,
            [h.id for h in (t.removed or t.confirmed or t.placed)],
            command.kind.value if command.kind else None,
            command.note,
            command.source,
            command.at,
            {
                "carrier_told": [status_text(x) for x in t.told],
                "open_holds": [h.id for h in t.state.open_holds],
            },
        )
        work.flush()
        return RecordResult(result.filing_id, duplicate=False, pending=outbound)

    # --- one delivery

    def _apply_one(self, work: _Work, p: Processed, filing_id: int) -> tuple[list, list[OutboundMessage]]:
        a = p.assessment
        decisions = list(p.outcome.decisions)
        if a is None or not a.valid or a.filing is None:
            return decisions, []
        filing = a.filing
        source_key = f"{p.received.message_id}|{p.received.body_hash}"
        cause = f"filing {p.received.message_id or p.received.body_hash}"
        received_at = p.received.received_at
        time = filing_time(filing.header.issue_time, received_at)
        replies: list[OutboundReply] = []
        if filing.kind == "XFFM":
            replies += self._departure(work, a, filing, filing_id, time, source_key, cause)
        elif filing.kind == "XFHL":
            replies += self._manifest(work, a, filing, filing_id, time, source_key, cause)
        elif filing.kind == "XFWB" and filing.consolidation:
            replies += self._consolidation(work, a, filing, filing_id, time, source_key, cause, decisions)
        else:
            by_key = {c.key: c for c in filing.consignments}
            for i, d in enumerate(a.decisions):
                c = by_key.get(d.consignment_key)
                if c is None or d.outcome in (Outcome.REJECTED, Outcome.NOT_ASSESSED):
                    continue
                new_d, more = self._consignment(work, a, d, c, filing_id, time, source_key, cause)
                replies += more
                if new_d is not d:
                    decisions[i] = decision_record(new_d)
        return decisions, [self._route(r, p.received.message_id) for r in replies]

    def _consignment(
        self,
        work: _Work,
        a: Assessment,
        d: Decision,
        c: Consignment,
        filing_id: int,
        time: datetime,
        source_key: str,
        cause: str,
    ) -> tuple[Decision, list[OutboundReply]]:
        """A direct shipment or a house, assessed: fold its filing, tell the carrier and targeting."""
        key = d.consignment_key
        master_key = c.awb.number if c.level == "house" and c.awb else None
        if master_key and c.hawb:
            self._adopt_orphan(work, c.hawb, key, master_key)
        state = work.get(key)
        master = work.get(master_key) if master_key else None
        if master is not None and master.current_filing_id and _inherits(c):
            d = self._redecide(work, a, c, master) or d
        state = replace(
            state,
            awb=c.awb.number if c.awb else c.awb_text,
            hawb=c.hawb,
            level=c.level,
            master_key=master_key or state.master_key,
            totals=_totals(c),
        )
        subject = subject_of(a, d, c)
        event = _filing_event(cause, time, filing_id, d, c)
        t = work.fold(state, event)
        if t.assessed:
            t = replace(t, state=replace(t.state, subject=_subject_json(subject)))
            work.put(t.state)
        replies = list(self._tell(t, subject, source_key, None))
        replies += self._referral(a, d, t, source_key, late=not t.told and t.assessed)
        replies += self._hold_events(t, source_key, cause)
        if master_key:
            replies += self._link(work, master_key, key, c.hawb, source_key, cause)
        return (d if t.assessed else _not_assessed(d)), replies

    def _consolidation(
        self,
        work: _Work,
        a: Assessment,
        filing: Filing,
        filing_id: int,
        time: datetime,
        source_key: str,
        cause: str,
        decisions: list,
    ) -> list[OutboundReply]:
        """A consolidation master (XFWB 741): its security and flights reach the houses without
        their own; its status is its own holds' and its houses'."""
        master = filing.master
        key = filing.awb.number if filing.awb else (filing.document_id or "")
        if master is None or not key:
            return []
        state = work.get(key)
        totals = dict(state.totals)
        totals.update(_totals(master))
        state = replace(
            state,
            awb=key,
            level="master",
            consolidation=True,
            totals=totals,
            flights=_flights(master.routing),
        )
        subject = Subject(
            key,
            key,
            None,
            "master",
            True,
            master.routing,
            filing.header.issue_time,
            filing.header.conversation_id,
            filing.header.sender_ids,
            a.test_mode,
        )
        rules = self._totals_rules(state)
        told_before = state.last_status
        event = FilingEvent(
            cause,
            time,
            filing_id,
            Outcome.ASSESSMENT_COMPLETE,
            rfi_rules=rules,
            flights=_flights(master.routing),
            filing_id=filing_id,
        )
        t = work.fold(state, event)
        if t.assessed:
            work.put(replace(t.state, subject=_subject_json(subject)))
        replies = self._hold_events(t, source_key, cause)
        if not t.assessed:
            return replies
        # The houses that rely on this master's security declaration or flights are assessed again.
        for house_key in work.get(key).house_keys:
            replies += self._reassess(work, house_key, master, filing_id, time, source_key, cause, decisions)
        replies += self._master_status(work, key, source_key, cause, always=True, before=told_before)
        return replies

    def _manifest(
        self,
        work: _Work,
        a: Assessment,
        filing: Filing,
        filing_id: int,
        time: datetime,
        source_key: str,
        cause: str,
    ) -> list[OutboundReply]:
        """A house manifest (XFHL): links the master to each house listed, with their totals."""
        key = filing.awb.number if filing.awb else (filing.awb_text or "")
        if not key:
            return []
        state = work.get(key)
        lines = {line.hawb: [line.piece_count, _kg(line.gross_weight)] for line in filing.house_lines}
        totals = dict(state.totals)
        if filing.master is not None:
            totals.update(_totals(filing.master))
        totals["lines"] = lines
        houses = list(state.house_keys)
        for line in filing.house_lines:
            house_key = f"{key}/{line.hawb}"
            self._adopt_orphan(work, line.hawb, house_key, key)
            house = work.get(house_key)
            if house.master_key != key or house.level != "house":
                work.put(replace(house, awb=key, hawb=line.hawb, level="house", master_key=key))
            if house_key not in houses:
                houses.append(house_key)
        subject = state.subject or _subject_json(
            Subject(
                key,
                key,
                None,
                "master",
                True,
                filing.routing,
                filing.header.issue_time,
                filing.header.conversation_id,
                filing.header.sender_ids,
                a.test_mode,
            )
        )
        state = replace(
            state,
            awb=key,
            level="master",
            consolidation=True,
            house_keys=tuple(houses),
            totals=totals,
            subject=subject,
        )
        told_before = state.last_status
        event = FilingEvent(
            cause,
            time,
            filing_id,
            Outcome.ASSESSMENT_COMPLETE,
            rfi_rules=self._totals_rules(state),
            filing_id=state.current_filing_id,
        )
        t = work.fold(state, event)
        replies = self._hold_events(t, source_key, cause)
        if t.assessed:
            replies += self._master_status(work, key, source_key, cause, always=True, before=told_before)
        return replies

    def _departure(
        self,
        work: _Work,
        a: Assessment,
        filing: Filing,
        filing_id: int,
        time: datetime,
        source_key: str,
        cause: str,
    ) -> list[OutboundReply]:
        """A flight manifest (XFFM): each AWB on it, and its houses, have departed on that flight."""
        manifest = filing.manifest
        if manifest is None:
            return []
        flight = manifest.flight
        when = filing_time(manifest.departure_time, time)
        keys: list[str] = []
        for text in manifest.awbs:
            awb = AwbNumber.parse(text)
            key = awb.number if awb else text
            keys.append(key)
            keys.extend(work.get(key).house_keys)
        work.load(keys)
        replies: list[OutboundReply] = []
        for key in dict.fromkeys(keys):
            state = work.get(key)
            if not state.awb:
                awb_text, _, hawb = key.partition("/")
                state = replace(state, awb=awb_text, hawb=hawb or None, level="house" if hawb else "master")
            # A departure folds right after what was applied before it: whatever arrives after it
            # is not assessed, whatever its issue time.
            event = DepartureEvent(
                cause.replace("filing ", "manifest ", 1), state.last_time or when, filing_id, flight, at=when
            )
            t = work.fold(state, event)
            replies += self._hold_events(t, source_key, cause)
        return replies

    # --- houses and masters

    def _adopt_orphan(self, work: _Work, hawb: str, key: str, master_key: str) -> None:
        """A house filed before its master was known by its house number alone: once its master is
        named, its history moves to AWB/house and is replayed there with what the new key has."""
        if not hawb or hawb == key:
            return
        orphan = work.get(hawb)
        if orphan.level != "house" or orphan.master_key or not (orphan.current or orphan.holds):
            return
        work.batch.rekey(hawb, key)
        work.states.pop(hawb, None)
        work.touched.discard(hawb)
        target = work.get(key)
        history = work.batch.events(key)  # the orphan's events, now under the new key, and its own
        base = replace(
            target,
            awb=master_key,
            hawb=hawb,
            level="house",
            master_key=master_key,
            subject=target.subject or orphan.subject,
            totals=target.totals or orphan.totals,
        )
        merged = replay(base, history, self.policy)
        work.put(
            replace(merged, last_status=orphan.last_status if not target.current else target.last_status)
        )

    def _link(
        self, work: _Work, master_key: str, house_key: str, hawb: str | None, source_key: str, cause: str
    ) -> list[OutboundReply]:
        """A house names its master: the master knows the house, and its status follows the house's."""
        master = work.get(master_key)
        if house_key not in master.house_keys:
            master = replace(
                master, awb=master_key, level="master", house_keys=(*master.house_keys, house_key)
            )
            work.put(master)
        return self._master_status(work, master_key, source_key, cause, always=False)

    def _master_status(
        self, work: _Work, key: str, source_key: str, cause: str, *, always: bool, before: Any = _UNSET
    ) -> list[OutboundReply]:
        """A consolidation is held while any of its houses (or itself) is held; the carrier hears the
        master's status when the master is filed, and whenever it changes. `before`: what the
        carrier was told before this event (when the event folded into the master itself)."""
        master = work.get(key)
        if not master.current:
            return []  # the master has not been filed: nobody to tell yet
        houses = {}
        kinds = {h.kind for h in master.holds if h.open}
        for house_key in master.house_keys:
            strongest = work.get(house_key).strongest_open()
            if strongest is not None:
                houses[house_key] = strongest.value
                kinds.add(strongest)
        if not master.house_keys and not kinds:
            # A consolidation with no known house: nothing to clear yet (its XFNM says received);
            # the carrier has been told nothing more than before.
            if before is not _UNSET:
                work.put(replace(master, last_status=before))
            return []
        derived = next((k for k in reversed(HOLD_KINDS) if k in kinds), None)
        told_before = master.last_status if before is _UNSET else before
        was = None if told_before in (None, COMPLETE) else Outcome(told_before.split(":")[0])
        if derived is not None:
            told: tuple[Told, ...] = (Told(derived, "in_place" if was is derived else "placed"),)
            if was is not None and was.strength > derived.strength:
                told = (Told(was, "removed"), *told)
        elif was is not None:
            told = (Told(was, "removed"), Told(Outcome.ASSESSMENT_COMPLETE))
        else:
            told = (Told(Outcome.ASSESSMENT_COMPLETE),)
        now_status = status_text(told[-1])
        if not always and now_status == told_before:
            return []
        master = replace(master, last_status=now_status)
        work.put(master)
        subject = _subject_from_state(master)
        tag = f"master {key}"
        replies = [
            r
            for i, x in enumerate(told)
            if (r := self._xcsn(subject, x, source_key, tag if i == 0 else f"{tag} {x.stage}")) is not None
        ]
        if houses or was is not None:
            doc = lifecycle_event(
                "master_status",
                master,
                event_id=reply_id(source_key, "master-status", key),
                caused_by=cause,
                now=datetime.now(UTC),
                told=now_status,
                houses=houses,
                rules_version=self.rules_version,
            )
            replies.append(self._event_reply(doc, f"hold.master.{_TYPES.get(derived, 'clear')}", key))
        return replies

    def _reassess(
        self,
        work: _Work,
        house_key: str,
        master: Consignment,
        filing_id: int,
        time: datetime,
        source_key: str,
        cause: str,
        decisions: list,
    ) -> list[OutboundReply]:
        """A house whose current filing lacks its own security declaration or flights, assessed
        again with its master's."""
        house = work.get(house_key)
        raw = work.body(house.current_filing_id)
        if raw is None or house.departed:
            return []
        a = self.assessor.assess(raw)
        c = a.filing.consignment(house_key) if a.filing is not None else None
        if c is None and a.filing is not None and len(a.filing.consignments) == 1:
            c = a.filing.consignments[0]
        if c is None or not _inherits(c):
            return []
        c = _with_master(c, master)
        d = self.assessor.decide(c, self.assessor.context(a.filing, a.reasons))
        d = replace(d, consignment_key=house_key)
        decisions.append(decision_record(d))
        event = replace(
            _filing_event(f"reassess {house.current} by {cause}", time, filing_id, d, c),
            time=max(time, house.last_time or time),
            filing_id=house.current_filing_id,
            reassessment=True,
        )
        before = house.last_status
        t = work.fold(house, event)
        subject = _subject_from_state(t.state)
        replies = list(self._tell(t, subject, source_key, house_key)) if t.state.last_status != before else []
        replies += self._hold_events(t, source_key, cause)
        return replies

    def _redecide(
        self, work: _Work, a: Assessment, c: Consignment, master: ConsignmentState
    ) -> Decision | None:
        m = self._master_consignment(work, master.current_filing_id)
        if m is None:
            return None
        c2 = _with_master(c, m)
        return self.assessor.decide(c2, self.assessor.context(a.filing, a.reasons))

    def _master_consignment(self, work: _Work, filing_id: int | None) -> Consignment | None:
        """A consolidation master's consignment as its stored filing says (filings never change:
        read once, kept for the next houses of the same master)."""
        if filing_id is None:
            return None
        if filing_id in self._masters:
            self._masters.move_to_end(filing_id)
            return self._masters[filing_id]
        raw = work.body(filing_id)
        result = self.assessor.checker.check(raw) if raw is not None else None
        master = result.filing.master if result is not None and result.filing is not None else None
        self._masters[filing_id] = master
        if len(self._masters) > MASTER_CACHE:
            self._masters.popitem(last=False)
        return master

    def _totals_rules(self, master: ConsignmentState) -> tuple[str, ...]:
        """The house-totals rule, when the master's totals and its manifest's lines disagree."""
        if self.totals_rule is None:
            return ()
        lines = master.totals.get("lines")
        pieces, kg = master.totals.get("pieces"), master.totals.get("kg")
        if not lines or pieces is None or kg is None:
            return ()
        spec = next(s for s in self.assessor.policy.rules if s.id == self.totals_rule)
        pct = float(spec.params.get("tolerance_percent", 1.0)) / 100
        slack = max(float(spec.params.get("tolerance_kg", 1.0)), float(kg) * pct)
        line_pieces = [p for p, _ in lines.values()]
        line_kg = [w for _, w in lines.values()]
        bad = (None not in line_pieces and sum(line_pieces) != pieces) or (
            None not in line_kg and abs(sum(line_kg) - float(kg)) > slack
        )
        return (self.totals_rule,) if bad else ()

    # --- telling the carrier and targeting

    def _tell(
        self, t: Transition, subject: Subject, source_key: str, tag: str | None
    ) -> Iterable[OutboundReply]:
        for i, told in enumerate(t.told):
            extra = tag if i == 0 else f"{tag or ''} {told.stage}".strip()
            reply = self._xcsn(subject, told, source_key, extra)
            if reply is not None:
                yield reply

    def _xcsn(self, subject: Subject, told: Told, source_key: str, tag: str | None) -> OutboundReply | None:
        # The first status of a filing keeps the id the filing's XCSN always had.
        message_id = reply_id(source_key, "xcsn", subject.consignment_key + (f"\x1e{tag}" if tag else ""))
        now = datetime.now(UTC).replace(microsecond=0)
        # The header parties and routing are the same for every status of one filing: render once.
        key = (now, subject.recipients, subject.conversation_id, subject.issue_time, subject.routing)
        common = self._commons.get(key)
        if common is None:
            if len(self._commons) > 256:
                self._commons.clear()
            common = self._commons[key] = common_of(subject, self.profile, now)
        body = render_notice(
            subject,
            told.outcome,
            told.stage,
            profile=self.profile,
            message_id=message_id,
            now=now,
            common=common,
        )
        if body is None:
            return None
        prefix = _prefix(subject.awb)
        hold = _TYPES.get(told.outcome)
        return OutboundReply("xcsn", message_id, body, XML, prefix, hold, subject.consignment_key)

    def _referral(
        self, a: Assessment, d: Decision, t: Transition, source_key: str, *, late: bool
    ) -> list[OutboundReply]:
        """What the rules found, with every hit and its evidence, and where the holds stand."""
        if not t.assessed or not (needs_referral(d) or t.state.open_holds):
            return []
        referral_id = reply_id(source_key, "referral", d.consignment_key)
        doc = build_referral(
            a,
            d,
            referral_id=referral_id,
            source_message_id=a.filing.header.message_id if a.filing else None,
            now=datetime.now(UTC),
        )
        strongest = t.state.strongest_open()
        doc["lifecycle"] = {
            "carrier_told": [status_text(x) for x in t.told],
            "open_holds": [h.id for h in t.state.open_holds],
            "placed": [h.id for h in t.placed],
            "removed": [h.id for h in t.removed],
            "late_filing": late,
            "departed": t.state.departed,
        }
        rtype = referral_type(d)  # the decision's kind; the strongest open hold when that is stronger
        if strongest is not None and d.outcome.strength < strongest.strength:
            rtype = _TYPES[strongest]
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return [OutboundReply("referral", referral_id, body, JSON, _prefix(d.awb), rtype, d.consignment_key)]

    def _hold_events(self, t: Transition, source_key: str, cause: str) -> list[OutboundReply]:
        """Holds removed, confirmed, answered or placed by an officer (placed by a filing travel in its
        referral); and the alert of a departed consignment with an open RFS or DNL."""
        replies = []
        told = t.state.last_status
        groups = (
            ("hold_removed", t.removed),
            ("hold_confirmed", t.confirmed),
            ("hold_answered", t.answered),
            ("hold_placed", tuple(h for h in t.placed if h.origin == "manual")),
        )
        for event, holds in groups:
            if not holds:
                continue
            doc = lifecycle_event(
                event,
                t.state,
                event_id=reply_id(source_key, event, t.state.key),
                caused_by=cause,
                now=datetime.now(UTC),
                holds=holds,
                told=told,
                rules_version=self.rules_version,
            )
            kind = max((h.kind for h in holds), key=lambda k: k.strength)
            replies.append(self._event_reply(doc, f"hold.{event.split('_')[1]}.{_TYPES[kind]}", t.state.key))
        if t.alert:
            doc = lifecycle_event(
                "loaded_with_open_hold",
                t.state,
                event_id=reply_id(source_key, "alert", t.state.key),
                caused_by=cause,
                now=datetime.now(UTC),
                holds=t.state.open_holds,
                told=told,
                rules_version=self.rules_version,
            )
            replies.append(self._event_reply(doc, ALERT_KEY, t.state.key))
        return replies

    def _event_reply(self, doc: dict[str, Any], routing_key: str, key: str) -> OutboundReply:
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return OutboundReply(
            "lifecycle", doc["event_id"], body, JSON, _prefix(doc.get("awb")), routing_key, key
        )

    def _route(self, reply: OutboundReply, source_id: str | None) -> OutboundMessage:
        return self.pipeline.outbound(reply, None, source_id)


# --- helpers ---------------------------------------------------------------------------------------


def _keys(p: Processed) -> list[str]:
    """The consignments a delivery names: to read and lock before applying it."""
    a = p.assessment
    if a is None or not a.valid or a.filing is None:
        return []
    f = a.filing
    awb = f.awb.number if f.awb else None
    if f.kind == "XFFM":
        return [
            (x.number if (x := AwbNumber.parse(t)) else t) for t in (f.manifest.awbs if f.manifest else ())
        ]
    keys = [c.key for c in f.consignments]
    if awb:
        keys.append(awb)
    keys += [c.hawb for c in f.consignments if c.hawb and c.awb]  # orphans to adopt
    if f.kind == "XFHL" and awb:
        keys += [f"{awb}/{line.hawb}" for line in f.house_lines] + [line.hawb for line in f.house_lines]
    return keys


def _inherits(c: Consignment) -> bool:
    """A house that relies on its master: no security declaration or no flights of its own."""
    return c.level == "house" and (c.security.status is None or not c.routing)


def _with_master(c: Consignment, master: Consignment) -> Consignment:
    """A house with what it lacks taken from its master: the security declaration, the flights."""
    changes: dict[str, Any] = {}
    if c.security.status is None and master.security.status is not None:
        changes["security"] = master.security
    if not c.routing and master.routing:
        changes["routing"] = master.routing
    return replace(c, **changes) if changes else c


def _kg(w: Any) -> float | None:
    return float(w.kg) if w is not None and w.kg is not None else None


def _totals(c: Consignment) -> dict[str, Any]:
    return {"pieces": c.piece_count, "kg": _kg(c.gross_weight)}


def _flights(routing: Sequence[Movement]) -> tuple[str, ...]:
    return tuple(m.flight for m in routing if m.flight)


def _filing_event(cause: str, time: datetime, filing_id: int, d: Decision, c: Consignment) -> FilingEvent:
    by_kind: dict[Outcome, list[str]] = {k: [] for k in HOLD_KINDS}
    for h in d.hits:
        if h.outcome in by_kind and h.rule_id not in by_kind[h.outcome]:
            by_kind[h.outcome].append(h.rule_id)
    sec = c.security
    screening = Screening(
        status=sec.status,
        methods=len(sec.method_codes),
        by_regulated_agent=sec.issuing_ra is not None,
        declared_at=_iso_time(sec.issued_on_iso),
    )
    return FilingEvent(
        event_id=cause,
        time=time,
        arrival=filing_id,
        outcome=d.outcome,
        rfi_rules=tuple(by_kind[Outcome.RFI]),
        rfs_rules=tuple(by_kind[Outcome.RFS]),
        dnl_rules=tuple(by_kind[Outcome.DNL]),
        screening=screening,
        flights=_flights(c.routing),
        filing_id=filing_id,
    )


def _not_assessed(d: Decision) -> Decision:
    return replace(d, outcome=Outcome.NOT_ASSESSED, screening_methods=())


def _prefix(awb: str | None) -> str | None:
    parsed = AwbNumber.parse(awb)
    return parsed.prefix if parsed else None


def _subject_json(s: Subject) -> dict[str, Any]:
    return {
        "awb": s.awb,
        "hawb": s.hawb,
        "level": s.level,
        "consolidation": s.consolidation,
        "routing": to_jsonable(s.routing),
        "issue_time": s.issue_time,
        "conversation_id": s.conversation_id,
        "recipients": list(s.recipients),
        "test_mode": s.test_mode,
    }


def _subject_from_state(state: ConsignmentState) -> Subject:
    s = state.subject or {}
    return Subject(
        consignment_key=state.key,
        awb=s.get("awb", state.awb if state.level == "master" else state.master_key or state.awb),
        hawb=s.get("hawb", state.hawb),
        level=s.get("level", state.level),
        consolidation=bool(s.get("consolidation", state.consolidation or state.level == "house")),
        routing=tuple(Movement(**m) for m in s.get("routing") or ()),
        issue_time=s.get("issue_time"),
        conversation_id=s.get("conversation_id"),
        recipients=tuple(s.get("recipients") or ()),
        test_mode=bool(s.get("test_mode")),
    )


def _command_json(c: OfficerCommand) -> dict[str, Any]:
    return {
        "command_id": c.command_id,
        "officer": c.officer,
        "action": c.action,
        "consignment": c.consignment_key,
        "note": c.note,
        "hold_ids": list(c.hold_ids),
        "kind": c.kind.value if c.kind else None,
        "at": c.at.astimezone(UTC).isoformat(),
        "source": c.source,
    }
