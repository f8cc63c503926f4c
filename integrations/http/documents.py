"""``/v1/documents``: upload one knowledge-base file and ingest it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, UploadFile

from integrations.http.deps import ServicesDep, get_caller
from integrations.http.schemas import ERRORS, UploadReport
from integrations.http.uploads import parse_upload

router = APIRouter(
    prefix="/v1",
    tags=["documents"],
    dependencies=[Depends(get_caller)],
    responses=ERRORS,
)


@router.post("/documents")
def upload_document(file: UploadFile, services: ServicesDep) -> UploadReport:
    """One article (.md, .html), playbook (.yaml) or ticket export (.jsonl, .csv).

    The file is checked first; with any issue it is rejected (422, naming the line and field)
    and nothing is ingested. Otherwise its documents are added or updated.
    """
    upload = parse_upload(file.filename, file.file, services.ingestor.limits)
    report = services.ingestor.ingest_documents(upload.documents)
    return UploadReport(
        filename=upload.name,
        documents=[document.id_ for document in upload.documents],
        chunks=report.chunks,
        **(report.counts() | {"skipped": upload.skipped}),
    )
