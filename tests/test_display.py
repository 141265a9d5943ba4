"""Figures: one object holds the picture, its alt text and its caption, and shows itself."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from matplotlib.colors import to_rgb
from notebooks import figures

import emolab
from emolab import assets, display
from emolab.assets import catalog
from emolab.display import (
    BOX_COLOUR,
    Credit,
    Figure,
    caption_lead,
    contrast_ratio,
    draw_box,
    figure_html,
    licence_name,
    licence_url,
    merge_credits,
    sentences,
    short_credit,
    short_credit_line,
    show_figure,
    subplots,
    text_sizes_px,
)

SMILING = "london/smiling/001_08.jpg"
# The smallest text a figure may have, in CSS pixels, where JupyterLab shows it (issue 8).
READABLE_PX = 12


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


def test_with_caption_keeps_picture_alt_and_credits():
    credit = Credit("Photo", (), "A. Person", "CC BY 4.0")
    figure = Figure(b"\x89PNG", "Alt.", "Old.", [credit]).with_caption("New.")
    assert (figure.png, figure.alt, figure.caption, figure.credits) == (b"\x89PNG", "Alt.", "New.", (credit,))


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


# ---------------------------------------------------------------------------------------------
# Credits: a short one under each image, the full list once per figure


def test_a_figures_credits_are_in_its_caption_once_with_licence_links():
    photo = assets.get(SMILING)
    figure = Figure(b"\x89PNG", "A face.", "Model: M.", [Credit.of(photo)])
    ((_, caption, _),) = list(figures(figure._repr_html_()))
    text = html.unescape(re.sub(r"<[^>]+>", "", caption))
    assert text.count(photo.credit) == 1 and "Licence: CC BY 4.0." in text and "Model: M." in text
    assert (
        'href="https://creativecommons.org/licenses/by/4.0/"' in caption and f'href="{photo.url}"' in caption
    )
    assert repr(figure).endswith(f"Credits: Photo: {photo.credit}. Licence: CC BY 4.0. File: {photo.url}.")


@pytest.mark.parametrize(
    "written, name, url",
    [
        ("CC BY 4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("CC0 1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("Attribution License 2.0", "CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/"),
        (
            "Attribution-ShareAlike License 2.0 (share-alike)",
            "CC BY-SA 2.0",
            "https://creativecommons.org/licenses/by-sa/2.0/",
        ),
        (
            "CC BY-SA 4.0 (share-alike: ...)",
            "CC BY-SA 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        (
            "CC BY 4.0 (Zenodo release) - VERIFY before publishing",
            "CC BY 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        ("All rights reserved", "All rights reserved", None),
    ],
)
def test_licence_names_and_links(written, name, url):
    asset = dataclasses.replace(assets.get(SMILING), license=written)
    assert licence_name(asset) == name and licence_url(name) == url


def test_every_course_asset_has_a_licence_link_and_a_short_credit_taken_from_its_credit():
    for asset in catalog():
        assert licence_url(licence_name(asset)), (asset.file, asset.license)
        short = short_credit(asset)
        assert 0 < len(short) <= 40, (asset.file, short)
        assert all(word in asset.credit for word in re.findall(r"[\w&.-]+", short)), (asset.file, short)
        assert short_credit_line(asset, 3).startswith(("Photo 3: ", "Clip 3: "))
        assert short_credit_line(asset, 3).endswith(f"Licence: {licence_name(asset)}.")


def test_the_licence_caveats_are_kept_in_the_full_credit():
    fairface = next(a for a in catalog() if a.collection == "fairface")
    assert "the original Flickr photo's own licence may differ" in Credit.of(fairface).text()
    clip = next(a for a in catalog() if a.collection == "video")
    assert "not checked against the record itself" in Credit.of(clip, number=1).html()


def test_images_with_the_same_credit_share_one_line_and_keep_each_file():
    london = [a for a in catalog() if a.collection == "london"][:3]
    lisa = next(a for a in catalog() if a.collection == "lisa")
    merged = merge_credits(Credit.of(a, number=n) for n, a in enumerate([*london, lisa], start=1))
    assert [c.numbers for c in merged] == [("1", "2", "3"), ("4",)]
    assert merged[0].sources == tuple(a.url for a in london)
    assert merged[0].text().startswith("Photos 1, 2, 3: ")


def test_the_gallery_gives_a_short_credit_under_each_photo_and_every_full_credit_once(monkeypatch):
    shown = []
    monkeypatch.setattr(display, "show_html", lambda markup, text: shown.append(markup))
    items = [
        (a, emolab.analyze(assets.fetch(a))) for a in (assets.get(SMILING), *assets.collection("lisa")[:2])
    ]
    display.show_gallery(items)
    (markup,) = shown
    cells = list(figures(markup))
    assert len(cells) == len(items)
    for number, ((asset, _), (_, caption, _)) in enumerate(zip(items, cells, strict=True), start=1):
        assert html.unescape(caption).endswith(short_credit_line(asset, number))
        assert asset.credit not in html.unescape(caption)  # the full credit is in the list, not here
    credits = markup.split('class="emolab-credits"')[1]
    text = html.unescape(re.sub(r"<[^>]+>", "", credits))
    for asset, _ in items:
        assert text.count(asset.credit) == 1, asset.credit
        assert f"Licence: {licence_name(asset)}" in text and f'href="{asset.url}"' in credits


# ---------------------------------------------------------------------------------------------
# Readable at a normal zoom


def test_the_pipeline_chart_is_readable_where_jupyterlab_shows_it():
    fig = display.pipeline_figure(emolab.analyze(assets.fetch(SMILING)))
    sizes = text_sizes_px(fig)
    assert any(text.endswith("%") for text, _ in sizes), "the probability labels were not measured"
    small = [(text, round(px, 1)) for text, px in sizes if px < READABLE_PX]
    assert not small, f"text smaller than {READABLE_PX} CSS px: {small}"


def test_text_sizes_are_measured_at_the_size_the_figure_is_shown():
    fig, ax = subplots(figsize=(display.DISPLAY_WIDTH_PX / 96 * 2, 1))  # twice too wide: halved
    fig.subplots_adjust(left=0, right=1, bottom=0, top=0.8)
    ax.imshow([[0, 1]], aspect="auto")
    ax.axis("off")
    ax.set_title("title", fontsize=12)
    ((text, px),) = [pair for pair in text_sizes_px(fig) if pair[0] == "title"]
    assert px == pytest.approx(12 * 96 / 72 / 2, rel=0.06)


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("black", "white") == pytest.approx(21)
    assert contrast_ratio("#777777", "white") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#56B4E9", "white") < 4.5  # the old "face 0" label: sky blue on white


def test_a_box_label_is_black_on_yellow_with_a_high_contrast():
    fig, ax = subplots()
    ax.imshow([[0, 1], [1, 0]])
    draw_box(ax, (0, 0, 1, 1), "face 0")
    (label,) = ax.texts
    background = label.get_bbox_patch().get_facecolor()
    assert background[:3] == pytest.approx(to_rgb(BOX_COLOUR))
    assert contrast_ratio(label.get_color(), background) >= 4.5
