"""Speed of the live camera loop, measured on the real widget in headless Chromium.

For each capture size, a fake camera plays a GRID clip (y4m made with ffmpeg), the widget runs
with the emotion model on, and after a warm-up the kernel's own counters give: frames analysed
per second, the browser-measured round trip (frame sent -> answer received) and the kernel's
time per frame (decode + detect + classify + answer), as median and 90th percentile.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/webcam_bench.py [--seconds 20] [--no-nodelay]

Goal (issue 3): >= 20 fps at 640x480 with a median round trip <= 80 ms, on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _webcam_common import JupyterLab, start_widget, wait

SIZES = [(320, 240), (640, 480)]


def measure(playwright, lab, workdir, width, height, seconds, warmup):
    name = f"bench-{width}x{height}.ipynb"
    context, page, probe = start_widget(playwright, lab, workdir, width, height, name)
    try:
        wait(warmup)
        probe.evaluate("cam.reset_stats()")
        started = time.monotonic()
        wait(seconds)
        stats = probe.evaluate("cam.stats()")
        elapsed = time.monotonic() - started
        stats["fps_over_run"] = stats["frames_analysed"] / elapsed
        stats["size"] = f"{width}x{height}"
        stats["sent_side"] = probe.evaluate("cam.send_max_side")
        stats["detect_side"] = probe.evaluate("cam.max_detect_side")
        return stats
    finally:
        probe.close()
        context.close()
        lab.shutdown_kernel(name)


def fmt(value):
    return "-" if value is None else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--no-nodelay", action="store_true", help="run without the TCP_NODELAY server setting"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="webcam-bench-") as folder, sync_playwright() as playwright:
        workdir = Path(folder)
        lab = JupyterLab(workdir / "lab", nodelay=not args.no_nodelay).start(timeout=60)
        try:
            results = [measure(playwright, lab, workdir, w, h, args.seconds, args.warmup) for w, h in SIZES]
        finally:
            lab.stop()
    print(
        f"TCP_NODELAY: {'off' if args.no_nodelay else 'on'}; "
        f"{args.seconds:g} s per size after {args.warmup:g} s warm-up"
    )
    print(
        f"{'capture':>9} {'fps':>6} {'rtt med':>8} {'rtt p90':>8} {'kernel med':>10} {'kernel p90':>10} "
        f"{'encode med':>10} {'frames':>7} {'faces':>6}"
    )
    for r in results:
        print(
            f"{r['size']:>9} {fmt(r['fps_over_run']):>6} "
            f"{fmt(r['rtt_ms_median']):>8} {fmt(r['rtt_ms_p90']):>8} "
            f"{fmt(r['kernel_ms_median']):>10} {fmt(r['kernel_ms_p90']):>10} "
            f"{fmt(r['encode_ms_median']):>10} "
            f"{r['frames_analysed']:>7} {r['frames_with_face']:>6}"
        )
    print(
        f"(frames sent at most {results[0]['sent_side']} px on the long side; detector on at most "
        f"{results[0]['detect_side']} px; times in ms)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
