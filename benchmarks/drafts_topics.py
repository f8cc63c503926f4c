"""Topics of the generated ticket set for ``benchmarks.drafts``: each a few ways customers put a
problem and agents resolved it. The first ``COVERED`` have an article; the rest have none."""

from __future__ import annotations

# (slug, title, problems, causes, resolutions)
TOPICS: list[tuple[str, str, list[str], list[str], list[str]]] = [
    (
        "reset-email",
        "Password reset email never arrives",
        [
            "I asked for a password reset but the email never arrives.",
            "No reset link in my inbox after clicking Forgot password, even in spam.",
            "The password reset message does not show up at all.",
        ],
        ["Our mail provider blocked the sender, so the reset email was dropped."],
        [
            "Add the Ledgerly sender to the allowed senders and request a new reset link.",
            "Send a new reset link from the sign-in page; it is valid for 60 minutes.",
        ],
    ),
    (
        "csv-excel",
        "CSV export shows garbled characters in Excel",
        [
            "The CSV export shows weird characters like Ã© when I open it in Excel.",
            "Accented names in the exported CSV look broken in Excel.",
            "Excel mangles the special characters of the customer export file.",
        ],
        ["Excel opens CSV files as ANSI instead of UTF-8."],
        [
            "Import the file through Data > From Text/CSV and pick UTF-8 as the encoding.",
            "Choose the Excel-compatible export option, which adds a byte order mark.",
        ],
    ),
    (
        "duplicate-charge",
        "Customer charged twice for one invoice",
        [
            "My client was charged twice for the same invoice.",
            "Two identical card payments went through for one invoice.",
            "The invoice payment was taken two times from the card.",
        ],
        ["The pay page was retried, so two captures went through."],
        [
            "Refund the second capture from Payments > Transactions.",
            "The refund reaches the card in 5-10 business days.",
        ],
    ),
    (
        "lost-2fa",
        "Lost the phone with the authenticator app",
        [
            "I lost my phone and cannot get the two-factor codes anymore.",
            "New phone, the authenticator app is empty and I am locked out.",
            "My 2FA device was stolen and I cannot sign in.",
        ],
        [],
        [
            "Sign in with one of the backup codes and set up 2FA again.",
            "Verify the owner's identity, then disable 2FA so they can enrol the new phone.",
        ],
    ),
    (
        "rate-limit",
        "API returns 429 Too Many Requests",
        [
            "Our integration keeps getting 429 Too Many Requests from the API.",
            "The API rate limits our nightly sync.",
            "Requests fail with a rate limit exceeded error.",
        ],
        ["The integration sends more than 100 requests per minute."],
        [
            "Slow the client down and retry after the Retry-After header.",
            "Batch the calls so the integration stays under 100 requests per minute.",
        ],
    ),
    (
        "recurring-invoice",
        "Recurring invoice was not sent",
        [
            "The recurring invoice for this month did not go out.",
            "My monthly invoice schedule skipped this month.",
            "A recurring invoice was never sent to the client.",
        ],
        ["The schedule pauses when the client's email bounced."],
        [
            "Fix the client's email address and resume the schedule.",
            "Send the missed invoice by hand from the schedule's history.",
        ],
    ),
    (
        "receipt-crash",
        "Mobile app crashes when uploading a receipt",
        [
            "The iOS app crashes every time I upload a receipt photo.",
            "Taking a picture of a receipt closes the app.",
            "Receipt upload makes the mobile app quit.",
        ],
        ["Version 5.2.0 has a bug with large photos."],
        [
            "Update the app to version 5.2.1, which fixes the crash.",
            "Until then, upload the receipt from the web app.",
        ],
    ),
    (
        "payout-delay",
        "Payout has not arrived",
        [
            "My payout has not reached my bank yet.",
            "The weekly payout is late this time.",
            "Where is my payout, it should have arrived yesterday.",
        ],
        ["Bank holidays delay standard payouts."],
        [
            "Standard payouts take 2 business days; check the payout's status in Payments.",
            "Use an instant payout if the money is needed today.",
        ],
    ),
    (
        "portal-link",
        "Client portal link already used",
        [
            "My client says the client portal link has expired on the first click.",
            "The portal invitation shows the link was already used.",
            "Our customer cannot open the client portal, link expired.",
        ],
        ["A mail security scanner opened the single-use portal link first."],
        [
            "Resend the invite from Clients > Portal access > Resend invite.",
            "Ask the client's IT to allow-list the Ledgerly portal sender.",
        ],
    ),
    (
        "blurry-logo",
        "Logo looks blurry on PDF invoices",
        [
            "Our logo looks blurry and pixelated on the PDF invoices.",
            "The company logo on the invoice PDF is fuzzy.",
            "The logo prints low quality on every invoice.",
        ],
        ["Logos are scaled to 300 pixels wide, so a small upload is stretched."],
        [
            "Upload a PNG logo at least 600 pixels wide in Settings > Branding.",
            "Use an SVG logo, which stays sharp at any size.",
        ],
    ),
    (
        "due-timezone",
        "Invoice due dates are off by one day",
        [
            "Due dates on our invoices are one day earlier than what I set.",
            "The invoice shows the wrong due date, a day off.",
            "Clients see a due date one day before the real one.",
        ],
        ["The account's time zone is still UTC while the team works in Sydney."],
        [
            "Set the account time zone in Settings > Company > Time zone.",
            "Reissue the affected invoices so they show the right date.",
        ],
    ),
    (
        "import-duplicates",
        "Client import fails on duplicate emails",
        [
            "The client import stops with an error on row 214.",
            "Importing our client list from CSV fails halfway.",
            "Bulk client upload rejects the file.",
        ],
        ["Two rows share the same email address, which must be unique."],
        [
            "Remove or merge the rows with the same email, then import again.",
            "Download the import report to see every rejected row.",
        ],
    ),
    (
        "slack-rename",
        "Slack notifications stopped after renaming the workspace",
        [
            "Ledgerly stopped posting payment alerts to Slack.",
            "Our Slack channel no longer gets invoice notifications.",
            "Slack alerts from Ledgerly stopped this week.",
        ],
        ["Renaming the Slack workspace revoked the app's token."],
        [
            "Reconnect Slack in Settings > Integrations > Slack.",
            "Pick the alert channel again after reconnecting.",
        ],
    ),
    (
        "numbering-reset",
        "Invoice numbers restarted in the new year",
        [
            "Our invoice numbers started again at 1 after New Year.",
            "Invoice numbering reset itself in January.",
            "New invoices reuse numbers from last year.",
        ],
        ["The number format includes the year, so the counter restarts yearly."],
        [
            "Remove {YYYY} from the number format in Settings > Invoicing > Numbering.",
            "Set the next number to continue the old sequence.",
        ],
    ),
    (
        "dark-mode-charts",
        "Report charts unreadable in dark mode",
        [
            "In dark mode the report charts are black on black.",
            "Chart labels disappear when dark mode is on.",
            "The profit chart is unreadable with the dark theme.",
        ],
        [],
        [
            "Turn on high-contrast charts in Settings > Appearance.",
            "Switch the report to the light theme when exporting it.",
        ],
    ),
    (
        "calendar-dupes",
        "Calendar sync creates duplicate events",
        [
            "Every due date shows up twice in my Google Calendar.",
            "The calendar sync adds each invoice reminder two times.",
            "Duplicate events appear after connecting the calendar.",
        ],
        ["The calendar was connected twice, once per user."],
        [
            "Disconnect the second calendar connection in Settings > Integrations.",
            "Delete the duplicate events with the cleanup button on the calendar page.",
        ],
    ),
]
COVERED = 8
OPENERS = ["", "Hi,", "Hello team,", "Hey there,", "Good morning,", "Urgent:"]
EXTRAS = [
    "",
    "This started last week.",
    "It happened again today.",
    "We have a deadline.",
    "Several clients noticed it.",
    "Nothing changed on our side.",
]
