"""SYNTHETIC section samples for demos and benchmarks — not monitoring data.

Every section is named ``SYN-…`` so that generated numbers can never pass for a real section.
Concentrations are log-normal around a per-section pollution level, with a seasonal cycle
(nutrients and organics peak in the summer wet season; DO peaks in winter, when water is cold).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from luoshi.indicators.water.limits import ITEMS

# Typical class-III-ish medians (mg/L; faecal coliforms 个/L) that the pollution level scales.
_MEDIANS: dict[str, float] = {
    "CODMn": 4.0,
    "COD": 15.0,
    "BOD5": 2.5,
    "NH3-N": 0.4,
    "TP": 0.1,
    "TN": 1.5,
    "Cu": 0.003,
    "Zn": 0.01,
    "F": 0.4,
    "Se": 0.0004,
    "As": 0.001,
    "Hg": 0.00002,
    "Cd": 0.0001,
    "Cr6": 0.004,
    "Pb": 0.002,
    "CN": 0.002,
    "VolatilePhenol": 0.0006,
    "Petroleum": 0.02,
    "LAS": 0.04,
    "Sulfide": 0.01,
    "FecalColiform": 2000.0,
}


def synthetic_samples(
    n_sections: int = 12, year: int = 2024, seed: int = 0, lake_every: int = 4
) -> pl.DataFrame:
    """Twelve monthly samples per section; every ``lake_every``-th section is a lake."""
    rng = np.random.default_rng(seed)
    months = np.arange(1, 13)
    # 1 in summer (July), -1 in winter (January)
    season = -np.cos(2 * np.pi * (months - 1) / 12)
    names: list[str] = []
    types: list[str] = []
    dates: list[date] = []
    cols: dict[str, list[float]] = {item: [] for item in ITEMS}
    for s in range(n_sections):
        level = float(rng.lognormal(mean=-0.3, sigma=0.6))  # section-to-section variation
        kind = "lake" if lake_every and (s + 1) % lake_every == 0 else "river"
        for m, phase in zip(months, season, strict=True):
            names.append(f"SYN-{s + 1:03d}")
            types.append(kind)
            dates.append(date(year, int(m), 10))
            temp = 17 + 11 * phase
            # oxygen saturation falls with temperature; pollution depletes it further
            do = (14.6 - 0.39 * temp + 0.0077 * temp**2) * (1 - 0.12 * level) + rng.normal(0, 0.4)
            cols["DO"].append(round(max(do, 0.5), 2))
            cols["pH"].append(round(float(rng.normal(7.6, 0.3)), 2))
            for item, median in _MEDIANS.items():
                seasonal = 1 + 0.25 * phase if item not in ("Hg", "Cd", "Cr6", "Pb") else 1.0
                factor = level * (0.6 if kind == "lake" and item == "TP" else 1.0)
                value = median * factor * seasonal * float(rng.lognormal(0, 0.25))
                cols[item].append(float(f"{value:.4g}"))
    return pl.DataFrame(
        {"section": names, "waterbody_type": types, "date": dates, **{i: cols[i] for i in ITEMS}}
    )


def write_synthetic_csv(path: Path, **kwargs: int) -> Path:
    """Write :func:`synthetic_samples` in the command's input layout."""
    synthetic_samples(**kwargs).write_csv(path)
    return path
