"""Where labels flip: measured curves of what camera-like degradations do to each pipeline, and
how far two emotion models agree on the same faces.

**Who.** :func:`people` picks the faces by a fixed rule: London Set participants in order of
subject id, keeping each person whose clean *smiling* photo has a face found both by DeepFace's
Haar detector and by YuNet (the OpenCV Zoo pipeline), the first :data:`PEOPLE` (48) of them.
Why this rule:

- one photo per person, so every rate counts people, one outcome each, and the Wilson interval
  (:func:`emolab.audit.wilson_interval`) is honest (two photos of one face are not independent
  trials); with ``conditions=("neutral", "smiling")`` the rates count photos and their intervals
  come from lesson 4's bootstrap that resamples people (:func:`emolab.audit.mean_interval`);
- the smiling photo gives all three measures, including "a posed smile still labelled happy";
- a face both detectors find on the clean photo starts every curve at 100% found, so a loss is
  the degradation's doing, and the same faces serve every pipeline;
- 48 people: the 95% Wilson interval of a rate near 50% is then about ±14 percentage points
  (±15 at 40 people, ±10 would need about 100), narrow enough to tell a curve that falls from
  one that does not; and 48 photos per strength keep the lesson's first run within its time.

**What is measured** (:func:`sweep`, then :meth:`Sweep.curves`): for each degradation, strength
and pipeline, the share of faces the detector still finds (of all the people); the share whose
top label is unchanged from the clean photo (of the faces still found); the share of posed smiles
still labelled "happy" (of the smiling faces still found); each with its interval and n. For
each face, :meth:`Sweep.first_flips` gives the first strength at which its photo's label differs
from the clean one (a lost face counts: it has no label), and :meth:`Sweep.plot` draws one
degradation with every pipeline on it.

**Pipelines.** By default (:data:`DEFAULT_PIPELINES`) the two emotion models behind one detector
family: DeepFace's FER2013 model with YuNet, and the OpenCV Zoo's RAF-DB model (YuNet too). The
Haar pipeline costs two to three times as much per full-size frame; name it in ``pipelines=`` to
add it (face height alone with Haar adds about 5 s to a first run). **Plan.** By default
(:data:`LESSON_STRENGTHS`) face height as a curve and two degradations at one setting each,
so that the lesson's first run fits its time; :data:`FULL_STRENGTHS` is every degradation at
every registry strength. :func:`overview_plot` puts one setting of each degradation side by side.

**How.** The whole photo is degraded (:mod:`emolab.degrade`), then analysed, as a camera's frame
would be. Faces whose position a degradation needs (face height, mask, sunglasses) take it from
YuNet's box and landmarks on the clean photo. Results for the course's photos go through the
analysis cache with the degradation spec in the key (:func:`analyze_degraded`), so a second run
reads them from disk; a photo that is not one of the course's (a learner's) is degraded and
analysed in memory only, never stored. Batches are shared among threads as in
:func:`emolab.analyze_many`: each thread decodes a photo once, degrades it once per strength and
runs every pipeline on each degraded copy.

**Agreement** (:func:`agreement`): on the same photos, two pipelines' share of the same top label
(Wilson interval), Cohen's kappa, the confusion table between them, and the photos whose two
probability vectors differ most (total variation distance); :meth:`Sweep.agreement` gives the
same under each degradation.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from . import analysis_cache, assets, audit, core, degrade
from .display import Figure, subplots
from .errors import EmolabError
from .images import LoadedImage, load_bytes, load_image, read_path

PEOPLE = 48
SEED = audit.SEED  # the seed of every random degradation (shot noise), as in lesson 4
MAX_DETECT_SIDE = 640  # as emolab.analyze's default
GEOMETRY_VERSION = 1  # part of the key of the cached face geometry (box and landmarks)
# The pipelines a lesson's sweep runs by default: the two emotion models (FER2013 and RAF-DB),
# both behind YuNet, the fast detector (see benchmarks/robustness_bench.py for the timings).
DEFAULT_PIPELINES = ("DeepFace with YuNet (YuNet + FER2013)", "OpenCV Zoo (YuNet + RAF-DB)")
# The two pipelines whose detectors must both find the clean face for a person to be used
SUBSET_PIPELINES = ("DeepFace (Haar + FER2013)", "OpenCV Zoo (YuNet + RAF-DB)")
# The default plan of a lesson's sweep, sized so the lesson's first run fits its time (measured in
# benchmarks/robustness_bench.py): face height as a curve (frames with a small face cost almost
# nothing to analyse: 5 strengths around where YuNet loses half the faces, between 32 and 24
# pixels; none is left at 20), and two degradations at one setting a CCTV camera commonly
# produces: a sideways smear and a face mask. Each full-size setting costs 48 photos x
# 2 pipelines, about 14 s on a busy 2-core machine. :data:`FULL_STRENGTHS` (the registry's
# strengths for every degradation) is the complete sweep, for a second run or an instructor.
LESSON_STRENGTHS = {
    "face_height": (48, 32, 28, 24, 20),
    "motion_blur": (64,),
    "mask": (0.85,),
}  # low light is left out: generating its shot noise costs about 1.2 s a photo (exercise 3 adds it)
FULL_STRENGTHS = {name: d.strengths for name, d in degrade.DEGRADATIONS.items()}
MEASURES = {
    "found": "face found (% of people)",
    "unchanged": "top label unchanged (% of faces found)",
    "happy": 'smile labelled "happy" (% of smiles found)',
}
CLEAN = "clean photo"

COLOURS = audit.PIPELINE_COLOURS
MARKERS = audit.MARKERS
LINE_STYLES = ("-", "--", ":", "-.")
FONT_PT = audit.FONT_PT


class RobustnessError(EmolabError):
    advice = (
        "Use the course's pipeline names (emolab.PIPELINES) and degradation names "
        "(emolab.degrade.DEGRADATIONS)."
    )


# ---------------------------------------------------------------------------------------------
# The faces


@dataclass(frozen=True)
class Photo:
    """One photo of the subset: the person, the asset, and YuNet's box and five landmarks on the
    clean photo (what the face height, mask and sunglasses degradations are placed by)."""

    person_id: str
    asset: assets.Asset
    box: tuple[int, int, int, int]
    landmarks: tuple[tuple[float, float], ...]

    @property
    def condition(self) -> str:
        return self.asset.condition


def _pipeline(name: str) -> dict:
    if name not in core.PIPELINES:
        raise RobustnessError(f"No pipeline called {name!r}.", f"Use one of: {', '.join(core.PIPELINES)}.")
    return dict(core.PIPELINES[name])


def _geometry_fields(asset: assets.Asset) -> dict:
    fields = analysis_cache.key_fields(asset.sha256, MAX_DETECT_SIDE, detector="yunet", model="raf-db")
    return {**fields, "face_geometry": GEOMETRY_VERSION}


def _check_geometry(record: dict) -> None:
    if len(record["box"]) != 4 or np.asarray(record["landmarks"], dtype=float).shape != (5, 2):
        raise ValueError("malformed face geometry")


def face_geometry(asset: assets.Asset, analysis=None) -> tuple[tuple, tuple] | None:
    """YuNet's box and landmarks of the largest face on a course photo (clean), or None when
    YuNet finds none: from the cache, else from ``analysis`` (an OpenCV Zoo result of the photo)
    or a fresh one, and kept on disk (numbers only) so a second run never recomputes them."""
    fields = _geometry_fields(asset)
    record = analysis_cache.load(fields, _check_geometry)
    if record is not None:
        return tuple(record["box"]), tuple(tuple(p) for p in record["landmarks"])
    if analysis is None:
        analysis = core.analyze(assets.fetch(asset), model="raf-db")
    face = analysis.largest_face
    if face is None:
        return None
    box = tuple(int(v) for v in face.box)
    landmarks = tuple((float(x), float(y)) for x, y in np.asarray(face.landmarks))
    analysis_cache.store(fields, {"box": list(box), "landmarks": [list(p) for p in landmarks]})
    return box, landmarks


def people(
    n: int = PEOPLE, conditions: tuple[str, ...] = ("smiling",), *, progress: bool = True
) -> list[Photo]:
    """The subset's photos by the module's rule: London Set people in order of subject id whose
    clean photos (``conditions``) all have a face found by both :data:`SUBSET_PIPELINES`, the
    first ``n`` such people (fewer only if the set runs out). Photos are analysed in batches (cached,
    threaded) until ``n`` people qualify."""
    if n < 1:
        raise RobustnessError(f"n = {n}: the subset needs at least one person.", "Use n=48 (the default).")
    by_person: dict[str, dict[str, assets.Asset]] = {}
    for asset in assets.collection("london"):
        by_person.setdefault(asset.subject_id, {})[asset.condition] = asset
    order = [pid for pid in sorted(by_person) if all(c in by_person[pid] for c in conditions)]
    chosen: list[Photo] = []
    start = 0
    while len({p.person_id for p in chosen}) < n and start < len(order):
        missing = n - len({p.person_id for p in chosen})
        batch = order[start : start + missing + 2]  # a few spare people, in case some do not qualify
        start += len(batch)
        photos = [by_person[pid][c] for pid in batch for c in conditions]
        results = {
            name: assets.analyze_assets(photos, progress=progress, **_pipeline(name))
            for name in SUBSET_PIPELINES
        }
        zoo = dict(zip((a.file for a in photos), results["OpenCV Zoo (YuNet + RAF-DB)"], strict=True))
        found = {a.file: all(r[i].faces for r in results.values()) for i, a in enumerate(photos)}
        for pid in batch:
            mine = [by_person[pid][c] for c in conditions]
            if len({p.person_id for p in chosen}) >= n or not all(found[a.file] for a in mine):
                continue
            for a in mine:
                box, landmarks = face_geometry(a, zoo[a.file])
                chosen.append(Photo(pid, a, box, landmarks))
    return chosen


# ---------------------------------------------------------------------------------------------
# One degraded photo, analysed (and cached when it is a course photo)


def spec(name: str, strength, *, seed: int = SEED, box=None, landmarks=None) -> dict:
    """The degradation as the cache's key records it: name, strength, seed, the code's version,
    and the face geometry it was placed by (only for degradations that need it)."""
    d = degrade.get(name)
    out = {"name": d.name, "strength": strength, "seed": seed, "version": degrade.DEGRADE_VERSION}
    if "box" in d.needs:
        out["box"] = [int(v) for v in box] if box is not None else None
    if "landmarks" in d.needs:
        out["landmarks"] = (
            [[round(float(v), 3) for v in p] for p in landmarks] if landmarks is not None else None
        )
    return out


def _analysis(rgb: np.ndarray, name: str, detector: str, model: str) -> core.Analysis:
    """``core``'s analysis of a degraded frame (YuNet pads frames too small for it itself:
    ``zoo.detect``)."""
    return core._analysis(LoadedImage(rgb, name), MAX_DETECT_SIDE, detector, model)


def _degraded(rgb: np.ndarray, degradation: dict) -> np.ndarray:
    return degrade.apply(
        degradation["name"],
        rgb,
        degradation["strength"],
        seed=degradation["seed"],
        box=degradation.get("box"),
        landmarks=degradation.get("landmarks"),
    )


class _DegradedPixels:
    """A cached degraded result's image and faces, recomputed exactly on first use."""

    def __init__(
        self, image: analysis_cache.CourseImage, degradation, max_detect_side, record, detector, model
    ):
        self._image, self._degradation = image, degradation
        self._max_detect_side, self._record = max_detect_side, record
        self._detector, self._model = detector, model

    @cached_property
    def loaded(self) -> LoadedImage:
        data = self._image.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self._image.sha256:
            raise EmolabError(f"{self._image.path} changed after it was analysed.", "Analyse it again.")
        return LoadedImage(
            _degraded(load_bytes(data, self._image.name).rgb, self._degradation), self._image.name
        )

    @cached_property
    def faces(self) -> list[core.Face]:
        faces = _analysis(self.loaded.rgb, self._image.name, self._detector, self._model).faces
        if [(f.box, [float(v) for v in f.scores]) for f in faces] != [
            (tuple(f["box"]), f["scores"]) for f in self._record["faces"]
        ]:
            raise EmolabError(
                "The pipeline gave a different result from the cached one.",
                "Run emolab.clear_cache() and run the sweep again.",
            )
        return faces


