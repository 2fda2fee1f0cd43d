"""Reading source files into ``Document`` values: Markdown with YAML front matter, text, HTML, PDF.

An unreadable file never stops a build: ``load_documents`` returns it as a ``Skipped`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

from bot.errors import CorpusError
from retrieval.normalise import arabic_script_ratio, clean_display
from retrieval.types import Document, Section

SUFFIXES = (".md", ".txt", ".html", ".htm", ".pdf")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


def load_documents(root: Path) -> tuple[list[Document], list[Skipped]]:
    """Every readable document under ``root`` (sorted by path), and the files that were skipped."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()):
        if path.name.lower() == "readme.md":
            continue
        try:
            docs.append(read_document(path, root))
        except (CorpusError, OSError, UnicodeDecodeError, ValueError) as err:
            skipped.append(Skipped(str(path), str(err)))
    return docs, skipped


def read_document(path: Path, root: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".md":
        return _read_markdown(path, root)
    if suffix == ".pdf":
        return _plain_document(path, root, _pdf_text(path))
    raw = path.read_text(encoding="utf-8")
    if suffix in (".html", ".htm"):
        title, text = _html_text(raw)
        return _plain_document(path, root, text, title)
    return _plain_document(path, root, raw)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise CorpusError(f"{path}: front matter starts with '---' but has no closing '---' line")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as err:
        raise CorpusError(f"{path}: front matter is not valid YAML ({err})") from err
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be a mapping of field: value")
    return meta, parts[1].lstrip("-").lstrip("\n")


def split_sections(body: str) -> tuple[Section, ...]:
    """Level-2 headings become section keys; text before the first heading is the overview."""
    sections: list[Section] = []
    matches = list(_HEADING.finditer(body))
    lead = body[: matches[0].start()] if matches else body
    if lead.strip():
        sections.append(Section("overview", lead.strip()))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        text = body[m.end() : end].strip()
        if text:
            sections.append(Section(m.group(1).strip().lower(), text))
    return tuple(sections)


def _read_markdown(path: Path, root: Path) -> Document:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    sections = split_sections(body)
    if not sections:
        raise CorpusError(f"{path}: no text after the front matter")
    if not meta:
        return _plain_document(path, root, body)
    service_id = str(meta.get("service_id") or path.stem.split(".")[0])
    lang = str(meta.get("lang") or _guess_lang(body))
    return Document(
        doc_id=f"{service_id}.{lang}",
        service_id=service_id,
        lang=lang,
        title=str(meta.get("title") or service_id),
        sections=sections,
        department=str(meta.get("department") or ""),
        summary=str(meta.get("summary") or ""),
        url=str(meta.get("url") or ""),
        source_urls=tuple(str(u) for u in _as_list(meta.get("source_urls"))),
        last_verified=_date_text(meta.get("last_verified")),
        province=str(meta.get("province") or ""),
        keywords=tuple(str(k) for k in _as_list(meta.get("keywords"))),
        path=str(path),
        ages=_ages(meta.get("ages")),
    )


def _ages(value: object) -> tuple[int, int] | None:
    """The front matter's ``ages: [min, max]``; anything else is None (``rahnuma corpus validate``
    reports it)."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def _plain_document(path: Path, root: Path, text: str, title: str = "") -> Document:
    text = clean_display(text) if "\n" not in text else text.strip()
    if not text.strip():
        raise CorpusError(f"{path}: no extractable text")
    rel = path.relative_to(root).with_suffix("").as_posix()
    first_line = text.strip().splitlines()[0][:120]
    return Document(
        doc_id=rel,
        service_id=rel.replace("/", "-"),
        lang=_guess_lang(text),
        title=title or first_line,
        sections=split_sections(text),
        path=str(path),
    )


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _guess_lang(text: str) -> str:
    return "ur" if arabic_script_ratio(text) > 0.5 else "en"


def _date_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as err:  # pragma: no cover - pypdf is a core dependency
        raise CorpusError(f"{path}: PDF support needs pypdf (pip install pypdf)") from err
    try:
        reader = PdfReader(str(path))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as err:
        raise CorpusError(f"{path}: unreadable PDF ({err})") from err


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "nav", "footer", "header", "noscript"}
    _BLOCK = {"p", "div", "li", "br", "tr", "h1", "h3", "h4", "section", "article"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h2":
            self.parts.append("\n## ")
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "h2":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data.strip()
        elif not self._skip:
            self.parts.append(data)


def _html_text(raw: str) -> tuple[str, str]:
    parser = _TextExtractor()
    parser.feed(raw)
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    return parser.title, re.sub(r"\n\s*\n+", "\n\n", text).strip()
