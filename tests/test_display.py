"""Figures: one object holds the picture, its alt text and its caption, and shows itself."""

from __future__ import annotations

import html

import pytest
from notebooks import figures

from emolab import display
from emolab.display import Figure, caption_lead, figure_html, sentences, show_figure, subplots


def small_figure():
    fig, ax = subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    return fig


def test_a_figure_renders_once_and_its_html_is_what_the_notebook_tests_parse():
    figure = Figure(small_figure(), "A rising line.", "Made by a test & checked.")
    assert figure.png.startswith(b"\x89PNG")
    markup = figure._repr_html_()
    assert markup == figure_html(figure.png, figure.alt, figure.caption)
    assert '<figure class="emolab-figure"' in markup
    ((alt, caption, png),) = list(figures(markup))
    assert (
        alt == "A rising line."
        and html.unescape(caption) == "Made by a test & checked."
        and png == figure.png
    )


def test_png_bytes_are_kept_as_they_are_and_the_caption_is_optional():
    png = Figure(small_figure(), "A line.").png
    figure = Figure(png, "The same line.")
    assert figure.png is png and "<figcaption>" not in figure._repr_html_()


def test_the_plain_text_form_states_the_alt_text_and_caption():
    assert repr(Figure(b"\x89PNG", "Seven bars.", "Model: M.")) == "[Figure: Seven bars.]\nModel: M."
    assert repr(Figure(b"\x89PNG", "Seven bars.")) == "[Figure: Seven bars.]"


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_a_figure_without_alt_text_is_refused(alt):
    with pytest.raises(ValueError, match="alt text"):
        Figure(b"\x89PNG", alt)


def test_with_caption_keeps_picture_and_alt():
    figure = Figure(b"\x89PNG", "Alt.", "Old.").with_caption("New.")
    assert (figure.png, figure.alt, figure.caption) == (b"\x89PNG", "Alt.", "New.")


def test_show_figure_displays_a_figure(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show_figure(small_figure(), "A rising line.", "Caption.")
    (figure,) = shown
    assert (
        isinstance(figure, display.Figure) and figure.alt == "A rising line." and figure.caption == "Caption."
    )


def test_captions_are_built_from_sentences():
    assert caption_lead("Sitting still", "the 7 scores") == "Sitting still: the 7 scores."
    assert caption_lead(None, "the 7 scores") == "The 7 scores."
    assert sentences("One.", None, "", "  Two. ") == "One. Two."
