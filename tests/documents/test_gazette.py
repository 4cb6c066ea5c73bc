from __future__ import annotations

from luoshi.documents.gazette import split_documents
from tests.conftest import seed


def test_gazette_is_split_into_its_documents() -> None:
    original = seed("002").read_text("utf-8")
    parts = split_documents(original)
    numbers = [p.meta.doc_number for p in parts]
    assert numbers == [
        "通政发〔2023〕9号",
        "通政办发〔2023〕19号",
        "通政办发〔2023〕23号",
        "通政办发〔2023〕24号",
        "通政办发〔2023〕27号",
        "通政办发〔2023〕28号",
        None,
    ]
    assert parts[-1].meta.title == "南通市人民政府大事记"
    plan = parts[3]
    assert plan.meta.title == "南通市减污降碳协同增效三年行动计划（2023—2025年）"
    assert plan.meta.issuer == "南通市人民政府办公室"
    assert plan.meta.date == "2023-05-08"
    # documents follow each other without overlap, and the cover belongs to none
    spans = [p.span for p in parts]
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert "编委会" not in original[spans[0][0] : spans[0][1]]


def test_notice_attaching_a_plan_carries_the_plan_title() -> None:
    parts = split_documents(seed("000").read_text("utf-8"))
    assert len(parts) == 1
    meta = parts[0].meta
    assert (meta.title, meta.doc_number, meta.issuer, meta.date) == (
        "全面推进美丽南通建设实施方案",
        "通政发〔2024〕33号",
        "南通市人民政府",
        "2024-12-25",
    )


def test_document_number_in_parentheses_and_annual_year() -> None:
    provincial = split_documents(seed("003").read_text("utf-8"))[0].meta
    assert provincial.doc_number == "苏政办发〔2021〕84号"
    assert provincial.issuer == "江苏省人民政府办公厅"
    assert provincial.title == "江苏省“十四五”生态环境保护规划"
    annual = split_documents(seed("001").read_text("utf-8"))[0]
    assert annual.meta.title == "南通市经济技术开发区2018年度生态文明建设工程目标任务书"
    assert annual.meta.doc_number is None
    assert annual.default_year == 2018


def test_wrapped_notice_title_and_plan_title_line() -> None:
    original = (
        "苏州市人民政府关于印发苏州市空气质量持续改善行动计划实施方案 \n的通知 \n\n苏府〔2024〕45号 \n\n"
        "各市、区人民政府，市各委办局，各直属单位： \n"
        "现将《苏州市空气质量持续改善行动计划实施方案》印发给你们，请认真贯彻执行。 \n\n"
        "苏州市人民政府 \n\n2024年5月20日 \n\n"
        "苏州市空气质量持续改善行动计划实施方案 \n\n"
        "为深入贯彻落实《国务院关于印发〈空气质量持续改善行动计划〉的 \n"
        "通知》（国发〔2023〕24号）要求，结合我市实际，制定本方案。 \n"
    )
    (part,) = split_documents(original)
    meta = part.meta
    assert (meta.title, meta.doc_number, meta.issuer, meta.date) == (
        "苏州市空气质量持续改善行动计划实施方案",
        "苏府〔2024〕45号",
        "苏州市人民政府",
        "2024-05-20",
    )
    assert "\n苏州市空气质量持续改善行动计划实施方案\n为深入贯彻落实" in part.text.text


def test_document_number_from_a_labelled_cell() -> None:
    page = "宁波市无废城市建设实施方案\n索引号\t1234\t文号：甬政办发〔2022〕35号\t发布日期\t2022-06-01\n一、总体要求\n正文。"
    (part,) = split_documents(page)
    assert part.meta.doc_number == "甬政办发〔2022〕35号"
