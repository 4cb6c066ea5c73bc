"""Extraction quality on the five seed documents, against the hand-made gold in tests/gold.

    python benchmarks/extraction_quality.py                 # table of P / R / F1
    python benchmarks/extraction_quality.py --json          # the same figures as JSON
    python benchmarks/extraction_quality.py --show-errors   # plus false negatives / positives
    python benchmarks/extraction_quality.py --prediction out.json   # score a saved
                                                            # `luoshi extract --json` object

Without --prediction, each seed is extracted with ``luoshi.pipeline.extract_json``.
The matching rules live in benchmarks/scoring.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    from benchmarks import scoring
except ImportError:  # run as a script: benchmarks/ itself is sys.path[0]
    import scoring  # type: ignore[no-redef,import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "tests" / "gold"
DEFAULT_SEEDS = ROOT / "data" / "seeds"
DEFAULT_DEPARTMENTS = ROOT / "src" / "luoshi" / "extraction" / "data" / "departments.csv"

Extractor = Callable[[list[Path]], Mapping[str, Any]]


def load_extractor() -> Extractor:
    """``luoshi.pipeline.extract_json``, imported only when needed (src/ added if not installed)."""
    if importlib.util.find_spec("luoshi") is None:
        sys.path.insert(0, str(ROOT / "src"))
    from luoshi.pipeline import extract_json

    def run(paths: list[Path]) -> Mapping[str, Any]:
        output: Mapping[str, Any] = extract_json(paths)
        return output

    return run


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise SystemExit(f"no gold files in {gold_dir}")
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def evaluate(
    gold_files: Sequence[Mapping[str, Any]],
    predictions: Callable[[str], Sequence[Mapping[str, Any]]],
    aliases: Mapping[str, str] | None,
) -> dict[str, dict[str, scoring.Counts]]:
    """Per seed (source file name) and "overall": metric -> Counts."""
    per_seed: dict[str, dict[str, scoring.Counts]] = {}
    for gold in gold_files:
        source = str(gold["source"])
        per_seed[source] = scoring.score_seed(gold, predictions(source), aliases)
    per_seed["overall"] = scoring.merge_counts(per_seed.values())
    return per_seed


def _seed_label(source: str) -> str:
    return source.split("_", 1)[0] if source != "overall" else "overall"


def render_table(results: Mapping[str, Mapping[str, scoring.Counts]]) -> str:
    lines: list[str] = []
    header = (
        f"{'metric':<17} {'seed':<8} {'tp':>5} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for metric in scoring.METRICS:
        for source, counts_by_metric in results.items():
            c = counts_by_metric[metric]
            lines.append(
                f"{metric:<17} {_seed_label(source):<8} {c.tp:>5} {c.gold:>5} {c.pred:>5} "
                f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_errors(results: Mapping[str, Mapping[str, scoring.Counts]]) -> str:
    lines: list[str] = []
    for source, counts_by_metric in results.items():
        if source == "overall":
            continue
        for metric in scoring.METRICS:
            c = counts_by_metric[metric]
            if not c.false_negatives and not c.false_positives:
                continue
            lines.append(f"== {source} / {metric}")
            lines.extend(f"  FN {line}" for line in c.false_negatives)
            lines.extend(f"  FP {line}" for line in c.false_positives)
    return "\n".join(lines) + ("\n" if lines else "")


def to_json(
    results: Mapping[str, Mapping[str, scoring.Counts]], with_errors: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for source, counts_by_metric in results.items():
        seed: dict[str, Any] = {}
        for metric, c in counts_by_metric.items():
            entry = c.as_dict()
            if with_errors:
                entry["false_negatives"] = c.false_negatives
                entry["false_positives"] = c.false_positives
            seed[metric] = entry
        out[source] = seed
    return out


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """The options every quality benchmark takes (also used by heldout*_quality.py)."""
    parser.add_argument(
        "--departments",
        type=Path,
        default=DEFAULT_DEPARTMENTS,
        help="departments.csv used to map aliases on both sides (if it exists)",
    )
    parser.add_argument(
        "--prediction",
        type=Path,
        help="a saved `luoshi extract --json` object instead of running the extractor",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--show-errors", action="store_true", help="list false negatives / positives"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS)
    add_common_options(parser)
    args = parser.parse_args(argv)

    gold_files = load_gold(args.gold_dir)
    aliases = (
        scoring.load_department_aliases(args.departments) if args.departments.exists() else None
    )

    if args.prediction is not None:
        saved: dict[str, Any] = json.loads(args.prediction.read_text(encoding="utf-8"))

        def predictions(source: str) -> Sequence[Mapping[str, Any]]:
            return scoring.documents_for_source(saved, source)

    else:
        extract = load_extractor()

        def predictions(source: str) -> Sequence[Mapping[str, Any]]:
            path = args.seeds_dir / source
            output = extract([path])
            return list(output.get("documents") or [])

    results = evaluate(gold_files, predictions, aliases)
    if args.json:
        print(json.dumps(to_json(results, args.show_errors), ensure_ascii=False, indent=2))
    else:
        print(render_table(results), end="")
        if args.show_errors:
            print()
            print(render_errors(results), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
