"""cookiegov: cookie consent and tracking governance.

The library is the product; the ``cookiegov`` command is a thin layer over it.
"""

from cookiegov.models import Category, Classification, ObservedCookie

__all__ = ["Category", "Classification", "ObservedCookie", "__version__"]
__version__ = "0.1.0"
