"""Checks for lesson 1, "Meet the classifier".

No model output is written here: where a check needs one, it runs the model on this machine
when it is called (q2, q3), so the checks hold for DeepFace's own model and for the offline
stand-in alike. Reflection questions are not checked.
"""

from __future__ import annotations

from pathlib import Path

from . import NotYet, check, require, require_number

MIN_REASON_LENGTH = 20  # characters: about a short sentence


@check("q1")
def classify_a_photo(ns: dict) -> None:
    from emolab import Analysis

    analysis = require(ns, "my_analysis")
    if isinstance(analysis, (str, Path, bytes)):
        raise NotYet("`my_analysis` is a path or file, not an analysis: pass it to the classifier, "
                     "as in `my_analysis = emolab.analyze(\"my_photo.jpg\")`.")
    if not isinstance(analysis, Analysis):
        raise NotYet(f"`my_analysis` should be what `emolab.analyze(...)` returns (an Analysis), but it is "
                     f"a {type(analysis).__name__}. Call `emolab.analyze` on your photo's path.")
    if analysis.faces:
        return
    reason = ns.get("no_face_reason", "")
    if isinstance(reason, str) and len(reason.strip()) >= MIN_REASON_LENGTH:
        return
    raise NotYet("The detector found no face in your photo, so the model gave no labels. Either try a photo "
                 "where one face is upright, facing the camera and not too small, or write in `no_face_reason` "
                 "a sentence on why you think the detector missed it, and run this check again.")


@check("q2")
def a_missed_face(ns: dict) -> None:
    from emolab.lesson01 import analyze_assets, find_asset

    value = require(ns, "missed_file")
    if not isinstance(value, (str, Path)):
        raise NotYet(f"`missed_file` should be a file name as text, such as \"lisa/lisa1.jpg\", "
                     f"but it is a {type(value).__name__}.")
    asset = find_asset(value)
    if asset is None:
        raise NotYet(f"{str(value)!r} is not one of the course's images. Use a name from "
                     "`[a.file for a in emolab.assets.catalog()]`, for example \"fairface/fairface_0005.jpg\".")
    if asset.collection == "video":
        raise NotYet(f"{asset.file} is a video clip. Pick a photo (a .jpg) from the fairface, lisa, zoom, "
                     "london or context collections.")
    if asset.collection == "scenes":
        raise NotYet(f"{asset.file} is a scene with no person in it on purpose, so there is no face to miss. "
                     "Pick a photo of a person.")
    analysis = analyze_assets([asset], progress=False)[0]
    if analysis.faces:
        raise NotYet(f"The detector finds {len(analysis.faces)} face(s) in {asset.file}, so it did not miss "
                     "the face there. Run `emolab.analyze` on other photos (try the fairface collection: faces "
                     "turned aside, tilted or partly hidden) and keep one where `.faces` is empty.")


@check("q3")
def share_of_smiles_labelled_happy(ns: dict) -> None:
    from emolab.assets import collection
    from emolab.lesson01 import analyze_assets

    share = require_number(ns, "share_happy")
    smiling = [a for a in collection("london") if a.condition == "smiling"]
    results = analyze_assets(smiling, progress=False)
    total = len(results)
    happy = sum(any(face.top_label == "happy" for face in r.faces) for r in results)
    with_face = sum(bool(r.faces) for r in results)
    tolerance = 0.5 / total  # less than one photo either way; allows rounding to 2 decimals
    expected = happy / total
    if abs(share - expected) <= tolerance:
        return
    if 1 < share <= 100 and abs(share / 100 - expected) <= tolerance:
        raise NotYet("That looks like a percentage. Give the share as a fraction between 0 and 1 "
                     "(divide by 100, or leave out the `* 100`).")
    if share > 1 and float(share).is_integer():
        raise NotYet(f"`share_happy` is {share:g}, which looks like a count. Divide the number of photos "
                     f"labelled 'happy' by the number of smiling photos ({total}).")
    if with_face and with_face != total and abs(share - happy / with_face) <= tolerance:
        raise NotYet(f"You divided by the photos in which the detector found a face ({with_face}). Divide by all "
                     f"{total} smiling photos: a photo in which no face was found was not labelled 'happy' either.")
    if abs(share - (1 - expected)) <= tolerance:
        raise NotYet("That is the share of smiling photos NOT labelled 'happy'. Count the ones whose top label "
                     "is 'happy' instead.")
    if not 0 <= share <= 1:
        raise NotYet(f"`share_happy` is {share:g}; a share must be between 0 and 1.")
    raise NotYet(f"`share_happy` is {share:.3f}, but running the model on the {total} smiling photos gives a "
                 "different share. Count the photos in which a detected face's top label (`face.top_label`) is "
                 f"'happy', then divide by {total}. Check the list you counted holds only the smiling photos.")


@check("q4")
def fer2013_imbalance(ns: dict) -> None:
    from emolab.lesson01 import FER2013_COUNTS

    ratio = require_number(ns, "imbalance")
    expected = FER2013_COUNTS["happy"] / FER2013_COUNTS["disgust"]
    if abs(ratio - expected) <= 0.05:
        return
    if abs(ratio - 1 / expected) <= 0.005:
        raise NotYet("Your ratio is upside down: divide the number of 'happy' images by the number of "
                     "'disgust' images, not the other way round.")
    if abs(ratio / 100 - 1 / expected) <= 0.0005 or abs(ratio - 100 / expected) <= 0.05:
        raise NotYet("That looks like disgust as a percentage of happy. The question asks how many times "
                     "more 'happy' images there are: happy count / disgust count.")
    raise NotYet(f"`imbalance` is {ratio:.4g}, not the ratio of the two counts. Use "
                 "`fer2013_counts[\"happy\"] / fer2013_counts[\"disgust\"]`, with the counts from the paper.")
