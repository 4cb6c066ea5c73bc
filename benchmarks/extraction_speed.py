"""Extraction speed over the five seed plans: seconds per pass and throughput in MB/s.

Usage: python benchmarks/extraction_speed.py [--repeat N] [PATH ...]

Reading happens once, outside the timing: this measures normalization, gazette splitting and
the extractors (the pure part that would run over a corpus).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from luoshi.documents.readers import read_file
from luoshi.pipeline import extract_source

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    paths = args.paths or sorted(SEEDS.glob("0*.txt"))
    sources = [read_file(p) for p in paths]
    size = sum(len(s.text.encode("utf-8")) for s in sources)
    extract_source(sources[0])  # warm caches (dictionary, regexes, character maps)
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        counts = [0, 0, 0]
        for s in sources:
            for doc in extract_source(s):
                counts[0] += len(doc.tasks)
                counts[1] += len(doc.targets)
                counts[2] += len(doc.projects)
        timings.append(time.perf_counter() - t0)
    best, median = min(timings), statistics.median(timings)
    print(f"files: {len(sources)}, {size / 1e3:.0f} KB of UTF-8 text")
    print(f"extracted: {counts[0]} tasks, {counts[1]} targets, {counts[2]} projects")
    print(f"time per pass: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms ({args.repeat} passes)")
    print(f"throughput: {size / 1e6 / median:.2f} MB/s (median)")


if __name__ == "__main__":
    main()
