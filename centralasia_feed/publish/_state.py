"""The build's own state in the output folder: what one build records for the next.

Everything a build keeps in the folder for itself is under one hidden name, ``STATE_FOLDER``: the
lock, the state file and the staging folder (see ``_folder``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from . import _legacy

STATE_FOLDER = ".centralasia-feed"  # the build's own state: the one hidden name a build makes
LOCK_NAME = f"{STATE_FOLDER}/lock"  # a hidden file every build leaves: never to be served
STATE_NAME = f"{STATE_FOLDER}/state"
STAGING_NAME = f"{STATE_FOLDER}/staging"


def is_hidden(name: str) -> bool:
    """Whether a name is hidden (the build's state, any dot file): never served."""
    return any(part.startswith(".") for part in PurePosixPath(name).parts)


@dataclass(frozen=True)
class BuildState:
    """What a build records in the folder for the next one; publish keeps it, the pipeline reads it.

    ``revision``: the archive revision whose entries the folder shows (``Archive.revision_id``);
    ``salt``: the program and config that rendered them; ``page_size``: articles per archive page;
    ``shown``: how many articles the feeds and archive pages show together; ``sample``: whether they
    are the bundled sample alone.
    """

    revision: str
    salt: str
    page_size: int
    shown: int
    sample: bool = False

    FORMAT = 1  # a state of another format is no state: the next build renders everything

    def encode(self) -> bytes:
        return (json.dumps({"format": self.FORMAT, **asdict(self)}, sort_keys=True) + "\n").encode()

    @classmethod
    def decode(cls, data: bytes) -> BuildState | None:
        try:
            fields = json.loads(data)
            if fields.pop("format") != cls.FORMAT:
                return None
            state = cls(**fields)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not (isinstance(state.revision, str) and isinstance(state.salt, str)):
            return None
        numbers = (state.page_size, state.shown)
        if not all(type(number) is int for number in numbers) or state.page_size < 1 or state.shown < 0:
            return None
        return state if isinstance(state.sample, bool) else None


def read_state(root: Path) -> BuildState | None:
    """What the last build into ``root`` recorded; None when nothing did, or a killed build took it
    away. A folder of the layout before says what its manifest says (see ``_legacy``)."""
    try:
        data = (root / STATE_NAME).read_bytes()
    except OSError:
        manifest = _legacy.manifest(root)
        return None if manifest is None else BuildState("", "", *manifest)  # names no revision
    return BuildState.decode(data)
