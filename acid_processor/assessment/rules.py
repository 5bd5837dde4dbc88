"""The rule types a policy can use. Each is built once from its [[rules]] table and then looks at
one consignment at a time, returning the hits it finds with their evidence.

Adding a type: subclass Rule, declare its parameters, register it in RULE_TYPES. `build_rules`
refuses unknown types and parameters, so a typo in rules.toml stops the start instead of silently
switching a rule off. The policy (policy.py) only reads files; what a rule type accepts is its own
business, checked here.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.normalise import INDICATOR_NORMALISERS, normalise_phrase
from acid_processor.assessment.policy import Policy, RuleSpec
from acid_processor.model import (
    Consignment,
    Evidence,
    Filing,
    Outcome,
    Party,
    Reason,
    RuleHit,
    SecurityDeclaration,
    Severity,
    Weight,
)

_NUMBER = (int, float)


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may know beyond the consignment: the whole filing and what the check found."""

    filing: Filing
    reasons: tuple[Reason, ...]
    issue_date: date | None
    test_mode: bool


class Rule:
    """Base of every rule type: keeps the spec and makes hits that name it."""

    needs_outcome: ClassVar[bool] = True
    params: ClassVar[dict[str, type | tuple[type, ...]]] = {}

    def __init__(self, spec: RuleSpec, policy: Policy) -> None:
        self.spec = spec
        self.policy = policy

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:  # pragma: no cover - abstract
        raise NotImplementedError

    def hit(
        self,
        detail: str,
        evidence: Iterable[Evidence],
        *,
        outcome: Outcome | None = None,
        category: str = "rule",
    ) -> RuleHit:
        outcome = outcome or self.spec.outcome or Outcome.RFI
        methods = self.spec.screening_methods
        if outcome is Outcome.RFS and not methods:
            methods = self.policy.default_screening_methods
        return RuleHit(
            rule_id=self.spec.id,
            outcome=outcome,
            detail=detail,
            evidence=tuple(evidence),
            screening_methods=methods if outcome is Outcome.RFS else (),
            category=category,
        )


# --- description and party quality ---------------------------------------------------------------


class DataQuality(Rule):
    """The check's RFI reasons for this consignment (junk values) become a rule hit."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        found = [
            r
            for r in ctx.reasons
            if r.severity is Severity.RFI and r.path is not None and r.path.startswith(c.path)
        ]
        if not found:
            return []
        evidence = [Evidence(field=r.path or c.path, value=None, note=f"{r.code}: {r.detail}") for r in found]
        return [self.hit(self.spec.title or "Junk values in the 7+1 data", evidence, category="quality")]


_FILLERS = frozenset(
    {"AND", "OF", "WITH", "FOR", "THE", "A", "AN", "IN", "ON", "AS", "PER", "X", "NO", "NOS"}
)


def only_terms(phrase: str, terms: frozenset[str], longest: int = 5) -> list[str] | None:
    """The terms a normalised description is made of, or None when it has words beyond them.
    Numbers and connecting words (AND, OF, WITH, ...) are ignored; the longest term wins."""
    words = phrase.split()
    found: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            candidate = " ".join(words[i : i + n])
            if candidate in terms:
                found.append(candidate)
                i += n
                break
        else:
            word = words[i]
            if word in _FILLERS or word.isdigit():
                i += 1
                continue
            return None
    return found or None


class UnacceptableDescription(Rule):
    """A goods description made only of generic terms ('PARTS', 'GIFTS AND SAMPLES') says nothing."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        evidence = []
        for text in c.descriptions:
            terms = only_terms(normalise_phrase(text), self.policy.unacceptable_terms)
            if terms:
                evidence.append(
                    Evidence("description", text, list_entry="unacceptable-descriptions: " + ", ".join(terms))
                )
        if not evidence:
            return []
        return [self.hit("The goods description is only generic terms", evidence, category="quality")]


