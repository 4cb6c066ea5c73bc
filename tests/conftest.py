from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "seeds"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("0*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" … "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))
