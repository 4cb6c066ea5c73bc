"""``luoshi indicators water SAMPLES.csv [--json]``: annual section classes and shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # the computing modules load with numpy and polars only when used
    from luoshi.indicators.water.evaluate import Evaluation
    from luoshi.indicators.water.samples import ReadReport


def water_command(
    path: Annotated[
        Path,
        typer.Argument(help="Section samples: CSV or .xlsx (section,waterbody_type,date,items…)."),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object to stdout.")
    ] = False,
    year: Annotated[
        int | None, typer.Option("--year", help="Evaluate only the samples of this calendar year.")
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record share_I_III as observations of the matching 优Ⅲ比例 targets in the "
            "register (LUOSHI_DATABASE_URL); needs --scope.",
        ),
    ] = False,
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope", help="The sections in the file: 国考, 省考 or 国省考 (with --record)."
        ),
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="Region the recorded values describe.")
    ] = "全市",
) -> None:
    """Classify surface-water sections (GB 3838-2002, 2011 evaluation method) from annual means."""
    if record and scope is None:
        raise typer.BadParameter("--record needs --scope 国考|省考|国省考", param_hint="--scope")
    result = evaluate_file(path, year=year)
    if record and scope is not None:
        from luoshi.services.indicator_feed import record_water_file

        result["recorded"] = record_water_file(
            path, result, scope=scope, year=year, region=region
        ).as_dict()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if "recorded" in result:
        typer.echo(json.dumps(result["recorded"], ensure_ascii=False))
    typer.echo(f"{'section':<24} {'type':<6} {'n':>3} class  limiting items (超标倍数)")
    for name, sec in result["sections"].items():
        limiting = ", ".join(
            f"{i}({m})" if m is not None else i
            for i, m in zip(sec["limiting_items"], sec["exceedance"].values(), strict=True)
        )
        typer.echo(
            f"{name:<24} {sec['waterbody_type']:<6} {sec['samples']:>3} "
            f"{sec['class'] or '-':<6} {limiting}"
        )
    typer.echo(
        f"share I–III: {_pct(result['share_I_III'])}   worse than V: {_pct(result['share_worse_than_V'])}"
    )
    cells = result["exclusions"]["cells"]["excluded_cells"]
    for reason, info in cells.items():
        typer.echo(f"excluded: {info['count']} cell(s), {reason} (e.g. {info['first'][0]})")


def evaluate_file(path: Path, year: int | None = None) -> dict[str, Any]:
    """Read, validate and evaluate a sample file; the JSON-ready result of the command."""
    from luoshi.indicators.water.evaluate import annual_means, evaluate_means
    from luoshi.indicators.water.samples import read_samples

    samples, report = read_samples(path)
    years = sorted(set(samples["date"].dt.year().to_list()))
    evaluation = evaluate_means(annual_means(samples, year))
    return _as_dict(evaluation, report, years, year)


def _as_dict(
    ev: Evaluation, report: ReadReport, years: list[int], year: int | None
) -> dict[str, Any]:
    from luoshi.indicators.water.limits import CLASS_LABELS

    sections = {
        name: {
            "class": s.label,
            "limiting_items": list(s.limiting_items),
            "exceedance": {i: _round(m) for i, m in s.exceedance.items()},
            "main_pollutants": list(s.main_pollutants),
            "waterbody_type": s.waterbody_type,
            "samples": s.samples,
            "item_classes": {i: CLASS_LABELS[c] for i, c in s.item_classes.items()},
            "reference_items": {i: CLASS_LABELS[c] for i, c in s.reference_classes.items()},
            "item_means": {i: _round(v, 6) for i, v in s.item_means.items()},
        }
        for name, s in ev.sections.items()
    }
    return {
        "sections": sections,
        "share_I_III": _round(ev.share_I_III),
        "share_worse_than_V": _round(ev.share_worse_than_V),
        "sections_evaluated": sum(1 for s in ev.sections.values() if s.klass is not None),
        "years_in_file": years,
        "year": year,
        "exclusions": {
            "cells": report.as_dict(),
            "sections_without_evaluated_items": list(ev.not_evaluated),
            "items_not_in_class": {
                "TN": "lakes: judged separately; rivers: not evaluated (评价办法 一(一)1)",
                "FecalColiform": "judged separately, not part of the class (评价办法 一(一)1)",
            },
        },
        "method": "GB 3838-2002 Table 1; 环办〔2011〕22号 single-factor evaluation of annual means",
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"