class PartyStopWords(Rule):
    """A shipper or consignee name that identifies nobody: UNKNOWN, N/A, TO ORDER, ..."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        evidence = [
            Evidence(f"{role}.name", party.name, list_entry="party-stop-words")
            for role, party in (("shipper", c.shipper), ("consignee", c.consignee))
            if party and party.name and normalise_phrase(party.name) in self.policy.party_stop_words
        ]
        if not evidence:
            return []
        return [self.hit("A party name identifies nobody", evidence, category="quality")]


# --- security declaration ------------------------------------------------------------------------


def _passenger_legs(policy: Policy, c: Consignment) -> list[str] | None:
    """Flights of the consignment's routing (its own, else its master's) not known to be
    freighters; None when there is no flight at all (the aircraft is unknown, so the rules assume
    a passenger flight)."""
    flights = [m.flight for m in c.routing if m.flight]
    if not flights:
        return None
    return [f for f in flights if not policy.is_freighter(f)]


def _conflict_evidence(sec: SecurityDeclaration) -> list[Evidence]:
    if not sec.conflicting:
        return []
    note = f"conflicting statuses: the weakest, {sec.status}, is read"
    return [Evidence("security.status_codes", " ".join(sec.status_codes), note=note)]


class UnsecuredOnPassenger(Rule):
    """No security status, or NSC, for cargo that may fly on a passenger aircraft. An exemption
    never secures NSC cargo: it stands in for screening only behind a secure status."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        sec = c.security
        if sec.status not in (None, "NSC"):
            return []
        legs = _passenger_legs(self.policy, c)
        if legs == []:
            return []  # every leg is a freighter
        flights = ", ".join(legs) if legs else "no flight given: assumed passenger"
        evidence = [
            Evidence("security.status", sec.status or "none"),
            Evidence("routing.flights", flights, note="passenger or unknown aircraft"),
            *_conflict_evidence(sec),
        ]
        filed = sec.exemptions + sec.unknown_exemptions
        if filed:
            note = "an exemption does not secure unsecured cargo"
            evidence.append(Evidence("security.exemptions", " ".join(filed), note=note))
        return [self.hit("Cargo not secured for a passenger flight", evidence)]


class ScoOnPassenger(Rule):
    """SCO (all-cargo aircraft only) on a routing that includes a passenger flight."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        if c.security.status != "SCO":
            return []
        legs = _passenger_legs(self.policy, c)
        if legs == []:
            return []
        flights = ", ".join(legs) if legs else "no flight given: assumed passenger"
        evidence = [
            Evidence("security.status", "SCO"),
            Evidence("routing.flights", flights),
            *_conflict_evidence(c.security),
        ]
        return [self.hit("SCO cargo routed on a passenger flight", evidence)]


class DesignationMissing(Rule):
    """A status is claimed (SPX, SCO, SHR) but nobody is named as having secured the cargo."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        sec = c.security
        if sec.status not in ("SPX", "SCO", "SHR"):
            return []
        if sec.issuing_ra or sec.known_consignor or sec.account_consignor or sec.regulated_carrier:
            return []
        return [
            self.hit(
                "Security status without a regulated agent, known consignor or regulated carrier",
                [Evidence("security.status", sec.status, note="no ISS designation filed")],
            )
        ]


def expiry_end(mmyy: str) -> date | None:
    """The last day of the month of an MMYY expiry, or None when it is not MMYY."""
    text = mmyy.strip()
    if not re.fullmatch(r"\d{4}", text):
        return None
    month, year = int(text[:2]), 2000 + int(text[2:])
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


