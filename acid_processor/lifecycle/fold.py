"""The lifecycle rules: one consignment's state and one event in, the new state and what to tell out.

Pure: no store, no broker, no clock. The consumer, the command line and the tests all fold events
through `apply`; a late event (older than what was applied) is handled by `replay`, which folds the
whole history in time order, so the state never depends on the order events arrived in.

The rules (PACT, ICS2, ACAS alike):
- the latest filing (by its own issue time) is current; every assessed update of a consignment is
  answered with its status;
- a hold is placed once and reported in place on every later update; a new hit on an amendment
  places a new hold beside the old ones;
- DNL is removed only by an officer; RFI when an amendment no longer raises any RFI rule; RFS by a
  screening result (a declaration dated after the hold, SHR or SPX by a regulated agent, with at
  least two valid methods) - both automatically or after an officer's review, per policy; manual
  holds only by an officer;
- when the last open hold goes, the carrier hears the removal and then assessment complete;
- after departure, filings are kept and acknowledged but not assessed; a departure with an open
  RFS or DNL is the alert every regime fears most: loaded with an open hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from acid_processor.lifecycle.records import (
    BY_AMENDMENT,
    BY_OFFICER,
    BY_SCREENING,
    COMPLETE,
    HOLD_KINDS,
    REMOVED,
    ConsignmentState,
    DepartureEvent,
    Event,
    FilingEvent,
    Hold,
    LifecyclePolicy,
    OfficerEvent,
    Screening,
    hold_id,
)
from acid_processor.model import Outcome

__all__ = ["Told", "Transition", "apply", "replay", "screening_answers", "status_text", "told_for"]

PLACED, IN_PLACE, REMOVED_STAGE = "placed", "in_place", "removed"
_ALERTING = (Outcome.RFS, Outcome.DNL)


@dataclass(frozen=True, slots=True)
class Told:
    """One status the carrier is told: assessment complete, or a hold kind at a stage."""

    outcome: Outcome
    stage: str = PLACED  # placed, in_place, removed (always placed for assessment complete)


@dataclass(frozen=True, slots=True)
class Transition:
    """What one event did to one consignment."""

    state: ConsignmentState
    told: tuple[Told, ...] = ()  # XCSNs to send, in order
    placed: tuple[Hold, ...] = ()
    removed: tuple[Hold, ...] = ()
    confirmed: tuple[Hold, ...] = ()
    answered: tuple[Hold, ...] = ()  # answered by an amendment, awaiting an officer's review
    alert: bool = False  # departed with an open RFS or DNL
    assessed: bool = True  # False: kept and acknowledged only (after departure)

    @property
    def changed(self) -> bool:
        return bool(self.placed or self.removed or self.confirmed or self.answered or self.alert)


def status_text(told: Told) -> str:
    """How a status is remembered: COMPLETE, or 'RFS:in_place'."""
    return COMPLETE if told.outcome is Outcome.ASSESSMENT_COMPLETE else f"{told.outcome.value}:{told.stage}"


def screening_answers(s: Screening, placed_at, policy: LifecyclePolicy) -> bool:
    """Whether a declared screening result answers an RFS placed at `placed_at`: declared after
    it, SHR (or SPX issued by a regulated agent), with at least the policy's number of methods."""
    if s.declared_at is None or s.declared_at <= placed_at:
        return False
    secure = s.status == "SHR" or (s.status == "SPX" and s.by_regulated_agent)
    return secure and s.methods >= policy.min_screening_methods


def told_for(holds: Iterable[Hold], placed: Iterable[Hold], removed: Iterable[Hold]) -> tuple[Told, ...]:
    """The carrier's status after an event: a hold of a kind no longer held is told removed; then
    the strongest open hold (placed now, or in place), or assessment complete."""
    holds = list(holds)
    open_kinds = {h.kind for h in holds if h.open}
    strongest = next((k for k in reversed(HOLD_KINDS) if k in open_kinds), None)
    removed_kinds = {h.kind for h in removed} - open_kinds
    gone = next((k for k in reversed(HOLD_KINDS) if k in removed_kinds), None)
    told: list[Told] = [Told(gone, REMOVED_STAGE)] if gone is not None else []
    if strongest is not None:
        placed_ids = {h.id for h in placed}
        older = any(h.open and h.kind is strongest and h.id not in placed_ids for h in holds)
        told.append(Told(strongest, IN_PLACE if older or not placed_ids else _stage(strongest, placed)))
    else:
        told.append(Told(Outcome.ASSESSMENT_COMPLETE))
    return tuple(told)


def _stage(kind: Outcome, placed: Iterable[Hold]) -> str:
    return PLACED if any(h.kind is kind for h in placed) else IN_PLACE


def apply(state: ConsignmentState, event: Event, policy: LifecyclePolicy) -> Transition:
    """The transition one event (later than everything applied) makes on one consignment."""
    if isinstance(event, FilingEvent):
        t = _filing(state, event, policy)
    elif isinstance(event, OfficerEvent):
        t = _officer(state, event)
    else:
        t = _departure(state, event)
    changes: dict = {"last_time": event.time, "last_arrival": event.arrival}
    if t.told:
        changes["last_status"] = status_text(t.told[-1])
    return replace(t, state=replace(t.state, **changes))


