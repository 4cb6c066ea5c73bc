"""Read a plan file (TXT, PDF, DOCX, HTML) into a :class:`SourceFile`.

Every failure is a :class:`DocumentError` with a one-line reason, so the CLI can print
``<path>: <reason>`` and move on to the next file.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from luoshi.documents.source import SourceFile
from luoshi.errors import DocumentError

# The format libraries are imported inside their readers: importing this module stays cheap.

_HTML_EXTS = {".html", ".htm"}

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Formats we recognise only to refuse them with a useful reason.
_FOREIGN_MAGIC: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office file (.doc/.xls); save it as .docx"),
    (b"\x89PNG\r\n\x1a\n", "image file (PNG); run OCR first"),
    (b"\xff\xd8\xff", "image file (JPEG); run OCR first"),
    (b"GIF8", "image file (GIF); run OCR first"),
    # Archives and other formats hold NUL bytes and are refused as binary.
]

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc minus \t \n \v \f \r
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_PDF_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's stand-in for a glyph it cannot map
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
# WHATWG maps these labels to GBK; GB18030 decodes everything GBK does.
_GB_LABELS = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "chinese", "csgb2312", "iso-ir-58"}


def read_file(path: str | Path) -> SourceFile:
    """Read ``path`` into a :class:`SourceFile`, choosing the reader by extension and content."""
    p = Path(path)
    data = read_bytes(p)
    if not data.strip():
        raise DocumentError(p, "empty file")
    kind = _detect_kind(p, data)
    reader = {"txt": _read_txt, "pdf": _read_pdf, "docx": _read_docx, "html": _read_html}[kind]
    text, encoding = reader(p, data)
    if not text.strip():
        raise DocumentError(p, "empty file (no text)")
    digest = hashlib.sha256(data).hexdigest()
    return SourceFile(path=str(path), text=text, encoding=encoding, sha256=digest, kind=kind)


def read_bytes(p: Path) -> bytes:
    """A file's bytes, or a DocumentError saying why they cannot be had."""
    if not p.exists():
        raise DocumentError(p, "file not found")
    if p.is_dir():
        raise DocumentError(p, "is a directory, not a file")
    try:
        return p.read_bytes()
    except PermissionError:
        raise DocumentError(p, "permission denied") from None
    except OSError as exc:
        raise DocumentError(p, f"cannot read file ({exc.strerror or exc})") from None


def _detect_kind(p: Path, data: bytes) -> str:
    """Trust the content over the extension; refuse a binary extension the content denies.

    Anything not recognised as PDF, DOCX or HTML is read as text (.txt, .md, no extension, …).
    """
    ext = p.suffix.lower()
    # Readers tolerate junk before the header; only look past the start if the name says PDF.
    if data.lstrip().startswith(b"%PDF-") or (ext == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx_zip(data):
            return "docx"
        raise DocumentError(p, "not a DOCX file (ZIP archive without word/document.xml)")
    if ext == ".pdf":
        raise DocumentError(p, "not a PDF file (no %PDF header)")
    if ext == ".docx":
        raise DocumentError(p, "not a DOCX file (not a ZIP archive)")
    for magic, reason in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise DocumentError(p, f"unsupported binary format: {reason}")
    if ext in _HTML_EXTS or _looks_like_html(data):
        return "html"
    return "txt"


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _looks_like_html(data: bytes) -> bool:
    head = _strip_bom(data)[0][:1024].lstrip().lower()
    return head.startswith(b"<!doctype") or b"<html" in head


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], codec
    return data, None


# --- plain text ----------------------------------------------------------------------------


def _read_txt(p: Path, data: bytes) -> tuple[str, str]:
    text, encoding = _decode_text(p, data)
    _refuse_binary(p, text)
    return text, encoding


def _decode_text(p: Path, data: bytes) -> tuple[str, str]:
    """Decode so that ``data.decode(encoding) == text`` holds for the returned pair."""
    _, bom_codec = _strip_bom(data)
    if bom_codec is not None:
        try:
            # "utf-16"/"utf-32"/"utf-8-sig" codecs consume the BOM themselves.
            return data.decode(bom_codec), bom_codec
        except UnicodeDecodeError:
            raise DocumentError(p, f"cannot decode text (broken {bom_codec} after BOM)") from None
    if b"\x00" in data:
        raise DocumentError(p, "binary file (contains NUL bytes)")
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8"), "utf-8"
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    guess = _confident_guess(data)
    if guess is not None:
        return guess
    raise DocumentError(p, "cannot decode text (not UTF-8 or GB18030)")


def _looks_chinese(text: str) -> bool:
    """GB18030 accepts most byte soup; real Chinese sits almost wholly in GB2312's repertoire.

    Big5 or random bytes misread as GB18030 land there only about a third of the time.
    """
    non_ascii = _ASCII_RUNS.sub("", text)
    if not non_ascii:
        return False
    in_gb2312 = len(non_ascii.encode("gb2312", "ignore")) // 2
    hanzi = len(_CJK.findall(non_ascii))
    return in_gb2312 >= 0.9 * len(non_ascii) and hanzi >= 0.3 * len(non_ascii)


def _confident_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    # charset-normalizer reports chaos 0 for garbage too; coherence (language fit) tells them apart.
    if best is None or best.chaos > 0.1 or best.coherence < 0.1:
        return None
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return None


def _refuse_binary(p: Path, text: str) -> None:
    if "\x00" in text:
        raise DocumentError(p, "binary file (contains NUL characters)")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise DocumentError(p, "binary file (too many control characters)")


# --- PDF -----------------------------------------------------------------------------------