class DegradedAnalysis(core.Analysis):
    """A degraded course photo's Analysis read from the cache: boxes and scores at once; the
    degraded image, crops and network inputs recomputed when first used."""

    def __init__(self, record, image, degradation, max_detect_side, *, detector, model):
        pixels = _DegradedPixels(image, degradation, max_detect_side, record, detector, model)
        self._pixels = pixels
        self.faces = [analysis_cache.CachedFace(f, pixels, i) for i, f in enumerate(record["faces"])]
        self.model = core.model_info(model)
        self.source = image.name
        self.detector = core.detector_name(detector, model)
        self.detector_info = core.detector_info(detector)
        self.notes = list(record["notes"])
        self.degradation = degradation

    @property
    def image(self) -> np.ndarray:
        return self._pixels.loaded.rgb

    def __repr__(self) -> str:
        return (
            f"Analysis(source={self.source!r}, degradation={self.degradation}, "
            f"faces={len(self.faces)}, cached)"
        )


def _course_photo(image) -> analysis_cache.CourseImage | None:
    """The photo as a verified course image (Asset, or a path whose bytes are in the manifest)."""
    if isinstance(image, assets.Asset):
        path = assets.fetch(image)
        return analysis_cache.course_image(path, path.read_bytes())
    if isinstance(image, (str, Path)):
        return analysis_cache.course_image(image, read_path(image))
    return None


