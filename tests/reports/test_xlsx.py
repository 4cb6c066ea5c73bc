"""The workbook writer and the task table on hand-made rows (no database)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from luoshi.reports.tables import HEADERS, deadline_text, departments_text, task_lines, to_csv
from luoshi.reports.xlsx import sheet_title, task_workbook
from luoshi.services.scorecard import TaskFact


def _task(**kw: object) -> TaskFact:
    base: dict[str, object] = dict(
        id=1, document_id=1, label="3", title="推进污水管网建设", review_state="confirmed",
        deadline_text=None, deadline_kind="by", deadline_year=2025, deadline_month=None,
    )  # fmt: skip
    base.update(kw)
    return TaskFact(**base)  # type: ignore[arg-type]


def test_lines_mark_the_lead_and_show_the_latest_report() -> None:
    task = _task(lead=["市住建局"], others=["市水利局", "各县人民政府"])
    task.report = {"status": "in_progress", "percent": 40, "narrative": "完成管网 12 公里", "state": "submitted", "period": "2025-Q3"}
    [line] = task_lines([task])
    assert line.cells() == (1, "3. 推进污水管网建设", "2025年12月底前", "市住建局（牵头）、市水利局、各县人民政府",
                            "推进中", "40%", "2025-Q3：完成管网 12 公里")  # fmt: skip
    [public] = task_lines([task], accepted_only=True)
    assert public.status == "未报送" and public.percent == ""


def test_deadline_and_departments_text() -> None:
    assert deadline_text(_task(deadline_kind="ongoing", deadline_year=None)) == "长期坚持"
    assert deadline_text(_task(deadline_text="2023年6月底前")) == "2023年6月底前"
    assert departments_text(_task(lead=["A", "B"], others=["C"])) == "A（牵头）、B（牵头）、C"


def test_workbook_layout() -> None:
    book = load_workbook(io.BytesIO(task_workbook("南通市[测试]/方案", task_lines([_task()]))))
    sheet = book.active
    assert sheet.title == "南通市测试方案"
    assert tuple(c.value for c in sheet[1]) == HEADERS and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2" and sheet["B2"].alignment.wrap_text
    assert to_csv(task_lines([_task()])).decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)
    assert len(sheet_title("x" * 40)) == 31
