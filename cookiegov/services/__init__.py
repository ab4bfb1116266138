"""The service layer: every workflow of cookiegov, assembled in one place.

The command line, ``cookiegov demo``, the scheduler, the Celery task, the dashboard (through
the callables its app factory receives) and the tests call these functions; nothing else puts
the scanner, the classifier and storage together.

- :mod:`cookiegov.services.scanning`: scan a site (classified, stored), scan it in several
  consent states, the scan function a schedule runs.
- :mod:`cookiegov.services.queue`: the same scan sent to Celery workers.
- :mod:`cookiegov.services.governance`: compliance check, opt-out report, declaration, known
  sites, and the callables handed to the Flask app.

The package itself imports nothing, so that importing the governance services does not load
the browser automation.
"""
