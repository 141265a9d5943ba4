"""emolab.analyze_many versus a plain DeepFace.analyze loop on the 204 London Set images.

Each side runs in its own fresh process (so import time, model-load time and peak memory are
its own), on the same files, in the same run: the plain loop; emolab one image at a time
(``workers=1``) and on every core, both cold (an empty EMOLAB_CACHE_DIR); and emolab warm (the
second run on the same cache). Prints a Markdown table and the agreement of top labels, face by
face (faces are paired by box overlap).

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/analysis_bench.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SIDES = {  # name: (mode, workers, cache folder: "fresh" or "shared")
    "plain DeepFace.analyze loop": ("plain", None, "fresh"),
    "emolab, 1 worker, cold": ("emolab", 1, "fresh"),
    "emolab, all cores, cold": ("emolab", None, "shared"),
    "emolab, warm": ("emolab", None, "shared"),
}


def run_side(mode: str, files: list[str], workers: int | None) -> dict:
    t0 = time.perf_counter()
    from deepface import DeepFace

    import emolab  # sets DeepFace's environment (ONNX backend, weights folder) in both modes

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    if mode == "emolab":
        emolab.model_info()  # loads detector and emotion model
    else:
        emolab.setup.prepare()
        DeepFace.build_model(task="facial_attribute", model_name="Emotion")
        DeepFace.build_model(task="face_detector", model_name="opencv")
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    if mode == "emolab":
        analyses = emolab.analyze_many(files, progress=False, workers=workers)
        results = [[(f.box, f.top_label) for f in analysis.faces] for analysis in analyses]
    else:
        results = [plain_faces(DeepFace, path) for path in files]
    loop_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "import_s": import_s,
        "load_s": load_s,
        "loop_s": loop_s,
        "peak_rss_mb": peak_mb,
        "results": results,
        "model": emolab.model_info().short_name,
    }


def plain_faces(DeepFace, path: str) -> list:  # noqa: N803  (the library's own name)
    found = DeepFace.analyze(
        path, actions=["emotion"], detector_backend="opencv", enforce_detection=False, silent=True
    )
    return [
        ((r["region"]["x"], r["region"]["y"], r["region"]["w"], r["region"]["h"]), r["dominant_emotion"])
        for r in found
        if r.get("face_confidence", 0) > 0
    ]


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter) if inter else 0.0


def agreement(plain: list, ours: list) -> tuple[int, int, int, int]:
    """(paired faces, same top label, faces only plain found, faces only emolab found)."""
    paired = same = only_plain = only_ours = 0
    for plain_faces, our_faces in zip(plain, ours, strict=True):
        unmatched = list(our_faces)
        for box, label in plain_faces:
            best = max(unmatched, key=lambda f: iou(box, f[0]), default=None)
            if best is not None and iou(box, best[0]) >= 0.5:
                unmatched.remove(best)
                paired += 1
                same += label == best[1]
            else:
                only_plain += 1
        only_ours += len(unmatched)
    return paired, same, only_plain, only_ours


def run_in_process(mode: str, files: list[str], workers: int | None, cache: str) -> dict:
    command = [sys.executable, __file__, "--side", mode, "--files", json.dumps(files)]
    if workers:
        command += ["--workers", str(workers)]
    environment = {**os.environ, "EMOLAB_CACHE_DIR": cache}
    environment.pop("DEEPFACE_HOME", None)
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--side", choices=["plain", "emolab"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--files")
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, json.loads(args.files), args.workers)))
        return 0

    from emolab import assets

    files = [str(assets.fetch(a)) for a in assets.collection("london")][: args.limit]
    sides, loads = {}, {}
    with tempfile.TemporaryDirectory() as shared:
        for name, (mode, workers, cache) in SIDES.items():
            with tempfile.TemporaryDirectory() as fresh:
                sides[name] = run_in_process(mode, files, workers, fresh if cache == "fresh" else shared)
            loads[name] = os.getloadavg()[0]
    n = len(files)
    plain = sides["plain DeepFace.analyze loop"]
    print(f"{n} London Set images (1350x1350 JPEG), model: {sides['emolab, warm']['model']}\n")
    print("| | " + " | ".join(SIDES) + " |")
    print("|---" * (len(SIDES) + 1) + "|")
    for key, label, fmt in [
        ("loop_s", "images/s", lambda s: f"{n / s:.2f}"),
        ("loop_s", "seconds for all images", lambda s: f"{s:.2f}"),
        ("loop_s", "speed-up over the plain loop", lambda s: f"{plain['loop_s'] / s:.1f}x"),
        ("import_s", "import time (s)", lambda s: f"{s:.2f}"),
        ("load_s", "model load (s)", lambda s: f"{s:.2f}"),
        ("peak_rss_mb", "peak RSS (MB)", lambda s: f"{s:.0f}"),
    ]:
        print(f"| {label} | " + " | ".join(fmt(side[key]) for side in sides.values()) + " |")
    print("| load average (1 min) after | " + " | ".join(f"{v:.2f}" for v in loads.values()) + " |")
    print()
    for name, side in sides.items():
        if side is plain:
            continue
        paired, same, only_plain, only_ours = agreement(plain["results"], side["results"])
        print(
            f"{name}: faces paired {paired}; same top label {same} ({100 * same / max(paired, 1):.1f}%); "
            f"found only by the plain loop: {only_plain}; only by emolab: {only_ours}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