class DesignationExpired(Rule):
    """An RA or KC designation whose expiry (ED, MMYY) is before the filing's issue date."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        if ctx.issue_date is None:
            return []
        sec = c.security
        evidence = []
        for label, d in (
            ("issuing_ra", sec.issuing_ra),
            ("accepting_ra", sec.accepting_ra),
            ("known_consignor", sec.known_consignor),
            ("account_consignor", sec.account_consignor),
            ("regulated_carrier", sec.regulated_carrier),
        ):
            if d is None or not d.expiry:
                continue
            end = expiry_end(d.expiry)
            if end is None:
                evidence.append(Evidence(f"security.{label}.expiry", d.expiry, note="not MMYY"))
            elif end < ctx.issue_date:
                evidence.append(
                    Evidence(f"security.{label}", f"{d.kind} {d.id}", note=f"expired {end.isoformat()}")
                )
        if not evidence:
            return []
        return [self.hit("A security designation had expired", evidence)]


class ScreeningMismatch(Rule):
    """Methods that do not fit the status: SHR needs at least N methods; cargo secured by a
    regulated agent (not a known consignor) under SPX/SCO must say how it was screened.

    Only methods of the code list count (an unknown code is evidence, not screening). An exemption
    of the list (MAIL, DIPL, ...) stands in for screening behind SPX or SHR only; an unknown
    exemption code backs nothing."""

    params: ClassVar = {"high_risk_min_methods": int}

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        sec = c.security
        if sec.exemptions and sec.status in ("SPX", "SHR"):
            return []
        methods = sec.method_codes
        need = int(self.spec.params.get("high_risk_min_methods", 2))
        extra = _conflict_evidence(sec)
        if sec.unknown_screening_methods:
            unknown = " ".join(sec.unknown_screening_methods)
            extra.append(Evidence("security.unknown_screening_methods", unknown, note="not in the code list"))
        if sec.unknown_exemptions:
            unknown = " ".join(sec.unknown_exemptions)
            extra.append(Evidence("security.unknown_exemptions", unknown, note="not in the code list"))
        if sec.exemptions:
            note = f"an exemption backs SPX or SHR only, not {sec.status or 'no status'}"
            extra.append(Evidence("security.exemptions", " ".join(sec.exemptions), note=note))
        if sec.status == "SHR" and len(methods) < need:
            return [
                self.hit(
                    f"SHR with {len(methods)} valid screening method(s); {need} required",
                    [Evidence("security.screening_methods", " ".join(sorted(methods)) or "none"), *extra],
                )
            ]
        if (
            sec.status in ("SPX", "SCO")
            and sec.issuing_ra is not None
            and not (sec.known_consignor or sec.account_consignor)
            and not methods
        ):
            note = f"issued by RA {sec.issuing_ra.id}"
            return [
                self.hit(
                    "Secured by a regulated agent without a valid screening method",
                    [Evidence("security.screening_methods", "none", note=note), *extra],
                )
            ]
        return []


# --- routing and consistency ----------------------------------------------------------------------


class HighRiskLocation(Rule):
    """Origin or transit through a listed airport, or a shipper / goods origin in a listed country."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        airports = self.policy.high_risk_airports
        countries = self.policy.high_risk_countries
        evidence = []
        points = [("origin", c.origin)]
        for m in c.routing:
            points.append((f"routing.{m.flight or 'leg'}.departure", m.departure_location))
            if m.arrival_location and m.arrival_location != c.destination:
                points.append((f"routing.{m.flight or 'leg'}.transit", m.arrival_location))
        for label, code in points:
            if code and code in airports:
                evidence.append(Evidence(label, code, list_entry=f"high-risk-locations: {airports[code]}"))
        shipper_country = c.shipper.address.country_id if c.shipper and c.shipper.address else None
        item_countries = [("item.origin_country", i.origin_country) for i in c.items]
        for label, code in [("shipper.country", shipper_country), *item_countries]:
            if code and code in countries:
                evidence.append(Evidence(label, code, list_entry=f"high-risk-locations: {countries[code]}"))
        if not evidence:
            return []
        return [self.hit("Origin or transit through a high-risk point", evidence)]


class WeightPerPiece(Rule):
    """Weight per piece outside a plausible range."""

    params: ClassVar = {"min_kg_per_piece": _NUMBER, "max_kg_per_piece": _NUMBER}

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        if not c.piece_count or c.gross_weight is None or c.gross_weight.kg is None:
            return []
        per_piece = float(c.gross_weight.kg) / c.piece_count
        low = float(self.spec.params.get("min_kg_per_piece", 0.01))
        high = float(self.spec.params.get("max_kg_per_piece", 3000.0))
        if low <= per_piece <= high:
            return []
        return [
            self.hit(
                f"{per_piece:.3f} kg per piece is outside {low}-{high} kg",
                [
                    Evidence("gross_weight_kg", str(c.gross_weight.kg)),
                    Evidence("piece_count", str(c.piece_count)),
                ],
            )
        ]


