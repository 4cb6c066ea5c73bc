"""Excel and CSV task breakdowns: the office's columns, formatting and access checks."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from luoshi.registry.models import Department, TaskDepartment, TaskRow
from luoshi.reports.tables import HEADERS
from tests.web.conftest import login
from tests.web.present_support import db, department_id, plan_id, unit_tasks

UNIT = "市水利局"


def _sheet(body: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(body)).active


def test_plan_workbook_has_the_offices_columns(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("office"))
    r = app_client.get(f"/exports/plans/{plan_id(seeded_url)}.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    sheet = _sheet(r.content)
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 60 and sheet["B2"].alignment.wrap_text
    assert sheet["A2"].value == 1 and sheet["B2"].value
    assert {c.value for c in sheet["E"][1:]} <= {"未启动", "推进中", "已完成", "滞后", "受阻", "未报送"}


def test_the_lead_department_comes_first_marked(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("office"))
    with db(seeded_url) as s:
        task, document, lead = s.execute(
            select(TaskRow.id, TaskRow.document_id, Department.name)
            .join(TaskDepartment, TaskDepartment.task_id == TaskRow.id)
            .join(Department, Department.id == TaskDepartment.department_id)
            .where(TaskDepartment.role == "lead", TaskRow.superseded.is_(False), TaskRow.review_state != "rejected")
            .order_by(TaskRow.id)
        ).first()  # type: ignore[misc]
    sheet = _sheet(app_client.get(f"/exports/plans/{document}.xlsx").content)
    cells = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(c and c.startswith(f"{lead}（牵头）") for c in cells)


def test_department_exports_are_limited_to_the_users_unit(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("department", UNIT))
    mine = department_id(seeded_url, UNIT)
    r = app_client.get(f"/exports/departments/{mine}.xlsx")
    assert r.status_code == 200
    sheet = _sheet(r.content)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(unit_tasks(seeded_url, UNIT))
    assert all(UNIT in (row[3] or "") for row in rows)
    other = department_id(seeded_url, "市生态环境局")
    assert app_client.get(f"/exports/departments/{other}.xlsx").status_code == 403
    assert app_client.get(f"/exports/departments/{other}.csv").status_code == 403
    # a plan's file holds only the unit's own tasks
    plan = _sheet(app_client.get(f"/exports/plans/{plan_id(seeded_url)}.xlsx").content)
    assert all(UNIT in (row[3] or "") for row in plan.iter_rows(min_row=2, values_only=True))


def test_csv_variant_opens_in_excel(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("viewer"))
    r = app_client.get(f"/exports/plans/{plan_id(seeded_url)}.csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS and rows[1][0] == "1"
    assert app_client.get("/exports/plans/99999999.csv").status_code == 404
