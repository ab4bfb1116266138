"""The consent banner and preference endpoint (a Flask app)."""

from banner.app import create_app

__all__ = ["create_app"]
