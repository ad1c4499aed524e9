"""The sample knowledge base gives one address for one thing: the password reset page is
`{{helpdesk.password_reset}}` everywhere (the KB's own default in kb.yaml, which the
policy may override), and Contoso's hosts are all under the reserved .example domain."""
from __future__ import annotations

import re
from pathlib import Path

from desktop.engine.variables import policy_variables, render
from desktop.policy import parse_policy
from tests.engine.test_understanding import sample  # noqa: F401 - fixture

SOURCE = Path(__file__).resolve().parents[2] / "kb_snapshots" / "sample_kb"


def _texts() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in SOURCE.rglob("*") if path.suffix in (".md", ".yaml")}


def test_articles_and_trees_name_the_password_reset_page_through_one_variable():
    literal = {path.name for path, text in _texts().items() if "passwordreset." in text and path.name != "kb.yaml"}
    assert literal == set()
    users = {path.name for path, text in _texts().items() if "{{helpdesk.password_reset}}" in text}
    assert {"password-reset.md", "password-reset-fr.md", "account-locked.yaml", "account-locked-fr.yaml"} <= users


def test_contoso_hosts_all_use_the_same_domain():
    hosts = {m.group(0) for text in _texts().values() for m in re.finditer(r"[a-z0-9-]+\.contoso\.[a-z]+", text)}
    assert hosts and all(host.endswith(".contoso.example") for host in hosts)


def test_the_article_and_the_tree_show_the_same_address_and_the_policy_can_change_it(sample):  # noqa: F811
    def shown(values) -> set[str]:
        texts = [sample.article("password-reset").body]
        texts += [node.get("answer", "") for node in sample.tree("account-locked").tree["nodes"].values()]
        return {m.group(0) for text in texts for m in re.finditer(r"https://[\w./-]+", render(text, values))
                if "portal.contoso.example" not in m.group(0)}

    assert shown(policy_variables(sample, None)) == {"https://passwordreset.contoso.example"}
    policy = parse_policy({"helpdesk": {"password_reset": "https://sspr.it.example"}})
    assert shown(policy_variables(sample, policy)) == {"https://sspr.it.example"}
