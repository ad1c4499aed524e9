"""Typos in several words at once, abbreviations, expiry vs lockout: mended by the
engine's mechanisms (typo correction reaches both tiers, abbreviations are spelt out for
the semantic tier), checked on the sample knowledge base."""
from __future__ import annotations

from pathlib import Path

import pytest

from desktop.engine import KnowledgeBase
from desktop.engine.lexical import QueryAnalyser, is_abbreviation
from tests.sample_kb import sample_snapshot

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample() -> KnowledgeBase:
    return KnowledgeBase.open(sample_snapshot())


@pytest.mark.parametrize("question, lang, expected", [
    ("my pasword expird", None, "password-reset"),
    ("pasword expird this morning", None, "password-reset"),
    ("mdp expiré", None, "password-reset-fr"),
    ("mon mdp a expiré", "fr", "password-reset-fr"),
    ("mot de pase expiré", "fr", "password-reset-fr"),
    ("my acount is lockd", None, "account-locked"),
])
def test_typos_and_abbreviations_find_the_right_answer(sample, question, lang, expected):
    reply = sample.ask(question, lang=lang)
    assert reply.kind == "answer", reply
    assert reply.hits[0].id == expected


def test_an_expired_password_is_not_taken_for_a_locked_account(sample):
    reply = sample.ask("mdp expiré")
    scores = {hit.id: hit.score for hit in reply.hits}
    assert reply.hits[0].id == "password-reset-fr"
    assert scores.get("account-locked-fr", 0.0) < 0.5


@pytest.mark.parametrize("short, long, expected", [
    ("mdp", "mot de passe", True),        # initials
    ("pwd", "password", True),            # letters in order
    ("printr", "printer", True),          # a misspelling
    ("appli", "logiciel", False),         # another word for it: not spelt out
    ("dossier partage", "lecteur reseau", False),
    ("mail", "e-mail", False),            # another first letter
    ("password", "pwd", False),           # longer than what it would stand for
])
def test_abbreviations_are_told_from_other_synonyms(short, long, expected):
    assert is_abbreviation(short, long) is expected


def test_the_semantic_tier_reads_the_question_with_typos_fixed_and_abbreviations_spelt_out():
    analyser = QueryAnalyser({"password": 9, "expire": 3, "passe": 5, "pas": 50, "mot": 5, "dossier": 2},
                             {"fr": {"mdp": "mot de passe", "dossier partage": "lecteur reseau"},
                              "en": {"pwd": "password"}})
    assert analyser.analyse("my pasword expird", "en").meaning == "my password expire"
    assert analyser.analyse("mdp expiré !", "fr").meaning == "mot de passe expiré !"
    assert analyser.analyse("pwd, expird", "en").meaning == "password, expire"
    # another word for the same thing stays as typed: the model knows it
    assert analyser.analyse("mon dossier partage", "fr").meaning == "mon dossier partage"


def test_typos_are_never_corrected_into_stop_words_and_prefer_known_phrases():
    analyser = QueryAnalyser({"pas": 100, "page": 40, "passe": 5, "mot": 5},
                             {"fr": {"mdp": "mot de passe"}})
    assert analyser.correct("pase") == "page"                              # no context: most frequent
    assert analyser.correct("pase", before="de", after="") == "passe"      # "mot de passe"
    assert analyser.analyse("mot de pase", "fr").corrections == {"pase": "passe"}


def test_a_real_word_the_kb_does_not_use_is_not_read_as_a_typo_by_the_semantic_tier():
    from desktop.engine.embedder import shared_embedder

    analysed = QueryAnalyser({"tuna": 3, "expire": 3}, {}).analyse("what is that tune, it expird", "en")
    embedder = shared_embedder()
    assert embedder.is_word("tune") and embedder.is_word("password")
    assert not embedder.is_word("expird") and not embedder.is_word("pasword")
    assert analysed.reading(embedder.is_word) == "what is that tune, it expire"
    assert analysed.meaning == "what is that tuna, it expire"          # the lexical tier's view
