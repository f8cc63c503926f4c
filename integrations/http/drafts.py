"""``/v1/drafts``: the review queue over HTTP, for admins only (an admin sees only drafts whose
sources their teams may see), and ``/review``, the page a reviewer works in."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from integrations.http.deps import AdminDep, ServicesDep
from integrations.http.pages import STATIC_DIR, Page
from integrations.http.schemas import ERRORS

router = APIRouter(tags=["drafts"], responses=ERRORS)
State = Literal["open", "approved", "published", "rejected", "superseded"]


class MarkdownIn(BaseModel):
    markdown: str = Field(min_length=1, max_length=200_000)


class ApproveIn(BaseModel):
    markdown: str | None = Field(
        default=None, max_length=200_000, description="the Markdown as the reviewer edited it"
    )


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/v1/drafts")
def list_drafts(
    admin: AdminDep,
    services: ServicesDep,
    state: Annotated[list[State] | None, Query(max_length=5)] = None,
) -> list[dict[str, Any]]:
    """Drafts and fix proposals the caller's teams may see, oldest first."""
    found = services.drafts.list(admin.audience, tuple(state or ()))
    return [d.summary() for d in found]


@router.get("/v1/drafts/{draft_id}")
def show_draft(draft_id: str, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """One draft with its Markdown, and the text of its sources."""
    draft = services.drafts.show(draft_id, admin.audience)
    return {**draft.public_view(), "source_texts": services.drafts.sources(draft, admin.audience)}


@router.put("/v1/drafts/{draft_id}")
def edit_draft(
    draft_id: str, body: MarkdownIn, admin: AdminDep, services: ServicesDep
) -> dict[str, Any]:
    """Keep the reviewer's Markdown (checked like an article first)."""
    return services.drafts.edit(draft_id, body.markdown, admin.audience).public_view()


@router.post("/v1/drafts/{draft_id}/approve")
def approve_draft(
    draft_id: str, body: ApproveIn, admin: AdminDep, services: ServicesDep
) -> dict[str, Any]:
    """Publish: written to the publish folder (or the article's own file, for a fix) and
    ingested at once. 409 when it is not open."""
    draft = services.drafts.approve(draft_id, admin.name, admin.audience, body.markdown)
    return draft.public_view()


@router.post("/v1/drafts/{draft_id}/reject")
def reject_draft(
    draft_id: str, body: RejectIn, admin: AdminDep, services: ServicesDep
) -> dict[str, Any]:
    draft = services.drafts.reject(draft_id, admin.name, body.reason, admin.audience)
    return draft.public_view()


PAGE = Page("/review", STATIC_DIR / "review", "review.html", "review page", framed=False)
router.include_router(PAGE.router("drafts"))
