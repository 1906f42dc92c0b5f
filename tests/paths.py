"""Where the tests' files are: the checkout, the bundled seed, the test data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_caa332ea3062df9c.txt"
DATA = Path(__file__).resolve().parent / "data"
