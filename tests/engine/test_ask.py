"""`KnowledgeBase.ask`: what an employee gets back for what they type."""
from __future__ import annotations

import dataclasses
import json
import threading
import time

import pytest

from desktop.engine import KnowledgeBase
from tests.kb_snapshots.kbfactory import PRINTER_TREE, article, build_and_open, tree, write_kb

OUT_OF_SCOPE = ["how to bake a chocolate cake", "what is the capital of Peru?",
                "quelle est la recette de la tarte aux pommes"]


@pytest.mark.parametrize("question, expected_id, kind", [
    ("I forgot my password", "password-reset", "article"),
    ("how do I connect to the VPN from home?", "vpn-connect", "article"),
    ("colleagues can't see my webcam in Teams", "teams-camera", "article"),
    ("my mailbox is full", "outlook-mailbox-full", "article"),
    ("my printer won't print", "printer-troubleshoot", "tree"),
    ("print job stuck", "printer-troubleshoot", "tree"),
])
def test_clear_question_gets_a_confident_answer(helpdesk, question, expected_id, kind):
    reply = helpdesk.ask(question, lang="en")
    assert reply.kind == "answer"
    assert reply.hits[0].id == expected_id
    assert reply.hits[0].kind == kind


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_question_is_unknown_with_a_message(helpdesk, question):
    reply = helpdesk.ask(question)
    assert reply.kind == "unknown"
    assert reply.message
    assert all(hit.score < helpdesk.tuning.choose_at for hit in reply.hits)


@pytest.mark.parametrize("question, lang", [
    ("hi", "en"), ("Hello!", "en"), ("good morning", "en"), ("thanks", "en"), ("thank you so much", "en"),
    ("what can you do?", "en"), ("who are you?", "en"), ("bye", "en"),
    ("bonjour", "fr"), ("Salut !", "fr"), ("merci", "fr"), ("merci beaucoup", "fr"),
    ("qu'est-ce que tu sais faire ?", "fr"), ("au revoir", "fr"),
])
def test_small_talk_gets_a_friendly_reply_in_the_users_language(helpdesk, question, lang):
    reply = helpdesk.ask(question)
    assert reply.kind == "smalltalk"
    assert reply.hits == []
    assert reply.lang == lang
    french_words = ("Bonjour", "plaisir", "Au revoir", "questions informatiques")
    assert any(w in reply.message for w in french_words) == (lang == "fr"), reply.message


@pytest.mark.parametrize("question, expected_id", [
    ("hi my printer is jammed", "printer-troubleshoot"),
    ("thanks, but I forgot my password", "password-reset"),
    ("bonjour, j'ai oublié mon mot de passe", "password-reset-fr"),
])
def test_small_talk_with_a_problem_goes_to_the_knowledge_base(helpdesk, question, expected_id):
    reply = helpdesk.ask(question)
    assert reply.kind == "answer"
    assert reply.hits[0].id == expected_id


def test_hits_carry_id_title_score_kind_and_come_best_first(helpdesk):
    reply = helpdesk.ask("I forgot my password", lang="en")
    assert reply.hits, reply
    titles = {e.id: e.title for e in helpdesk.entries()}
    for hit in reply.hits:
        assert hit.id in titles and hit.title == titles[hit.id]
        assert 0.0 <= hit.score <= 1.0
        assert hit.kind in ("article", "tree")
    assert reply.hits[0].score == max(hit.score for hit in reply.hits)
    assert len({hit.id for hit in reply.hits}) == len(reply.hits)
    assert "password-reset-fr" not in {hit.id for hit in reply.hits}     # one hit per translated pair
    assert json.loads(json.dumps(reply.to_dict()))["hits"][0]["id"] == "password-reset"


def test_limit_caps_the_number_of_hits(helpdesk):
    assert len(helpdesk.ask("printer password vpn", limit=2).hits) <= 2


