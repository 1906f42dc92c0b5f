"""Audit a served site from outside, as a feed reader finds it: ``centralasia-feed check URL``.

It reads HTTP and nothing else, and takes nothing from the build but the name of its lock file and
the media types of its files, so it judges whatever serves a copy of the folder (``serve``, nginx,
a CDN) by what arrives. It finds the feeds from the landing page's autodiscovery links and checks
what readers rely on: media types, self links, validators and 304s, gzip, CORS, and each feed's own
fields, ids and dates. This is the one place that reads the clock for a verdict (no item dated in
the future): an audit is no output.

Each request must be answered in full within the timeout, however slowly its bytes drip; a server
that cannot be reached or does not answer stops the audit with one ``AuditError``.
"""

from __future__ import annotations

from ._audit import CHECKS, TIMEOUT, Audit, Finding, audit

__all__ = ["CHECKS", "TIMEOUT", "Audit", "Finding", "audit"]
