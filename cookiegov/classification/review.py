"""The review flag: below this confidence a category is a guess a person should confirm.

Until confirmed (by a site override), such a cookie is treated as non-necessary: the banner
clears it unless every category is granted, and a check warns when one the classifier takes
as necessary is set before any choice.
"""

from __future__ import annotations

DEFAULT_REVIEW_THRESHOLD = 0.5  # the ``review_threshold`` setting's default
