"""The poll's Python side: answers start unset, are kept in memory, and survive bad input."""

from __future__ import annotations

import json

import pytest

from emolab.poll import UNSET, Poll

SCENES = ["metro platform", "office", "street"]


def test_a_new_poll_has_no_answers_and_says_choose():
    poll = Poll(SCENES, prompt="What does the person feel?")
    assert poll.answers == dict.fromkeys(SCENES)
    assert poll.answered() == 0
    assert poll.widget.unset_label == UNSET == "(choose)"
    assert poll.widget.questions == SCENES and "angry" in poll.widget.choices
    text = repr(poll.widget)  # what a run without a browser keeps
    assert "What does the person feel?" in text and f"office: {UNSET}" in text


def test_answers_from_the_browser_are_read_back():
    poll = Poll(SCENES)
    poll.widget.answers = {"office": "disgust"}  # what the drop-downs send
    assert poll.answers == {"metro platform": None, "office": "disgust", "street": None}
    assert poll.answered() == 1


def test_a_value_that_is_not_a_choice_counts_as_unanswered():
    poll = Poll(SCENES)
    poll.widget.answers = {"office": "bored", "street": None}
    assert poll.answers == dict.fromkeys(SCENES)


def test_set_answers_and_clear():
    poll = Poll(SCENES)
    poll.set_answers({"metro platform": "fear"})
    poll.set_answers({"street": "happy"})
    assert poll.answers == {"metro platform": "fear", "office": None, "street": "happy"}
    poll.set_answers({"street": None})
    assert poll.widget.answers == {"metro platform": "fear"}  # the browser shows "(choose)"
    poll.clear()
    assert poll.answers == dict.fromkeys(SCENES)


def test_set_answers_rejects_unknown_questions_and_choices_without_changing_anything():
    poll = Poll(SCENES)
    with pytest.raises(KeyError, match="not one of this poll's questions"):
        poll.set_answers({"metro platform": "fear", "beach": "happy"})
    with pytest.raises(ValueError, match="not one of the choices"):
        poll.set_answers({"office": "bored"})
    assert poll.answers == dict.fromkeys(SCENES)


def test_compare_sets_answers_beside_the_model():
    poll = Poll(SCENES)
    poll.set_answers({"office": "angry"})
    table = poll.compare({"office": "neutral", "street": "happy"}, "test model")
    assert table.loc["office"].tolist() == ["angry", "neutral"]
    assert table.loc["metro platform", "your answer"] == "(not answered)"


def test_nothing_but_the_questions_is_in_the_widget_state_at_first():
    state = Poll(SCENES, choices=("yes", "no")).widget.get_state()
    assert state["answers"] == {}
    assert json.loads(json.dumps(state["questions"])) == SCENES
