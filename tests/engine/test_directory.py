"""Where IT names the company directory in the policy, answers show the employee's e-mail
address and name from it (a real OpenLDAP slapd, started on loopback for these tests),
the same in the window and on the command line; an unreachable directory falls back on
the system's values."""
from __future__ import annotations


import pytest

from desktop.engine.directory import lookup_user
from tests.engine.test_variables_filled import FILES, snapshot  # noqa: F401 - fixture
from tests.kb_snapshots.conftest import run_cli
from tests.ldap_server import group, organisation, slapd

BASE = "dc=contoso,dc=example"
LDIF = organisation(BASE, "people", "groups") + f"""\
dn: uid=jdoe,ou=people,{BASE}
objectClass: inetOrgPerson
uid: jdoe
cn: Jeanne Doe
sn: Doe
givenName: Jeanne
displayName: Jeanne Doe
mail: jeanne.doe@corp.contoso.example
departmentNumber: Finance
physicalDeliveryOfficeName: Paris 3B
telephoneNumber: +33 1 23 45 67 00
manager: uid=mcurie,ou=people,{BASE}

dn: uid=mcurie,ou=people,{BASE}
objectClass: inetOrgPerson
uid: mcurie
cn: Marie Curie
sn: Curie
displayName: Marie Curie

""" + group(BASE, "VPN-users", "jdoe")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """ldap://127.0.0.1:PORT serving a few people and a group, read anonymously."""
    with slapd(tmp_path_factory.mktemp("ldap"), BASE, LDIF, lambda url: bool(lookup_user(url, BASE, "jdoe"))) as url:
        yield url


def test_the_directory_gives_the_persons_mail_and_name(directory):
    assert lookup_user(directory, BASE, "jdoe") == {
        "mail": "jeanne.doe@corp.contoso.example", "givenName": "Jeanne", "sn": "Doe", "displayName": "Jeanne Doe",
        "departmentNumber": "Finance", "physicalDeliveryOfficeName": "Paris 3B", "telephoneNumber": "+33 1 23 45 67 00",
        "manager": "Marie Curie", "groups": "VPN-users"}
    assert lookup_user(directory, BASE, "nobody") == {}
    assert lookup_user(directory, BASE, "*") == {}                  # a login is a value, never a filter


@pytest.fixture
def env(tmp_path, monkeypatch, directory):
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("LOGNAME", "jdoe")                             # the account's login
    monkeypatch.delenv("HELPDESK_USER_EMAIL", raising=False)
    monkeypatch.delenv("HELPDESK_USER_FULL_NAME", raising=False)
    policy = tmp_path / "policy.toml"
    policy.write_text(f'[directory]\nurl = "{directory}"\nbase_dn = "{BASE}"\nmail_domain = "fallback.example"\n')
    monkeypatch.setenv("HELPDESK_POLICY", str(policy))
    return policy


def test_window_and_command_line_show_the_directorys_address(env, snapshot):  # noqa: F811
    from desktop.ui.facade import Assistant

    assistant = Assistant.from_environment(snapshot)
    assert assistant.values["user.email"] == "jeanne.doe@corp.contoso.example"
    assert assistant.values["user.first_name"] == "Jeanne"
    assert "jeanne.doe@corp.contoso.example" in assistant.article_markdown("helpdesk-contact")
    cli = run_cli("ask", "how do I contact the helpdesk", "--snapshot", str(snapshot), module="desktop")
    assert "Write from jeanne.doe@corp.contoso.example." in cli.stdout, cli.stderr


def test_an_unreachable_directory_falls_back_on_the_mail_domain(env, snapshot):  # noqa: F811
    from desktop.ui.facade import Assistant

    env.write_text(f'[directory]\nurl = "ldap://127.0.0.1:1"\nbase_dn = "{BASE}"\nmail_domain = "fallback.example"\n')
    assert Assistant.from_environment(snapshot).values["user.email"] == "jdoe@fallback.example"


@pytest.mark.parametrize("section, message", [
    ({"url": "https://ldap.contoso.example", "base_dn": BASE}, "directory.url: expected an ldap:// address"),
    ({"url": "ldap://ldap.contoso.example"}, "directory.base_dn: required"),
])
def test_a_wrong_directory_in_the_policy_is_named(section, message):
    from desktop.policy import PolicyError, parse_policy

    with pytest.raises(PolicyError, match=message):
        parse_policy({"directory": section})


FACTS_KB = {
    "kb.yaml": "name: Facts\ndefault_lang: en\nlanguages: [en]\nteams:\n  network: Network\n",
    "articles/who.md": "---\nid: who-am-i\ntitle: Who handles my requests\nlang: en\nquestions: [who approves my "
                       "requests, who is my manager]\n---\nYou are in {{user.department}} at {{user.office}}; "
                       "{{user.manager}} approves your requests.\n",
    "trees/vpn.yaml": "id: vpn-access-steps\ntitle: VPN access\nlang: en\nquestions: [can I use the vpn]\n"
                      "start: start\nnodes:\n  start:\n    check: user.in_group:VPN-users\n    if_ok: yes\n"
                      "    if_failed: no\n  yes:\n    answer: You may use the VPN.\n  no:\n    answer: Ask for access.\n",
}


def test_directory_facts_appear_in_answers_and_decide_tree_steps(env, make_kb, tmp_path):
    from desktop.ui.facade import Assistant
    from kb_snapshots.build import build

    output = tmp_path / "facts.sqlite"
    build(make_kb(FACTS_KB), output, version=1)
    assistant = Assistant.from_environment(output)
    text = assistant.article_markdown("who-am-i").replace("\\", "")
    assert "You are in Finance at Paris 3B; Marie Curie approves your requests." in text
    walk = assistant.run_check(assistant.start_tree("vpn-access-steps"))
    assert walk.step.text == "You may use the VPN." and "VPN-users" in walk.check_detail


def test_facts_are_kept_a_day_and_used_offline(directory, tmp_path, monkeypatch):
    import desktop.engine.directory as ldap

    cache = tmp_path / "directory.json"
    first = ldap.cached_lookup(cache, directory, BASE, "jdoe", now=1_000_000.0)
    assert first["groups"] == "VPN-users"
    monkeypatch.setattr(ldap, "lookup_user", lambda *args, **kwargs: {})      # the directory is out of reach
    assert ldap.cached_lookup(cache, directory, BASE, "jdoe", now=1_000_000.0 + 3 * 86400) == first
    assert ldap.cached_lookup(cache, directory, BASE, "someone-else", now=1_000_000.0) == {}
