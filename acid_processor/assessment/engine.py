"""The assessment: one Decision per consignment (house level for consolidations, master level for
direct shipments), from every rule of the policy. The strongest outcome wins (DNL > RFS > RFI >
complete); every hit is kept as evidence for targeting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from acid_processor.assessment.policy import Policy
from acid_processor.assessment.rules import Context, RandomSelection, TestTrigger, build_rules
from acid_processor.check import Checker, CheckResult
from acid_processor.model import (
    Assessment,
    Consignment,
    Decision,
    Evidence,
    Filing,
    Outcome,
    RuleHit,
    Severity,
)


class Assessor:
    """Built once at start from a policy (rules, lists, indexes); assesses messages after that."""

    def __init__(
        self,
        policy: Policy | None = None,
        checker: Checker | None = None,
        *,
        test_mode: bool = False,
    ) -> None:
        self.policy = policy or Policy.load()
        self.checker = checker or Checker()
        self.test_mode = test_mode
        rules = build_rules(self.policy)
        self._rules = [r for r in rules if not isinstance(r, RandomSelection | TestTrigger)]
        self._random = [r for r in rules if isinstance(r, RandomSelection)]
        self._triggers = [r for r in rules if isinstance(r, TestTrigger)]

    @property
    def rules_version(self) -> str:
        return self.policy.version

    def assess(self, raw: bytes, *, received_at: datetime | None = None) -> Assessment:
        """Check and assess one message."""
        return self.assess_result(self.checker.check(raw), received_at=received_at)

    def assess_result(self, result: CheckResult, *, received_at: datetime | None = None) -> Assessment:
        """Assess an already-checked message."""
        received = (received_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
        return Assessment(
            kind=result.kind,
            version=result.version,
            valid=result.valid,
            reasons=result.reasons,
            filing=result.filing,
            decisions=self._decisions(result),
            rules_version=self.policy.version,
            received_at=received,
            test_mode=self.test_mode,
            envelope=result.envelope,
        )

    def _decisions(self, result: CheckResult) -> tuple[Decision, ...]:
        filing = result.filing
        if not result.valid:
            return self._rejected(result)
        if filing is None:  # pragma: no cover - a valid result always has a filing
            return ()
        if filing.kind == "XFFM":
            flight = filing.manifest.flight if filing.manifest else None
            return (
                self._not_assessed(
                    f"FLIGHT {flight or filing.document_id or ''}".strip(), None, None, "flight"
                ),
            )
        if filing.kind == "XFHL":
            # A house manifest links the master to its houses; each house is assessed on its XFZB.
            awb = filing.awb.number if filing.awb else filing.awb_text
            return tuple(
                self._not_assessed(f"{awb}/{line.hawb}" if awb else line.hawb, awb, line.hawb, "house")
                for line in filing.house_lines
            )
        if filing.consolidation and filing.kind == "XFWB":
            # A consolidation is assessed at house level; the master waits for its houses.
            awb = filing.awb.number if filing.awb else filing.document_id
            return (self._not_assessed(awb or "", awb, None, "master"),)
        ctx = self.context(filing, result.reasons)
        return tuple(self.decide(c, ctx) for c in filing.consignments)

    def context(self, filing: Filing, reasons: tuple = ()) -> Context:
        """What the rules may know beyond a consignment of this filing."""
        return Context(
            filing=filing, reasons=reasons, issue_date=_issue_date(filing), test_mode=self.test_mode
        )

    def decide(self, c: Consignment, ctx: Context) -> Decision:
        """The decision on one consignment."""
        hits: list[RuleHit] = []
        for rule in self._rules:
            hits.extend(rule.evaluate(c, ctx))
        if not hits:
            for rule in self._random:
                hits.extend(rule.evaluate(c, ctx))
        outcome = max(
            (h.outcome for h in hits), key=lambda o: o.strength, default=Outcome.ASSESSMENT_COMPLETE
        )
        for rule in self._triggers:
            trigger = rule.evaluate(c, ctx)
            if trigger:  # a test trigger decides, whatever else fired; the other hits stay as evidence
                hits = trigger + hits
                outcome = trigger[0].outcome
                break
        return Decision(
            consignment_key=c.key,
            awb=c.awb.number if c.awb else c.awb_text,
            hawb=c.hawb,
            level=c.level,
            outcome=outcome,
            hits=tuple(hits),
            rules_version=self.policy.version,
            screening_methods=self._methods(hits) if outcome is Outcome.RFS else (),
        )

    def _methods(self, hits: list[RuleHit]) -> tuple[str, ...]:
        """The screening methods the RFS hits recommend, topped up to at least two."""
        methods: dict[str, None] = {}
        for h in hits:
            if h.outcome is Outcome.RFS:
                methods.update(dict.fromkeys(h.screening_methods))
        for m in self.policy.default_screening_methods:
            if len(methods) >= 2:
                break
            methods.setdefault(m)
        return tuple(methods)

    def _rejected(self, result: CheckResult) -> tuple[Decision, ...]:
        hits = tuple(
            RuleHit(
                rule_id=r.code,
                outcome=Outcome.REJECTED,
                detail=r.detail,
                evidence=(Evidence(r.path or "message", None, note=f"line {r.line}" if r.line else None),),
                category="rejection",
            )
            for r in result.reasons
            if r.severity is Severity.REJECT
        )
        filing = result.filing
        targets: list[tuple[str, str | None, str | None, str]] = []
        if filing is not None:
            targets = [
                (c.key, c.awb.number if c.awb else c.awb_text, c.hawb, c.level) for c in filing.consignments
            ]
            if not targets:
                awb = filing.awb.number if filing.awb else filing.document_id
                targets = [(awb or "", awb, None, "master")]
        if not targets and result.envelope is not None:
            env = result.envelope
            awb = env.awb.number if env.awb else None
            hawb = env.document_id if result.kind in ("XFZB",) else None
            key = f"{awb or ''}/{hawb}" if hawb else (awb or env.document_id or "")
            targets = [(key, awb, hawb, "house" if hawb else "master")]
        if not targets:
            targets = [("", None, None, "message")]
        return tuple(
            Decision(key, awb, hawb, level, Outcome.REJECTED, hits, self.policy.version)
            for key, awb, hawb, level in targets
        )

    def _not_assessed(self, key: str, awb: str | None, hawb: str | None, level: str) -> Decision:
        return Decision(key, awb, hawb, level, Outcome.NOT_ASSESSED, (), self.policy.version)


def _issue_date(filing: Filing) -> date | None:
    text = filing.header.issue_time
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None
