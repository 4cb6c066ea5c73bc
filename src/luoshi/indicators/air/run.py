"""What ``luoshi indicators air`` does, without the CLI framework (shared by both entries).

``python -m luoshi.indicators.air FILE [--json] [--standard 2012|2026] [--daily-out D.csv]
[--record [--region 全市] [--database-url URL]]`` is the lean entry: argparse only, so start-up
imports just numpy, polars and the air modules (no Typer, SQLAlchemy or pydantic unless
``--record`` asks for the register).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from luoshi.indicators.air.pipeline import CITY, AirResult, evaluate_file
from luoshi.indicators.air.standards import Generation


def run(
    path: Path,
    standard: Generation | None,
    daily_out: Path | None,
    as_json: bool,
    record: bool = False,
    region: str = "全市",
    database_url: str | None = None,
    events: Path | None = None,
) -> str:
    """Evaluate ``path``; write the daily CSV; optionally record into the register; the output.

    ``events``: exception events CSV ``station,date,event[,pollutants]`` (HJ 663-2026).
    """
    result = evaluate_file(path, standard, events=events)
    if daily_out is not None:
        result.daily.write_csv(daily_out)
    out = result.as_json()
    if record:
        from luoshi.services.indicator_feed import record_air_file

        out["recorded"] = record_air_file(
            path, result, region=region, standard=standard, database_url=database_url
        ).as_dict()
    if as_json:
        return json.dumps(out, ensure_ascii=False)
    text = table(result)
    if record:
        text += "\n" + json.dumps(out["recorded"], ensure_ascii=False)
    return text


def table(r: AirResult) -> str:
    head = f"{'station':<14}{'PM2.5':>7}{'PM10':>6}{'SO2':>5}{'NO2':>5}{'CO95':>6}{'O3_90':>7}{'days':>6}{'good':>6}{'ratio%':>8}"
    def row(label: str, ev: dict[str, Any]) -> str:
        cells = [ev[k] for k in ("PM2.5", "PM10", "SO2", "NO2", "CO_P95", "O3_8H_P90")]
        return (
            f"{label:<14}{_s(cells[0]):>7}{_s(cells[1]):>6}{_s(cells[2]):>5}{_s(cells[3]):>5}"
            f"{_s(cells[4]):>6}{_s(cells[5]):>7}{ev['valid_days']:>6}{ev['good_days']:>6}"
            f"{_s(ev['good_days_ratio']):>8}"
        )

    lines = [head]
    lines += [row(name, ev) for name, ev in [*r.stations.items(), (CITY, r.city)]]
    lines += [row("CITY " + year, y["city"]) for year, y in (r.years or {}).items()]
    for year, m in (r.moving_average or {}).items():
        st = m["statistics"]
        cells = [st[k]["value"] for k in ("PM2.5", "PM10", "SO2", "NO2", "CO_P95", "O3_8H_P90")]
        span = f"{m['years'][0]}-{year}"
        verdict = {True: "meets", False: "exceeds", None: "unknown"}[m["meets_class2"]]
        lines.append(
            f"{'3y ' + span:<14}{_s(cells[0]):>7}{_s(cells[1]):>6}{_s(cells[2]):>5}"
            f"{_s(cells[3]):>5}{_s(cells[4]):>6}{_s(cells[5]):>7}  class 2 ({m['limits']}): "
            f"{verdict}"
        )
    if r.events is not None:
        e = r.events
        lines.append(
            f"exception events: {e['applied']} applied, {e['ignored_under_2012']['count']} "
            f"ignored (2012 rules), {e['unmatched']['count']} unmatched; see --json"
        )
    ex = r.exclusions.as_dict()
    lines.append(f"rows read {ex['rows_read']}, used {ex['rows_used']}; see --json for exclusions")
    return "\n".join(lines)


def _s(v: object) -> str:
    return "-" if v is None else str(v)


def main(argv: list[str] | None = None) -> int:
    """The lean entry point; LuoshiError becomes a one-line message and exit code 1."""
    from luoshi.errors import LuoshiError
    from luoshi.indicators.air.standards import parse_generation

    ap = argparse.ArgumentParser(
        prog="python -m luoshi.indicators.air",
        description="Air quality per HJ 633 / GB 3095 / HJ 663: daily AQI, annual statistics.",
    )
    ap.add_argument("path", type=Path, help="station-hour CSV or .xlsx")
    ap.add_argument("--standard", default=None, help="2012 or 2026 (default: by date)")
    ap.add_argument("--daily-out", type=Path, default=None, help="write the daily CSV here")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument(
        "--events",
        type=Path,
        default=None,
        help="exception events CSV station,date,event[,pollutants] (HJ 663-2026)",
    )
    ap.add_argument("--record", action="store_true", help="record into the register")
    ap.add_argument("--region", default="全市", help="region of the recorded values")
    ap.add_argument("--database-url", default=None, help="register database (default: env)")
    args = ap.parse_args(argv)
    try:
        gen = parse_generation(args.standard)
    except ValueError as exc:
        ap.error(f"--standard: {exc}")
    try:
        out = run(
            args.path,
            gen,
            args.daily_out,
            args.json,
            args.record,
            args.region,
            args.database_url,
            events=args.events,
        )
    except LuoshiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(out + "\n")
    return 0
