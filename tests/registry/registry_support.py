"""Test support: a fake extractor and two hand-built versions of one small plan."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from luoshi.documents.source import SourceFile
from luoshi.errors import DocumentError
from luoshi.extraction.model import (
    Deadline,
    DocumentMeta,
    ExtractedDocument,
    Project,
    Section,
    Target,
    Task,
)

DOC_NUMBER = "通政办发〔2024〕12号"
TEXT_V1 = "南通市生态环境保护工作方案（第一版）\n一、大气污染防治\n1．推进燃煤锅炉整治。\n2．开展扬尘治理。\n"
TEXT_V2 = "南通市生态环境保护工作方案（第二版）\n一、大气污染防治\n1．全面推进燃煤锅炉整治。\n3．推广新能源车。\n"


def plan(version: int) -> ExtractedDocument:
    meta = DocumentMeta(
        title="南通市生态环境保护工作方案",
        doc_number=DOC_NUMBER,
        issuer="南通市人民政府办公室",
        date="2024-03-01",
    )
    sections = (
        Section(label="一", style="cn", level=0, title="大气污染防治", path=(), span=(19, 60)),
        Section(
            label="1",
            style="arabic",
            level=1,
            title="推进燃煤锅炉整治",
            path=("一",),
            span=(28, 40),
        ),
    )
    t1 = Task(
        label="1", path=("一",), title="推进燃煤锅炉整治",
        text="推进燃煤锅炉整治。" if version == 1 else "全面推进燃煤锅炉整治。",
        responsible=("市生态环境局", "市发改委", "市锅炉整治专班"), lead=("市生态环境局",),
        deadline=Deadline(text="2025年底前", kind="end_of", year=2025), span=(28, 40),
    )  # fmt: skip
    t2 = Task(label="2", path=("一",), title="开展扬尘治理", text="开展扬尘治理。",
              responsible=("市住建局",), lead=(), span=(40, 48))  # fmt: skip
    t3 = Task(label="3", path=("一",), title="推广新能源车", text="推广新能源车。",
              responsible=("市交通运输局",), lead=("市交通运输局",), span=(40, 48))  # fmt: skip
    pm = Target(indicator="PM2.5浓度", comparator="<=", value=30.0 if version == 1 else 28.0,
                unit="微克/立方米", year=2025, text="PM2.5浓度控制在30微克/立方米以内", span=(1, 5))  # fmt: skip
    good = Target(indicator="空气质量优良天数比率", comparator=">=", value=85.0, unit="%",
                  year=2025, text="优良天数比率达到85%", span=(5, 9))  # fmt: skip
    pm_county = Target(indicator="PM2.5浓度", comparator="<=", value=32.0, unit="微克/立方米",
                       year=2025, scope="海门区", text="海门区PM2.5浓度不高于32", span=(9, 12))  # fmt: skip
    project = Project(name="污水处理厂提标改造", content="提标至准Ⅳ类", investment_wan_yuan=5000.0,
                      responsible=("市水利局",), deadline=Deadline(text="2025年", kind="within", year=2025),
                      span=(12, 20))  # fmt: skip
    tasks = (t1, t2) if version == 1 else (t1, t3)
    return ExtractedDocument(
        source=f"plan-v{version}.txt", meta=meta, span=(0, 80), sections=sections, tasks=tasks,
        targets=(pm, good, pm_county), projects=(project,),
        departments=("市生态环境局", "市发展和改革委员会", "市锅炉整治专班", "市水利局"),
    )  # fmt: skip


class FakeExtractor:
    """Stands in for ``luoshi.pipeline.extract_path``: returns hand-built documents per file text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_sha: dict[str, list[ExtractedDocument]] = {}
        self.calls = 0

    def write(self, name: str, content: str, docs: Sequence[ExtractedDocument]) -> Path:
        path = self.root / name
        path.write_text(content, encoding="utf-8")
        self.by_sha[hashlib.sha256(path.read_bytes()).hexdigest()] = list(docs)
        return path

    def __call__(self, path: Path) -> tuple[SourceFile, list[ExtractedDocument]]:
        self.calls += 1
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(path, "cannot read") from error
        sha = hashlib.sha256(data).hexdigest()
        source = SourceFile(
            path=str(path), text=data.decode(), encoding="utf-8", sha256=sha, kind="txt"
        )
        return source, self.by_sha.get(sha, [])
