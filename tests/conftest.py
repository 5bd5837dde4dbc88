"""Shared fixtures: the project's paths, the test and default policies built once per session, and
`evaluate`, which runs one rule of a policy on a record made with acid_processor.testing.records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from acid_processor.assessment.policy import DEFAULT_POLICY_DIR, Policy
from acid_processor.assessment.rules import Context, Rule, build_rules
from acid_processor.model import Consignment, Filing, RuleHit
from acid_processor.testing import records

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
TEST_POLICY_DIR = FIXTURES / "policy-test"


@pytest.fixture(scope="session")
def test_policy() -> Policy:
    """fixtures/policy-test: the test rule set with small lists (every rule of the default set)."""
    return Policy.load(TEST_POLICY_DIR)


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    """The policy shipped in the package."""
    return Policy.load(DEFAULT_POLICY_DIR)


Evaluate = Callable[..., list[RuleHit]]


@pytest.fixture(scope="session")
def evaluate(test_policy: Policy) -> Evaluate:
    """evaluate(rule_id, consignment=None, filing=None, policy=None) -> the rule's hits.

    The consignment defaults to records.consignment(); the filing to one holding that consignment."""
    built: dict[int, dict[str, Rule]] = {}

    def run(
        rule_id: str,
        c: Consignment | None = None,
        filing: Filing | None = None,
        policy: Policy | None = None,
        *,
        test_mode: bool = False,
    ) -> list[RuleHit]:
        policy = policy or test_policy
        rules = built.setdefault(id(policy), {r.spec.id: r for r in build_rules(policy)})
        c = c or records.consignment()
        filing = filing or records.filing(c)
        ctx = Context(filing=filing, reasons=(), issue_date=None, test_mode=test_mode)
        return rules[rule_id].evaluate(c, ctx)

    return run
