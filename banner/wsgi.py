"""WSGI entry point for production servers: ``gunicorn 'banner.wsgi:app'``.

Settings come from ``cookiegov.toml`` in the working directory and ``COOKIEGOV_*`` variables.
"""

from banner.app import create_app
from cookiegov.settings import load_settings

app = create_app(load_settings())
