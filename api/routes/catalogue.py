"""The service catalogue and source documents behind citations."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import PipelineDep
from api.schemas import ErrorPublic, ServicePublic, SourcePublic
from bot.sections import display_name

router = APIRouter(prefix="/v1", tags=["catalogue"])


@router.get("/services", response_model=list[ServicePublic])
def services(pipeline: PipelineDep) -> list[dict[str, str]]:
    """Every service the assistant can answer about, with its titles in English and Urdu."""
    docs = pipeline.data.documents
    out: dict[str, dict[str, str]] = {}
    for d in docs.values():
        if d.lang not in ("en", "ur"):
            continue
        row = out.setdefault(d.service_id, {"service_id": d.service_id, "department": d.department,
                                            "title_en": "", "title_ur": "", "url": d.url})
        row[f"title_{d.lang}"] = d.title
    return sorted(out.values(), key=lambda r: r["service_id"])


@router.get("/sources/{doc_id}", response_model=SourcePublic, responses={404: {"model": ErrorPublic}})
def source(doc_id: str, pipeline: PipelineDep) -> dict[str, object]:
    """A cited document in full, section by section."""
    doc = pipeline.data.documents.get(doc_id)
    if doc is None or doc.lang not in ("en", "ur"):
        raise HTTPException(404, detail=f"No source document {doc_id!r}; ids look like 'nadra-cnic-renewal.ur'.")
    return {
        "doc_id": doc.doc_id, "service_id": doc.service_id, "lang": doc.lang, "title": doc.title, "url": doc.url,
        "last_verified": doc.last_verified,
        "sections": [{"key": s.key, "title": display_name(s.key, doc.lang), "text": s.text} for s in doc.sections],
    }
