"""Checks for lesson 1, "Meet the classifier".

No model output is written here: where a check needs one, it runs the model on this machine when
it is called (the results of course photos are cached in memory by ``analyze_assets``), so the
checks hold for DeepFace's own model and for the offline stand-in alike. A photo's label is
``Analysis.top_label`` (the top label of its largest face), as in the lesson. Free text and the
reflection questions are not checked.

Outcome → question: run the classifier and read its output (q1, q2); the four steps of the
pipeline (q2); FER2013's labels and their balance (q3, q4); missed faces and posed smiles (q5, q6).
"""

from __future__ import annotations

from pathlib import Path

from . import NotYet, check, matches, require, require_choice, require_close, require_number

# The photos lesson 1's gallery shows, with the model's result under each; the lesson shows no
# other photo in which the detector misses the face. tests/test_checks_lesson01.py checks this
# list against the lesson's `gallery_files`.
LESSON_GALLERY = frozenset(
    {
        "london/neutral/001_03.jpg",
        "london/smiling/001_08.jpg",
        "london/neutral/119_03.jpg",
        "london/smiling/062_08.jpg",
        "fairface/fairface_0213.jpg",
        "fairface/fairface_0278.jpg",
        "fairface/fairface_0216.jpg",
        "fairface/fairface_0504.jpg",
        "fairface/fairface_0019.jpg",
        "fairface/fairface_0144.jpg",
        "fairface/fairface_0164.jpg",
        "fairface/fairface_0427.jpg",
        "fairface/fairface_0318.jpg",
        "fairface/fairface_0335.jpg",
        "lisa/lisa3.jpg",
        "zoom/30cm.jpg",
    }
)
LESSON_EXAMPLE = "london/smiling/001_08.jpg"  # the photo lesson 1 takes through the pipeline
NEGATIVE_LABELS = ("angry", "disgust", "fear", "sad")


def raise_known_mistake(got: float, expected: float, mistakes) -> None:
    """Raise the message of the first (wrong value, message) pair that ``got`` matches at the
    precision the learner gave. A right answer, or one only rounded too far, raises nothing."""
    if matches(got, expected, min_decimals=0):
        return
    for wrong, message in mistakes:
        if matches(got, wrong, min_decimals=0):
            raise NotYet(message)


def require_share(got: float, name: str) -> None:
    if not 0 <= got <= 1:
        raise NotYet(f"`{name}` is {got:g}; a share is a number between 0 and 1.")


def require_analysis(ns: dict):
    from emolab import Analysis

    analysis = require(ns, "my_analysis")
    if isinstance(analysis, (str, Path, bytes)):
        raise NotYet(
            "`my_analysis` is a path or file, not an analysis: pass it to the classifier, "
            'as in `my_analysis = analyze("my_photo.jpg")`.'
        )
    if not isinstance(analysis, Analysis):
        raise NotYet(
            f"`my_analysis` should be what `analyze(...)` returns (an Analysis), but it is "
            f"a {type(analysis).__name__}. Call `analyze` on your photo's path."
        )
    return analysis


@check("q1")
def classify_a_photo(ns: dict) -> None:
    """Only the object is checked: a face found or not, both are results worth looking at."""
    require_analysis(ns)


@check("q2")
def numbers_that_reach_the_network(ns: dict) -> None:
    analysis = require_analysis(ns)
    face = analysis.largest_face
    if face is None:
        raise NotYet(
            "The detector found no face in `my_analysis`, so nothing reached the network. Go back to "
            "Question 1, choose a photo in which a face is found, and run the cells again."
        )
    got = require_number(ns, "crop_values_per_input")
    expected = face.crop.size / face.network_input.size
    raise_known_mistake(got, expected, crop_mistakes(analysis, face))
    require_close(
        got,
        expected,
        "crop_values_per_input",
        "Divide the number of values in your largest face's crop (`face.crop.size`, with "
        "`face = my_analysis.largest_face`) by the number the network receives (`face.network_input.size`).",
    )