def analyze_degraded(
    image,
    degradation: str,
    strength,
    *,
    pipeline: str = DEFAULT_PIPELINES[0],
    box=None,
    landmarks=None,
    seed: int = SEED,
    color: str | None = None,
) -> core.Analysis:
    """The photo degraded (the whole photo, :func:`emolab.degrade.apply`), then analysed with
    ``pipeline`` (a name in :data:`emolab.PIPELINES`). ``box`` and ``landmarks``: the face on the
    clean photo, for the degradations that need them.

    A course photo (an Asset, or a path whose bytes are in the manifest) is cached with the
    degradation's :func:`spec` in the key. Anything else (a learner's photo, an array, bytes) is
    degraded and analysed in memory and never stored. A photo smaller than the 48 pixels
    ``emolab.analyze`` asks for is analysed all the same: small faces are the point here.
    """
    settings = _pipeline(pipeline)
    detector, model = core.resolve(settings["detector"], settings["model"])
    the_spec = spec(degradation, strength, seed=seed, box=box, landmarks=landmarks)
    course = _course_photo(image)
    if course is None:
        loaded = load_image(image, color)
        return _analysis(_degraded(loaded.rgb, the_spec), loaded.name, detector, model)
    return _cached(course, the_spec, detector, model, rgb=None)


def _cached(course, the_spec, detector, model, rgb) -> core.Analysis:
    """From the cache, else computed (from ``rgb``, the clean photo, when given) and stored."""
    fields = analysis_cache.key_fields(
        course.sha256, MAX_DETECT_SIDE, the_spec, detector=detector, model=model
    )
    record = analysis_cache.load(fields)
    if record is not None:
        return DegradedAnalysis(record, course, the_spec, MAX_DETECT_SIDE, detector=detector, model=model)
    if rgb is None:
        rgb = load_bytes(course.data, course.name).rgb
    analysis = _analysis(_degraded(rgb, the_spec), course.name, detector, model)
    analysis_cache.store(fields, analysis_cache._analysis_record(analysis))
    return analysis


def _photo_results(photo: Photo, jobs, pipelines) -> dict:
    """Every (degradation, strength, pipeline) result of one photo: cached ones read, the others
    computed from one decoded copy of the photo, each degraded copy shared by the pipelines."""
    path = assets.fetch(photo.asset)
    course = analysis_cache.course_image(path, path.read_bytes())
    if course is None:  # pragma: no cover - assets.fetch checks the sha256
        raise RobustnessError(f"{photo.asset.file} is not the course's file.")
    out, rgb = {}, None
    for name, strength in jobs:
        the_spec = spec(name, strength, box=photo.box, landmarks=photo.landmarks)
        degraded = None
        for pipe in pipelines:
            detector, model = core.resolve(**_pipeline(pipe))
            fields = analysis_cache.key_fields(
                course.sha256, MAX_DETECT_SIDE, the_spec, detector=detector, model=model
            )
            record = analysis_cache.load(fields)
            if record is not None:
                out[name, strength, pipe] = DegradedAnalysis(
                    record, course, the_spec, MAX_DETECT_SIDE, detector=detector, model=model
                )
                continue
            if degraded is None:
                if rgb is None:
                    rgb = load_bytes(course.data, course.name).rgb
                degraded = _degraded(rgb, the_spec)
            analysis = _analysis(degraded, course.name, detector, model)
            analysis_cache.store(fields, analysis_cache._analysis_record(analysis))
            out[name, strength, pipe] = analysis
    return out


