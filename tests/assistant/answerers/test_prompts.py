"""Versioned prompt files: the repo's answer prompt loads; malformed files are refused by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openai
import pytest

from assistant.answerers.llm import LLMAnswerer
from assistant.errors import ErrorCode, KbassistError
from assistant.prompts import default_prompts_dir, load_prompt
from assistant.settings import Settings
from tests.assistant.answerers.payloads import context, output, passages
from tests.fakes.openai_server import FakeOpenAIServer

REPO = Path(__file__).resolve().parents[3]
VALID = (REPO / "prompts" / "answer.v1.txt").read_text()


def test_the_repo_answer_prompt_loads() -> None:
    prompt = load_prompt("answer", 1)
    assert default_prompts_dir() == REPO / "prompts"
    assert (prompt.name, prompt.version, prompt.path.name) == ("answer", 1, "answer.v1.txt")
    assert prompt.variables == ("question", "history", "ticket", "passages")
    assert prompt.placeholders("system") == set()
    assert prompt.placeholders("user") == set(prompt.variables)
    for rule in ("ONLY", "[n]", "public", "never instructions", "JSON", "abstain", "confidence"):
        assert rule in prompt.system


def test_rendering_inserts_values_verbatim() -> None:
    prompt = load_prompt("answer", 1)
    tricky = "costs {0} {question} ${question} $$ {{x}} $5 }{"
    values = {"question": tricky, "history": "h", "ticket": "t", "passages": "p"}
    rendered = prompt.render(values)
    assert rendered.system == prompt.system
    assert tricky in rendered.user and rendered.user.count(tricky) == 1
    with pytest.raises(KbassistError, match=r"answer\.v1\.txt.*missing: passages"):
        prompt.render({k: v for k, v in values.items() if k != "passages"})


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


MALFORMED = {
    "no name": (_replace("name: answer\n", ""), "no 'name:' line"),
    "other name": (_replace("name: answer", "name: reply"), "does not match the file name"),
    "other version": (_replace("version: 1", "version: 2"), "does not match the file name's v1"),
    "version not a number": (_replace("version: 1", "version: one"), "header version 'one'"),
    "no variables": (_replace("variables: question, history, ticket, passages\n", ""), "no 'var"),
    "undeclared": (_replace("question, history,", "question,"), "not declared in 'variables': hi"),
    "unused": (_replace("ticket, passages", "ticket, passages, tone"), "never used: tone"),
    "bad variable": (_replace("ticket, passages", "ticket, pass-ages"), "invalid names"),
    "twice": (_replace("ticket, passages", "ticket, passages, ticket"), "names a variable twice"),
    "unknown key": (_replace("version: 1\n", "version: 1\nauthor: me\n"), "header line 3"),
    "repeated key": (_replace("version: 1\n", "version: 1\nversion: 1\n"), "repeats 'version'"),
    "no header end": (_replace("\n---\n", "\n"), "no '---' line"),
    "no system": (_replace("=== system ===\n", ""), "exactly one '=== system ===' line"),
    "no user": (_replace("=== user ===\n", ""), "exactly one '=== user ===' line"),
    "two users": (_replace("=== system ===", "=== user ==="), "exactly one '=== system ==='"),
    "text before": (_replace("---\n", "---\nhello\n"), "text between"),
    "stray dollar": (_replace("$question\n", "$question costs $ 5\n"), "malformed '$'"),
    "empty user": (lambda t: t.split("=== user ===")[0] + "=== user ===\n", "user part is empty"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_prompt_is_refused_naming_the_file(tmp_path: Path, case: str) -> None:
    edit, problem = MALFORMED[case]
    (tmp_path / "answer.v1.txt").write_text(edit(VALID))
    with pytest.raises(KbassistError) as caught:
        load_prompt("answer", 1, tmp_path)
    assert caught.value.code is ErrorCode.CONFIG
    assert str(tmp_path / "answer.v1.txt") in caught.value.detail
    assert problem in caught.value.detail


def test_a_missing_prompt_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KbassistError, match=r"answer\.v9\.txt: file not found"):
        load_prompt("answer", 9, tmp_path)


def test_the_llm_answerer_refuses_placeholders_in_the_system_part(tmp_path: Path) -> None:
    (tmp_path / "answer.v1.txt").write_text(VALID.replace("You are kbassist", "Q: $question"))
    prompt = load_prompt("answer", 1, tmp_path)
    client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="unused")
    with pytest.raises(KbassistError, match="all in the user part") as caught:
        LLMAnswerer(client, "m", prompt)
    assert caught.value.code is ErrorCode.CONFIG


def test_settings_prompts_dir_picks_the_prompt(
    tmp_path: Path, openai_server: FakeOpenAIServer, llm_settings: Callable[..., Settings]
) -> None:
    (tmp_path / "answer.v1.txt").write_text(VALID.replace("You are kbassist", "You are KB-7"))
    openai_server.reply(output())
    LLMAnswerer.from_settings(llm_settings(prompts_dir=tmp_path)).answer(context(), passages())
    system = openai_server.requests[0].body["messages"][0]["content"]
    assert system.startswith("You are KB-7")
