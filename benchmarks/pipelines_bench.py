"""The course's three pipelines on the 204 London Set photos: faces found, time per photo, labels.

Each pipeline (``emolab.core.PIPELINES``: DeepFace with Haar, DeepFace with YuNet, the OpenCV
Zoo's YuNet + RAF-DB model) runs in its own fresh process with an empty analysis cache (the
images are fetched before the clock starts): import, model load, the first photo, the rest one
at a time ("cold": computed), all photos again ("warm": read from the disk cache), and all
photos computed again on every core (``analyze_many``). Prints Markdown tables: faces found per
detector, times, and how often the pipelines' top labels (largest face) agree on the neutral
and the smiling photos.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/pipelines_bench.py [--limit N]
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


def run_side(name: str, files: list[str]) -> dict:
    t0 = time.perf_counter()
    import emolab
    from emolab import core

    import_s = time.perf_counter() - t0
    choice = core.PIPELINES[name]
    t0 = time.perf_counter()
    model = emolab.model_info(choice["model"])
    detector = core.detector_info(choice["detector"])
    load_s = time.perf_counter() - t0

    def summary(analysis) -> tuple[int, str | None]:  # keep numbers, not 204 decoded photos
        return len(analysis.faces), analysis.top_label

    t0 = time.perf_counter()
    first = summary(emolab.analyze(files[0], **choice))
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rest = [summary(emolab.analyze(path, **choice)) for path in files[1:]]
    cold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = [summary(emolab.analyze(path, **choice)) for path in files]
    warm_s = time.perf_counter() - t0
    results = [first, *rest]
    assert again == results
    emolab.clear_cache()
    t0 = time.perf_counter()
    for start in range(0, len(files), 16):  # every core, computed again, 16 photos at a time
        emolab.analyze_many(files[start : start + 16], progress=False, **choice)
    threads_s = time.perf_counter() - t0
    runtimes = compare_runtimes(files, choice) if choice["model"] == "raf-db" else None
    return {
        "import_s": import_s,
        "load_s": load_s,
        "first_s": first_s,
        "cold_ms": 1000 * cold_s / max(1, len(rest)),
        "warm_ms": 1000 * warm_s / len(files),
        "threads_ms": 1000 * threads_s / len(files),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "faces": [faces for faces, _ in results],
        "labels": [label for _, label in results],
        "model": f"{model.short_name} ({model.sha256[:12]})",
        "detector": f"{detector.short_name} ({detector.sha256[:12]})",
        "runtimes": runtimes,
    }


def compare_runtimes(files: list[str], choice: dict) -> dict:
    """The RAF-DB network on the same inputs with OpenCV's DNN module (the Zoo's demo runtime)
    instead of onnxruntime: how many top labels (largest face) differ, and the largest change
    in a probability. The two runtimes round the int8 network's arithmetic differently."""
    import cv2
    import numpy as np

    import emolab
    from emolab import assets, zoo

    net = cv2.dnn.readNet(str(assets.model_path(assets.ZOO_EMOTION_MODEL)))
    faces = differ = 0
    largest_change = 0.0
    for path in files:
        face = emolab.analyze(path, **choice).largest_face
        if face is None:
            continue
        net.setInput(face.network_input[None], "data")
        scores = zoo.course_order(net.forward("label")[0])
        faces += 1
        differ += int(np.argmax(scores)) != int(np.argmax(face.scores))
        largest_change = max(largest_change, float(np.abs(scores - face.scores).max()))
    return {"faces": faces, "differ": differ, "largest_change": largest_change}


def run_in_process(name: str, files: list[str], cache: str) -> dict:
    command = [sys.executable, __file__, "--side", name, "--files", json.dumps(files)]
    environment = {**os.environ, "EMOLAB_CACHE_DIR": cache}
    environment.pop("DEEPFACE_HOME", None)
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout
    return json.loads(out.strip().splitlines()[-1])


def same_labels(a: list, b: list, keep: list[bool]) -> tuple[int, int]:
    """(photos where both found a face, of which with the same top label), among ``keep``."""
    both = [(x, y) for x, y, k in zip(a, b, keep, strict=True) if k and x is not None and y is not None]
    return len(both), sum(x == y for x, y in both)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--side")
    parser.add_argument("--files")
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, json.loads(args.files))))
        return 0

    from emolab import assets, core

    london = assets.collection("london")[: args.limit]
    sides, loads = {}, {}
    for name in core.PIPELINES:
        with tempfile.TemporaryDirectory() as cache:
            os.environ["EMOLAB_CACHE_DIR"] = cache
            files = [str(assets.fetch(a)) for a in london]  # copied in before the clock starts
            sides[name] = run_in_process(name, files, cache)
        loads[name] = os.getloadavg()[0]
    n = len(london)
    smiling = [a.condition == "smiling" for a in london]
    neutral = [not s for s in smiling]
    print(f"{n} London Set photos (1350x1350 JPEG; {sum(neutral)} neutral, {sum(smiling)} smiling)\n")
    print("| | " + " | ".join(sides) + " |")
    print("|---" * (len(sides) + 1) + "|")
    rows = [
        ("detector", "detector (sha256)", str),
        ("model", "emotion model (sha256)", str),
        ("faces", "photos with a face found", lambda f: f"{sum(c > 0 for c in f)}/{n}"),
        ("faces", "faces found in all", lambda f: f"{sum(f)}"),
        ("labels", "smiling photos labelled happy", lambda labels: share(labels, smiling, "happy")),
        ("labels", "neutral photos labelled neutral", lambda labels: share(labels, neutral, "neutral")),
        ("import_s", "import (s)", lambda s: f"{s:.2f}"),
        ("load_s", "model load (s)", lambda s: f"{s:.2f}"),
        ("first_s", "first photo, cold (s)", lambda s: f"{s:.2f}"),
        ("cold_ms", "per photo, computed, 1 thread (ms)", lambda s: f"{s:.0f}"),
        ("threads_ms", "per photo, computed, all cores (ms)", lambda s: f"{s:.0f}"),
        ("warm_ms", "per photo, warm: from the disk cache (ms)", lambda s: f"{s:.1f}"),
        ("peak_rss_mb", "peak RSS (MB)", lambda s: f"{s:.0f}"),
    ]
    for key, label, fmt in rows:
        print(f"| {label} | " + " | ".join(fmt(side[key]) for side in sides.values()) + " |")
    print("| load average (1 min) after | " + " | ".join(f"{v:.2f}" for v in loads.values()) + " |")
    print("\nSame top label (largest face), among photos where both pipelines found a face:\n")
    print("| pipelines | neutral | smiling |")
    print("|---|---|---|")
    names = list(sides)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            cells = []
            for keep in (neutral, smiling):
                both, same = same_labels(sides[a]["labels"], sides[b]["labels"], keep)
                cells.append(f"{same}/{both}")
            print(f"| {a} vs {b} | " + " | ".join(cells) + " |")
    for name, side in sides.items():
        if side["runtimes"]:
            r = side["runtimes"]
            print(
                f"\n{name}, onnxruntime versus OpenCV's DNN module on the same inputs: top label "
                f"differs on {r['differ']} of {r['faces']} faces; largest change in a probability "
                f"{r['largest_change']:.3f}"
            )
    return 0


def share(labels: list, keep: list[bool], label: str) -> str:
    chosen = [x for x, k in zip(labels, keep, strict=True) if k]
    return f"{sum(x == label for x in chosen)}/{len(chosen)}"


if __name__ == "__main__":
    sys.exit(main())