@pytest.mark.parametrize("question", ["I forgot my password", *OUT_OF_SCOPE])
@pytest.mark.parametrize("limit", [0, 1, 2])
def test_limit_does_not_change_how_sure_the_reply_is(helpdesk, question, limit):
    full = helpdesk.ask(question)
    short = helpdesk.ask(question, limit=limit)
    assert short.kind == full.kind
    assert 1 <= len(short.hits) <= max(1, limit)
    assert short.hits[0] == full.hits[0]


def test_ambiguous_reply_offers_a_few_candidates_to_choose_from(helpdesk_snapshot):
    kb = KnowledgeBase.open(helpdesk_snapshot)
    index = kb.search_index()
    index.calibration = dataclasses.replace(index.calibration, answer_at=1.01)   # nothing is sure enough
    reply = kb.ask("I forgot my password")
    assert reply.kind == "choose"
    assert reply.message
    assert 2 <= len(reply.hits) <= 3
    assert reply.hits[0].id == "password-reset"


@pytest.mark.parametrize("question, lang, expected_id", [
    ("j'ai oublié mon mot de passe", None, "password-reset-fr"),
    ("I forgot my password", None, "password-reset"),
    ("le vpn ne se connecte pas", None, "vpn-connect-fr"),
    ("vpn will not connect", None, "vpn-connect"),
    ("password expired", "fr", "password-reset-fr"),          # forced language wins
    ("mot de passe expiré", "en", "password-reset"),
])
def test_translated_pair_answers_in_the_language_of_the_question(helpdesk, question, lang, expected_id):
    reply = helpdesk.ask(question, lang=lang)
    assert reply.hits[0].id == expected_id
    assert reply.hits[0].lang == reply.lang
    assert reply.lang == (lang or expected_id.endswith("-fr") and "fr" or "en")


def test_entry_without_translation_is_still_found_in_the_other_language(helpdesk):
    reply = helpdesk.ask("ma boîte aux lettres est pleine")
    assert reply.lang == "fr"
    assert reply.hits[0].id == "outlook-mailbox-full"
    assert reply.hits[0].lang == "en"


@pytest.mark.parametrize("lang", ["de", "", "EN", 42])
def test_unsupported_forced_language_falls_back_to_detection(helpdesk, lang):
    reply = helpdesk.ask("I forgot my password", lang=lang)
    assert reply.lang == "en"
    assert reply.hits[0].id == "password-reset"


@pytest.mark.parametrize("text", [
    "", "   ", "\n\t \r\n", None, "???", "!!!...", "\x00\x01\x02\x1b[31m\x7f",
    b"\xff\xfe\x00garbage\x89PNG".decode("utf-8", errors="replace"),
    bytes(range(256)).decode("latin-1"),
    "\ud800 lone surrogate",
    "🖨️🔥😡",
    "%s %d {0} {{user.login}} ' OR 1=1 --",
])
def test_junk_input_never_crashes_and_is_not_understood(helpdesk, text):
    reply = helpdesk.ask(text)
    assert reply.kind in ("unknown", "smalltalk")
    assert reply.message
    json.dumps(reply.to_dict())


def test_bytes_question_does_not_crash(helpdesk):
    assert helpdesk.ask(b"\x00\xff\xfe binary").kind == "unknown"


def test_ten_thousand_character_question_answers_quickly(helpdesk):
    # CPU time, not wall time: the budget must hold on a busy CI machine too
    question = ("I forgot my password and now I cannot log in. " * 250)[:10_000]
    assert len(question) == 10_000
    started = time.process_time()
    reply = helpdesk.ask(question)
    assert time.process_time() - started < 2.0
    assert reply.kind in ("answer", "choose") and reply.hits[0].id == "password-reset"   # a pasted wall of text
    started = time.process_time()
    assert helpdesk.ask("x" * 10_000).kind == "unknown"
    assert helpdesk.ask("pasword " * 1250, lang="en").hits[0].id == "password-reset"
    assert time.process_time() - started < 4.0


