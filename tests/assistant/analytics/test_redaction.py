"""Nothing an agent pastes reaches the suggestion store unredacted: seeded e-mails, phones,
cards, IBANs and IPs planted in questions, tickets, earlier turns and decisions are not in the
database file (nor its write-ahead log), and their placeholders are."""

from __future__ import annotations

import random
from pathlib import Path

from assistant.access import Audience
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion import AskRequest, Ticket, Turn
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.test_service import FakeAssistant
from tests.ingest import redaction_values as values
from tests.ingest.redaction_phones import phone


def planted(rng: random.Random) -> dict[str, str]:
    return {
        "email": values.email(rng, "Maria", "Lopez"),
        "phone": phone(rng),
        "card": values.card(rng),
        "iban": values.iban(rng),
        "ip": values.ip(rng, "v4"),
    }


def sentence(pii: dict[str, str]) -> str:
    return (
        f"Customer {pii['email']} (phone {pii['phone']}) paid with card {pii['card']}, "
        f"refund to IBAN {pii['iban']}; login from {pii['ip']}."
    )


def test_no_planted_pii_is_in_the_database_file(tmp_path: Path) -> None:
    rng = random.Random(13)
    path = tmp_path / "kbassist.db"
    service = SupportService(FakeAssistant(), SqlSuggestionStore(f"sqlite:///{path}"))
    everything: list[str] = []
    for n in range(6):
        texts = [planted(rng) for _ in range(7)]
        everything += [v for pii in texts for v in pii.values()]
        request = AskRequest(
            question=sentence(texts[0]),
            ticket=Ticket(subject=sentence(texts[1]), description=sentence(texts[2])),
            history=[Turn(text=sentence(texts[3]))],
        )
        made = service.suggest(request, Audience.agent("tier1"), "http", f"agent{n}")
        edit = DecisionIn(action="edit", agent="a", text=sentence(texts[4]), reply_text="Hi")
        service.decide(made.id, edit)
        override = DecisionIn(
            action="override", agent="a", text=sentence(texts[5]), reason=sentence(texts[6])
        )
        service.decide(made.id, override)
        assert service.decide(made.id, override).new is False  # a retry is still one request
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))
    left = [value for value in everything if value.encode() in stored]
    assert left == []
    for placeholder in (b"[EMAIL]", b"[PHONE]", b"[CARD]", b"[IBAN]", b"[IP]"):
        assert placeholder in stored
    record, decisions = service.get(made.id)
    assert record.request.question is not None and "[EMAIL]" in record.request.question
    assert decisions[-1].reason is not None and "[CARD]" in decisions[-1].reason


def test_a_suggestion_not_recorded_keeps_the_question_as_asked(tmp_path: Path) -> None:
    service = SupportService(FakeAssistant(), SqlSuggestionStore(f"sqlite:///{tmp_path / 'k.db'}"))
    question = "Refund ana@example.com please"
    made = service.suggest(AskRequest(question=question), Audience.agent(), "cli", "a", False)
    assert made.request.question == question
