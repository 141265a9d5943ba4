"""The lesson 4 audit on the London Set: cold, warm, and the audit's own time.

Each run is a fresh process: "cold" with an empty EMOLAB_CACHE_DIR (images copied from the
mirror, every photo analysed), "warm" on the same cache afterwards (results read from disk).
In each, the audit's own work (per-person outcomes, tables with Wilson, Newcombe and bootstrap
intervals, differences, intersections, the plot and the card) is timed apart from the analyses,
and so is the power simulation. Prints a Markdown table, then the warm run's table of rates.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/audit_bench.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def one_run() -> dict:
    t0 = time.perf_counter()
    from emolab import assets, audit

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    people = audit.london_set()
    analyses = assets.analyze_assets(people.photos, progress=False)
    analyse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = audit.run_audit(people, list(zip(people.photos, analyses, strict=True)))
    for by in ("ethnic group", "gender", ("gender", "ethnic group")):
        result.table(by)
    result.differences("ethnic group")
    result.differences("gender")
    figure = result.plot("ethnic group")
    card = result.card("ethnic group")
    audit_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    needed = audit.people_needed(base_rate=0.5, gap=0.10)
    power_13 = audit.simulate_power(0.5, 0.10, 13)
    power_s = time.perf_counter() - t0
    return {
        "import_s": import_s,
        "analyse_s": analyse_s,
        "audit_s": audit_s,
        "power_s": power_s,
        "needed": needed.n_per_group,
        "power_13": power_13,
        "alt_chars": len(figure.alt),
        "card_chars": len(card.html),
        "summary_csv": result.summary("ethnic group").to_csv(),
        "summary_gender_csv": result.summary("gender").to_csv(),
        "differences_csv": result.differences("ethnic group").round(3).to_csv(index=False),
        "intersections_csv": result.summary(("gender", "ethnic group")).to_csv(),
        "pipeline": result.pipeline.label,
        "model_sha256": result.pipeline.model_sha256,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(one_run()))
        return
    cache = tempfile.mkdtemp(prefix="emolab-audit-bench-")
    env = {**os.environ, "EMOLAB_CACHE_DIR": cache}
    env.pop("DEEPFACE_HOME", None)
    rows = {}
    for side in ("cold", "warm"):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=True
        )
        wall = time.perf_counter() - t0
        rows[side] = json.loads(out.stdout.strip().splitlines()[-1]) | {"wall_s": wall}
    print("| run | process wall (s) | import (s) | analyses (s) | audit's own (s) | power sim (s) |")
    print("|---|---|---|---|---|---|")
    for side, r in rows.items():
        print(
            f"| {side} | {r['wall_s']:.1f} | {r['import_s']:.1f} | {r['analyse_s']:.1f} | "
            f"{r['audit_s']:.2f} | {r['power_s']:.2f} |"
        )
    warm = rows["warm"]
    print(f"\npipeline: {warm['pipeline']} (weights sha256 {warm['model_sha256']})")
    print(f"people per group for 80% power (gap 10 points, base 50%): {warm['needed']}")
    print(f"power with 13 people per group: {warm['power_13']:.2f}\n")
    for key in ("summary_csv", "summary_gender_csv", "intersections_csv", "differences_csv"):
        print(warm[key])


if __name__ == "__main__":
    main()
