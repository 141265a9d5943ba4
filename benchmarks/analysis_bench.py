"""emolab.analyze versus a plain DeepFace.analyze loop on the 204 London Set images.

Each side runs in its own fresh process (so import time, model-load time and peak memory are
its own), on the same files, in the same run. Prints a Markdown table and the agreement of
top labels, face by face (faces are paired by box overlap).

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/analysis_bench.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def run_side(mode: str, files: list[str]) -> dict:
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

    results = []
    t0 = time.perf_counter()
    for path in files:
        if mode == "emolab":
            faces = [(f.box, f.top_label) for f in emolab.analyze(path).faces]
        else:
            found = DeepFace.analyze(
                path, actions=["emotion"], detector_backend="opencv", enforce_detection=False, silent=True
            )
            faces = [
                (
                    (r["region"]["x"], r["region"]["y"], r["region"]["w"], r["region"]["h"]),
                    r["dominant_emotion"],
                )
                for r in found
                if r.get("face_confidence", 0) > 0
            ]
        results.append(faces)
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--side", choices=["plain", "emolab"])
    parser.add_argument("--files")
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, json.loads(args.files))))
        return 0

    from emolab import assets

    files = [str(assets.fetch(a)) for a in assets.collection("london")][: args.limit]
    sides = {}
    for side in ("plain", "emolab"):
        out = subprocess.run(
            [sys.executable, __file__, "--side", side, "--files", json.dumps(files)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        sides[side] = json.loads(out.strip().splitlines()[-1])
    n = len(files)
    print(f"{n} London Set images (1350x1350 JPEG), model: {sides['emolab']['model']}\n")
    print("| | plain DeepFace.analyze loop | emolab.analyze |")
    print("|---|---|---|")
    for key, label, fmt in [
        ("loop_s", "images/s", lambda s: f"{n / s:.2f}"),
        ("loop_s", "seconds for all images", lambda s: f"{s:.1f}"),
        ("import_s", "import time (s)", lambda s: f"{s:.2f}"),
        ("load_s", "model load (s)", lambda s: f"{s:.2f}"),
        ("peak_rss_mb", "peak RSS (MB)", lambda s: f"{s:.0f}"),
    ]:
        print(f"| {label} | {fmt(sides['plain'][key])} | {fmt(sides['emolab'][key])} |")
    speedup = sides["plain"]["loop_s"] / sides["emolab"]["loop_s"]
    paired, same, only_plain, only_ours = agreement(sides["plain"]["results"], sides["emolab"]["results"])
    print(f"\nspeed-up: {speedup:.2f}x")
    print(
        f"faces paired: {paired}; same top label: {same} ({100 * same / max(paired, 1):.1f}%); "
        f"found only by the plain loop: {only_plain}; only by emolab: {only_ours}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
