"""The decision each KB learns at build time: answer, offer a choice, or say "not understood"."""
from __future__ import annotations

import sqlite3
import shutil

import pytest

from desktop.engine import KnowledgeBase, SnapshotError
from desktop.engine.decision import Calibration
from tests.sample_kb import sample_snapshot


@pytest.fixture(scope="module")
def sample() -> KnowledgeBase:
    return KnowledgeBase.open(sample_snapshot())


def test_sibling_topics_are_offered_as_a_choice_not_answered(sample):
    reply = sample.ask("change or reset my password")
    assert reply.kind == "choose"
    assert {"password-change", "password-reset"} <= {hit.id for hit in reply.hits}


@pytest.mark.parametrize("question, expected", [
    ("my printer is kaput and will not print", "printer-troubleshoot"),    # "kaput": a word the KB never uses
    ("my pasword expird", "password-reset"),                                # two typos
])
def test_clear_question_with_an_unknown_or_misspelt_word_is_answered(sample, question, expected):
    reply = sample.ask(question)
    assert reply.kind == "answer", reply
    assert reply.hits[0].id == expected


@pytest.mark.parametrize("question", ["password", "teams", "mot de passe"])
def test_did_you_mean_offers_two_or_three_candidates(sample, question):
    reply = sample.ask(question)
    assert reply.kind == "choose"
    assert 2 <= len(reply.hits) <= 3


@pytest.mark.parametrize("question", ["how to bake a chocolate cake", "what is the capital of peru",
                                      "quel temps fera-t-il demain"])
def test_questions_from_outside_the_kb_are_not_understood(sample, question):
    assert sample.ask(question).kind == "unknown"


def test_the_calibration_is_learned_from_the_kb_and_stored_in_the_snapshot(sample):
    learned = sample.search_index().calibration
    assert learned.samples > 1000                 # held-out example questions of the sample KB
    assert learned != Calibration(samples=learned.samples)
    assert 0 < learned.choose_at < learned.answer_at < 1


@pytest.mark.parametrize("value", ['{"bias": 1}', '[]', 'not json',
                                   Calibration(bias=1.0).to_json().replace("1.0", "NaN", 1)])
def test_a_damaged_calibration_is_a_damaged_snapshot(tmp_path, value):
    copy = tmp_path / "kb.sqlite"
    shutil.copy(sample_snapshot(), copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'calibration'", (value,))
    with pytest.raises(SnapshotError, match="damaged snapshot"):
        KnowledgeBase.open(copy).ask("I forgot my password")