def crop_mistakes(analysis, face) -> list[tuple[float, str]]:
    inputs = face.network_input.size
    _, _, w, h = face.box
    mistakes = [
        (
            inputs / face.crop.size,
            "Your ratio is upside down: divide the crop's number of values by the "
            "network's, to say how many crop values there are for each value the network receives.",
        ),
        (
            face.crop.size / 3 / inputs,
            "You left out the colour: the crop has three values (red, green, blue) per "
            "pixel, and the network receives one grey value per pixel. Use `face.crop.size`.",
        ),
        (
            analysis.image.size / inputs,
            "That uses the whole photo. The question asks about the face crop: "
            "`my_analysis.largest_face.crop`.",
        ),
        (
            w * h * 3 / inputs,
            "You used the box's width and height. The crop is cut from the photo padded at its "
            "edges and rotated, so it can differ from the box: use `face.crop.size`.",
        ),
    ]
    mistakes += [
        (
            other.crop.size / inputs,
            "That is another face in your photo. Use the largest one, "
            "`my_analysis.largest_face`, the face that gives the photo its label.",
        )
        for other in analysis.faces
        if other is not face
    ]
    return mistakes + lesson_example_mistakes(analysis, inputs)


def lesson_example_mistakes(analysis, inputs: int) -> list[tuple[float, str]]:
    from emolab.assets import analyze_assets, asset_for

    own = asset_for(analysis)
    if own is not None and own.file == LESSON_EXAMPLE:
        return []
    example = analyze_assets([LESSON_EXAMPLE], progress=False)[0]
    message = (
        f"That is the lesson's example photo ({LESSON_EXAMPLE}), not yours. Compute it from your own "
        "`my_analysis`."
    )
    return [(example.image.size / inputs, message)] + [(f.crop.size / inputs, message) for f in example.faces]


@check("q3")
def what_a_label_records(ns: dict) -> None:
    require_choice(
        ns,
        "label_records",
        "c",
        {
            "a": "Nobody asked the people pictured. FER2013's images came from Google image searches for "
            "emotion keywords such as 'blissful' and 'enraged' (Goodfellow et al., 2013): see section 4 of "
            "the lesson.",
            "b": "FER2013 was not photographed in a studio: its images are web search results. Photos posed "
            "on instruction are what the London Set in lesson section 5 has; there the instruction is known, "
            "while for a FER2013 image only the search keyword is.",
            "d": "That is closer to FER+, a later relabelling of the same images by ten crowd taggers each "
            "(Barsoum et al., 2016), not FER2013 itself. FER2013's labellers only rejected images they "
            "judged incorrectly labelled; the label came from the search keyword.",
        },
    )


@check("q4")
def share_of_negative_labels(ns: dict) -> None:
    from emolab.facts import FER2013_COUNTS

    got = require_number(ns, "share_four_labels")
    total = sum(FER2013_COUNTS.values())
    four = sum(FER2013_COUNTS[label] for label in NEGATIVE_LABELS)
    expected = four / total
    if got == four:
        raise NotYet(
            f"{four:,} is the number of images with one of the four labels. Divide it by the number of "
            f"all FER2013 images ({total:,}) to get a share."
        )
    raise_known_mistake(
        got,
        expected,
        [
            (
                100 * expected,
                "That looks like a percentage. Give the share as a number between 0 and 1 (leave out "
                "the `* 100`).",
            ),
            (
                (four + FER2013_COUNTS["surprise"]) / total,
                "That includes 'surprise'. The question asks for four "
                "labels only: angry, disgust, fear and sad.",
            ),
            (
                1 - expected,
                "That is the share of images with one of the other three labels (happy, surprise, "
                "neutral). Add up angry, disgust, fear and sad instead.",
            ),
            (
                four / (total - FER2013_COUNTS["neutral"]),
                f"You left 'neutral' out of the total. Divide by all {total:,} images.",
            ),
        ],
    )
    require_share(got, "share_four_labels")
    require_close(
        got,
        expected,
        "share_four_labels",
        "Add the counts of angry, disgust, fear and sad in `fer2013_counts`, then divide by the "
        "sum of all seven counts.",
    )


