"""The lifecycle rules as a pure fold: one consignment's state and one event in, the new state and
what the carrier is told out. Each rule of the lifecycle, and the property the service's scale-out
rests on: the state is the same whatever order the events arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from acid_processor.lifecycle.fold import Told, apply, replay
from acid_processor.lifecycle.records import (
    ConsignmentState,
    DepartureEvent,
    FilingEvent,
    LifecyclePolicy,
    OfficerEvent,
    Screening,
)
from acid_processor.model import Outcome

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
AUTO = LifecyclePolicy()
REVIEW = LifecyclePolicy(release_rfi="officer", release_rfs="officer")
KEY = "020-68548340"


def filing(n: int, *, minutes: int | None = None, **kw) -> FilingEvent:
    return FilingEvent(
        f"filing m-{n}",
        T0 + timedelta(minutes=minutes if minutes is not None else n * 10),
        n,
        **{"outcome": Outcome.ASSESSMENT_COMPLETE, **kw},
    )


def fold(events, policy=AUTO):
    state, told = ConsignmentState(KEY), []
    for e in events:
        t = apply(state, e, policy)
        state = t.state
        told.append(t.told)
    return state, told


def test_a_dnl_is_placed_once_and_stays_in_place_through_amendments():
    state, told = fold([filing(1, outcome=Outcome.DNL, dnl_rules=("WL-SCREEN",)), filing(2), filing(3)])
    assert told == [
        (Told(Outcome.DNL, "placed"),),
        (Told(Outcome.DNL, "in_place"),),
        (Told(Outcome.DNL, "in_place"),),
    ]
    (hold,) = state.holds
    assert hold.open and hold.placed_by == "filing m-1" and state.current == "filing m-3"


def test_an_rfi_goes_when_an_amendment_no_longer_raises_any_rfi_rule():
    state, told = fold([filing(1, outcome=Outcome.RFI, rfi_rules=("DQ-JUNK",)), filing(2)])
    assert told[1] == (Told(Outcome.RFI, "removed"), Told(Outcome.ASSESSMENT_COMPLETE))
    (hold,) = state.holds
    assert (hold.state, hold.removal, hold.removed_by) == ("removed", "amendment", "filing m-2")


def test_under_officer_review_a_corrected_rfi_is_answered_but_stays_until_released():
    state, told = fold([filing(1, outcome=Outcome.RFI, rfi_rules=("DQ-JUNK",)), filing(2)], REVIEW)
    assert told[1] == (Told(Outcome.RFI, "in_place"),)
    (hold,) = state.holds
    assert hold.open and hold.answered_by == "filing m-2"
    release = OfficerEvent("officer c-1", state.last_time, 3, "OFF-7", "release", "reviewed the reply")
    t = apply(state, release, REVIEW)
    assert t.told == (Told(Outcome.RFI, "removed"), Told(Outcome.ASSESSMENT_COMPLETE))


def screened(n: int, status: str, methods: int, declared: datetime, by_ra: bool = True) -> FilingEvent:
    return filing(n, screening=Screening(status, methods, by_ra, declared))


def test_an_rfs_is_answered_only_by_a_later_screening_result_with_two_methods():
    rfs = filing(1, outcome=Outcome.RFS, rfs_rules=("SEC-NO-STATUS-PAX",))
    after, before = T0 + timedelta(hours=1), T0 - timedelta(hours=1)
    cases = [
        (screened(2, "SHR", 2, after), True),
        (screened(2, "SPX", 2, after, by_ra=True), True),
        (screened(2, "SPX", 2, after, by_ra=False), False),  # a known consignor's SPX is not a result
        (screened(2, "SHR", 1, after), False),  # one method
        (screened(2, "SHR", 3, before), False),  # declared before the hold was placed
        (screened(2, "SCO", 2, after), False),
    ]
    for answer, removed in cases:
        state, told = fold([rfs, answer])
        assert (state.strongest_open() is None) is removed, answer.screening
        assert told[1][-1] == (
            Told(Outcome.ASSESSMENT_COMPLETE) if removed else Told(Outcome.RFS, "in_place")
        )


def test_a_new_hit_on_an_amendment_places_a_new_hold_beside_the_old_one():
    state, told = fold(
        [
            filing(1, outcome=Outcome.RFI, rfi_rules=("DQ-JUNK",)),
            filing(2, outcome=Outcome.RFS, rfs_rules=("ROUTE",), rfi_rules=("DQ-JUNK",)),
        ]
    )
    assert [(h.kind, h.rule_ids) for h in state.open_holds] == [
        (Outcome.RFI, ("DQ-JUNK",)),
        (Outcome.RFS, ("ROUTE",)),
    ]
    assert told[1] == (Told(Outcome.RFS, "placed"),)


def test_only_an_officer_removes_a_manual_hold():
    place = OfficerEvent("officer c-1", T0, 2, "OFF-7", "place", "intelligence", kind=Outcome.RFS)
    state, told = fold([filing(1), place, screened(3, "SHR", 4, T0 + timedelta(days=1))])
    assert told[1] == (Told(Outcome.RFS, "placed"),) and told[2] == (Told(Outcome.RFS, "in_place"),)
    (hold,) = state.open_holds
    assert (hold.origin, hold.note, hold.placed_by) == ("manual", "intelligence", "officer OFF-7")


def test_after_departure_a_filing_is_kept_but_not_assessed_and_an_open_rfs_alerts():
    rfs = filing(1, outcome=Outcome.RFS, rfs_rules=("SEC-NO-STATUS-PAX",))
    state = apply(ConsignmentState(KEY), rfs, AUTO).state
    departed = apply(state, DepartureEvent("manifest f-1", state.last_time, 2, "LH470", at=T0), AUTO)
    assert departed.alert and departed.told == () and departed.state.departed_flight == "LH470"
    later = apply(departed.state, filing(3, outcome=Outcome.DNL, dnl_rules=("WL",)), AUTO)
    assert not later.assessed and later.told == () and later.state.current == "filing m-1"


def test_a_late_older_filing_does_not_replace_the_current_one():
    state = replay(ConsignmentState(KEY), [filing(2, minutes=30), filing(1, minutes=10)], AUTO)
    assert state.current == "filing m-2"


events = st.lists(
    st.tuples(
        st.integers(0, 50),  # issue minute
        st.sampled_from(["clean", "rfi", "rfs", "dnl", "screened"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(events, st.randoms(use_true_random=False))
def test_the_state_does_not_depend_on_the_order_filings_arrive_in(spec, rnd):
    made = []
    for n, (minute, kind) in enumerate(spec, 1):
        kw = {
            "clean": {},
            "rfi": {"outcome": Outcome.RFI, "rfi_rules": ("DQ-JUNK",)},
            "rfs": {"outcome": Outcome.RFS, "rfs_rules": ("SEC-NO-STATUS-PAX",)},
            "dnl": {"outcome": Outcome.DNL, "dnl_rules": ("WL-SCREEN",)},
            "screened": {"screening": Screening("SHR", 2, True, T0 + timedelta(minutes=minute))},
        }[kind]
        made.append(filing(n, minutes=minute, **kw))
    in_order = replay(ConsignmentState(KEY), sorted(made, key=lambda e: (e.time, e.arrival)), AUTO)
    shuffled = list(made)
    rnd.shuffle(shuffled)
    assert replay(ConsignmentState(KEY), shuffled, AUTO) == in_order
