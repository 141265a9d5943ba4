"""Shared by webcam_bench.py and webcam_soak.py: drive the real widget in JupyterLab + Chromium."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from labharness import LIVE_TRACKS, JupyterLab, make_y4m, open_browser, run_all_cells  # noqa: E402


def start_widget(playwright, lab: JupyterLab, workdir: Path, width: int, height: int, name: str, extra_flags=()):
    """A notebook with the camera widget at this capture size, camera started; returns (context, page, probe)."""
    y4m = make_y4m(workdir / f"camera-{width}x{height}.y4m", width, height)
    context = open_browser(playwright, workdir / f"profile-{name}", y4m, extra_flags=extra_flags)
    lab.write_notebook(name, [f"from emolab.webcam import camera\ncam = camera(capture_size=[{width}, {height}])\ncam"])
    page = context.new_page()
    run_all_cells(page, lab, name)
    page.get_by_role("button", name="Start camera").click(timeout=60_000)
    page.wait_for_selector(".emolab-cam[data-mode='camera']", timeout=60_000)
    return context, page, lab.kernel(name)


def browser_pss_mb(profile: Path) -> float:
    """Proportional set size (shared pages counted once) of the Chromium processes using this profile, in MB."""
    import psutil

    total = 0
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "chrom" in cmdline and str(profile) in cmdline:
            try:
                total += process.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
    return total / 2**20


# With --js-flags=--expose-gc: collect garbage, then read the page's JavaScript heap (MB).
JS_HEAP_AFTER_GC = "() => { if (window.gc) window.gc(); return performance.memory.usedJSHeapSize / 2**20; }"


KERNEL_RSS = "__import__('psutil').Process().memory_info().rss / 2**20"


def wait(seconds: float) -> None:
    time.sleep(seconds)
