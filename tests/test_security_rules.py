"""The security declaration cannot be talked round: an exemption never secures NSC cargo and backs
only SPX or SHR with a code of the list; unknown screening methods count for nothing; conflicting
statuses read as the weakest; a house's own flight and e-CSD are the ones judged.

Rules are tested on records built in code (acid_processor.testing.records), and each case once
more end to end on an edge fixture (fixtures/edge/) with the test policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from acid_processor.assessment.engine import Assessor
from acid_processor.model import Outcome, ScreeningMethod
from acid_processor.testing import records

EDGE = Path(__file__).resolve().parents[1] / "fixtures" / "edge"


def rfs_rules(evaluate, c) -> list[str]:
    out = []
    for rule_id in ("SEC-NO-STATUS-PAX", "SEC-SCO-PAX", "SEC-NO-DESIGNATION", "SEC-METHODS"):
        out += [h.rule_id for h in evaluate(rule_id, c)]
    return out


def test_a_clean_spx_declaration_raises_no_security_rule(evaluate):
    assert rfs_rules(evaluate, records.consignment()) == []


@pytest.mark.parametrize("exemptions", [("MAIL",), ("DIPL", "BIOM")])
def test_an_exemption_never_secures_nsc_cargo_on_a_passenger_flight(evaluate, exemptions):
    sec = records.security("NSC", methods=(), exemptions=exemptions)
    (hit,) = evaluate("SEC-NO-STATUS-PAX", records.consignment(security=sec))
    assert hit.outcome is Outcome.RFS
    ev = {e.field: e for e in hit.evidence}
    assert ev["security.exemptions"].value == " ".join(exemptions)
    assert "does not secure" in ev["security.exemptions"].note


def test_an_unknown_exemption_is_evidence_and_secures_nothing(evaluate):
    sec = records.security("NSC", methods=(), unknown_exemptions=("XXXX",))
    (hit,) = evaluate("SEC-NO-STATUS-PAX", records.consignment(security=sec))
    assert any(e.field == "security.exemptions" and e.value == "XXXX" for e in hit.evidence)


def test_an_exemption_of_the_list_stands_in_for_screening_behind_spx_and_shr(evaluate):
    for status in ("SPX", "SHR"):
        sec = records.security(status, methods=(), exemptions=("MAIL",))
        assert evaluate("SEC-METHODS", records.consignment(security=sec)) == []


def test_an_exemption_does_not_back_sco(evaluate):
    sec = records.security("SCO", methods=(), exemptions=("MAIL",))
    c = records.consignment(security=sec, routing=(records.movement("LH8160"),))
    (hit,) = evaluate("SEC-METHODS", c)
    assert any("backs SPX or SHR only" in (e.note or "") for e in hit.evidence)


def test_an_unknown_exemption_backs_nothing_behind_spx(evaluate):
    sec = records.security("SPX", methods=(), unknown_exemptions=("XXXX",))
    (hit,) = evaluate("SEC-METHODS", records.consignment(security=sec))
    assert {e.field: e.value for e in hit.evidence}["security.unknown_exemptions"] == "XXXX"


def test_unknown_methods_never_count_toward_two(evaluate):
    sec = records.security("SHR", methods=("XRY",), unknown_screening_methods=("ZZZ",))
    (hit,) = evaluate("SEC-METHODS", records.consignment(security=sec))
    assert "1 valid screening method" in hit.detail
    assert {e.field: e.value for e in hit.evidence}["security.unknown_screening_methods"] == "ZZZ"
    two = records.security("SHR", methods=("XRY", "EDD"))
    assert evaluate("SEC-METHODS", records.consignment(security=two)) == []


def test_the_same_method_twice_is_one_method(evaluate):
    sec = records.security("SHR", methods=(), screening_methods=(ScreeningMethod("EDD", "EDD"),) * 2)
    assert len(evaluate("SEC-METHODS", records.consignment(security=sec))) == 1


def test_conflicting_statuses_are_judged_on_the_weakest_and_flagged(evaluate):
    sec = records.security("NSC", status_codes=("SPX", "NSC"))
    (hit,) = evaluate("SEC-NO-STATUS-PAX", records.consignment(security=sec))
    flagged = [e for e in hit.evidence if e.field == "security.status_codes"]
    assert flagged and flagged[0].value == "SPX NSC" and "weakest" in flagged[0].note


def test_a_consignment_is_judged_on_its_own_flights(evaluate):
    sco = records.security("SCO")
    on_freighter = records.consignment(security=sco, routing=(records.movement("LH8160"),))
    on_passenger = records.consignment(security=sco, routing=(records.movement("LH470"),))
    no_flight = records.consignment(security=sco, routing=())
    assert evaluate("SEC-SCO-PAX", on_freighter) == []
    assert [h.rule_id for h in evaluate("SEC-SCO-PAX", on_passenger)] == ["SEC-SCO-PAX"]
    (hit,) = evaluate("SEC-SCO-PAX", no_flight)
    assert "assumed passenger" in hit.evidence[1].value


# --- the same cases end to end, on edge fixtures -------------------------------------------------


@pytest.fixture(scope="module")
def assessor(test_policy) -> Assessor:
    return Assessor(test_policy)


@pytest.mark.parametrize(
    ("name", "outcome", "rules", "warnings"),
    [
        ("xfwb-nsc-with-mail-exemption.xml", Outcome.RFS, ["SEC-NO-STATUS-PAX"], []),
        ("xfwb-nsc-with-unknown-exemption.xml", Outcome.RFS, ["SEC-NO-STATUS-PAX"], ["UNKNOWN_EXEMPTION"]),
        ("xfwb-spx-unknown-exemption-no-method.xml", Outcome.RFS, ["SEC-METHODS"], ["UNKNOWN_EXEMPTION"]),
        ("xfwb-sco-mail-exemption-on-freighter.xml", Outcome.RFS, ["SEC-METHODS"], []),
        ("xfwb-exemption-mail.xml", Outcome.ASSESSMENT_COMPLETE, [], []),
        ("xfwb-shr-unknown-screening-method.xml", Outcome.RFS, ["SEC-METHODS"], ["UNKNOWN_SCREENING_METHOD"]),
        ("xfwb-shr-two-valid-methods.xml", Outcome.ASSESSMENT_COMPLETE, [], []),
        (
            "xfwb-conflicting-security-statuses.xml",
            Outcome.RFS,
            ["SEC-NO-STATUS-PAX"],
            ["SECURITY_STATUS_CONFLICT"],
        ),
        ("xfzb-house-own-freighter-flight.xml", Outcome.ASSESSMENT_COMPLETE, [], []),
    ],
)
def test_edge_fixture_decisions(assessor, name, outcome, rules, warnings):
    a = assessor.assess((EDGE / name).read_bytes())
    assert a.valid, a.reasons
    (d,) = a.decisions
    assert d.outcome is outcome, d.hits
    assert list(d.rule_ids) == rules
    assert [r.code for r in a.reasons if r.severity.value == "warning"] == warnings


def test_a_house_without_its_own_flight_is_assumed_on_a_passenger_aircraft(assessor):
    raw = (EDGE / "xfzb-house-own-freighter-flight.xml").read_text()
    start = raw.index("            <SpecifiedLogisticsTransportMovement>")
    end = raw.index("</SpecifiedLogisticsTransportMovement>") + len(
        "</SpecifiedLogisticsTransportMovement>\n"
    )
    (d,) = assessor.assess((raw[:start] + raw[end:]).encode()).decisions
    assert d.outcome is Outcome.RFS and d.rule_ids == ("SEC-SCO-PAX",)


def test_issued_by_and_accepted_by_are_kept_apart(assessor):
    a = assessor.assess((EDGE / "xfwb-ecsd-iss-on-every-line.xml").read_bytes())
    sec = a.filing.consignments[0].security
    assert (sec.issued_by, sec.issued_on_iso) == ("JOAO SILVA", "2026-11-20T11:30")
    assert (sec.accepted_by, sec.accepted_on_iso) == ("PETRA KRUEGER", "2026-11-21T09:15")
    assert sec.issuing_ra.id == "BR/RA/00412-03" and sec.issuing_ra.expiry == "1228"
    assert sec.accepting_ra.id == "DE/RA/00276-01" and sec.accepting_ra.expiry == "0629"
    assert [m.code for m in sec.screening_methods] == ["XRY"]