@pytest.mark.parametrize("question, expected_id, correction", [
    ("pasword forgotten", "password-reset", ("pasword", "password")),
    ("I forgot my pwd", "password-reset", ("pwd", "password")),
    ("mdp oublié", "password-reset-fr", ("mdp", "mot de passe")),
    ("my visitor needs the wireless network", "wifi-guest", ("wireless network", "wifi")),
    ("my webcma does not work in teams", "teams-camera", None),      # swapped letters: found all the same
])
def test_typos_and_synonyms_are_understood_and_reported(helpdesk, question, expected_id, correction):
    reply = helpdesk.ask(question)
    assert reply.kind == "answer"
    assert reply.hits[0].id == expected_id
    if correction:
        wrong, right = correction
        assert reply.corrections.get(wrong) == right


def test_concurrent_questions_get_the_same_answers_as_sequential_ones(helpdesk_snapshot):
    kb = KnowledgeBase.open(helpdesk_snapshot)
    questions = ["I forgot my password", "vpn will not connect", "my printer won't print",
                 "mdp oublié", "how to bake a chocolate cake"] * 2
    results: dict[int, tuple[str, str | None]] = {}

    def ask(i: int) -> None:
        reply = kb.ask(questions[i])
        results[i] = (reply.kind, reply.hits[0].id if reply.hits else None)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    expected = {i: (r.kind, r.hits[0].id if r.hits else None)
                for i, r in ((i, kb.ask(q)) for i, q in enumerate(questions))}
    assert results == expected


def test_article_lookup_and_translation(helpdesk):
    assert helpdesk.article("password-reset-fr").translation_of == "password-reset"
    assert helpdesk.translation("password-reset", "fr") == "password-reset-fr"
    assert helpdesk.translation("outlook-mailbox-full", "fr") == "outlook-mailbox-full"
    assert helpdesk.tree("printer-troubleshoot").tree["start"] == "start"
    with pytest.raises(KeyError):
        helpdesk.article("no-such-article")
    with pytest.raises(KeyError):
        helpdesk.tree("password-reset")


# -- KBs with a single article, or a single language ---------------------------------------

@pytest.fixture(scope="module")
def one_article_kb(tmp_path_factory) -> KnowledgeBase:
    root = write_kb(tmp_path_factory.mktemp("one") / "kb", {
        "kb.yaml": "name: Tiny\ndefault_lang: en\nlanguages: [en]\n",
        "articles/vpn.md": article("Open the VPN client.", id="vpn-connect", title="Connect to the VPN",
                                   lang="en", questions=["how do I connect to the VPN?"]),
    })
    return build_and_open(root, root.with_suffix(".sqlite"))


def test_kb_with_one_article_answers_and_rejects(one_article_kb):
    reply = one_article_kb.ask("how do I connect to the VPN?")
    assert reply.kind == "answer"
    assert [h.id for h in reply.hits] == ["vpn-connect"]
    assert one_article_kb.ask("how to bake a chocolate cake").kind == "unknown"
    assert one_article_kb.ask("").kind == "unknown"


@pytest.fixture(scope="module")
def english_only_kb(tmp_path_factory) -> KnowledgeBase:
    root = write_kb(tmp_path_factory.mktemp("en") / "kb", {
        "kb.yaml": "name: English only\ndefault_lang: en\nlanguages: [en]\nteams: {workplace: Workplace}\n",
        "articles/pw.md": article("Open the reset page.", id="password-reset", title="Reset a forgotten password",
                                  lang="en", questions=["I forgot my password"]),
        "articles/vpn.md": article("Open the VPN client.", id="vpn-connect", title="Connect to the VPN",
                                   lang="en", questions=["how do I connect to the VPN?"]),
        "trees/printer.yaml": tree(**PRINTER_TREE),
    })
    return build_and_open(root, root.with_suffix(".sqlite"))


@pytest.mark.parametrize("question", ["j'ai oublié mon mot de passe", "bonjour", "",
                                      "le vpn ne marche plus", "merci"])
def test_kb_in_one_language_handles_french_looking_text(english_only_kb, question):
    reply = english_only_kb.ask(question)
    assert reply.lang == "en"
    assert reply.kind in ("answer", "choose", "unknown", "smalltalk")
    assert all(hit.lang == "en" for hit in reply.hits)
    assert english_only_kb.ask(question, lang="fr").lang == "en"
