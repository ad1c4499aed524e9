"""Every variable the policy, the knowledge base or this machine can provide is filled,
the same way in the window (the facade) and on the command line (`ask`); a variable with
no value reads as words, never as `[name]`; values cannot add Markdown or HTML."""
from __future__ import annotations

import re

import pytest

from desktop.engine.variables import email_address, machine_mail_domain
from tests.kb_snapshots.conftest import run_cli
from tests.kb_snapshots.kbfactory import article, tree

KB_YAML = """\
name: Test IT
default_lang: en
languages: [en, fr]
teams:
  service-desk: Service desk
variables:
  helpdesk.portal: https://portal.kb-default.example
  helpdesk.password_reset: https://reset.kb-default.example
"""
BODY = ("Write from {{user.email}}. Call {{helpdesk.phone}} ({{helpdesk.hours}}), "
        "or open {{helpdesk.portal}}. Reset it at {{helpdesk.password_reset}}.")
FILES = {
    "kb.yaml": KB_YAML,
    "articles/contact.md": article(BODY, id="helpdesk-contact", title="Contact the helpdesk", lang="en",
                                   questions=["how do I contact the helpdesk", "helpdesk phone number"]),
    "articles/contact-fr.md": article(BODY, id="helpdesk-contact-fr", title="Contacter le support", lang="fr",
                                      translation_of="helpdesk-contact",
                                      questions=["comment contacter le support", "numéro du support"]),
    "trees/reset.yaml": tree(id="password-help", title="Password help", lang="en",
                             questions=["my password does not work"], start="start",
                             nodes={"start": {"text": "Go to {{helpdesk.password_reset}} as {{user.email}}.",
                                              "options": [{"label": "Done", "next": "done"}]},
                                    "done": {"answer": "Good."}}),
}
POLICY = """\
[helpdesk]
phone = "+33 1 23 45 67 89"
hours = "Mon-Fri 8:00-18:00"
portal = "https://help.policy.example"
[directory]
mail_domain = "contoso.example"
mail_format = "{first}.{last}"
"""


@pytest.fixture
def snapshot(make_kb, tmp_path):
    from kb_snapshots.build import build

    root = make_kb(FILES)
    output = tmp_path / "kb.sqlite"
    build(root, output, version=1)
    return output


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("HELPDESK_USER_FULL_NAME", "Anne-Marie Lefèvre")
    monkeypatch.delenv("HELPDESK_USER_EMAIL", raising=False)
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    monkeypatch.setenv("HELPDESK_POLICY", str(policy))
    return policy


EXPECTED = ["anne-marie.lefevre@contoso.example", "+33 1 23 45 67 89", "Mon-Fri 8:00-18:00",
            "https://help.policy.example",        # the policy wins over the KB's default
            "https://reset.kb-default.example"]   # the KB's default where the policy says nothing


def _no_raw_variables(text: str) -> None:
    assert "{{" not in text and not re.search(r"\[(user|device|helpdesk|app|kb)\.\w+\]", text)


def test_ask_on_the_command_line_fills_policy_directory_and_kb_values(env, snapshot):
    result = run_cli("ask", "how do I contact the helpdesk", "--snapshot", str(snapshot), module="desktop")
    assert result.returncode == 0, result.stderr
    for value in EXPECTED:
        assert value in result.stdout
    _no_raw_variables(result.stdout)


def test_the_window_fills_the_same_values_as_the_command_line(env, snapshot):
    from desktop.ui.facade import Assistant

    assistant = Assistant.from_environment(snapshot)
    markdown = assistant.article_markdown("helpdesk-contact")
    cli = run_cli("ask", "how do I contact the helpdesk", "--snapshot", str(snapshot), module="desktop").stdout
    for value in EXPECTED:
        assert value in markdown.replace("\\", "") and value in cli
    _no_raw_variables(markdown)
    step = assistant.start_tree("password-help").step
    assert step.text.replace("\\", "") == "Go to https://reset.kb-default.example as anne-marie.lefevre@contoso.example."


def test_values_missing_everywhere_read_as_words_in_the_articles_language(env, snapshot, monkeypatch, tmp_path):
    from desktop.ui.facade import Assistant

    env.write_text("")                                   # a policy that says nothing
    monkeypatch.setattr("desktop.engine.variables.MAILNAME", tmp_path / "no-mailname")
    assistant = Assistant.from_environment(snapshot)
    english = assistant.article_markdown("helpdesk-contact")
    french = assistant.article_markdown("helpdesk-contact-fr")
    assert "Write from your e-mail address. Call the helpdesk phone line (opening hours)" in english
    assert "Write from votre adresse e-mail. Call la ligne du support (les heures d'ouverture)" in french
    assert "https://portal.kb-default.example" in english.replace("\\", "")
    _no_raw_variables(english + french)


def test_policy_values_cannot_inject_markdown_or_html_into_the_window(env, snapshot):
    from desktop.ui.facade import Assistant

    env.write_text('[helpdesk]\nphone = "<a href=\'http://evil.example\'>**call me**</a>"\n')
    markdown = Assistant.from_environment(snapshot).article_markdown("helpdesk-contact")
    assert not re.search(r"(?<!\\)<a href", markdown) and "**call me**" not in markdown
    assert r"\<a href='http://evil.example'\>\*\*call me\*\*\</a\>" in markdown


@pytest.mark.parametrize("login, full_name, domain, fmt, mailname, expected", [
    ("jdoe", "John Doe", "contoso.example", "{login}", "", "jdoe@contoso.example"),
    ("jdoe", "Jérôme de la Tour", "@contoso.example", "{first}.{last}", "", "jerome.delatour@contoso.example"),
    ("jdoe", "", "contoso.example", "{first}.{last}", "", "jdoe@contoso.example"),   # no full name: the login
    ("jdoe", "John Doe", "", "{login}", "mail.contoso.example\n", "jdoe@mail.contoso.example"),
    ("jdoe", "John Doe", "", "{login}", "", ""),                                      # nothing configured
    ("jdoe", "John Doe", "", "{login}", "localhost\n", ""),                           # not a mail domain
])
def test_the_email_address_comes_from_the_account_and_the_mail_domain(tmp_path, login, full_name, domain, fmt,
                                                                      mailname, expected):
    path = tmp_path / "mailname"
    if mailname:
        path.write_text(mailname)
    assert email_address(login, full_name, domain, fmt, mailname=path) == expected


def test_machine_mail_domain_reads_etc_mailname(tmp_path):
    path = tmp_path / "mailname"
    path.write_text("contoso.example\n")
    assert machine_mail_domain(path) == "contoso.example"
    assert machine_mail_domain(tmp_path / "absent") == ""


def test_a_kb_default_for_a_machine_variable_fails_the_build_naming_the_line(make_kb, tmp_path):
    bad = KB_YAML + "  user.email: someone@example.com\n"
    result = run_cli("build", str(make_kb({**FILES, "kb.yaml": bad})), "--output", str(tmp_path / "x.sqlite"))
    assert result.returncode != 0
    assert "kb.yaml:9" in result.stderr + result.stdout and "user.email" in result.stderr + result.stdout


def test_a_bad_mail_format_in_the_policy_is_named():
    from desktop.policy import PolicyError, parse_policy

    with pytest.raises(PolicyError, match="directory.mail_format"):
        parse_policy({"directory": {"mail_format": "{surname}"}})
