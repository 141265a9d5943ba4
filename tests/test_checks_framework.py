"""The check machinery every lesson uses: number matching with rounding, multiple choice that
teaches, messages rendered as code, and a grader that never raises."""

from __future__ import annotations

import pytest

from emolab.checks import (
    Grader,
    NotYet,
    Result,
    decimals_given,
    matches,
    require_choice,
    require_close,
    require_number,
)


@pytest.mark.parametrize(
    "number, decimals", [(0.25, 2), (0.3, 1), (2.0, 0), (16.43, 2), (1 / 3, 16), (1e-05, 5)]
)
def test_decimals_given(number, decimals):
    assert decimals_given(number) == decimals


@pytest.mark.parametrize("got", [25 / 102, 0.25, 0.245, 0.2451, 0.24510])
def test_a_right_answer_exact_or_rounded_to_two_or_more_decimals_matches(got):
    assert matches(got, 25 / 102)


@pytest.mark.parametrize("got", [0.24, 0.2, 0.3, 0.26, 0.2452, 25 / 101])
def test_a_wrong_truncated_or_over_rounded_answer_does_not_match(got):
    assert not matches(got, 25 / 102)


def test_floating_point_noise_matches():
    assert matches(0.1 + 0.2, 0.3)


def test_require_close_says_rounded_too_far_only_when_that_is_the_problem():
    with pytest.raises(NotYet, match="rounded too far"):
        require_close(0.2, 25 / 102, "share", "Count again.")
    with pytest.raises(NotYet, match="Count again") as wrong:
        require_close(0.5, 25 / 102, "share", "Count again.")
    assert "rounded" not in str(wrong.value)
    require_close(0.25, 25 / 102, "share", "Count again.")


FEEDBACK = {
    "a": "That is the prohibition: see Art. 5(1)(f).",
    "b": "Consent is not what it asks.",
    "d": "It names deployers.",
}


@pytest.mark.parametrize("answer", ["c", "C", " c ", "(c)", "c)"])
def test_require_choice_accepts_the_right_letter_however_written(answer):
    require_choice({"answer": answer}, "answer", "c", FEEDBACK)


@pytest.mark.parametrize("letter", ["a", "b", "d"])
def test_each_wrong_choice_gets_its_own_feedback(letter):
    with pytest.raises(NotYet) as raised:
        require_choice({"answer": letter}, "answer", "c", FEEDBACK)
    assert FEEDBACK[letter] in str(raised.value)


@pytest.mark.parametrize("answer", ["e", "", "c and d", "the third one"])
def test_an_answer_that_is_no_option_asks_for_one_letter(answer):
    with pytest.raises(NotYet, match="one letter"):
        require_choice({"answer": answer}, "answer", "c", FEEDBACK)


def test_require_number_explains_text_and_nan():
    with pytest.raises(NotYet, match="text"):
        require_number({"x": "0.25"}, "x")
    with pytest.raises(NotYet, match="NaN"):
        require_number({"x": float("nan")}, "x")


def test_messages_show_backticked_names_as_code_and_escape_the_rest():
    markup = Result("q1", False, "`my_analysis` is still `...` <b>")._repr_html_()
    assert "<code>my_analysis</code>" in markup and "<code>...</code>" in markup
    assert "`" not in markup and "&lt;b&gt;" in markup


def test_grader_turns_an_unexpected_error_into_a_not_yet():
    grader = Grader("01")
    result = grader.check("q1", {"my_analysis": None})
    assert not result.passed and result.message
    assert not grader.check("q99", {}).passed