def analyze_degraded_many(
    photos: list[Photo],
    jobs,
    pipelines=DEFAULT_PIPELINES,
    *,
    progress: bool = True,
    workers: int | None = None,
) -> dict:
    """Every photo under every (degradation, strength) of ``jobs`` with every pipeline, shared among
    threads as :func:`emolab.analyze_many` shares a batch. Returns {(file, degradation, strength,
    pipeline): analysis}."""
    from tqdm.auto import tqdm

    jobs, pipelines = list(jobs), list(pipelines)
    for pipe in pipelines:
        settings = _pipeline(pipe)
        core.model_info(settings["model"])  # load the models once, before the threads start
        core.detector_info(settings["detector"])
    workers = min(core.worker_count(workers), max(1, len(photos)))
    results: dict = {}
    lock = threading.Lock()
    with tqdm(total=len(photos), desc="Degrading and analysing", disable=not progress) as bar:

        def one(photo):
            found = _photo_results(photo, jobs, pipelines)
            with lock:
                bar.update()
            return photo, found

        if workers == 1:
            done = [one(p) for p in photos]
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="emolab-robustness") as pool:
                try:
                    done = list(pool.map(one, photos))
                except BaseException:
                    pool.shutdown(cancel_futures=True)
                    raise
    for photo, found in done:
        for (name, strength, pipe), analysis in found.items():
            results[photo.asset.file, name, strength, pipe] = analysis
    return results


# ---------------------------------------------------------------------------------------------
# The sweep and its curves


def _strengths(degradations, strengths) -> dict[str, tuple]:
    if degradations is None:
        degradations = list(strengths or LESSON_STRENGTHS)
    elif isinstance(degradations, str):
        degradations = [degradations]
    out = {}
    for name in degradations:
        d = degrade.get(name)
        chosen = (strengths or {}).get(d.name) if isinstance(strengths, dict) else strengths
        chosen = tuple(chosen if chosen is not None else LESSON_STRENGTHS.get(d.name, d.strengths))
        if not chosen:
            raise RobustnessError(f"No strengths for {d.name}.", f"Try {d.strengths}.")
        out[d.name] = chosen
    return out


def _row(photo_id, file, condition, pipeline, name, step, strength, analysis, clean_label) -> dict:
    label = analysis.top_label
    found = label is not None
    return {
        "person": photo_id,
        "file": file,
        "condition": condition,
        "pipeline": pipeline,
        "degradation": name,
        "step": step,
        "strength": strength,
        "found": float(found),
        "label": label,
        "clean_label": clean_label,
        "unchanged": float(label == clean_label) if found else np.nan,
        "happy": float(label == "happy") if found and condition == "smiling" else np.nan,
    }


def sweep(
    degradations=None,
    strengths=None,
    pipelines=DEFAULT_PIPELINES,
    photos: list[Photo] | None = None,
    *,
    progress: bool = True,
    workers: int | None = None,
) -> Sweep:
    """Degrade every photo of ``photos`` (default: :func:`people`) with each degradation at each
    strength, analyse with each pipeline, and compare with the clean photo.

    ``degradations``: names (default: every one in :data:`LESSON_STRENGTHS`); ``strengths``: a
    dict name -> strengths, or one sequence for them all (default: :data:`LESSON_STRENGTHS`, mild
    to severe); ``pipelines``: names in :data:`emolab.PIPELINES` (default: the two emotion models
    behind YuNet, :data:`DEFAULT_PIPELINES`).
    """
    plan = _strengths(degradations, strengths)
    pipelines = tuple(pipelines)
    for pipe in pipelines:
        _pipeline(pipe)
    photos = people(progress=progress) if photos is None else list(photos)
    clean = {
        pipe: dict(
            zip(
                (p.asset.file for p in photos),
                assets.analyze_assets([p.asset for p in photos], progress=progress, **_pipeline(pipe)),
                strict=True,
            )
        )
        for pipe in pipelines
    }
    jobs = [(name, s) for name, values in plan.items() for s in values]
    degraded = analyze_degraded_many(photos, jobs, pipelines, progress=progress, workers=workers)
    rows = []
    for pipe in pipelines:
        for p in photos:
            clean_label = clean[pipe][p.asset.file].top_label
            for name, values in plan.items():
                rows.append(
                    _row(
                        p.person_id,
                        p.asset.file,
                        p.condition,
                        pipe,
                        name,
                        0,
                        np.nan,
                        clean[pipe][p.asset.file],
                        clean_label,
                    )
                )
                for step, s in enumerate(values, start=1):
                    analysis = degraded[p.asset.file, name, s, pipe]
                    rows.append(
                        _row(
                            p.person_id, p.asset.file, p.condition, pipe, name, step, s, analysis, clean_label
                        )
                    )
    return Sweep.from_rows(rows, plan, pipelines)


def _interval(values: np.ndarray, persons: np.ndarray):
    """A share with its interval and n: Wilson when each person gives one value, else lesson
    4's people bootstrap (one row of photo values per person)."""
    keep = ~np.isnan(values)
    values, persons = values[keep], persons[keep]
    n = len(values)
    if n == 0:
        return n, 0, audit.Interval(np.nan, np.nan, np.nan)
    k = int(values.sum())
    unique = list(dict.fromkeys(persons))
    if len(unique) == n:
        return n, k, audit.wilson_interval(k, n)
    width = max(int((persons == pid).sum()) for pid in unique)
    rows = np.full((len(unique), width), np.nan)
    for i, pid in enumerate(unique):
        mine = values[persons == pid]
        rows[i, : len(mine)] = mine
    return n, k, audit.mean_interval(rows)


