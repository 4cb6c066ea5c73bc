"""Extraction quality on the SECOND held-out set (tests/heldout2), against its gold.

    python benchmarks/heldout2_quality.py                 # table of P / R / F1 per file and overall
    python benchmarks/heldout2_quality.py --json          # the same figures as JSON
    python benchmarks/heldout2_quality.py --show-errors   # plus false negatives / positives
    python benchmarks/heldout2_quality.py --prediction out.json   # score a saved
                                                          # `luoshi extract --json` object
    python benchmarks/heldout2_quality.py --check-gold    # only check that the gold quotes occur

tests/heldout (the first held-out set) has been used for tuning; this second set was written by
an examiner who did not read the extractor, and it must NOT be tuned on. Its five documents:

* a_nanjing_water.txt            PDF text (wrapped lines, "- N -" page markers, running header):
                                 南京 水污染防治/河湖长制 annual plan; （责任单位：…，各区政府）,
                                 （…按职责分工负责）, 牵头/配合, （1）/① sub-items, 三、职责分工 duties.
* b_wuxi_noise_docx.txt          DOCX-like export: 无锡 噪声污染防治行动计划, unattributed prose and a
                                 tab-separated 分工表 (序号/重点任务/牵头单位/配合单位/完成时限).
* c_ningbo_wufei.html            HTML page: 宁波 “无废城市” 实施方案, "牵头单位：…；配合单位：…" and a
                                 project <table> with 总投资（亿元）.
* d_qingdao_traditional.txt      traditional characters (繁體 site mode): 青岛市生态环境局 年度工作要点,
                                 牵头处室/配合处室 attributions on （一） items.
* e_zhouzhi_carbon_gb18030.txt   GB18030-encoded PDF text: 周至县 (county) 碳达峰实施方案 with
                                 县-level departments and ≈/decrease_by/delegated targets.

Gold format and conventions: tests/gold/README.md (canonical names from departments.csv where the
name resolves, otherwise as printed; simplified characters in the gold; quotes as printed).
Matching and counting: benchmarks/scoring.py; loading, rendering and the evaluation loop are those
of benchmarks/extraction_quality.py (and load_heldout_gold of benchmarks/heldout_quality.py).
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    from benchmarks import extraction_quality as eq
    from benchmarks import heldout_quality as hq
except ImportError:  # run as a script: benchmarks/ itself is sys.path[0]
    import extraction_quality as eq  # type: ignore[no-redef,import-not-found,unused-ignore]
    import heldout_quality as hq  # type: ignore[no-redef,import-not-found,unused-ignore]

DEFAULT_HELDOUT2 = eq.ROOT / "tests" / "heldout2"


def _document_text(path: Path) -> str:
    """The document as flat text (UTF-8 or GB18030; HTML tags dropped; whitespace removed)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    if path.suffix.lower() in {".html", ".htm"}:
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"\s+", "", text)
    return re.sub(r"-\d+-", "", text)  # page markers "- 5 -"


def check_gold(heldout_dir: Path, gold_files: Sequence[Mapping[str, Any]]) -> list[str]:
    """Quotes that do not occur in their document (running headers may split a quote: reported)."""
    problems: list[str] = []
    for gold in gold_files:
        source = str(gold["source"])
        text = _document_text(heldout_dir / source)
        for doc in gold.get("documents") or []:
            for kind in ("tasks", "targets"):
                for item in doc.get(kind) or []:
                    quote = re.sub(r"\s+", "", str(item.get("quote") or ""))
                    if quote and quote not in text:
                        problems.append(f"{source}: {kind} quote not found: {quote}")
            for task in doc.get("tasks") or []:
                if not set(task.get("lead") or []) <= set(task.get("responsible") or []):
                    problems.append(f"{source}: lead not in responsible: {task.get('quote')}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--heldout-dir",
        type=Path,
        default=DEFAULT_HELDOUT2,
        help="folder holding the documents and their *.gold.json files",
    )
    eq.add_common_options(parser)
    parser.add_argument(
        "--check-gold", action="store_true", help="only check the gold files against the texts"
    )
    args = parser.parse_args(argv)

    gold_files = hq.load_heldout_gold(args.heldout_dir)
    if args.check_gold:
        problems = check_gold(args.heldout_dir, gold_files)
        for line in problems:
            print(line)
        print(f"{len(gold_files)} gold files, {len(problems)} problem(s)")
        return 1 if problems else 0

    return hq.run(args, gold_files)

if __name__ == "__main__":
    raise SystemExit(main())
