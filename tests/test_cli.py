from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from luoshi.cli import app
from tests.conftest import seed

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "register.db"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite:///{path}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return path


def test_extract_json_prints_one_object_with_spans_into_the_source() -> None:
    path = seed("000")
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    (doc,) = out["documents"]
    assert doc["doc_number"] == "通政发〔2024〕33号" and doc["date"] == "2024-12-25"
    first = doc["tasks"][0]
    assert (first["path"], first["label"]) == (["二", "一"], "1")
    original = path.read_text("utf-8")
    s, e = first["span"]
    assert original[s:e].startswith("1．优化空间发展保护格局")
    for target in doc["targets"]:
        s, e = target["span"]
        assert 0 <= s < e <= len(original)
        # the span covers the same characters as the target's text, line wraps aside
        assert original[s:e].replace("\n", "").replace(" ", "")[:4] == target["text"][:4].replace(" ", "")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.txt", None, "not found"),
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("no_tasks.txt", "今天天气很好。我们去公园散步。\n".encode(), "no tasks, targets or projects"),
    ],
)
def test_bad_input_gets_one_line_naming_the_file(
    tmp_path: Path, db: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    for args in (["extract", str(path), "--json"], ["import", str(seed("004")), str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.stdout == ""
        message = result.stderr.strip()
        assert name in message and reason in message and "\n" not in message
    # the failed import wrote nothing, not even the good file that came first
    summary = runner.invoke(app, ["summary"])
    assert "register is empty" in summary.stdout


def test_import_is_idempotent_and_summary_lists_disagreements(db: Path) -> None:
    paths = [str(seed(p)) for p in ("000", "002", "003")]
    first = runner.invoke(app, ["import", *paths])
    assert first.exit_code == 0, first.output
    assert "3 imported" in first.stdout
    again = runner.invoke(app, ["import", *paths])
    assert "3 unchanged" in again.stdout
    summary = runner.invoke(app, ["summary"])
    assert "全面推进美丽南通建设实施方案" in summary.stdout
    conflicts = json.loads(runner.invoke(app, ["conflicts", "--json"]).stdout)["conflicts"]
    pm25 = next(c for c in conflicts if c["indicator"].startswith("PM2.5") and c["year"] == 2025)
    values = sorted(r["value"] for r in pm25["records"])
    assert values == [25, 27, 33]
    forest = next(c for c in conflicts if "林木覆盖率" in c["indicator"])
    assert sorted(r["value"] for r in forest["records"]) == [24, 24.1]
