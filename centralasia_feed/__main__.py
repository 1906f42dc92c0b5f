"""``python -m centralasia_feed``: the same as the ``centralasia-feed`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