def totals_evidence(
    master_pieces: int | None,
    master_weight: Weight | None,
    houses: list[tuple[int | None, Weight | None]],
    *,
    exact: bool,
    tolerance_percent: float = 1.0,
    tolerance_kg: float = 1.0,
) -> list[Evidence]:
    """What does not fit between a master's totals and its houses' (pieces, weight): the houses may
    never exceed the master; when `exact` (every house is known) they must add up to it."""
    evidence = []
    pieces = [p for p, _ in houses]
    if master_pieces is not None and None not in pieces:
        total = sum(p for p in pieces if p is not None)
        if (exact and total != master_pieces) or total > master_pieces:
            evidence.append(Evidence("piece_count", str(total), note=f"master has {master_pieces}"))
    kgs = [w.kg if w else None for _, w in houses]
    if master_weight is not None and master_weight.kg is not None and None not in kgs:
        total_kg = float(sum(k for k in kgs if k is not None))
        master_kg = float(master_weight.kg)
        slack = max(tolerance_kg, master_kg * tolerance_percent / 100)
        if (exact and abs(total_kg - master_kg) > slack) or total_kg > master_kg + slack:
            note = f"master has {master_kg:.3f}"
            evidence.append(Evidence("gross_weight_kg", f"{total_kg:.3f}", note=note))
    return evidence


class HouseMasterTotals(Rule):
    """A house against the master totals its filing gives: a house cannot weigh or count more than
    its master."""

    params: ClassVar = {"tolerance_percent": _NUMBER, "tolerance_kg": _NUMBER}

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        master = ctx.filing.master
        if c.level != "house" or master is None:
            return []
        evidence = totals_evidence(
            master.piece_count,
            master.gross_weight,
            [(c.piece_count, c.gross_weight)],
            exact=False,
            tolerance_percent=float(self.spec.params.get("tolerance_percent", 1.0)),
            tolerance_kg=float(self.spec.params.get("tolerance_kg", 1.0)),
        )
        if not evidence:
            return []
        return [self.hit("House totals do not fit the master", evidence)]


# --- lists ---------------------------------------------------------------------------------------


class WatchListScreen(Rule):
    """Shipper and consignee screened against the watch lists; the entry says RFS or DNL."""

    needs_outcome: ClassVar[bool] = False

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        wl = self.policy.watchlist
        if wl is None:
            return []
        out = []
        for role, party in (("shipper", c.shipper), ("consignee", c.consignee)):
            for h in wl.screen_party(party, role):
                entry = h.entry
                note = h.explain()  # what matched and why: aligned words, what was set aside
                out.append(
                    self.hit(
                        f"{role} resembles {entry.list_name} entry {entry.id}",
                        [
                            Evidence(
                                h.field,
                                h.value,
                                list_entry=f"{entry.list_name}:{entry.id} {h.matched}",
                                score=round(h.score, 1),
                                note=note,
                            )
                        ],
                        outcome=Outcome(entry.action),
                        category="watchlist",
                    )
                )
        return out


