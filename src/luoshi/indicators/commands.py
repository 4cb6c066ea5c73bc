"""``luoshi indicators …``: compute indicators to national standards from monitoring data."""

from __future__ import annotations

import typer

from luoshi.indicators.air.command import air_command
from luoshi.indicators.water.command import water_command

indicators_app = typer.Typer(
    help="Compute indicators from monitoring data to national standards (HJ 633, HJ 663, GB 3838 …).",
    no_args_is_help=True,
)
indicators_app.command("air")(air_command)
indicators_app.command("water")(water_command)
