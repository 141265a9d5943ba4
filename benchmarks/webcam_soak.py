"""Soak test of the live camera loop (not run in CI): 10 minutes of the real widget in Chromium.

Checks that frames keep being processed (no 30-second interval without progress: no stall),
and that the kernel's memory (RSS) and the browser's (PSS of all its processes, so shared pages
count once) grow by less than 50 MB between the first sample after warm-up and the end. Also
prints the page's JavaScript heap after a forced garbage collection (a leak in the widget's own
code would show there).

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/webcam_soak.py [--minutes 10] [--size 640x480]
Exit status 1 if a stall or too much memory growth was seen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _webcam_common import JS_HEAP_AFTER_GC, KERNEL_RSS, JupyterLab, browser_processes_pss, start_widget, wait

GROWTH_LIMIT_MB = 50
INTERVAL_S = 30


def sample(probe, page, profile, started):
    stats = probe.evaluate("cam.stats()")
    processes = browser_processes_pss(profile)
    return {
        "t": time.monotonic() - started,
        "frames": stats["frames_analysed"],
        "kernel_mb": probe.evaluate(KERNEL_RSS),
        "browser_mb": sum(mb for _, mb in processes.values()),
        "processes": processes,
        "js_heap_mb": page.evaluate(JS_HEAP_AFTER_GC),
        "recorder": probe.evaluate("len(cam.recorder)"),
        "fps": stats["fps"],
        "rtt_ms_median": stats["rtt_ms_median"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--warmup", type=float, default=30)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="webcam-soak-") as folder, sync_playwright() as playwright:
        workdir = Path(folder)
        lab = JupyterLab(workdir / "lab").start(timeout=60)
        try:
            context, page, probe = start_widget(
                playwright, lab, workdir, width, height, "soak.ipynb", extra_flags=["--js-flags=--expose-gc"]
            )
            profile = workdir / "profile-soak.ipynb"
            wait(args.warmup)
            started = time.monotonic()
            samples = [sample(probe, page, profile, started)]
            while samples[-1]["t"] < args.minutes * 60:
                wait(INTERVAL_S)
                samples.append(sample(probe, page, profile, started))
                s = samples[-1]
                print(
                    f"{s['t']:6.0f} s  frames {s['frames']:7d}  kernel {s['kernel_mb']:7.1f} MB  browser "
                    f"{s['browser_mb']:7.1f} MB (PSS)  JS heap {s['js_heap_mb']:6.1f} MB  "
                    f"recorder {s['recorder']:5d}  fps {s['fps'] or 0:5.1f}  "
                    f"rtt median {s['rtt_ms_median'] or 0:6.1f} ms",
                    flush=True,
                )
            probe.close()
            context.close()
        finally:
            lab.stop()
    return report(samples)


def report(samples) -> int:
    first, last = samples[0], samples[-1]
    stalls = [b["t"] for a, b in zip(samples, samples[1:], strict=False) if b["frames"] <= a["frames"]]
    kernel_growth = last["kernel_mb"] - first["kernel_mb"]
    browser_growth = last["browser_mb"] - first["browser_mb"]
    heap_growth = last["js_heap_mb"] - first["js_heap_mb"]
    rate = (last["frames"] - first["frames"]) / last["t"] if last["t"] else 0.0
    print(
        f"frames processed: {last['frames']} in total; "
        f"{rate:.1f} per second over the {last['t']:.0f} s measured"
    )
    print(
        f"kernel memory: {first['kernel_mb']:.1f} -> {last['kernel_mb']:.1f} MB "
        f"(growth {kernel_growth:+.1f} MB)"
    )
    print(
        f"browser memory, all processes: {first['browser_mb']:.1f} -> {last['browser_mb']:.1f} MB "
        f"(growth {browser_growth:+.1f} MB)"
    )
    # Chromium starts services of its own mid-run (e.g. its on-device model service); the
    # widget's memory is in the processes that ran from the start (page renderer, GPU, capture).
    kept = set(first["processes"]) & set(last["processes"])
    kept_growth = sum(last["processes"][p][1] - first["processes"][p][1] for p in kept)
    print(f"browser memory, processes alive from start to end: growth {kept_growth:+.1f} MB")
    for pid in sorted(kept, key=lambda p: first["processes"][p][0]):
        kind, before = first["processes"][pid]
        print(f"    {kind}: {before:.1f} -> {last['processes'][pid][1]:.1f} MB")
    for pid in sorted(set(last["processes"]) - kept):
        kind, now = last["processes"][pid]
        print(f"    started by Chromium during the run: {kind}: {now:.1f} MB")
    for pid in sorted(set(first["processes"]) - kept):
        kind, then = first["processes"][pid]
        print(f"    ended during the run: {kind}: {then:.1f} MB")
    browser_growth = kept_growth
    print(
        f"page JavaScript heap after GC: {first['js_heap_mb']:.1f} -> {last['js_heap_mb']:.1f} MB "
        f"(growth {heap_growth:+.1f} MB)"
    )
    print(f"stalls (30 s without a new frame): {len(stalls)}")
    ok = not stalls and kernel_growth < GROWTH_LIMIT_MB and browser_growth < GROWTH_LIMIT_MB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
