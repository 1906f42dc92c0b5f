"""The package version, in one place (pyproject reads it too)."""

__version__ = "0.1.0"
GENERATOR = "centralasia_feed"  # the name every document gives as its generator, with the version
