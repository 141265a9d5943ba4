"""Lesson 5's robustness sweep: cold, warm, and what each degradation costs.

Default: the lesson's sweep (``robustness.sweep()``: :data:`robustness.LESSON_STRENGTHS`, the two
default pipelines, the 48 people of ``robustness.people()``), each run a fresh process: "cold"
with an empty EMOLAB_CACHE_DIR (images copied from the mirror, every photo analysed), "warm" on
the same cache afterwards. Each phase is timed apart (import, choosing the people, the clean and
degraded analyses, the curves, one plot per degradation, the agreement table). Prints a Markdown
table of the timings, the machine's load, and the warm run's curves.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/robustness_bench.py
    EMOLAB_OFFLINE_DIR=../shared python benchmarks/robustness_bench.py --costs [PHOTOS]

``--costs``: seconds per photo of each degradation at each of its registry strengths
(degrading the photo, then every pipeline in ``emolab.PIPELINES``, one thread, nothing cached),
on the first PHOTOS (default 4) people: what a sweep of a given plan will cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

HAAR = "DeepFace (Haar + FER2013)"


def one_run() -> dict:
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    from emolab import robustness

    times = {"import_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    photos = robustness.people(progress=False)
    times["people_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = robustness.sweep(photos=photos, progress=False)
    times["sweep_s"] = time.perf_counter() - t0
    times["lesson_cpu_s"] = time.process_time() - cpu0
    t0 = time.perf_counter()
    haar = robustness.sweep("face_height", pipelines=[HAAR], photos=photos, progress=False)
    times["haar_height_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    curves = result.curves()
    flips = result.first_flips()
    agreement = result.agreement(*robustness.DEFAULT_PIPELINES)
    times["tables_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    alts = {name: result.plot(name).alt for name in result.plan}
    times["plots_s"] = time.perf_counter() - t0
    columns = ["degradation", "pipeline", "setting"]
    for m in robustness.MEASURES:
        columns += [f"{m} k", f"{m} n", m, f"{m} low", f"{m} high"]
    return times | {
        "people": result.n_people,
        "jobs": sum(len(v) for v in result.plan.values()),
        "curves_csv": curves[columns].round(3).to_csv(index=False),
        "flips_csv": flips.groupby(["degradation", "pipeline", "how"]).size().to_csv(),
        "agreement_csv": agreement.round(3).to_csv(index=False),
        "alt_chars": {k: len(v) for k, v in alts.items()},
        "haar_csv": haar.curves()[columns].round(3).to_csv(index=False),
    }


def costs(n_photos: int) -> None:
    import numpy as np

    from emolab import assets, core, degrade, robustness
    from emolab.images import load_bytes

    photos = robustness.people(n_photos, progress=False)
    pipelines = {name: core.resolve(**settings) for name, settings in core.PIPELINES.items()}
    for detector, model in pipelines.values():
        core.model_info(model), core.detector_info(detector)
    rgbs = [load_bytes(assets.fetch(p.asset).read_bytes(), p.asset.file).rgb for p in photos]
    print("| degradation | strength | degrade (s) | " + " | ".join(pipelines) + " |")
    print("|---|---|---|" + "---|" * len(pipelines))
    for name, d in degrade.DEGRADATIONS.items():
        for strength in d.strengths:
            spent = {"degrade": []} | {p: [] for p in pipelines}
            for photo, rgb in zip(photos, rgbs, strict=True):
                the_spec = robustness.spec(name, strength, box=photo.box, landmarks=photo.landmarks)
                t0 = time.perf_counter()
                out = robustness._degraded(rgb, the_spec)
                spent["degrade"].append(time.perf_counter() - t0)
                for pipe, (detector, model) in pipelines.items():
                    t0 = time.perf_counter()
                    robustness._analysis(out, "bench", detector, model)
                    spent[pipe].append(time.perf_counter() - t0)
            cells = " | ".join(f"{np.median(v):.3f}" for v in spent.values())
            print(f"| {name} | {strength:g} | {cells} |")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(one_run()))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--costs":
        costs(int(sys.argv[2]) if len(sys.argv) > 2 else 4)
        return
    cache = tempfile.mkdtemp(prefix="emolab-robustness-bench-")
    env = {**os.environ, "EMOLAB_CACHE_DIR": cache}
    env.pop("DEEPFACE_HOME", None)
    rows = {}
    for side in ("cold", "warm"):
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"The {side} run failed:\n{out.stderr}")
        wall = time.perf_counter() - t0
        rows[side] = json.loads(out.stdout.strip().splitlines()[-1]) | {"wall_s": wall, "load": load}
    print(
        f"{rows['cold']['people']} people, {rows['cold']['jobs']} degraded settings, cores: {os.cpu_count()}"
    )
    print(
        "| run | process wall (s) | import (s) | people (s) | sweep (s) | tables (s) | plots (s) "
        "| CPU of import+people+sweep (s) | + face height, Haar (s) | load average at start |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for side, r in rows.items():
        print(
            f"| {side} | {r['wall_s']:.1f} | {r['import_s']:.1f} | {r['people_s']:.1f} | {r['sweep_s']:.1f} "
            f"| {r['tables_s']:.2f} | {r['plots_s']:.1f} | {r['lesson_cpu_s']:.1f} "
            f"| {r['haar_height_s']:.1f} | {r['load']:.1f} |"
        )
    print(
        "The process wall time includes the Haar face-height sweep (an option, not the lesson's "
        "default); CPU time / 2 is what the lesson's part would take on 2 idle cores at best."
    )
    warm = rows["warm"]
    print("\nCurves (warm run):\n" + warm["curves_csv"])
    print("First flips (count of photos by how):\n" + warm["flips_csv"])
    print("Agreement between the default pipelines:\n" + warm["agreement_csv"])
    print("Alt text characters per plot:", warm["alt_chars"])
    print(f"Face height with {HAAR} (warm run):\n" + warm["haar_csv"])
    if rows["cold"]["curves_csv"] != warm["curves_csv"]:
        print("WARNING: the cold and warm runs' curves differ")


if __name__ == "__main__":
    main()