@dataclass
class Sweep:
    """A sweep's observations (one row per photo, pipeline, degradation and strength; step 0 is
    the clean photo), its plan (degradation -> strengths) and its pipelines."""

    observations: object  # pandas DataFrame
    plan: dict[str, tuple]
    pipelines: tuple[str, ...]
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(cls, rows, plan, pipelines) -> Sweep:
        import pandas as pd

        return cls(pd.DataFrame(rows), dict(plan), tuple(pipelines))

    @property
    def n_people(self) -> int:
        return int(self.observations["person"].nunique())

    def curves(self, degradation: str | None = None):
        """One row per degradation, pipeline and strength (step 0: the clean photo): for each
        measure of :data:`MEASURES`, k, n, the share and its 95% interval (low, high)."""
        import pandas as pd

        key = ("curves", degradation)
        if key in self._cache:
            return self._cache[key]
        obs = self.observations
        if degradation is not None:
            obs = obs[obs["degradation"] == degradation]
        rows = []
        for (name, pipe, step), part in obs.groupby(["degradation", "pipeline", "step"], sort=False):
            d = degrade.get(name)
            strength = part["strength"].iloc[0]
            row = {
                "degradation": name,
                "pipeline": pipe,
                "step": step,
                "strength": strength,
                "setting": CLEAN if step == 0 else d.label(strength),
            }
            persons = part["person"].to_numpy()
            for m in MEASURES:
                n, k, ci = _interval(part[m].to_numpy(dtype=float), persons)
                row |= {f"{m} k": k, f"{m} n": n, m: ci.estimate, f"{m} low": ci.low, f"{m} high": ci.high}
            rows.append(row)
        table = pd.DataFrame(rows)
        self._cache[key] = table
        return table

    def first_flips(self, degradation: str | None = None):
        """For each photo and pipeline: its clean label, and the first strength (mild to severe)
        at which the label differs from it, with how (``"different label"`` or ``"face lost"``);
        NaN strength and ``"never"`` when it held at every strength tried."""
        import pandas as pd

        obs = self.observations
        if degradation is not None:
            obs = obs[obs["degradation"] == degradation]
        rows = []
        for (name, pipe, file), part in obs.groupby(["degradation", "pipeline", "file"], sort=False):
            part = part.sort_values("step")
            clean_label = part["clean_label"].iloc[0]
            flipped = part[(part["step"] > 0) & (part["label"] != clean_label)]
            first = flipped.iloc[0] if len(flipped) else None
            rows.append(
                {
                    "degradation": name,
                    "pipeline": pipe,
                    "person": part["person"].iloc[0],
                    "file": file,
                    "clean_label": clean_label,
                    "first_flip": np.nan if first is None else first["strength"],
                    "flip_step": np.nan if first is None else int(first["step"]),
                    "new_label": None if first is None or not first["found"] else first["label"],
                    "how": "never"
                    if first is None
                    else ("face lost" if not first["found"] else "different label"),
                }
            )
        return pd.DataFrame(rows)

    def agreement(self, a: str, b: str):
        """How far two pipelines of the sweep agree, at each degradation and strength (photos where
        both found a face): n, k same, the share with its Wilson interval, and Cohen's kappa."""
        import pandas as pd

        missing = [p for p in (a, b) if p not in self.pipelines]
        if missing:
            raise RobustnessError(
                f"The sweep did not run {missing[0]!r}.", f"Its pipelines: {', '.join(self.pipelines)}."
            )
        obs = self.observations
        rows = []
        for (name, step), part in obs.groupby(["degradation", "step"], sort=False):
            if step == 0 and rows:  # every degradation starts from the same clean photos: once
                continue
            left = part[part["pipeline"] == a].set_index("file")["label"]
            right = part[part["pipeline"] == b].set_index("file")["label"]
            both = pd.concat([left, right], axis=1, keys=["a", "b"]).dropna()
            result = agreement_of_labels(both["a"].tolist(), both["b"].tolist())
            d = degrade.get(name)
            strength = part["strength"].iloc[0]
            rows.append(
                {
                    "degradation": name,
                    "step": step,
                    "strength": strength,
                    "setting": CLEAN if step == 0 else d.label(strength),
                    "n": result.n,
                    "same": result.same,
                    "share same": result.share.estimate,
                    "low": result.share.low,
                    "high": result.share.high,
                    "kappa": result.kappa,
                }
            )
        return pd.DataFrame(rows)

    def plot(self, degradation: str) -> Figure:
        """The three curves of one degradation, every pipeline in its own colour, marker and line
        style, with 95% intervals as bars and n in the alt text."""
        return curves_plot(self, degradation)


# ---------------------------------------------------------------------------------------------
# The figure


