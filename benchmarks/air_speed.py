"""End-to-end speed of the air command against python-aqi row by row, side by side; peak RSS.

    python benchmarks/air_speed.py [--pyaqi-rows N] [--no-4x]

Generates SYNTHETIC data (100 stations × 365 days = 876,000 station-hours; 200 and 400 stations
for the 2× and 4× memory check). In one run it times

* ``python -m luoshi.indicators.air FILE --json --daily-out D.csv`` in a fresh interpreter
  (start-up and imports included; best of 3 before and 3 after python-aqi, so both sides see
  the same machine load), and reports the child's peak RSS (``getrusage(RUSAGE_CHILDREN)``);
* python-aqi's ``aqi.to_aqi`` called once per station-hour with that row's six 1-hour values
  (``so2_1h, no2_1h, pm10, co_1h, o3_1h, pm25``, ``algo=ALGO_MEP``), as its API is meant to be
  used, the file streamed with :mod:`csv`. Two figures: end to end (reading and calls, like
  ours), and the time inside the ``to_aqi`` calls alone (a lower bound for any use of it).

The ratio printed first is end to end against end to end (what the issue asks); the one
against python-aqi's calls alone is printed beside it. ``luoshi indicators air`` runs the same code (luoshi.indicators.air.run) behind Typer;
its time is printed too when the lead's CLI registers it.
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
KEYS = (
    ("SO2", "so2_1h"),
    ("NO2", "no2_1h"),
    ("PM10", "pm10"),
    ("CO", "co_1h"),
    ("O3", "o3_1h"),
    ("PM2.5", "pm25"),
)


def lean(path: Path, daily: Path) -> list[str]:
    return [sys.executable, "-m", "luoshi.indicators.air", str(path), "--json", "--daily-out", str(daily)]  # fmt: skip


def cli(path: Path, daily: Path) -> list[str] | None:
    """``luoshi indicators air …`` through the lead's CLI, if it is registered."""
    probe = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "indicators", "air", "--help"], capture_output=True
    )
    if probe.returncode != 0:
        return None
    return [sys.executable, "-m", "luoshi.cli", "indicators", "air", str(path), "--json", "--daily-out", str(daily)]  # fmt: skip


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of ``cmd`` in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", RUN, *cmd], capture_output=True, text=True, check=True
    )
    rc, secs, rss = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return float(secs), int(rss) / 1024


def time_python_aqi(path: Path, limit: int | None) -> tuple[float, float, int]:
    """(seconds in the to_aqi calls, seconds end to end including reading the CSV, rows).

    The file is streamed with :mod:`csv` and each row's six values go to ``to_aqi`` as the
    strings read (python-aqi parses them with ``Decimal``), as a script using it would.
    """
    import aqi  # type: ignore[import-untyped]

    clock = time.perf_counter
    n = 0
    calls = 0.0
    t = clock()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pairs = [(k, row[c]) for c, k in KEYS if row[c]]
            c0 = clock()
            # above its tables python-aqi raises; the row was still processed
            with contextlib.suppress(Exception):
                aqi.to_aqi(pairs, algo=aqi.ALGO_MEP)
            calls += clock() - c0
            n += 1
            if limit and n >= limit:
                break
    return calls, clock() - t, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pyaqi-rows", type=int, default=0, help="time python-aqi on N rows and scale")
    ap.add_argument("--no-4x", action="store_true", help="skip the 4× memory check")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        sizes = [1, 2] if args.no_4x else [1, 2, 4]
        files = {
            k: write_hourly(generate_hourly(100 * k, "2025-01-01", 365, seed=k), d / f"h{k}x.csv")
            for k in sizes
        }
        one = files[1]
        cmd = lean(one, d / "daily.csv")
        print("command: python -m luoshi.indicators.air hourly_1x.csv --json --daily-out daily.csv")
        out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        print(
            f"input 1x: 876,000 station-hours, {one.stat().st_size / 1e6:.1f} MB (SYNTHETIC); "
            f"city PM2.5 {out['city']['PM2.5']}, good-day ratio {out['city']['good_days_ratio']}%"
        )
        before = [run(cmd) for _ in range(3)]
        py_calls, py_total, n = time_python_aqi(one, args.pyaqi_rows or None)
        after = [run(cmd) for _ in range(3)]
        runs = before + after
        secs = min(r[0] for r in runs)
        scale = 876_000 / n
        note = "" if n == 876_000 else f" (measured on {n} rows, scaled to 876,000)"
        print(
            f"luoshi end to end, fresh interpreter: best {secs:.3f} s, "
            f"median {sorted(r[0] for r in runs)[len(runs) // 2]:.3f} s (6 runs around python-aqi)"
        )
        print(f"python-aqi to_aqi row by row, end to end: {py_total * scale:.2f} s{note}")
        print(f"python-aqi time inside the to_aqi calls:  {py_calls * scale:.2f} s")
        print(f"ratio: {py_total * scale / secs:.1f}x faster end to end "
              f"({py_calls * scale / secs:.1f}x against the calls alone)")  # fmt: skip
        via_cli = cli(one, d / "daily_cli.csv")
        if via_cli:
            print(
                f"`luoshi indicators air` via luoshi.cli: {min(run(via_cli)[0] for _ in range(3)):.3f} s"
            )
        for k in sizes:
            s, rss = run(lean(files[k], d / f"daily{k}.csv"))
            print(f"input {k}x: {876_000 * k:,} station-hours: {s:.2f} s  peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
