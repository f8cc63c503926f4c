"""``/v1/documents``: upload one knowledge-base file and ingest it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, UploadFile

from integrations.http.deps import CallerDep, ServiceDep, get_caller
from integrations.http.schemas import ERRORS, UploadReport

router = APIRouter(
    prefix="/v1",
    tags=["documents"],
    dependencies=[Depends(get_caller)],
    responses=ERRORS,
)


@router.post("/documents")
def upload_document(file: UploadFile, service: ServiceDep, caller: CallerDep) -> UploadReport:
    """One article (.md, .html), playbook (.yaml) or ticket export (.jsonl, .csv).

    Needs a key with the writer (or admin) role, and may only create or replace documents whose
    visibility, before and after, the key's teams may see (403 otherwise); each change is audited.
    The file is checked first; with any issue it is rejected (422, naming the line and field)
    and nothing is ingested. Otherwise its documents are added or updated.
    """
    done = service.upload(file.filename, file.file, caller.author())
    return UploadReport(
        filename=done.upload.name,
        documents=[document.id_ for document in done.upload.documents],
        chunks=done.report.chunks,
        **(done.report.counts() | {"skipped": done.upload.skipped}),
    )
