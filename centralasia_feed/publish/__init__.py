"""Publish: write an output folder so that no reader ever sees half a file.

A build pushes its files into a ``Publication`` and commits them together::

    with Publication("public") as folder:     # checked at once; a failed build removes what it made
        with folder.locked():                 # another build into the folder waits here
            folder.write("rss.xml", data)     # staged at once, in full, on disk (bytes or pieces)
            folder.remove("archive/rss-9.xml")
            changed = folder.commit(state)    # every file renamed into place, the state last

Every file is staged first, then renamed over the old one (``os.replace`` is atomic on POSIX), so a
full disk or a failed write leaves the folder as it was; a failed rename puts back the files renamed
before it. Files whose bytes did not change are left alone, so their modification time, and the
Last-Modified a server derives from it, stays put. A file may come in pieces as it is rendered:
each is compared with the old file's bytes as it comes, and the file is staged from the first
piece that differs, so a long feed is never whole in memory and an unchanged one is not written.

Everything a build keeps in the folder for itself is under one hidden name, never served nor
copied to a web host (``STATE_FOLDER``, see docs/deploy.md):

- ``lock``: held while a build writes, so builds into one folder take turns;
- ``state``: what the last build recorded for the next one (``BuildState``): removed before the
  first rename and written after the last, so a build killed between them leaves none;
- ``staging/``: the files of the build in progress, which the next build removes whole if a kill
  left them.

A folder written before this layout (``.publish.lock``, ``.build-manifest``, hidden ``.tmp`` files
of a killed build) is read as it is, tidied when locked, and its old files go with the first commit
(see ``_legacy``).
"""

from ._folder import Publication
from ._state import LOCK_NAME, STATE_FOLDER, STATE_NAME, BuildState, is_hidden

__all__ = [
    "LOCK_NAME",
    "STATE_FOLDER",
    "STATE_NAME",
    "BuildState",
    "Publication",
    "is_hidden",
]
