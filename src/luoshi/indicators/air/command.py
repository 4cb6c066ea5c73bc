"""``luoshi indicators air``: station-hour file -> daily AQI and HJ 633 annual evaluation.

The work is in :mod:`luoshi.indicators.air.run`, shared with the lean entry
``python -m luoshi.indicators.air`` (argparse, no Typer); ``python -m
luoshi.indicators.air.command`` still runs this Typer version standalone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record the city's annual PM2.5 and 优良天数比率 as observations of the "
            "matching targets in the register (LUOSHI_DATABASE_URL).",
        ),
    ] = False,
    region: Annotated[
        str, typer.Option("--region", help="Region the recorded values describe.")
    ] = "全市",
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="Exception events (HJ 663-2026) CSV: station,date,event[,pollutants]; "
            "station may be CITY.",
        ),
    ] = None,
) -> None:
    """Air quality per HJ 633 / GB 3095 / HJ 663: daily AQI, annual statistics, 优良天数比例."""
    from luoshi.indicators.air.run import run  # numpy and polars load only when computing

    try:
        gen = parse_generation(standard)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--standard") from exc
    typer.echo(run(path, gen, daily_out, as_json, record=record, region=region, events=events))


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
