"""A tiny knowledge base for governance: three planted conflicts, two look-alikes that are not
conflicts, owners and review dates (written to a temporary folder; embedded in a second)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

TODAY = date.today()
SOON = (TODAY + timedelta(days=10)).isoformat()
LATER = (TODAY + timedelta(days=200)).isoformat()
PAST = (TODAY - timedelta(days=30)).isoformat()

# (doc_id, title, owner, visibility, review_by, body)
DOCUMENTS = [
    (
        "kb-reset-a",
        "Reset your password",
        "amelia.chen",
        "public",
        PAST,
        "If you forgot your password, click **Forgot password** on the sign-in page and enter "
        "your email address. We send you a password reset link. The password reset link expires "
        "after 60 minutes. If it has expired, request a new one from the same page.",
    ),
    (
        "kb-reset-b",
        "Password reset emails",
        "sam.ortiz",
        "public",
        LATER,
        "Password reset emails come from no-reply@ledgerly.example; check the spam folder when "
        "one does not arrive. A password reset link expires after 24 hours, and each link works "
        "only once.",
    ),
    (
        "kb-credit-a",
        "Goodwill credits",
        "billing-team",
        "internal",
        SOON,
        "A goodwill credit makes up for a bad experience. Support agents may give a goodwill "
        "credit of up to $50 per account when a customer was affected by an outage. Note the "
        "incident number on the credit.",
    ),
    (
        "kb-credit-b",
        "Compensating customers after an incident",
        "sam.ortiz",
        "internal",
        LATER,
        "After an incident, tell affected customers what happened and what we changed. Support "
        "agents may give a goodwill credit of up to 100 USD per account without approval.",
    ),
    (
        "kb-lock-a",
        "Account locked after failed sign-ins",
        "amelia.chen",
        "public",
        SOON,
        "To protect your data, Ledgerly locks an account that sees repeated wrong passwords. "
        "After 5 failed sign-in attempts, the account is locked for 15 minutes.",
    ),
    (
        "kb-lock-b",
        "Sign-in security settings",
        "sec-team",
        "team:tier2",
        PAST,
        "Security settings control how sign-ins are checked. The account is locked after 10 "
        "failed sign-in attempts, and an admin must unlock it from the security settings.",
    ),
    (
        "kb-trash-a",
        "Deleted invoices",
        "sofia.martins",
        "public",
        LATER,
        "Deleting an invoice moves it to the trash. Deleted invoices stay in the trash for "
        "2 weeks before they are purged for good.",
    ),
    (
        "kb-trash-b",
        "Restore a deleted invoice",
        "sofia.martins",
        "public",
        LATER,
        "You can restore an invoice you deleted by mistake. A deleted invoice is kept in the "
        "trash for 14 days, then it is purged. Open **Invoices > Trash** and click Restore.",
    ),
    (
        "kb-refund-monthly",
        "Refunds for monthly plans",
        "billing-team",
        "public",
        LATER,
        "Refunds depend on how you pay. Monthly plans can be refunded within 7 days of the "
        "charge. Ask for a refund from Settings > Billing.",
    ),
    (
        "kb-refund-annual",
        "Refunds for annual plans",
        "billing-team",
        "public",
        LATER,
        "Refunds depend on how you pay. Annual plans can be refunded within 30 days of the "
        "charge. Ask for a refund from Settings > Billing.",
    ),
]
CONFLICTS = {
    ("kb-reset-a", "kb-reset-b"): ("duration", {"60 minutes", "24 hours"}),
    ("kb-credit-a", "kb-credit-b"): ("usd", {"50 USD", "100 USD"}),
    ("kb-lock-a", "kb-lock-b"): ("attempt", {"5 attempts", "10 attempts"}),
}
LOOK_ALIKES = {("kb-trash-a", "kb-trash-b"), ("kb-refund-annual", "kb-refund-monthly")}


def write_governance_kb(root: Path) -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    for doc_id, title, owner, visibility, review_by, body in DOCUMENTS:
        (root / "articles" / f"{doc_id}.md").write_text(
            f"---\nid: {doc_id}\ntitle: {title}\nurl: https://help.example.com/{doc_id}\n"
            f"product: accounts\nowner: {owner}\nupdated_at: 2026-01-15\n"
            f"review_by: {review_by}\nvisibility: {visibility}\n---\n# {title}\n\n{body}\n"
        )
    return root
