"""Compliance checks over scans of one site in the none, reject, gpc and accept states.

Each rule is a function registered with :func:`rule` (``registry.py``), grouped by theme in
``rules/``; :func:`check` runs them all against a :class:`CheckContext` built from the settings.
Each finding names its rule, severity, evidence (cookie or request, setter, page, state, banner
screenshot) and the text it rests on; docs/governance.md explains every rule.
"""

from cookiegov.compliance.check import check
from cookiegov.compliance.context import MAX_LIFETIME, CheckContext
from cookiegov.compliance.findings import ComplianceReport, Finding
from cookiegov.compliance.registry import RULES, Rule, Severity, rule
from cookiegov.compliance.rules.before_choice import TRACKING
from cookiegov.compliance.rules.requests import tracker_hosts

#: The old name of :class:`ComplianceReport` (it clashed with the ``report`` module).
Report = ComplianceReport

__all__ = [
    "MAX_LIFETIME",
    "RULES",
    "TRACKING",
    "CheckContext",
    "ComplianceReport",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "check",
    "rule",
    "tracker_hosts",
]
