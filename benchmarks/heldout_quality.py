"""Extraction quality on the held-out plans of other cities (tests/heldout), against their gold.

    python benchmarks/heldout_quality.py                 # table of P / R / F1 per file and overall
    python benchmarks/heldout_quality.py --json          # the same figures as JSON
    python benchmarks/heldout_quality.py --show-errors   # plus false negatives / positives
    python benchmarks/heldout_quality.py --prediction out.json   # score a saved
                                                         # `luoshi extract --json` object

The held-out set imitates plans nobody tuned for: a PDF-style text with wrapped lines, page
markers and a running header (a_), an HTML page with a task table (b_), a page in traditional
characters (c_) and a GB18030 text whose tables were flattened by a PDF converter (d_).
Each document sits next to its gold file ``<name>.gold.json`` (same format as tests/gold, with
``source`` naming the document file). Matching and counting: benchmarks/scoring.py; loading,
rendering and the evaluation loop are those of benchmarks/extraction_quality.py.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    from benchmarks import extraction_quality as eq
    from benchmarks import scoring
except ImportError:  # run as a script: benchmarks/ itself is sys.path[0]
    import extraction_quality as eq  # type: ignore[no-redef,import-not-found,unused-ignore]
    import scoring  # type: ignore[no-redef,import-not-found,unused-ignore]

DEFAULT_HELDOUT = eq.ROOT / "tests" / "heldout"


def load_heldout_gold(heldout_dir: Path) -> list[dict[str, Any]]:
    files = sorted(heldout_dir.glob("*.gold.json"))
    if not files:
        raise SystemExit(f"no *.gold.json files in {heldout_dir}")
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--heldout-dir",
        type=Path,
        default=DEFAULT_HELDOUT,
        help="folder holding the documents and their *.gold.json files",
    )
    eq.add_common_options(parser)
    args = parser.parse_args(argv)

    return run(args)


def run(args: argparse.Namespace, gold_files: list[Any] | None = None) -> int:
    """Score the folder named by ``args`` (shared with heldout2_quality.py)."""
    gold_files = gold_files if gold_files is not None else load_heldout_gold(args.heldout_dir)
    aliases = (
        scoring.load_department_aliases(args.departments) if args.departments.exists() else None
    )
    timings: dict[str, float] = {}

    if args.prediction is not None:
        saved: dict[str, Any] = json.loads(args.prediction.read_text(encoding="utf-8"))

        def predictions(source: str) -> Sequence[Mapping[str, Any]]:
            return scoring.documents_for_source(saved, source)

    else:
        extract = eq.load_extractor()

        def predictions(source: str) -> Sequence[Mapping[str, Any]]:
            path = args.heldout_dir / source
            start = time.perf_counter()
            output = extract([path])
            timings[source] = time.perf_counter() - start
            return list(output.get("documents") or [])

    results = eq.evaluate(gold_files, predictions, aliases)
    if args.json:
        out = eq.to_json(results, args.show_errors)
        if timings:
            out["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(eq.render_table(results), end="")
    if timings:
        print()
        for source, seconds in timings.items():
            print(f"extraction time {source:<34} {seconds:7.3f} s")
        print(f"extraction time {'total':<34} {sum(timings.values()):7.3f} s")
    if args.show_errors:
        print()
        print(eq.render_errors(results), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
