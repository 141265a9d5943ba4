"""Shared by webcam_bench.py and webcam_soak.py: drive the real widget in JupyterLab + Chromium."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from labharness import JupyterLab, make_y4m, open_browser, run_all_cells  # noqa: E402


def start_widget(
    playwright, lab: JupyterLab, workdir: Path, width: int, height: int, name: str, extra_flags=()
):
    """A notebook with the camera widget at this capture size, camera started.

    Returns (context, page, probe)."""
    y4m = make_y4m(workdir / f"camera-{width}x{height}.y4m", width, height)
    context = open_browser(playwright, workdir / f"profile-{name}", y4m, extra_flags=extra_flags)
    lab.write_notebook(
        name, [f"from emolab.webcam import camera\ncam = camera(capture_size=[{width}, {height}])\ncam"]
    )
    page = context.new_page()
    run_all_cells(page, lab, name)
    page.get_by_role("button", name="Start camera").click(timeout=60_000)
    page.wait_for_selector(".emolab-cam[data-mode='camera']", timeout=60_000)
    return context, page, lab.kernel(name)


def browser_processes_pss(profile: Path) -> dict[int, tuple[str, float]]:
    """{pid: (process type, PSS in MB)} for the Chromium processes using this profile.

    PSS counts shared pages once. The type is Chromium's --type / --utility-sub-type, so a soak
    can tell the page's own processes from services Chromium starts by itself during a run.
    """
    import psutil

    found = {}
    for process in psutil.process_iter(["cmdline"]):
        args = process.info["cmdline"] or []
        if not any("chrom" in a for a in args[:1]) or not any(str(profile) in a for a in args):
            continue
        kind = next((a.split("=", 1)[1] for a in args if a.startswith("--utility-sub-type=")), None)
        kind = kind or next((a.split("=", 1)[1] for a in args if a.startswith("--type=")), "browser")
        try:
            found[process.pid] = (kind, process.memory_full_info().pss / 2**20)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def browser_pss_mb(profile: Path) -> float:
    """Total PSS of the Chromium processes using this profile, in MB."""
    return sum(mb for _, mb in browser_processes_pss(profile).values())


# With --js-flags=--expose-gc: collect garbage, then read the page's JavaScript heap (MB).
JS_HEAP_AFTER_GC = "() => { if (window.gc) window.gc(); return performance.memory.usedJSHeapSize / 2**20; }"


KERNEL_RSS = "__import__('psutil').Process().memory_info().rss / 2**20"


def wait(seconds: float) -> None:
    time.sleep(seconds)
