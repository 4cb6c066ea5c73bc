"""read_file: every format and every refusal. Binary fixtures are built in tmp_path."""

from __future__ import annotations

import hashlib
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from luoshi.documents import SourceFile, read_file
from luoshi.errors import DocumentError

SEED = Path(__file__).parents[2] / "data" / "seeds" / "000_911dc114d7018d40.txt"
PLAN = "为全面推进美丽南通建设，持续深入打好污染防治攻坚战，推动碳达峰行动。\n"


# --- fixture builders --------------------------------------------------------------------


def make_pdf(path: Path, pages: list[str], *, encrypt: str | None = None) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for page in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(page.splitlines()):
            c.drawString(72, 720 - 20 * i, line)
        c.showPage()
    c.save()
    return path


def make_drawing_pdf(path: Path) -> Path:
    """What a scan looks like to a text extractor: marks on the page, no text."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(72, 500, 300, 200, fill=1)
    c.line(72, 400, 500, 400)
    c.showPage()
    c.save()
    return path


def make_unmapped_cid_pdf(path: Path) -> Path:
    """A Type0 font with Identity-H and no ToUnicode map, as many Chinese government PDFs have."""
    stream = b"BT /F1 12 Tf 72 720 Td <0001000200030004> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("全面推进美丽南通建设实施方案", level=1)
    d.add_paragraph("一、总体要求")
    d.add_paragraph("到2027年，PM2.5浓度下降至28微克/立方米。")
    table = d.add_table(rows=3, cols=3)
    rows = [
        ("序号", "重点工作任务", "责任部门"),
        ("1", "推进工业领域碳达峰", "市发展改革委、市工业和信息化局"),
        ("2", "加强生态保护", "市生态环境局"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    d.add_paragraph("二、保障措施")
    d.save(str(path))
    return path


# --- plain text --------------------------------------------------------------------------


def test_seed_file_reads_as_utf8() -> None:
    raw = SEED.read_bytes()
    sf = read_file(SEED)
    assert isinstance(sf, SourceFile)
    assert sf.text == raw.decode("utf-8")
    assert (sf.kind, sf.encoding) == ("txt", "utf-8")
    assert sf.sha256 == hashlib.sha256(raw).hexdigest()
    assert sf.path == str(SEED)


def test_seed_file_in_gb18030_gives_identical_text(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    f = tmp_path / "seed-gb.txt"
    f.write_bytes(text.encode("gb18030"))
    sf = read_file(f)
    assert sf.text == text
    assert sf.encoding == "gb18030"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        pytest.param(PLAN.encode("utf-8-sig"), "utf-8-sig", id="utf8-bom"),
        pytest.param(PLAN.encode("gbk"), "gb18030", id="gbk"),
        pytest.param(PLAN.encode("gb2312"), "gb18030", id="gb2312"),
        pytest.param(PLAN.encode("utf-16"), "utf-16", id="utf16-bom"),
        pytest.param(b"\xfe\xff" + PLAN.encode("utf-16-be"), "utf-16", id="utf16be-bom"),
        pytest.param(PLAN.replace("\n", "\r\n").encode("utf-8"), "utf-8", id="crlf-kept"),
    ],
)
def test_text_encodings(tmp_path: Path, raw: bytes, encoding: str) -> None:
    f = tmp_path / "plan.txt"
    f.write_bytes(raw)
    sf = read_file(f)
    assert sf.encoding == encoding
    assert sf.text == raw.decode(encoding)  # the recorded codec reproduces the text
    assert sf.text.replace("\r\n", "\n") == PLAN  # BOM gone, nothing else touched


def test_text_without_known_extension(tmp_path: Path) -> None:
    f = tmp_path / "README"
    f.write_bytes(PLAN.encode("gb18030"))
    sf = read_file(f)
    assert (sf.kind, sf.encoding) == ("txt", "gb18030")


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_with_cid_font_reads_chinese_pages(tmp_path: Path) -> None:
    f = make_pdf(
        tmp_path / "plan.pdf",
        ["第一页：推进碳达峰行动\nPM2.5浓度下降10%", "第二页：责任部门为市生态环境局"],
    )
    sf = read_file(f)
    assert (sf.kind, sf.encoding) == ("pdf", "pdf")
    pages = sf.text.split("\f")
    assert len(pages) == 2
    assert "第一页：推进碳达峰行动" in pages[0]
    assert "PM2.5浓度下降10%" in pages[0]
    assert "第二页：责任部门为市生态环境局" in pages[1]
    assert sf.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    f = make_drawing_pdf(tmp_path / "scan.pdf")
    with pytest.raises(DocumentError, match="no text layer") as info:
        read_file(f)
    assert "scan.pdf" in str(info.value)


def test_pdf_with_unmapped_cid_font(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no Unicode map"):
        read_file(make_unmapped_cid_pdf(tmp_path / "cid.pdf"))


def test_password_protected_pdf(tmp_path: Path) -> None:
    f = make_pdf(tmp_path / "locked.pdf", ["保密"], encrypt="secret")
    with pytest.raises(DocumentError, match="password"):
        read_file(f)


# --- DOCX --------------------------------------------------------------------------------


def test_docx_body_order_and_table_rows(tmp_path: Path) -> None:
    sf = read_file(make_docx(tmp_path / "plan.docx"))
    assert (sf.kind, sf.encoding) == ("docx", "docx")
    assert sf.text.splitlines() == [
        "全面推进美丽南通建设实施方案",
        "一、总体要求",
        "到2027年，PM2.5浓度下降至28微克/立方米。",
        "序号\t重点工作任务\t责任部门",
        "1\t推进工业领域碳达峰\t市发展改革委、市工业和信息化局",
        "2\t加强生态保护\t市生态环境局",
        "二、保障措施",
    ]


def test_docx_merged_cells_and_wrapped_cell_text(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "重点工作任务"
    table.cell(0, 2).text = "责任部门"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "推进"
    table.cell(1, 1).add_paragraph("碳达峰")  # second paragraph in the same cell
    table.cell(1, 2).text = "市生态\t环境局"  # a tab inside a cell must not add a column
    d.save(str(tmp_path / "merged.docx"))
    lines = read_file(tmp_path / "merged.docx").text.splitlines()
    assert lines == ["重点工作任务\t责任部门", "1\t推进碳达峰\t市生态 环境局"]


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("")
    d.save(str(tmp_path / "blank.docx"))
    with pytest.raises(DocumentError, match="empty"):
        read_file(tmp_path / "blank.docx")


# --- HTML --------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>站点标题</title>
<style>p {{ color: red }}</style><script>var x = "脚本";</script></head>
<body><header>网站首页 | 政务公开</header><nav>导航栏</nav>
<h1>美丽南通建设实施方案</h1>
<p>到2027年，
   PM2.5浓度下降。</p><p>第二段<br>换行</p>


<table><tr><th>序号</th><th>重点工作任务</th><th>责任部门</th></tr>
<tr><td>1</td><td><p>推进</p><p>碳达峰</p></td><td>市生态环境局</td></tr></table>
<footer>版权所有</footer></body></html>
"""
HTML_LINES = [
    "美丽南通建设实施方案",
    "到2027年， PM2.5浓度下降。",
    "第二段",
    "换行",
    "序号\t重点工作任务\t责任部门",
    "1\t推进碳达峰\t市生态环境局",
]