def replay(base: ConsignmentState, events: Iterable[Event], policy: LifecyclePolicy) -> ConsignmentState:
    """The state the events give when folded in time order (arrival order breaking ties), from a
    state that keeps only what is structural (identity, links, subject, totals) of `base`."""
    state = replace(
        base,
        current=None,
        current_time=None,
        current_arrival=None,
        current_filing_id=None,
        last_time=None,
        last_arrival=None,
        flights=(),
        departed_flight=None,
        departed_at=None,
        departed_arrival=None,
        holds=(),
        last_status=None,
    )
    for event in sorted(events, key=lambda e: (e.time, e.arrival)):
        state = apply(state, event, policy).state
    return state


# --- filings -------------------------------------------------------------------------------------


def _filing(state: ConsignmentState, e: FilingEvent, policy: LifecyclePolicy) -> Transition:
    if state.departed and e.arrival > (state.departed_arrival or 0):
        return Transition(state, assessed=False)  # after departure: kept and acknowledged only
    if e.outcome is Outcome.NOT_ASSESSED:
        return Transition(state, assessed=False)
    holds = list(state.holds)
    removed: list[Hold] = []
    answered: list[Hold] = []
    screened = False
    for i, h in enumerate(holds):
        if not h.open or h.origin != "rule":
            continue  # manual holds are released by officers only
        if h.kind is Outcome.RFI and not e.rfi_rules:
            if policy.auto_rfi:
                holds[i] = _removed(h, e.event_id, e.time, BY_AMENDMENT)
                removed.append(holds[i])
            elif h.answered_by != e.event_id:
                holds[i] = replace(h, answered_by=e.event_id)
                answered.append(holds[i])
        elif h.kind is Outcome.RFS and screening_answers(e.screening, h.placed_at, policy):
            screened = True
            if policy.auto_rfs:
                holds[i] = _removed(h, e.event_id, e.time, BY_SCREENING)
                removed.append(holds[i])
            elif h.answered_by != e.event_id:
                holds[i] = replace(h, answered_by=e.event_id)
                answered.append(holds[i])
    placed: list[Hold] = []
    for kind in HOLD_KINDS:
        rules = e.rules(kind)
        if not rules or (kind is Outcome.RFS and screened):
            continue  # a screening result answers the requests for screening of its own filing too
        covered = {r for h in holds if h.open and h.kind is kind for r in h.rule_ids}
        new = tuple(r for r in rules if r not in covered)
        if new:
            hold = Hold(hold_id(state.key, kind, e.event_id), kind, new, e.event_id, e.time)
            holds.append(hold)
            placed.append(hold)
    s = replace(
        state,
        current=e.event_id,
        current_time=e.time,
        current_arrival=e.arrival,
        current_filing_id=e.filing_id if e.filing_id is not None else state.current_filing_id,
        flights=e.flights or state.flights,
        holds=tuple(holds),
    )
    return Transition(
        s,
        told=told_for(holds, placed, removed),
        placed=tuple(placed),
        removed=tuple(removed),
        answered=tuple(answered),
        alert=bool(placed) and s.departed and any(h.kind in _ALERTING for h in placed),
    )


def _removed(h: Hold, by: str, at, how: str, note: str | None = None) -> Hold:
    return replace(h, state=REMOVED, removed_by=by, removed_at=at, removal=how, removal_note=note)


# --- officers ------------------------------------------------------------------------------------


def _officer(state: ConsignmentState, e: OfficerEvent) -> Transition:
    holds = list(state.holds)
    by = f"officer {e.officer}"
    when = e.at or e.time
    if e.action == "place":
        kind = e.kind or Outcome.DNL
        hold = Hold(
            hold_id(state.key, kind, e.event_id), kind, ("MANUAL",), by, when, origin="manual", note=e.note
        )
        holds.append(hold)
        s = replace(state, holds=tuple(holds))
        alert = s.departed and kind in _ALERTING
        return Transition(s, told=told_for(holds, (hold,), ()), placed=(hold,), alert=alert)
    chosen = set(e.hold_ids)
    targets = [i for i, h in enumerate(holds) if h.open and (not chosen or h.id in chosen)]
    if e.action == "release":
        removed = []
        for i in targets:
            holds[i] = _removed(holds[i], by, when, BY_OFFICER, e.note)
            removed.append(holds[i])
        s = replace(state, holds=tuple(holds))
        return Transition(s, told=told_for(holds, (), removed) if removed else (), removed=tuple(removed))
    if e.action == "confirm":
        confirmed = []
        for i in targets:
            holds[i] = replace(holds[i], confirmed_by=by, confirmed_at=when, confirm_note=e.note)
            confirmed.append(holds[i])
        s = replace(state, holds=tuple(holds))
        return Transition(s, told=told_for(holds, (), ()) if confirmed else (), confirmed=tuple(confirmed))
    raise ValueError(f"unknown officer action {e.action!r}")


# --- departure -----------------------------------------------------------------------------------


def _departure(state: ConsignmentState, e: DepartureEvent) -> Transition:
    if state.departed:
        return Transition(state, assessed=False)  # a second manifest naming it changes nothing
    s = replace(state, departed_flight=e.flight, departed_at=e.at or e.time, departed_arrival=e.arrival)
    alert = any(h.open and h.kind in _ALERTING for h in s.holds)
    return Transition(s, alert=alert)
