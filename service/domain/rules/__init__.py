"""The rule registry: every rule of rules.md, in the order findings are reported.

A later plan's rule set changes thresholds and texts (schemas/rulesets/), not this list;
a new rule is a function in the module of its stage and a line here.
"""
from service.domain.rules import (acceptance, across, authority, consent, consistency, eligibility, funding, handover, notice, plan,
                                  structure, votes)
from service.domain.rules.base import Context, History, Rule

RULES: tuple[Rule, ...] = (
    structure.RULES
    + authority.RULES
    + eligibility.RULES
    + notice.RULES[:1]  # DECL-DEADLINE
    + consent.RULES
    + votes.RULES
    + notice.RULES[1:]
    + plan.RULES
    + funding.RULES
    + acceptance.RULES
    + handover.RULES
    + consistency.RULES
    + across.RULES
)

__all__ = ["RULES", "Context", "History", "Rule"]
