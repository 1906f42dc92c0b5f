"""One exception tree, so a caller can catch everything this library raises with one clause.

    CentralAsiaFeedError
    ├── DumpError (ValueError)      a dump that cannot be used: .source, .line
    ├── ConfigError (ValueError)    a FeedConfig or option value that cannot work: .field
    ├── ArchiveError                the SQLite archive cannot be opened, read or written: .path
    ├── RenderError (ValueError)    a value the feed formats cannot carry: .field
    ├── PublishError (OSError)      the output folder cannot be written: .path
    │   └── FewerArticlesError      a build would publish fewer articles than the folder shows
    ├── ServeError (OSError)        serve cannot listen on its address: .address
    └── AuditError (OSError)        a site under audit does not answer, or not within the timeout

Foreign errors (sqlite3, feedgen's bare ValueError, OSError) are wrapped where they cross into
this package and chained with ``raise ... from``.
"""

from __future__ import annotations


class CentralAsiaFeedError(Exception):
    """The root of every error this package raises on purpose."""


class DumpError(CentralAsiaFeedError, ValueError):
    """A dump that cannot be parsed at all, or a problem met in strict mode."""

    def __init__(self, message: str, *, source: str = "<dump>", line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class _OfField(CentralAsiaFeedError, ValueError):
    """A value that cannot work: ``field`` names it (empty when nothing does), ``message`` says why."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConfigError(_OfField):
    """A configuration value that cannot work (a relative URL, an unknown time zone...).

    ``field`` names the setting (a FeedConfig field such as ``feed_url``) when there is one, and
    ``message`` then says what is wrong with it, worded to follow its name: a caller can name the
    setting its own way (the CLI says ``--feed-url``) without taking the text apart.
    """

    def __str__(self) -> str:
        return f"{self.field} {self.message}" if self.field else self.message


class _AtPath(CentralAsiaFeedError):
    """An error about one file or folder, which ``path`` names (empty when there is none)."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ArchiveError(_AtPath):
    """The archive file is not an archive, is damaged, or cannot be written."""


class RenderError(_OfField):
    """A value that no feed format can carry; names our field, not feedgen's.

    ``field`` names what could not be rendered, in our words (``FeedConfig.title``, ``the RSS
    feed``, ``the title of article 'x'``), and ``message`` why: ``cannot render <field>: <why>``.
    """

    def __str__(self) -> str:
        return f"cannot render {self.field}: {self.message}" if self.field else self.message


class PublishError(_AtPath, OSError):
    """The output folder or one of its files cannot be written."""


class FewerArticlesError(PublishError):
    """A build that would publish fewer articles than its output folder shows (a mistyped archive
    path, no archive, a cron job run from another directory), refused before publishing.

    ``shown`` and ``publishing`` say how many; ``message`` says why. ``option`` names the way
    to publish them anyway, which a caller may word its own way (the CLI says ``--allow-fewer``).
    """

    def __init__(
        self, message: str, *, path: str, shown: int, publishing: int, option: str = "allow_fewer=True"
    ) -> None:
        super().__init__(message, path=path)
        self.shown = shown
        self.publishing = publishing
        self.option = option

    def __str__(self) -> str:
        return (
            f"{super().__str__()}; build with the archive it was built from, or pass {self.option} "
            f"to publish {self.publishing:,}"
        )


class ServeError(CentralAsiaFeedError, OSError):
    """``serve`` cannot listen on its address (in use, not this machine's, a port it may not take):
    ``address`` is the ``host:port`` it was given, ``message`` the system's reason."""

    def __init__(self, message: str, *, address: str) -> None:
        super().__init__(message)
        self.message = message
        self.address = address

    def __str__(self) -> str:
        return f"cannot listen on {self.address}: {self.message}"


class AuditError(CentralAsiaFeedError, OSError):
    """A site under audit (``centralasia-feed check``) that cannot be reached, or does not answer in
    full within the timeout; the message names the address."""