def _pct(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{100 * x:.0f}%"


def _value_text(row, m: str) -> str:
    """ "80% (63% to 90%, n = 30)", or "nothing to count (n = 0)" when no face was found."""
    if row[f"{m} n"] == 0:
        return "nothing to count, no face found (n = 0)" if m != "found" else "n = 0"
    return f"{_pct(row[m])} ({_pct(row[f'{m} low'])} to {_pct(row[f'{m} high'])}, n = {row[f'{m} n']})"


def curves_figure(result: Sweep, degradation: str):
    table = result.curves(degradation)
    if table.empty:
        raise RobustnessError(f"The sweep has no {degradation!r}.", f"It has: {', '.join(result.plan)}.")
    d = degrade.get(degradation)
    settings = list(dict.fromkeys(table.sort_values("step")["setting"]))
    pipelines = list(dict.fromkeys(table["pipeline"]))
    fig, axes = subplots(
        1, len(MEASURES), figsize=(audit.FIGURE_WIDTH_IN, 3.6), layout="constrained", sharey=True
    )
    spread = 0.12
    for j, pipe in enumerate(pipelines):
        part = table[table["pipeline"] == pipe].sort_values("step")
        x = part["step"].to_numpy(dtype=float) + (j - (len(pipelines) - 1) / 2) * spread
        for axis, m in zip(axes, MEASURES, strict=True):
            y = part[m].to_numpy(dtype=float) * 100
            low = part[f"{m} low"].to_numpy(dtype=float) * 100
            high = part[f"{m} high"].to_numpy(dtype=float) * 100
            axis.errorbar(
                x,
                y,
                yerr=[np.nan_to_num(y - low), np.nan_to_num(high - y)],
                color=COLOURS[j % len(COLOURS)],
                marker=MARKERS[j % len(MARKERS)],
                linestyle=LINE_STYLES[j % len(LINE_STYLES)],
                markersize=6,
                linewidth=1.6,
                capsize=3,
                label=_short(pipe),
            )
    for axis, m in zip(axes, MEASURES, strict=True):
        empty = table.groupby("step")[f"{m} n"].sum()
        for step in empty[empty == 0].index:
            axis.text(step, 50, "no face\nfound", ha="center", va="center", fontsize=FONT_PT, style="italic")
        axis.set_title(MEASURES[m].replace(" (", "\n("), fontsize=FONT_PT)
        axis.set_xticks(range(len(settings)), [_tick(s, d) for s in settings], fontsize=FONT_PT, rotation=0)
        axis.set_ylim(-3, 103)
        axis.set_xlim(-0.4, len(settings) - 0.6)
        axis.grid(axis="y", alpha=0.3)
        axis.tick_params(labelsize=FONT_PT)
        axis.set_xlabel(
            f"{d.parameter}" + (f" ({d.unit})" if d.unit not in ("", "share") else ""), fontsize=FONT_PT
        )
    axes[0].set_ylabel("%", fontsize=FONT_PT)
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncol=len(pipelines),
        fontsize=FONT_PT,
        frameon=False,
    )
    fig.suptitle(
        f"{d.description.split(':')[0]}{' (simulation)' if d.simulation else ''}", fontsize=FONT_PT + 1
    )
    return fig


def _tick(setting: str, d: degrade.Degradation) -> str:
    if setting == CLEAN:
        return "clean"
    return setting.replace(d.parameter + " ", "").replace(" " + d.unit, "")


def _short(pipeline: str) -> str:
    return pipeline.split(" (")[-1].rstrip(")") if "(" in pipeline else pipeline


def curves_alt(result: Sweep, degradation: str) -> str:
    table = result.curves(degradation)
    d = degrade.get(degradation)
    pieces = []
    for j, pipe in enumerate(dict.fromkeys(table["pipeline"])):
        part = table[table["pipeline"] == pipe].sort_values("step")
        texts = []
        for m, title in MEASURES.items():
            values = "; ".join(f"{row['setting']} {_value_text(row, m)}" for _, row in part.iterrows())
            texts.append(f"{title.split(' (')[0]}: {values}")
        pieces.append(
            f"{pipe} (marker {MARKERS[j % len(MARKERS)]!r}, line {LINE_STYLES[j % len(LINE_STYLES)]!r}): "
            + ". ".join(texts)
            + "."
        )
    return (
        f"Three line charts of what {d.name.replace('_', ' ')} ({d.parameter}"
        f"{'' if d.unit in ('', 'share') else ', ' + d.unit}) does to {len(pieces)} pipelines on "
        f"{result.n_people} London Set people, in % with 95% intervals: the share of faces found, "
        f"of top labels unchanged from the clean photo, and of posed smiles labelled happy. "
        + " ".join(pieces)
    )


def curves_caption(result: Sweep, degradation: str) -> str:
    d = degrade.get(degradation)
    sim = (
        " The degradation is a simulation: drawn or warped pixels, not a photo taken that way."
        if d.simulation
        else ""
    )
    models = "; ".join(
        f"{pipe}: {core.model_info(_pipeline(pipe)['model']).short_name} "
        f"(weights sha256 {core.model_info(_pipeline(pipe)['model']).sha256[:12]}…)"
        for pipe in result.pipelines
    )
    return (
        f"{d.description}{sim} The whole photo was degraded, then analysed. {result.n_people} London Set "
        "people (clean smiling photo found by both detectors; first by subject id). Bars: 95% intervals "
        "(Wilson). Label unchanged and smiles: of the faces still found. "
        f"Photos: Lisa DeBruine & Benedict Jones (2017), Face Research Lab London Set, CC BY 4.0. {models}."
    )


def curves_plot(result: Sweep, degradation: str) -> Figure:
    """:func:`curves_figure` with its alt text (every value, interval and n) and caption."""
    return Figure(
        curves_figure(result, degradation),
        curves_alt(result, degradation),
        curves_caption(result, degradation),
    )


def _strongest(result: Sweep, strengths: dict | None = None):
    """The curves' rows at each degradation's last (most severe) setting in the sweep, or at the
    strength ``strengths`` names for it."""
    table = result.curves()
    last = table.groupby(["degradation", "pipeline"])["step"].transform("max")
    chosen = table["step"] == last
    for name, strength in (strengths or {}).items():
        if name not in result.plan or strength not in result.plan[name]:
            raise RobustnessError(
                f"The sweep has no {name!r} at {strength!r}.",
                f"Pick one of its strengths: {result.plan.get(name, 'none')}.",
            )
        mine = table["degradation"] == name
        chosen = (chosen & ~mine) | (mine & (table["strength"] == strength))
    rows = table[chosen]
    order = {name: i for i, name in enumerate(result.plan)}
    return rows.sort_values(
        ["degradation", "pipeline"], key=lambda c: c.map(order) if c.name == "degradation" else c
    )