@check("q5")
def a_missed_face(ns: dict) -> None:
    from emolab.assets import analyze_assets, find_asset

    value = require(ns, "missed_file")
    if not isinstance(value, (str, Path)):
        raise NotYet(
            f'`missed_file` should be a file name as text, such as "fairface/fairface_0005.jpg", '
            f"but it is a {type(value).__name__}."
        )
    asset = find_asset(value)
    if asset is None:
        raise NotYet(
            f"{str(value)!r} is not one of the course's images. Use a name from "
            '`[a.file for a in assets.catalog()]`, for example "fairface/fairface_0005.jpg".'
        )
    if asset.collection == "video":
        raise NotYet(
            f"{asset.file} is a video clip. Pick a photo (a .jpg) from the fairface, lisa, zoom, "
            "london or context collections."
        )
    if asset.collection == "scenes":
        raise NotYet(
            f"{asset.file} is a scene with no person in it on purpose, so there is no face to miss. "
            "Pick a photo of a person."
        )
    if asset.file in LESSON_GALLERY:
        raise NotYet(
            f"{asset.file} is in the lesson's gallery, which already showed the detector's result for it. "
            "Find a missed photo the lesson did not show: run the detector over a whole collection."
        )
    analysis = analyze_assets([asset], progress=False)[0]
    if analysis.faces:
        raise NotYet(
            f"The detector finds {len(analysis.faces)} face(s) in {asset.file}, so it did not miss "
            "the face there. Analyse a whole collection (try fairface: faces turned aside, tilted or "
            "partly hidden) and keep a photo whose `.faces` is empty."
        )


@check("q6")
def both_photos_labelled_as_asked(ns: dict) -> None:
    got = require_number(ns, "share_both_as_asked")
    counts = london_label_counts()
    people, both = counts["people"], counts["both"]
    if got == both and both > 1:
        raise NotYet(
            f"{both} is a count of participants. Divide it by the number of participants ({people})."
        )
    raise_known_mistake(got, both / people, paired_mistakes(counts))
    require_share(got, "share_both_as_asked")
    require_close(
        got,
        both / people,
        "share_both_as_asked",
        "For each participant (`asset.subject_id`), look up the `top_label` of their neutral photo and "
        "of their smiling photo. Count the participants whose neutral photo is labelled 'neutral' and "
        f"whose smiling photo is labelled 'happy', then divide by {people}.",
    )


def london_label_counts() -> dict[str, int]:
    """Participants of the London Set, and how many of them each photo's label matches."""
    from emolab.assets import analyze_assets, collection

    london = collection("london")
    label = {
        (a.subject_id, a.condition): r.top_label
        for a, r in zip(london, analyze_assets(london, progress=False), strict=True)
    }
    people = sorted({person for person, _ in label})
    neutral_ok = {p for p in people if label.get((p, "neutral")) == "neutral"}
    smiling_ok = {p for p in people if label.get((p, "smiling")) == "happy"}
    return {
        "people": len(people),
        "photos": len(label),
        "both": len(neutral_ok & smiling_ok),
        "either": len(neutral_ok | smiling_ok),
        "neutral": len(neutral_ok),
        "smiling": len(smiling_ok),
    }


def paired_mistakes(counts: dict[str, int]) -> list[tuple[float, str]]:
    people = counts["people"]
    share = counts["both"] / people
    return [
        (100 * share, "That looks like a percentage. Give the share as a number between 0 and 1."),
        (
            counts["smiling"] / people,
            "That is the share of smiling photos labelled 'happy', which the lesson "
            "printed. This question is about people: count the participants for whom "
            "BOTH photos got the label they were asked for.",
        ),
        (
            counts["neutral"] / people,
            "That is the share of neutral photos labelled 'neutral'. Count the "
            "participants for whom BOTH photos got the label they were asked for.",
        ),
        (
            counts["smiling"] * counts["neutral"] / people**2,
            "You multiplied the two shares. That would be right only if the model's labels for one person's "
            "two photos had nothing to do with each other. Count the participants instead.",
        ),
        (
            counts["both"] / counts["photos"],
            f"You divided by the {counts['photos']} photos. Divide by the "
            f"{people} participants: each has two photos.",
        ),
        (
            counts["either"] / people,
            "That counts participants with at least one photo labelled as asked. The question asks for both.",
        ),
        (1 - share, "That is the share of participants with at least one photo NOT labelled as asked."),
    ]
