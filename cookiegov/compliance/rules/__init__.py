"""The built-in rules, one module per theme. Importing this package registers them all.

A new rule: a function decorated with ``@rule(...)`` in one of these modules (or a new module
imported here), a row in docs/governance.md, and unit tests in tests/compliance/.
"""

from cookiegov.compliance.rules import before_choice, requests, banner, refusal, lifetime, integrity  # noqa: F401, I001