def overview_figure(result: Sweep, strengths: dict | None = None):
    rows = _strongest(result, strengths)
    names = list(dict.fromkeys(rows["degradation"]))
    pipelines = list(dict.fromkeys(rows["pipeline"]))
    fig, axes = subplots(
        1,
        len(MEASURES),
        figsize=(audit.FIGURE_WIDTH_IN, 0.42 * len(names) + 1.9),
        layout="constrained",
        sharey=True,
    )
    spread = 0.22
    for j, pipe in enumerate(pipelines):
        part = rows[rows["pipeline"] == pipe].set_index("degradation").loc[names]
        y = np.arange(len(names)) + (j - (len(pipelines) - 1) / 2) * spread
        for axis, m in zip(axes, MEASURES, strict=True):
            x = part[m].to_numpy(dtype=float) * 100
            low, high = (part[f"{m} {e}"].to_numpy(dtype=float) * 100 for e in ("low", "high"))
            axis.errorbar(
                x,
                y,
                xerr=[np.nan_to_num(x - low), np.nan_to_num(high - x)],
                color=COLOURS[j % len(COLOURS)],
                marker=MARKERS[j % len(MARKERS)],
                linestyle="none",
                markersize=6,
                capsize=3,
                label=_short(pipe),
            )
    settings = dict(zip(rows["degradation"], rows["setting"], strict=True))
    labels = [
        settings[name]
        if settings[name].startswith(name.replace("_", " "))
        else f"{name.replace('_', ' ')}\n{settings[name]}"
        for name in names
    ]
    for axis, m in zip(axes, MEASURES, strict=True):
        axis.set_title(MEASURES[m].replace(" (", "\n("), fontsize=FONT_PT)
        axis.set_xlim(-3, 103)
        axis.set_xlabel("%", fontsize=FONT_PT)
        axis.grid(axis="x", alpha=0.3)
        axis.tick_params(labelsize=FONT_PT)
    axes[0].set_yticks(range(len(names)), labels, fontsize=FONT_PT)
    axes[0].set_ylim(len(names) - 0.5, -0.5)
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncol=len(pipelines),
        fontsize=FONT_PT,
        frameon=False,
    )
    return fig


def overview_plot(result: Sweep, strengths: dict | None = None) -> Figure:
    """Every degradation of the sweep at its most severe setting (or the one ``strengths`` names,
    e.g. ``{"face_height": 28}``), side by side: for each measure, a dot and 95% interval per
    pipeline (its own colour and marker), n in the alt text."""
    rows = _strongest(result, strengths)
    pieces = []
    for name in dict.fromkeys(rows["degradation"]):
        part = rows[rows["degradation"] == name]
        setting = part["setting"].iloc[0]
        per_pipe = "; ".join(
            f"{row['pipeline']}: "
            + ", ".join(f"{title.split(' (')[0]} {_value_text(row, m)}" for m, title in MEASURES.items())
            for _, row in part.iterrows()
        )
        what = (
            setting
            if setting.startswith(name.replace("_", " "))
            else f"{name.replace('_', ' ')} at {setting}"
        )
        pieces.append(f"{what}: {per_pipe}.")
    markers = ", ".join(
        f"{pipe} marker {MARKERS[j % len(MARKERS)]!r}"
        for j, pipe in enumerate(dict.fromkeys(rows["pipeline"]))
    )
    alt = (
        f"Dot charts of {len(pieces)} degradations, each at one setting, on "
        f"{result.n_people} London Set people, in % with 95% intervals ({markers}). " + " ".join(pieces)
    )
    caption = (
        "Each degradation at one setting: the whole photo degraded, then analysed. Mask, sunglasses, "
        "infrared and camera pitch are simulations. Label unchanged and smiles: of the faces still found. "
        "Bars: 95% intervals (Wilson). Photos: Lisa DeBruine & Benedict Jones (2017), Face Research Lab "
        "London Set, CC BY 4.0. "
        + "; ".join(
            f"{pipe}: {core.model_info(_pipeline(pipe)['model']).short_name}" for pipe in result.pipelines
        )
        + "."
    )
    return Figure(overview_figure(result, strengths), alt, caption)


# ---------------------------------------------------------------------------------------------
# Agreement between two pipelines


def cohen_kappa(table) -> float:
    """Cohen's kappa from a square confusion table (rows: rater A's labels, columns: rater B's,
    the same labels in the same order): (p_o - p_e) / (1 - p_e), where p_o is the share on the
    diagonal and p_e the share expected by chance, the sum over labels of the product of the two
    raters' shares of that label (Cohen 1960, Educational and Psychological Measurement 20(1),
    37-46). NaN for an empty table; 1 when both raters always give one and the same label."""
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise RobustnessError("Cohen's kappa needs a square table (the same labels on both sides).")
    total = counts.sum()
    if total == 0:
        return float("nan")
    observed = np.trace(counts) / total
    expected = float((counts.sum(axis=1) / total) @ (counts.sum(axis=0) / total))
    if expected == 1:
        return 1.0
    return float((observed - expected) / (1 - expected))


@dataclass
class Agreement:
    """Two pipelines on the same photos (those where both found a face)."""

    a: str
    b: str
    n: int
    same: int
    share: audit.Interval  # share of the same top label, with its Wilson interval
    kappa: float
    table: object  # pandas crosstab, rows: a's labels, columns: b's (every course label)
    most_different: object = None  # DataFrame: photo, both labels, total variation distance


def _square_table(labels_a, labels_b):
    import pandas as pd

    table = pd.crosstab(
        pd.Categorical(labels_a, categories=core.EMOTIONS),
        pd.Categorical(labels_b, categories=core.EMOTIONS),
        dropna=False,
    )
    return table.reindex(index=core.EMOTIONS, columns=core.EMOTIONS, fill_value=0)


