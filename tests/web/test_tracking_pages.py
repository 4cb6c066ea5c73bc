"""HTTP: the office's review and import pages, and observation entry and upload, on both
backends; bad input gets a clear message and changes nothing."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.registry.models import Correction, Document, TargetRow
from luoshi.registry.tracking import Observation
from tests.web.conftest import login


def tiny_plan(number: str) -> bytes:
    return f"""南通市测试工作方案
通政办发〔2026〕{number}号
各县（市、区）人民政府，市各有关部门：
现将《南通市测试工作方案》印发给你们，请认真贯彻落实。
南通市人民政府办公室
2026年1月5日
一、主要目标
到2027年，全市PM2.5浓度降至30微克/立方米以下，空气质量优良天数比率达到85%以上。
二、重点任务
（一）推进扬尘治理。加强建筑工地扬尘管控，2026年底前完成全部工地在线监测。（市住房和城乡建设局牵头，市生态环境局按职责分工负责）
""".encode()


def observations(db: Session, indicator: str) -> list[Observation]:
    db.expire_all()
    return list(db.scalars(select(Observation).where(Observation.indicator == indicator).order_by(Observation.id)))


def test_review_confirm_correct_reject(app_client: TestClient, make_user: Any, db: Session) -> None:
    csrf = login(app_client, make_user("office"))
    page = app_client.get("/review?kind=target").text
    ids = [int(i) for i in re.findall(r'href="/review/target/(\d+)"', page)]
    assert len(ids) >= 3
    first, second, third = ids[-1], ids[-2], ids[-3]  # from the end: other tests take the front
    item = app_client.get(f"/review/target/{first}").text
    assert '<mark class="source" id="hl">' in item
    r = app_client.post(f"/review/target/{first}", data={"csrf_token": csrf, "action": "confirm"}, follow_redirects=False)
    assert r.status_code == 303
    r = app_client.post(f"/review/target/{second}", data={"csrf_token": csrf, "action": "correct", "value": "12.5",
                                                          "year": "2030"}, follow_redirects=False)
    assert r.status_code == 303
    r = app_client.post(f"/review/target/{third}", data={"csrf_token": csrf, "action": "reject"})
    assert r.status_code == 400 and "note" in r.text  # a reject needs a reason
    r = app_client.post(f"/review/target/{third}", data={"csrf_token": csrf, "action": "correct", "year": "二〇三〇"})
    assert r.status_code == 400 and "不是数字" in r.text
    db.expire_all()
    states = {t.id: t.review_state for t in db.scalars(select(TargetRow).where(TargetRow.id.in_(ids[-3:])))}
    assert states == {first: "confirmed", second: "corrected", third: "extracted"}
    fields = set(db.scalars(select(Correction.field).where(Correction.item_type == "target", Correction.item_id == second)))
    assert {"value", "year"} <= fields


def test_import_preview_then_confirm(app_client: TestClient, make_user: Any, db: Session) -> None:
    csrf = login(app_client, make_user("office"))
    number = str(uuid.uuid4().int % 10**8)
    r = app_client.post("/import/preview", data={"csrf_token": csrf},
                        files={"file": ("测试方案.txt", tiny_plan(number), "text/plain")})
    assert r.status_code == 200 and "1 项任务" in r.text and "2 个目标" in r.text, r.text[-3000:]
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', r.text).group(1)  # type: ignore[union-attr]
    key = f"no:通政办发〔2026〕{number}号"
    assert db.scalar(select(func.count()).select_from(Document).where(Document.key == key)) == 0  # preview stores nothing
    r = app_client.post("/import/confirm", data={"csrf_token": csrf, "sha256": sha})
    assert r.status_code == 200 and "已导入" in r.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Document).where(Document.key == key)) == 1
    r = app_client.post("/import/confirm", data={"csrf_token": csrf, "sha256": sha})
    assert r.status_code == 400 and "重新上传" in r.text  # the staged file is gone once imported


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("图片.png", b"\x89PNG\r\n\x1a\n0000", "只接受"),
    ("坏的.pdf", b"not a pdf at all", "not a PDF"),
    ("空的.txt", b"   ", "empty file"),
    ("无内容.txt", "这只是一段普通的文字，没有任务。".encode(), "未识别出任何任务"),
])
def test_import_refuses_bad_files_with_one_line(app_client: TestClient, make_user: Any, name: str, data: bytes,
                                                reason: str) -> None:
    csrf = login(app_client, make_user("office"))
    r = app_client.post("/import/preview", data={"csrf_token": csrf}, files={"file": (name, data, "text/plain")})
    assert r.status_code == 400 and reason in r.text, r.text[-2000:]


def test_observation_form_converts_units_and_links_the_target(app_client: TestClient, make_user: Any,
                                                              db: Session) -> None:
    csrf = login(app_client, make_user("department", "市生态环境局"))
    region = f"测试区{uuid.uuid4().hex[:6]}"
    form = {"csrf_token": csrf, "indicator": "PM2.5浓度", "region": "全市", "period": "2025",
            "value": "0.029", "unit": "mg/m³", "source": "市生态环境局", "link": "1"}
    r = app_client.post("/observations", data=form)
    assert r.status_code == 200 and "29 μg/m³" in r.text and "关联目标" in r.text
    obs = observations(db, "PM2.5浓度")[-1]
    assert obs.unit == "μg/m³" and abs(obs.value - 29) < 1e-9 and obs.target_id is not None
    # wrong unit for the target: refused, nothing stored
    count = len(observations(db, "PM2.5浓度"))
    r = app_client.post("/observations", data={**form, "unit": "mg/L"})
    assert r.status_code == 400 and "不能换算" in r.text
    r = app_client.post("/observations", data={**form, "unit": "斤/亩"})
    assert r.status_code == 400 and "未知单位" in r.text
    r = app_client.post("/observations", data={**form, "region": region, "period": "二五年"})
    assert r.status_code == 400 and "时期" in r.text
    assert len(observations(db, "PM2.5浓度")) == count


def test_observation_upload_is_all_or_nothing(app_client: TestClient, make_user: Any, db: Session) -> None:
    csrf = login(app_client, make_user("office"))
    indicator = f"测试指标{uuid.uuid4().hex[:6]}"
    good = f"indicator,region,period,value,unit,source\n{indicator},全市,2024,12.5,%,统计局\n{indicator},全市,2025-Q1,130,‰,统计局\n"
    bad = good + f"{indicator},全市,2025-06,abc,%,统计局\n{indicator},,2025-07,1,%,统计局\n{indicator},全市,2025-08,1,万元,统计局\n"
    r = app_client.post("/observations/upload", data={"csrf_token": csrf}, files={"file": ("data.csv", bad.encode(), "text/csv")})
    assert r.status_code == 400 and "未导入任何数据" in r.text
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", r.text)
    assert [(line, col) for line, col, _ in rows] == [("4", "数值"), ("5", "地区"), ("6", "单位")]
    assert observations(db, indicator) == []
    r = app_client.post("/observations/upload", data={"csrf_token": csrf},
                        files={"file": ("data.csv", b"name,value\nx,1\n", "text/csv")})
    assert r.status_code == 400 and "缺少列" in r.text
    r = app_client.post("/observations/upload", data={"csrf_token": csrf},
                        files={"file": ("data.csv", b"\x00\x01\x02binary", "text/csv")})
    assert r.status_code == 400 and "不是 CSV" in r.text
    r = app_client.post("/observations/upload", data={"csrf_token": csrf}, files={"file": ("data.csv", good.encode(), "text/csv")})
    assert r.status_code == 200 and "已导入 2 条" in r.text and "单位换算 1 条" in r.text
    got = [(o.period, o.value, o.unit) for o in observations(db, indicator)]
    assert got == [("2024", 12.5, "%"), ("2025-Q1", 13.0, "%")]


def test_observation_upload_from_excel(app_client: TestClient, make_user: Any, db: Session) -> None:
    csrf = login(app_client, make_user("office"))
    indicator = f"测试指标{uuid.uuid4().hex[:6]}"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指标", "地区", "时期", "数值", "单位", "来源"])
    sheet.append([indicator, "全市", "2025年6月", 1.5, "亿元", "财政局"])
    sheet.append([indicator, "全市", "2025年7月", 20000, "万元", "财政局"])
    buf = io.BytesIO()
    book.save(buf)
    r = app_client.post("/observations/upload", data={"csrf_token": csrf},
                        files={"file": ("数据.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code == 200, r.text[-2000:]
    assert [(o.period, o.value, o.unit) for o in observations(db, indicator)] == [("2025-06", 1.5, "亿元"),
                                                                                  ("2025-07", 2.0, "亿元")]


def test_viewer_cannot_enter_observations(app_client: TestClient, make_user: Any) -> None:
    csrf = login(app_client, make_user("viewer"))
    assert app_client.get("/observations").status_code == 200
    r = app_client.post("/observations", data={"csrf_token": csrf, "indicator": "x", "region": "全市", "period": "2025",
                                               "value": "1", "unit": "%", "source": "x"})
    assert r.status_code == 403
