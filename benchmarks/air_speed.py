"""End-to-end speed of ``luoshi indicators air`` against python-aqi row by row; peak RSS at 1×/2×.

    python benchmarks/air_speed.py [--pyaqi-rows N]   # default: all 876,000 station-hours

Generates SYNTHETIC data (100 stations × 365 days, and 200 stations for the 2× memory check),
runs the command in a fresh interpreter (import time included), and times python-aqi's
``to_aqi`` on the same station-hours (the six 1-hour values of each row) in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from luoshi.indicators.air.synthetic import generate_hourly, write_hourly

RUN = """
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.perf_counter() - t
print(r.returncode, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def command(path: Path, daily: Path) -> list[str]:
    try:  # the lead's CLI, once it registers `indicators air`
        from luoshi.cli import app  # noqa: F401

        probe = subprocess.run(
            [sys.executable, "-m", "luoshi.cli", "indicators", "air", "--help"], capture_output=True
        )
        if probe.returncode == 0:
            return [
                sys.executable,
                "-m",
                "luoshi.cli",
                "indicators",
                "air",
                str(path),
                "--json",
                "--daily-out",
                str(daily),
            ]
    except ImportError:
        pass
    return [
        sys.executable,
        "-m",
        "luoshi.indicators.air.command",
        str(path),
        "--json",
        "--daily-out",
        str(daily),
    ]


def run(cmd: list[str]) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, *cmd], capture_output=True, text=True, check=True
    )
    rc, secs, rss = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return float(secs), int(rss) / 1024


def time_python_aqi(path: Path, limit: int | None) -> tuple[float, int]:
    import aqi

    keys = [
        ("SO2", "so2_1h"),
        ("NO2", "no2_1h"),
        ("PM10", "pm10"),
        ("CO", "co_1h"),
        ("O3", "o3_1h"),
        ("PM2.5", "pm25"),
    ]
    n = 0
    t = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pairs = [(k, row[c]) for c, k in keys if row[c]]
            with contextlib.suppress(Exception):  # above its tables; the row was still processed
                aqi.to_aqi(pairs, algo=aqi.ALGO_MEP)
            n += 1
            if limit and n >= limit:
                break
    return time.perf_counter() - t, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pyaqi-rows", type=int, default=0, help="time python-aqi on N rows and scale")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        one = write_hourly(generate_hourly(100, "2025-01-01", 365, seed=1), d / "hourly_1x.csv")
        two = write_hourly(generate_hourly(200, "2025-01-01", 365, seed=2), d / "hourly_2x.csv")
        size = one.stat().st_size / 1e6
        cmd = command(one, d / "daily.csv")
        print("command:", " ".join(Path(c).name if c.startswith(tmp) else c for c in cmd))
        runs = [run(cmd) for _ in range(3)]
        secs = min(r[0] for r in runs)
        rss1 = max(r[1] for r in runs)
        out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        print(
            f"input 1x: 876,000 station-hours, {size:.1f} MB; city PM2.5 {out['city']['PM2.5']}, "
            f"good-day ratio {out['city']['good_days_ratio']}%"
        )
        print(
            f"luoshi end to end (best of 3, fresh interpreter): {secs:.2f} s  peak RSS {rss1:.0f} MB"
        )
        secs2, rss2 = run(command(two, d / "daily2.csv"))
        print(f"input 2x: 1,752,000 station-hours: {secs2:.2f} s  peak RSS {rss2:.0f} MB")
        py_secs, rows = time_python_aqi(one, args.pyaqi_rows or None)
        full = py_secs * 876_000 / rows
        note = "" if rows == 876_000 else f" (measured on {rows} rows, scaled to 876,000)"
        print(f"python-aqi to_aqi row by row: {full:.1f} s{note}")
        print(f"ratio: {full / secs:.1f}x faster")


if __name__ == "__main__":
    main()
