"""A question too short to tell its language ("wifi", "VPN") is answered in the language
the employee uses the app in; a question that says its language keeps it."""
from __future__ import annotations

import pytest

from desktop.engine.dialogue import Dialogue
from tests.engine.test_understanding import sample  # noqa: F401 - fixture


@pytest.mark.parametrize("question", ["wifi", "vpn", "Teams", "outlook"])
def test_a_short_question_is_answered_in_the_preferred_language(sample, question):  # noqa: F811
    assert sample.ask(question, prefer="fr").lang == "fr"
    assert sample.ask(question, prefer="fr").hits[0].id.endswith("-fr")
    assert sample.ask(question, prefer="en").lang == "en"


@pytest.mark.parametrize("question, lang", [("wifi not working", "en"), ("le wifi marche pas", "fr"),
                                            ("my printer is jammed", "en")])
def test_a_question_that_shows_its_language_keeps_it(sample, question, lang):  # noqa: F811
    other = "en" if lang == "fr" else "fr"
    assert sample.ask(question, prefer=other).lang == lang


def test_a_conversation_in_french_keeps_answering_short_questions_in_french(sample):  # noqa: F811
    dialogue = Dialogue(sample)
    assert dialogue.ask("mon imprimante ne marche plus").reply.lang == "fr"
    assert dialogue.ask("wifi").reply.lang == "fr"


@pytest.fixture
def assistant_env(tmp_path, monkeypatch, sample):  # noqa: F811
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    policy = tmp_path / "policy.toml"
    policy.write_text("")
    monkeypatch.setenv("HELPDESK_POLICY", str(policy))
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    return sample.info.path


def test_the_window_answers_wifi_in_french_when_the_app_is_set_to_french(assistant_env):
    from desktop.ui.facade import Assistant

    assistant = Assistant.from_environment(assistant_env)
    assert assistant.ask("wifi").reply.lang == "en"
    assistant.settings.update(language="fr")
    turn = assistant.ask("wifi")
    assert turn.reply.lang == "fr" and turn.reply.hits[0].id.endswith("-fr")
    preview = assistant.preview("wifi")
    assert preview.turn.reply.lang == "fr"


def test_the_window_follows_a_french_system_when_no_language_is_set(assistant_env, monkeypatch):
    from desktop.ui.facade import Assistant

    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assistant = Assistant.from_environment(assistant_env)
    assert assistant.settings.language == ""
    assert assistant.ask("wifi").reply.lang == "fr"


def test_ask_on_the_command_line_answers_wifi_in_the_sessions_language(assistant_env, monkeypatch):
    import json

    from tests.kb_snapshots.conftest import run_cli

    def ask_wifi() -> str:
        done = run_cli("ask", "wifi", "--json", "--snapshot", str(assistant_env), module="desktop")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["lang"]
    assert ask_wifi() == "en"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert ask_wifi() == "fr"