def _read_pdf(p: Path, data: bytes) -> tuple[str, str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pages = [_pdf_page_text(page) for page in extract_pages(io.BytesIO(data))]
    except PDFPasswordIncorrect:
        raise DocumentError(p, "PDF is password-protected") from None
    except PDFEncryptionError:
        raise DocumentError(p, "PDF uses an unsupported encryption") from None
    except Exception as exc:  # pdfminer raises a zoo of types on damaged files
        raise DocumentError(p, f"unreadable PDF ({type(exc).__name__})") from None
    text = "\f".join(pages)
    if not text.strip():
        raise DocumentError(p, "PDF has no text layer (scanned image?); run OCR first")
    # Subset CJK fonts without a ToUnicode map come out as "(cid:123)", not as an error.
    unmapped = len(_PDF_CID.findall(text))
    if unmapped > len(_PDF_CID.sub("", "".join(text.split()))):
        raise DocumentError(p, "PDF fonts have no Unicode map (text reads as cid:N); run OCR first")
    return text, "pdf"


def _pdf_page_text(page: Any) -> str:
    """Page text as pdfminer's TextConverter writes it, without the trailing form feed."""
    from pdfminer.layout import LTContainer, LTText, LTTextBox

    out: list[str] = []

    def render(item: Any) -> None:
        if isinstance(item, LTContainer):
            for child in item:
                render(child)
        elif isinstance(item, LTText):
            out.append(item.get_text())
        if isinstance(item, LTTextBox):
            out.append("\n")

    render(page)
    return "".join(out)


# --- DOCX ----------------------------------------------------------------------------------


def _read_docx(p: Path, data: bytes) -> tuple[str, str]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:  # python-docx/lxml raise many types on damaged packages
        raise DocumentError(p, f"unreadable DOCX ({type(exc).__name__})") from None
    return "\n".join(lines), "docx"


def _docx_lines(document: Any) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # Body order interleaves paragraphs and tables; document.paragraphs would lose tables.
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _docx_table_rows(block)


def _docx_table_rows(table: Any) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column, as the same <w:tc>.
            if cell._tc is previous:
                continue
            previous = cell._tc
            # Chinese wraps without spaces, so paragraph breaks inside a cell join to nothing;
            # a tab inside a cell would fake a column.
            cells.append(cell.text.replace("\n", "").replace("\t", " "))
        yield "\t".join(cells)


# --- HTML ----------------------------------------------------------------------------------

_DROP_TAGS = ["script", "style", "nav", "header", "footer", "noscript", "template", "title"]
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "section", "article", "main", "aside", "blockquote", "pre", "hr",
    "form", "fieldset", "address", "figure", "figcaption", "center", "body",
}  # fmt: skip
_WS = re.compile(r"[ \t\n\r\f]+")
_SOFT = "\x00"  # block boundary: ends a non-empty line; NUL never survives _refuse_binary


def _read_html(p: Path, data: bytes) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    markup, charset = _decode_html(p, data)
    _refuse_binary(p, markup)
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    tokens: list[str] = []
    _html_render(soup, tokens, pre=False)
    return _tidy(_html_lines(tokens)), f"html:{charset}"


def _decode_html(p: Path, data: bytes) -> tuple[str, str]:
    bom_codec = _strip_bom(data)[1]
    candidates = [bom_codec] if bom_codec else ["utf-8"]
    match = _META_CHARSET.search(data[:4096])
    if match:
        label = match.group(1).decode("ascii").lower()
        candidates.append("gb18030" if label in _GB_LABELS else label)
    candidates.append("gb18030")
    for codec in dict.fromkeys(candidates):
        try:
            return data.decode(codec), codecs.lookup(codec).name
        except (UnicodeDecodeError, LookupError):
            continue
    raise DocumentError(p, "cannot decode HTML (not UTF-8, its declared charset, or GB18030)")


def _html_render(node: Any, out: list[str], *, pre: bool) -> None:
    """Append text tokens, ``_SOFT`` at block edges and ``"\n"`` for hard breaks."""
    from bs4.element import NavigableString, PreformattedString, Tag

    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA, PIs
            continue
        if isinstance(child, NavigableString):
            out.append(str(child) if pre else _WS.sub(" ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name == "br":
            out.append("\n")
        elif name == "tr":
            out.extend((_SOFT, _html_row(child), _SOFT))
        elif name in _BLOCK_TAGS:
            out.append(_SOFT)
            _html_render(child, out, pre=pre or name == "pre")
            out.append(_SOFT)
        else:
            _html_render(child, out, pre=pre)


def _html_row(tr: Any) -> str:
    cells = []
    for cell in tr.find_all(["td", "th"], recursive=False):
        tokens: list[str] = []
        _html_render(cell, tokens, pre=False)
        # As in DOCX: line breaks inside a cell are layout, not content.
        text = "".join(line.strip() for line in _html_lines(tokens))
        cells.append(text.replace("\t", " "))
    return "\t".join(cells)


def _html_lines(tokens: list[str]) -> list[str]:
    lines: list[str] = []
    current: list[str] = []

    def flush(keep_blank: bool) -> None:
        line = "".join(current)
        current.clear()
        if keep_blank or line.strip():
            lines.append(line)

    for token in tokens:
        if token == _SOFT:
            flush(keep_blank=False)
            continue
        first, *rest = token.split("\n")
        current.append(first)
        for part in rest:
            flush(keep_blank=True)
            current.append(part)
    flush(keep_blank=False)
    return lines


def _tidy(lines: list[str]) -> str:
    """Strip each line; keep at most one blank line in a row; drop blank lines at the ends."""
    kept: list[str] = []
    for line in lines:
        # Rows keep their tabs: an empty first cell is still a column.
        line = line.strip(" \u00a0\u3000") if "\t" in line else line.strip()
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")