@pytest.mark.parametrize(
    ("declared", "codec", "encoding"),
    [
        ("utf-8", "utf-8", "html:utf-8"),
        ("gb2312", "gb18030", "html:gb18030"),
        ("GB18030", "gb18030", "html:gb18030"),
    ],
)
def test_html_charset_and_structure(
    tmp_path: Path, declared: str, codec: str, encoding: str
) -> None:
    f = tmp_path / "notice.html"
    f.write_bytes(HTML.format(charset=declared).encode(codec))
    sf = read_file(f)
    assert (sf.kind, sf.encoding) == ("html", encoding)
    assert sf.text.splitlines() == HTML_LINES
    for dropped in ("站点标题", "脚本", "color", "导航栏", "网站首页", "版权所有"):
        assert dropped not in sf.text


# --- content sniffing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("really-a-pdf.txt", lambda p: make_pdf(p, ["正文内容"]), "pdf"),
        ("really-a-docx.pdf", make_docx, "docx"),
        ("no-extension", make_docx, "docx"),
        ("page.txt", lambda p: p.write_text(HTML.format(charset="utf-8")), "html"),
    ],
)
def test_content_wins_over_extension(
    tmp_path: Path, name: str, build: Callable[[Path], object], kind: str
) -> None:
    build(tmp_path / name)
    assert read_file(tmp_path / name).kind == kind


# --- refusals ----------------------------------------------------------------------------


def _zip_without_document(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")


def _undecodable(p: Path) -> None:
    rng = random.Random(20240101)
    p.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(4096)))


def _truncated_pdf(p: Path) -> None:
    make_pdf(p, ["正文内容"])
    p.write_bytes(p.read_bytes()[:200])


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("missing.txt", lambda p: None, "not found"),
        ("folder.txt", lambda p: p.mkdir(), "directory"),
        ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
        ("blank.txt", lambda p: p.write_bytes(b" \r\n\t\n"), "empty"),
        ("blank-fullwidth.txt", lambda p: p.write_text("\u3000\n\u3000", "utf-8"), "empty"),
        ("nul.txt", lambda p: p.write_bytes(b"abc\x00\x01\x02def" * 50), "binary"),
        ("control.txt", lambda p: p.write_bytes(bytes(range(1, 9)) * 100), "binary"),
        ("noise.txt", _undecodable, "cannot decode"),
        ("fake.pdf", lambda p: p.write_text("这不是PDF", "utf-8"), "not a PDF"),
        ("fake.docx", lambda p: p.write_text("这不是DOCX", "utf-8"), "not a DOCX"),
        ("sheet.docx", _zip_without_document, "word/document.xml"),
        ("broken.pdf", _truncated_pdf, "PDF"),
        ("scan.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)), "OCR"),
        ("old.doc", lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(64)), "docx"),
    ],
)
def test_bad_inputs_raise_document_error(
    tmp_path: Path, name: str, build: Callable[[Path], object], reason: str
) -> None:
    f = tmp_path / name
    build(f)
    with pytest.raises(DocumentError) as info:
        read_file(f)
    message = str(info.value)
    assert name in message
    assert reason in message
    assert "\n" not in message
    assert info.value.path == str(f)
