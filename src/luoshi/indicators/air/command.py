"""``luoshi indicators air``: station-hour file -> daily AQI and HJ 663 annual evaluation.

Run standalone as ``python -m luoshi.indicators.air.command FILE [--json] ...``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from luoshi.indicators.air.pipeline import CITY, AirResult, evaluate_file
from luoshi.indicators.air.standards import parse_generation


def air_command(
    path: Annotated[
        Path,
        typer.Argument(help="Station-hour CSV or .xlsx: station,time,SO2,NO2,PM10,CO,O3,PM2.5"),
    ],
    standard: Annotated[
        str | None,
        typer.Option(
            "--standard", help="2012 or 2026 (default: the generation in force on each date)."
        ),
    ] = None,
    daily_out: Annotated[
        Path | None,
        typer.Option("--daily-out", help="Write one row per station-day and city-day here."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object to stdout.")
    ] = False,
) -> None:
    """Air quality per HJ 633 / GB 3095 / HJ 663: daily AQI, annual statistics, 优良天数比例."""
    try:
        gen = parse_generation(standard)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--standard") from exc
    result = evaluate_file(path, gen)
    if daily_out is not None:
        result.daily.write_csv(daily_out)
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        typer.echo(_table(result))


def _table(r: AirResult) -> str:
    head = f"{'station':<14}{'PM2.5':>7}{'PM10':>6}{'SO2':>5}{'NO2':>5}{'CO95':>6}{'O3_90':>7}{'days':>6}{'good':>6}{'ratio%':>8}"
    lines = [head]
    for name, ev in [*r.stations.items(), (CITY, r.city)]:
        cells = [ev[k] for k in ("PM2.5", "PM10", "SO2", "NO2", "CO_P95", "O3_8H_P90")]
        lines.append(
            f"{name:<14}{_s(cells[0]):>7}{_s(cells[1]):>6}{_s(cells[2]):>5}{_s(cells[3]):>5}"
            f"{_s(cells[4]):>6}{_s(cells[5]):>7}{ev['valid_days']:>6}{ev['good_days']:>6}"
            f"{_s(ev['good_days_ratio']):>8}"
        )
    ex = r.exclusions.as_dict()
    lines.append(f"rows read {ex['rows_read']}, used {ex['rows_used']}; see --json for exclusions")
    return "\n".join(lines)


def _s(v: object) -> str:
    return "-" if v is None else str(v)


def main() -> None:
    """Standalone entry point: LuoshiError becomes a one-line message and exit code 1."""
    from luoshi.errors import LuoshiError

    app = typer.Typer(add_completion=False)
    app.command()(air_command)
    try:
        app(standalone_mode=False)
    except LuoshiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from exc
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from exc
    except Exception as exc:  # click usage errors in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from exc
        raise


if __name__ == "__main__":
    main()