class Intelligence(Rule):
    """Exact intelligence indicators: a listed address, phone, e-mail or account id."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        table = self.policy.intelligence
        if not table:
            return []
        evidence = []
        for field, kind, value in _indicator_values(c):
            key = (kind, INDICATOR_NORMALISERS[kind](value))
            if key[1] and (ind := table.get(key)):
                evidence.append(Evidence(field, value, list_entry=f"{ind.list_name}:{ind.id}", note=ind.note))
        if not evidence:
            return []
        return [self.hit("Intelligence indicator matched", evidence, category="intelligence")]


def _indicator_values(c: Consignment) -> Iterable[tuple[str, str, str]]:
    parties: list[tuple[str, Party | None]] = [("shipper", c.shipper), ("consignee", c.consignee)]
    for role, p in parties:
        if p is None:
            continue
        for phone in p.phones:
            yield f"{role}.phone", "phone", phone
        for email in p.emails:
            yield f"{role}.email", "email", email
        for account in (p.account_id, p.primary_id):
            if account:
                yield f"{role}.account", "account", account
        if p.address is not None:
            street_city = " ".join(x for x in (p.address.street, p.address.city) if x)
            if street_city:
                yield f"{role}.address", "address", street_city
    for t in c.trader_ids:
        yield f"trader.{t.subject}.{t.content_code}", "account", t.value
        if t.content_code == "CT":
            yield f"trader.{t.subject}.phone", "phone", t.value


class RandomSelection(Rule):
    """A small deterministic share of otherwise clean consignments, to measure the rules. The
    engine applies it only when nothing else fired; the carrier never learns it was random."""

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        rate = self.policy.random_selection_rate
        if rate <= 0:
            return []
        digest = hashlib.sha256(f"{self.policy.random_selection_salt}|{c.key}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw >= rate:
            return []
        return [
            self.hit(
                "Random selection",
                [Evidence("consignment", c.key, note=f"draw {draw:.6f} < {rate}")],
                category="random",
            )
        ]


_TRIGGERS = {
    "RFI SHIPMENT PLEASE": Outcome.RFI,
    "RFS SHIPMENT PLEASE": Outcome.RFS,
    "DNL SHIPMENT PLEASE": Outcome.DNL,
    "CLEAR SHIPMENT PLEASE": Outcome.ASSESSMENT_COMPLETE,
}


class TestTrigger(Rule):
    """PACT test mode: a goods description asking for an outcome gets it. Off in production."""

    needs_outcome: ClassVar[bool] = False
    __test__ = False  # not a pytest class

    def evaluate(self, c: Consignment, ctx: Context) -> list[RuleHit]:
        if not ctx.test_mode:
            return []
        for text in c.descriptions:
            upper = " ".join(text.upper().split())
            for phrase, outcome in _TRIGGERS.items():
                if phrase in upper:
                    return [
                        self.hit(
                            f"Test trigger {phrase!r}",
                            [Evidence("description", text)],
                            outcome=outcome,
                            category="test",
                        )
                    ]
        return []


@dataclass(frozen=True, slots=True)
class RuleType:
    factory: type[Rule]

    @property
    def needs_outcome(self) -> bool:
        return self.factory.needs_outcome

    @property
    def params(self) -> dict[str, type | tuple[type, ...]]:
        return self.factory.params


RULE_TYPES: dict[str, RuleType] = {
    "data_quality": RuleType(DataQuality),
    "unacceptable_description": RuleType(UnacceptableDescription),
    "party_stop_words": RuleType(PartyStopWords),
    "unsecured_on_passenger": RuleType(UnsecuredOnPassenger),
    "sco_on_passenger": RuleType(ScoOnPassenger),
    "designation_missing": RuleType(DesignationMissing),
    "designation_expired": RuleType(DesignationExpired),
    "screening_mismatch": RuleType(ScreeningMismatch),
    "high_risk_location": RuleType(HighRiskLocation),
    "weight_per_piece": RuleType(WeightPerPiece),
    "house_master_totals": RuleType(HouseMasterTotals),
    "watchlist": RuleType(WatchListScreen),
    "intelligence": RuleType(Intelligence),
    "random_selection": RuleType(RandomSelection),
    "test_trigger": RuleType(TestTrigger),
}


def build_rules(policy: Policy) -> list[Rule]:
    """The enabled rules of a policy, built once. Each [[rules]] table is checked against its type
    (known type, an outcome where the type needs one, known parameters of the right kind); the
    first mistake is a PolicyError naming rules.toml and the rule."""
    path = policy.directory / "rules.toml"
    out: list[Rule] = []
    for spec in policy.rules:
        where = f"rule {spec.id}"
        rtype = RULE_TYPES.get(spec.type)
        if rtype is None:
            known = ", ".join(sorted(RULE_TYPES))
            raise PolicyError(path, None, f"{where}: unknown type {spec.type!r} (known: {known})")
        if spec.outcome is None and rtype.needs_outcome:
            raise PolicyError(path, None, f"{where}: type {spec.type} needs an outcome (RFI, RFS or DNL)")
        unknown = set(spec.params) - set(rtype.params)
        if unknown:
            raise PolicyError(path, None, f"{where}: unknown parameter(s) {', '.join(sorted(unknown))}")
        for key, kind in rtype.params.items():
            value = spec.params.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                name = kind.__name__ if isinstance(kind, type) else "number"
                raise PolicyError(path, None, f"{where}: {key} must be a {name}")
        if spec.enabled:
            out.append(rtype.factory(spec, policy))
    return out
