"""Reading section samples (CSV / .xlsx), bad input, and the ``water`` command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
import typer
from typer.testing import CliRunner

from luoshi.errors import DocumentError
from luoshi.indicators.water import read_samples, synthetic_samples, write_synthetic_csv
from luoshi.indicators.water.command import evaluate_file, water_command

HEADER = "section,waterbody_type,date,pH,DO,CODMn,NH3-N,TP,TN,FecalColiform"
GOOD = f"""{HEADER}
S1,river,2024-01-10,7.5,8.0,3.0,0.4,0.1,3.0,500
S1,river,2024-02-10,7.6,7.0,5.0,0.6,0.1,3.2,
S2,river,2024-01-10,7.1,4.0,12.0,2.6,0.45,,
S3,lake,2024/01/10,8.0,9.0,2.0,<0.05,0.01L,1.2,100
"""


def _write(tmp_path: Path, text: str, name: str = "samples.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_csv_evaluation(tmp_path: Path) -> None:
    out = evaluate_file(_write(tmp_path, GOOD))
    s1, s2, s3 = (out["sections"][k] for k in ("S1", "S2", "S3"))
    assert s1["class"] == "II"  # DO 7.5 → I; CODMn 4.0, NH3-N 0.5, TP 0.1 → II; TN ignored
    assert s1["item_means"]["CODMn"] == 4.0 and s1["samples"] == 2
    assert s2["class"] == "劣V"
    assert s2["limiting_items"][:2] == ["NH3-N", "TP"]
    assert s2["exceedance"]["NH3-N"] == 1.6
    assert s3["class"] == "I"  # lake TP 0.01L → 0.005, NH3-N <0.05 → 0.025
    assert s3["reference_items"] == {"TN": "IV", "FecalColiform": "I"}
    assert out["share_I_III"] == pytest.approx(66.67)
    assert out["share_worse_than_V"] == pytest.approx(33.33)
    assert out["exclusions"]["cells"]["below_detection_as_half_limit"] == 2


def test_s1_class_is_set_by_its_worst_item(tmp_path: Path) -> None:
    out = evaluate_file(_write(tmp_path, GOOD))
    # means exactly at limits belong to the better class; TN and faecal coliforms are not listed
    assert out["sections"]["S1"]["item_classes"] == {
        "pH": "I", "DO": "I", "CODMn": "II", "NH3-N": "II", "TP": "II"
    }  # fmt: skip


def test_negative_concentrations_are_excluded_and_counted(tmp_path: Path) -> None:
    text = f"{HEADER}\nS1,river,2024-01-10,7,8,-1,0.4,0.1,,\nS1,river,2024-02-10,7,8,3,0.4,0.1,,\n"
    out = evaluate_file(_write(tmp_path, text))
    cells = out["exclusions"]["cells"]["excluded_cells"]
    assert cells["negative concentration"] == {"count": 1, "first": ["line 2, column CODMn"]}
    assert out["sections"]["S1"]["item_means"]["CODMn"] == 3.0


BAD = [
    ("section,date,waterbody_type,COD\nS,2024-01-01,river,1\n", "line 1: wrong layout"),
    ("section,waterbody_type,COD\nS,river,1\n", "missing column 'date'"),
    ("section,waterbody_type,date,NH3N\nS,river,2024-01-01,1\n", "line 1, column 4: unknown item column 'NH3N'"),
    ("section,waterbody_type,date\nS,river,2024-01-01\n", "no item columns"),
    ("section,waterbody_type,date,COD\nS,river,2024-01-01,1\nT,sea,2024-01-01,1\n", "line 3, column waterbody_type: unknown waterbody type 'sea'"),
    ("section,waterbody_type,date,pH\nS,river,2024-01-01,15\n", "line 2, column pH: pH 15 is outside 0–14"),
    ("section,waterbody_type,date,COD\nS,river,2024-13-01,1\n", "line 2, column date: cannot read date"),
    ("section,waterbody_type,date,COD\nS,river,2024-01-01,abc\n", "line 2, column COD: not a number: 'abc'"),
    ("section,waterbody_type,date,COD\nS,river,2024-01-01,1\nS,lake,2024-02-01,1\n", "line 3, column waterbody_type: section 'S'"),
    ("section,waterbody_type,date,COD\n,river,2024-01-01,1\n", "line 2, column section: empty"),
    ("section,waterbody_type,date,COD\n", "no sample rows"),
    ("section,waterbody_type,date,COD,COD\nS,river,2024-01-01,1,2\n", "column"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_names_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(DocumentError) as err:
        read_samples(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="unsupported file type"):
        read_samples(_write(tmp_path, "x", "samples.json"))
    with pytest.raises(DocumentError, match="no such file"):
        read_samples(tmp_path / "absent.csv")
    with pytest.raises(DocumentError, match="empty file"):
        read_samples(_write(tmp_path, "", "empty.csv"))


def test_gb18030_export_with_chinese_names(tmp_path: Path) -> None:
    text = "section,waterbody_type,date,COD\n长江大桥,river,2024-01-01,12\n"
    out = evaluate_file(_write(tmp_path, text, encoding="gb18030"))
    assert out["sections"]["长江大桥"]["class"] == "I"


def test_xlsx_same_layout(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in GOOD.strip().splitlines()[1:]:
        cells: list[object] = []
        for c in line.split(","):
            try:
                cells.append(float(c))
            except ValueError:
                cells.append(c or None)
        sheet.append(cells)
    path = tmp_path / "samples.xlsx"
    book.save(path)
    assert evaluate_file(path)["sections"] == evaluate_file(_write(tmp_path, GOOD))["sections"]


def test_xlsx_bad_cell_is_located(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["section", "waterbody_type", "date", "COD"])
    sheet.append(["S", "river", "2024-01-01", "n/a"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(DocumentError, match="line 2, column COD"):
        read_samples(path)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(water_command)
    return app


def test_command_prints_the_documented_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [str(_write(tmp_path, GOOD)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {"sections", "share_I_III", "share_worse_than_V", "exclusions"}
    assert out["sections"]["S2"]["class"] == "劣V"
    assert isinstance(out["sections"]["S2"]["limiting_items"], list)


def test_command_text_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [str(_write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "劣V" in result.stdout and "share I–III" in result.stdout


def test_command_bad_input_raises_document_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [str(_write(tmp_path, "a,b\n1,2\n")), "--json"])
    assert isinstance(result.exception, DocumentError)


def test_synthetic_data_is_labelled_and_readable(tmp_path: Path) -> None:
    frame = synthetic_samples(n_sections=5, seed=1)
    assert frame.height == 60
    assert all(name.startswith("SYN-") for name in frame["section"])
    path = write_synthetic_csv(tmp_path / "syn.csv", n_sections=5, seed=1)
    out = evaluate_file(path)
    assert len(out["sections"]) == 5 and out["years_in_file"] == [2024]