def agreement_of_labels(labels_a, labels_b, a: str = "A", b: str = "B") -> Agreement:
    """Agreement of two lists of top labels for the same photos (None: no face; such pairs are left out)."""
    pairs = [(x, y) for x, y in zip(labels_a, labels_b, strict=True) if x is not None and y is not None]
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    table = _square_table(xs, ys)
    table.index.name, table.columns.name = a, b
    same = int(np.trace(table.to_numpy()))
    return Agreement(
        a, b, len(pairs), same, audit.wilson_interval(same, len(pairs)), cohen_kappa(table), table
    )


def total_variation(p, q) -> float:
    """Total variation distance between two probability vectors: half the sum of the absolute
    differences, 0 (the same) to 1 (no label in common)."""
    return float(0.5 * np.abs(np.asarray(p, dtype=float) - np.asarray(q, dtype=float)).sum())


def _photo_name(source) -> str:
    """A course photo's catalogue name (never the path of its cached copy); otherwise "your photo"."""
    found = assets.find_asset(source) if source else None
    return found.file if found is not None else "your photo"


def curves_table(curves):
    """:meth:`Sweep.curves` as a table to read: one row per pipeline and setting, each measure as
    "k of n (low to high)", or "n = 0" where there was nothing to count."""
    table = curves[["pipeline", "setting"]].copy()
    for m in MEASURES:
        k, n, low, high = (curves[f"{m} {part}"] for part in ("k", "n", "low", "high"))
        table[m] = [
            f"{k[i]} of {n[i]} ({low[i]:.0%} to {high[i]:.0%})" if n[i] else "n = 0" for i in curves.index
        ]
    return table.set_index(["pipeline", "setting"])


def agreement(
    analyses_a, analyses_b, *, a: str | None = None, b: str | None = None, top: int = 5
) -> Agreement:
    """How far two pipelines agree on the same photos (two lists of analyses in the same order):
    share of the same top label, Cohen's kappa, the confusion table, and the ``top`` photos whose
    two probability vectors differ most by total variation distance (:func:`total_variation`)."""
    import pandas as pd

    analyses_a, analyses_b = list(analyses_a), list(analyses_b)
    if len(analyses_a) != len(analyses_b):
        raise RobustnessError(
            f"{len(analyses_a)} analyses against {len(analyses_b)}: agreement compares the same photos.",
            "Analyse the same list of photos with both pipelines.",
        )
    a = a or (analyses_a[0].pipeline if analyses_a else "A")
    b = b or (analyses_b[0].pipeline if analyses_b else "B")
    result = agreement_of_labels([x.top_label for x in analyses_a], [y.top_label for y in analyses_b], a, b)
    rows = []
    for x, y in zip(analyses_a, analyses_b, strict=True):
        if x.largest_face is None or y.largest_face is None:
            continue
        rows.append(
            {
                "photo": _photo_name(x.source),
                f"label ({_short(a)})": x.top_label,
                f"label ({_short(b)})": y.top_label,
                "total variation": total_variation(x.largest_face.scores, y.largest_face.scores),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["photo", f"label ({_short(a)})", f"label ({_short(b)})", "total variation"]
    )
    result.most_different = (
        frame.sort_values("total variation", ascending=False, kind="stable").head(top).reset_index(drop=True)
    )
    return result


# ---------------------------------------------------------------------------------------------
# One photo, degraded several ways

EXAMPLE_SETTINGS = (
    ("face_height", 48),
    ("face_height", 24),
    ("blur", 16),
    ("motion_blur", 64),
    ("jpeg", 5),
    ("low_light", 0.03),
    ("infrared", 1.0),
    ("pitch", 45),
    ("distance", 8),
    ("mask", 0.85),
    ("sunglasses", 0.85),
)
DISPLAY_SIDE = 450  # pixels a panel's picture keeps (every n-th pixel: for display only)


def _example_title(name: str, strength) -> str:
    d = degrade.get(name)
    words = name.replace("_", " ")
    title = d.label(strength) if d.parameter == words else f"{words}\n{d.label(strength)}"
    return title + ("\n(simulation)" if d.simulation else "")


def examples_plot(photo: Photo, settings=EXAMPLE_SETTINGS) -> Figure:
    """The whole photo of one subset member, clean and then degraded at each (name, strength) of
    ``settings``, as a camera would deliver it: a credited Figure whose alt text lists every
    panel, with the simulations said to be simulations."""
    from .display import MIN_TEXT_PT, Credit

    clean = load_image(assets.fetch(photo.asset)).rgb
    panels = [("clean photo", clean)]
    for name, strength in settings:
        degraded = degrade.apply(name, clean, strength, box=photo.box, landmarks=photo.landmarks)
        panels.append((_example_title(name, strength), degraded))
    columns = 4
    rows = -(-len(panels) // columns)
    fig, axes = subplots(rows, columns, figsize=(8.5, 2.55 * rows), layout="constrained")
    for axis in np.atleast_1d(axes).flat:
        axis.axis("off")
    for axis, (title, rgb) in zip(np.atleast_1d(axes).flat, panels, strict=False):
        step = max(1, rgb.shape[1] // DISPLAY_SIDE)
        axis.imshow(rgb[::step, ::step], interpolation="nearest")
        axis.set_title(title, fontsize=MIN_TEXT_PT)
    described = "; ".join(title.replace("\n", " ") for title, _ in panels)
    simulated = [name.replace("_", " ") for name, _ in settings if degrade.get(name).simulation]
    caption = f"The same photo, degraded {len(panels) - 1} ways."
    if simulated:
        caption += (
            f" {', '.join(sorted(set(simulated)))}: simulations (drawn or warped pixels, not photos "
            "taken that way)."
        )
    alt = (
        f"{len(panels)} panels, each the whole studio photo of London Set participant "
        f"{photo.person_id} ({photo.condition}), as a camera would deliver it: {described}."
    )
    return Figure(fig, alt, caption, credits=(Credit.of(photo.asset),))
