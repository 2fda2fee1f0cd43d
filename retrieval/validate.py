"""`rahnuma corpus validate`: the service corpus against the schema in corpora/README.md.

Each problem names the file and the field, and says what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import yaml

from bot.errors import CorpusError
from retrieval.documents import split_front_matter
from retrieval.types import SECTION_KEYS

REQUIRED = ("service_id", "lang", "department", "title", "summary", "url", "source_urls", "last_verified",
            "province", "keywords")
LANGS = ("ur", "en")
PROVINCES = ("federal", "punjab", "sindh", "kp", "balochistan", "ict", "gb", "ajk", "all")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$")
_SERVICE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_H2 = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def validate_corpus(root: Path, today: dt.date | None = None) -> list[str]:
    """All schema problems in the service corpus under ``root`` (empty list = valid)."""
    today = today or dt.date.today()
    problems: list[str] = []
    departments = _department_ids(root / "departments.yaml", problems)
    langs_by_service: dict[str, set[str]] = defaultdict(set)
    keywords: list[tuple[str, str]] = []
    files = sorted((root / "services").glob("*.md"))
    if not files:
        problems.append(f"{root / 'services'}: no service documents (*.md) found")
    for path in files:
        problems.extend(_validate_file(path, departments, today, langs_by_service))
        keywords.extend(_keywords(path))
    for service, langs in sorted(langs_by_service.items()):
        for missing in sorted(set(LANGS) - langs):
            problems.append(f"{root / 'services'}/{service}.{missing}.md: missing — every service needs both "
                            f"languages ({', '.join(LANGS)})")
    from bot.coverage import FILE_NAME, uncovered_problems

    problems.extend(uncovered_problems(root / FILE_NAME, keywords))
    return problems


def _keywords(path: Path) -> list[tuple[str, str]]:
    """(service_id, keyword) pairs of a service document; nothing where its front matter is broken
    (reported by ``_validate_file``)."""
    try:
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    except (CorpusError, OSError, UnicodeDecodeError):
        return []
    kws = meta.get("keywords")
    return [(str(meta.get("service_id")), str(k)) for k in kws] if isinstance(kws, list) else []


def _department_ids(path: Path, problems: list[str]) -> set[str]:
    if not path.exists():
        problems.append(f"{path}: department catalogue missing")
        return set()
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    ids: set[str] = set()
    for i, row in enumerate(rows):
        for field in ("id", "name_en", "name_ur", "website", "helpline"):
            if field not in row:
                problems.append(f"{path}: entry {i + 1}: field '{field}' missing")
        if row.get("website") and not _URL.match(str(row["website"])):
            problems.append(f"{path}: entry {row.get('id')}: website {row['website']!r} is not a URL")
        ids.add(str(row.get("id")))
    return ids


def _validate_file(path: Path, departments: set[str], today: dt.date, langs: dict[str, set[str]]) -> list[str]:
    out: list[str] = []
    try:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
    except (CorpusError, UnicodeDecodeError) as err:
        return [str(err)]
    if not meta:
        return [f"{path}: no YAML front matter (a '---' block with {', '.join(REQUIRED)})"]
    for field in REQUIRED:
        if meta.get(field) in (None, "", []):
            out.append(f"{path}: field '{field}' is missing or empty")
    sid, lang = str(meta.get("service_id", "")), str(meta.get("lang", ""))
    parts = path.name.split(".")
    if len(parts) != 3 or parts[0] != sid or parts[1] != lang:
        out.append(f"{path}: file name must be '<service_id>.<lang>.md' = '{sid}.{lang}.md'")
    if sid and not _SERVICE_ID.match(sid):
        out.append(f"{path}: field 'service_id' {sid!r} must be lowercase words joined by '-'")
    if lang and lang not in LANGS:
        out.append(f"{path}: field 'lang' {lang!r} must be one of {', '.join(LANGS)}")
    if meta.get("department") and str(meta["department"]) not in departments:
        out.append(f"{path}: field 'department' {meta['department']!r} is not an id in departments.yaml")
    if meta.get("province") and str(meta["province"]) not in PROVINCES:
        out.append(f"{path}: field 'province' {meta['province']!r} must be one of {', '.join(PROVINCES)}")
    for field in ("url",):
        if meta.get(field) and not _URL.match(str(meta[field])):
            out.append(f"{path}: field '{field}' {meta[field]!r} is not an http(s) URL")
    urls = meta.get("source_urls")
    if urls is not None and (not isinstance(urls, list) or not all(_URL.match(str(u)) for u in urls)):
        out.append(f"{path}: field 'source_urls' must be a list of http(s) URLs")
    kws = meta.get("keywords")
    if kws is not None and (not isinstance(kws, list) or len(kws) < 5):
        out.append(f"{path}: field 'keywords' must be a list of at least 5 words citizens use")
    ages = meta.get("ages")
    if ages is not None and not (isinstance(ages, list) and len(ages) == 2
                                 and all(isinstance(a, int) and not isinstance(a, bool) for a in ages)
                                 and 0 <= ages[0] <= ages[1] <= 120):
        out.append(f"{path}: field 'ages' {ages!r} must be [youngest, oldest], whole years from 0 to 120, "
                   "e.g. [0, 17] for a child's service")
    out.extend(_check_date(path, meta.get("last_verified"), today))
    out.extend(_check_sections(path, body))
    if sid and lang:
        langs[sid].add(lang)
    return out


def _check_date(path: Path, value: object, today: dt.date) -> list[str]:
    if value in (None, ""):
        return []
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return [f"{path}: field 'last_verified' {value!r} is not a date (YYYY-MM-DD)"]
    if day > today:
        return [f"{path}: field 'last_verified' {day} is in the future"]
    return []


def _check_sections(path: Path, body: str) -> list[str]:
    keys = [m.group(1).strip() for m in _H2.finditer(body)]
    out = [f"{path}: section '## {k}' is not an allowed key ({', '.join(SECTION_KEYS)})"
           for k in keys if k not in SECTION_KEYS]
    known = [k for k in keys if k in SECTION_KEYS]
    if "overview" not in known:
        out.append(f"{path}: section '## overview' is required")
    if known != sorted(known, key=SECTION_KEYS.index):
        out.append(f"{path}: sections out of order: {', '.join(known)}; expected the order {', '.join(SECTION_KEYS)}")
    if len(set(known)) != len(known):
        out.append(f"{path}: a section key appears twice")
    return out
