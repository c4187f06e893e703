"""Shared test fixtures: paths of the real documents the tests read."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "000_782886cd0aa7e389.txt"
SEED_LAYOUT = FIXTURES / "seed_layout"
