"""Load on one server: N learners' kernels on this machine at once, for sizing a hub (issue 15, item 6).

Lesson 1 (``--kernels 1 2 4``): N kernels (jupyter_client's KernelManager, the course's
environment), each with an empty analysis cache of its own, as a learner's first run. Each runs
the lesson's set-up cell, then all N run the lesson's heaviest cell at the same moment: the one
that analyses the 204 London photos with ``analyze_many`` (found in the notebook by its text).
Reported: throughput (cells per minute, images per second, over the wall time of the concurrent
run), and each kernel's memory (RSS, and PSS which counts shared pages once) idle after the
set-up cell and at its peak (the kernel's VmHWM).

Webcam (``--webcam-clients 1 2 4``): N kernels, each with the real camera widget (``camera()``);
N simulated browsers, one thread each in this process, send that widget frames as its JavaScript
does: a 640x480 capture shrunk to the widget's ``send_max_side`` (320x240), JPEG at its quality
(0.7), at most ``max_in_flight`` (2) waiting and at most ``fps_cap`` (25) per second. They reach
the kernel's widget as comm messages straight over ZeroMQ (no browser, no Jupyter server in
between), so the kernel does exactly what it does live: decode, detect, classify, record and
answer. The frames are the licensed GRID clip, scaled and cropped to 640x480 as the browser
tests' fake camera does. Reported: answers per second per client and in total, the round trip
(frame sent to answer received) median and 90th percentile, and kernel memory.

    EMOLAB_OFFLINE_DIR=../shared python benchmarks/hub_load.py --kernels 1 2 4 --webcam-clients 1 2 4

Prints plain tables and a sizing paragraph. The machine's other load shows in the load average
printed with each row: on a shared machine, run it when nothing else does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[1]
LESSON_1 = ROOT / "lessons" / "01-meet-the-classifier.ipynb"
SETUP_MARKER = "from emolab import"
HEAVY_MARKER = "analyze_many(assets.fetch_many(london))"
WEBCAM_SETUP = "from emolab.webcam import camera\ncam = camera()\ncam_comm = cam.comm.comm_id"
CAPTURE = (640, 480)
CELL_TIMEOUT = 600


# ----- kernels and their memory --------------------------------------------------------------


def lesson_cells() -> tuple[str, str]:
    """Lesson 1's set-up cell and its heaviest cell, found by their text."""
    code = [c.source for c in nbformat.read(LESSON_1, as_version=4).cells if c.cell_type == "code"]
    setup = next((s for s in code if SETUP_MARKER in s), None)
    heavy = next((s for s in code if HEAVY_MARKER in s), None)
    if setup is None or heavy is None:
        sys.exit(f"{LESSON_1.name} has no cell with {SETUP_MARKER!r} or {HEAVY_MARKER!r}: update hub_load.py")
    return setup, heavy


class Kernel:
    """One learner's kernel, with an analysis cache of its own, and a client on it."""

    def __init__(self, cache: Path):
        env = dict(os.environ, EMOLAB_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
        # Local sockets, as `python3 course.py start` sets up where they fit (short temporary paths).
        self.manager = KernelManager(kernel_name="python3", transport="ipc", ip=f"{cache}-socket")
        self.manager.start_kernel(env=env, cwd=str(ROOT / "lessons"))
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        self.pid = self.manager.provisioner.pid

    def run(self, code: str) -> float:
        """Seconds to run ``code``; fails on an error in the kernel."""
        started = time.perf_counter()
        reply = self.client.execute_interactive(code, timeout=CELL_TIMEOUT, output_hook=lambda _msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel {self.pid}: {reply['content'].get('evalue')}")
        return time.perf_counter() - started

    def value(self, expression: str) -> str:
        reply = self.client.execute("", silent=True, user_expressions={"v": expression}, reply=True)
        return reply["content"]["user_expressions"]["v"]["data"]["text/plain"]

    def memory_mb(self) -> dict:
        return process_memory_mb(self.pid)

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def process_memory_mb(pid: int) -> dict:
    """RSS, peak RSS (VmHWM) and PSS of a process, in MB (psutil if there, else /proc)."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    memory = {
        "rss": int(status["VmRSS"].split()[0]) / 1024,
        "peak": int(status["VmHWM"].split()[0]) / 1024,
        "pss": None,
    }
    try:
        import psutil

        process = psutil.Process(pid)
        memory["rss"] = process.memory_info().rss / 2**20
        memory["pss"] = process.memory_full_info().pss / 2**20
    except ImportError:
        pass
    return memory


@contextmanager
def kernels(count: int, setup: str):
    """``count`` kernels, started and set up one after the other; yields (kernels, seconds to start)."""
    with tempfile.TemporaryDirectory(prefix="hub-load-") as folder:
        started, running = time.perf_counter(), []
        try:
            for index in range(count):
                running.append(Kernel(Path(folder) / f"cache-{index}"))
                running[-1].run(setup)
            yield running, time.perf_counter() - started
        finally:
            for kernel in running:
                kernel.stop()


def all_at_once(work, items) -> list:
    """``work(item)`` for every item in its own thread, all started together; results in order."""
    results = [None] * len(items)
    barrier = threading.Barrier(len(items))

    def run(index, item):
        barrier.wait()
        results[index] = work(item)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


# ----- lesson 1 --------------------------------------------------------------------------------


def lesson_load(count: int, photos: int | None) -> dict:
    setup, heavy = lesson_cells()
    if photos:  # fewer photos per kernel, to keep a run with many kernels short
        heavy = heavy.replace(HEAVY_MARKER, f"analyze_many(assets.fetch_many(london := london[:{photos}]))")
    with kernels(count, setup) as (running, start_seconds):
        time.sleep(1)
        idle = [k.memory_mb() for k in running]
        started = time.perf_counter()
        cell_seconds = all_at_once(lambda kernel: kernel.run(heavy), running)
        wall = time.perf_counter() - started
        peak = [k.memory_mb() for k in running]
        images = int(running[0].value("len(london)"))
    return {
        "kernels": count,
        "start_s": start_seconds / count,
        "wall_s": wall,
        "cell_median_s": statistics.median(cell_seconds),
        "cell_max_s": max(cell_seconds),
        "cells_per_min": count / wall * 60,
        "images_per_s": count * images / wall,
        "images": images,
        "idle_rss": statistics.median(m["rss"] for m in idle),
        "idle_pss": median_or_none([m["pss"] for m in idle]),
        "peak_rss": max(m["peak"] for m in peak),
        "load": load(),
    }


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# ----- webcam ----------------------------------------------------------------------------------


def widget_frames(seconds: float = 3.0) -> list[bytes]:
    """The GRID clip as the widget would send it from a 640x480 camera: 320x240 JPEGs, quality 0.7."""
    import cv2

    from emolab import assets
    from emolab.webcam.frames import encode_jpeg, shrink
    from emolab.webcam.widget import CameraWidget

    send_side = CameraWidget.send_max_side.default_value
    quality = round(CameraWidget.jpeg_quality.default_value * 100)
    capture = cv2.VideoCapture(str(assets.fetch("video/grid_bbaf2n.mpg")))
    frames = []
    while len(frames) < seconds * 25:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(encode_jpeg(shrink(as_capture(frame), send_side), quality))
    capture.release()
    return frames


def as_capture(frame):
    """A clip frame scaled and cropped to the camera's 640x480, as labharness.make_y4m does."""
    import cv2

    width, height = CAPTURE
    scale = max(width / frame.shape[1], height / frame.shape[0])
    scaled = cv2.resize(frame, (round(frame.shape[1] * scale), round(frame.shape[0] * scale)))
    top, left = (scaled.shape[0] - height) // 2, (scaled.shape[1] - width) // 2
    return scaled[top : top + height, left : left + width]


class SimulatedBrowser:
    """The widget's JavaScript loop, as far as the kernel can tell: frames out, answers in."""

    def __init__(self, kernel: Kernel, frames: list[bytes]):
        from emolab.webcam.widget import CameraWidget

        self.kernel, self.frames = kernel, frames
        self.comm_id = kernel.value("cam_comm").strip("'")
        self.max_in_flight = CameraWidget.max_in_flight.default_value
        self.gap = 1 / CameraWidget.fps_cap.default_value
        self.watchdog = CameraWidget.watchdog_ms.default_value / 1000
        self.timeouts = 0
        self.in_flight: dict[int, float] = {}
        self.round_trips: list[float] = []
        self.seq, self.last_send, self.last_rtt = 0, float("-inf"), None

    def play(self, seconds: float, counting: bool) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            now = time.perf_counter()
            self.expire(now)
            if len(self.in_flight) < self.max_in_flight and now - self.last_send >= self.gap:
                self.send(now)
            self.receive(counting)

    def expire(self, now: float) -> None:
        """Forget frames unanswered for longer than the widget's watchdog, as its JavaScript does."""
        for seq, sent in list(self.in_flight.items()):
            if now - sent > self.watchdog:
                del self.in_flight[seq]
                self.timeouts += 1

    def send(self, now: float) -> None:
        self.seq += 1
        self.last_send = now
        content = {"type": "frame", "seq": self.seq, "width": 320, "height": 240, "rtt_ms": self.last_rtt}
        data = {"method": "custom", "content": content}
        session, socket = self.kernel.client.session, self.kernel.client.shell_channel.socket
        message = session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        self.in_flight[self.seq] = time.perf_counter()
        session.send(socket, message, buffers=[self.frames[self.seq % len(self.frames)]])

    def receive(self, counting: bool) -> None:
        try:
            message = self.kernel.client.get_iopub_msg(timeout=0.002)
        except Exception:  # queue.Empty: nothing yet
            return
        if message["msg_type"] != "comm_msg":
            return
        answer = message["content"]["data"].get("content", {})
        sent = self.in_flight.pop(answer.get("seq"), None)
        if answer.get("type") == "result" and sent is not None:
            self.last_rtt = (time.perf_counter() - sent) * 1000
            if counting:
                self.round_trips.append(self.last_rtt)

    def drain(self) -> None:
        """Wait for the frames still out, so the next configuration starts from a quiet kernel."""
        deadline = time.perf_counter() + 5
        while self.in_flight and time.perf_counter() < deadline:
            self.receive(counting=False)


def webcam_load(count: int, frames: list[bytes], seconds: float, warmup: float) -> dict:
    with kernels(count, WEBCAM_SETUP) as (running, _):
        browsers = [SimulatedBrowser(kernel, frames) for kernel in running]
        all_at_once(lambda browser: browser.play(warmup, counting=False), browsers)
        all_at_once(lambda browser: browser.play(seconds, counting=True), browsers)
        for browser in browsers:
            browser.drain()
        memory = [k.memory_mb() for k in running]
        kernel_ms = [float(k.value("cam.stats()['kernel_ms_median']")) for k in running]
    per_client = [len(b.round_trips) / seconds for b in browsers]
    trips = sorted(t for b in browsers for t in b.round_trips)
    return {
        "clients": count,
        "fps_median": statistics.median(per_client),
        "fps_min": min(per_client),
        "fps_total": sum(per_client),
        "rtt_median": statistics.median(trips) if trips else float("nan"),
        "rtt_p90": trips[int(0.9 * (len(trips) - 1))] if trips else float("nan"),
        "timeouts": sum(b.timeouts for b in browsers),
        "kernel_ms": statistics.median(kernel_ms),
        "rss": statistics.median(m["rss"] for m in memory),
        "peak_rss": max(m["peak"] for m in memory),
        "pss": median_or_none([m["pss"] for m in memory]),
        "load": load(),
    }


# ----- report ----------------------------------------------------------------------------------


def mb(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_lesson_table(rows: list[dict]) -> None:
    print(f"Lesson 1, heaviest cell ({rows[0]['images']} photos, analyze_many), all kernels at once")
    print(
        f"{'kernels':>7} {'start s':>8} {'wall s':>7} {'cell med':>8} {'cell max':>8} {'cells/min':>9} "
        f"{'img/s':>6} {'idle RSS':>8} {'idle PSS':>8} {'peak RSS':>8}  load 1/5/15"
    )
    for r in rows:
        print(
            f"{r['kernels']:>7} {r['start_s']:>8.1f} {r['wall_s']:>7.1f} {r['cell_median_s']:>8.1f} "
            f"{r['cell_max_s']:>8.1f} {r['cells_per_min']:>9.2f} {r['images_per_s']:>6.1f} "
            f"{mb(r['idle_rss']):>8} {mb(r['idle_pss']):>8} {mb(r['peak_rss']):>8}  {r['load']}"
        )
    print("(start s: per kernel, start + set-up cell; memory per kernel in MB: median idle, max peak)\n")


def print_webcam_table(rows: list[dict], seconds: float) -> None:
    print(f"Webcam, 640x480 capture sent as 320x240 JPEG, {seconds:g} s per configuration after warm-up")
    print(
        f"{'clients':>7} {'fps/client':>10} {'min':>5} {'fps total':>9} {'rtt med':>8} {'rtt p90':>8} "
        f"{'kernel ms':>9} {'lost':>4} {'RSS':>5} {'PSS':>5} {'peak RSS':>8}  load 1/5/15"
    )
    for r in rows:
        print(
            f"{r['clients']:>7} {r['fps_median']:>10.1f} {r['fps_min']:>5.1f} {r['fps_total']:>9.1f} "
            f"{r['rtt_median']:>8.0f} {r['rtt_p90']:>8.0f} {r['kernel_ms']:>9.0f} {r['timeouts']:>4} "
            f"{mb(r['rss']):>5} {mb(r['pss']):>5} {mb(r['peak_rss']):>8}  {r['load']}"
        )
    print(
        "(fps/client: median over clients; rtt in ms over all clients' frames; lost: frames the "
        "watchdog gave up on; memory per kernel, MB)\n"
    )


def sizing(lesson_rows: list[dict], webcam_rows: list[dict], cores: int, wait_s: float, fps: float) -> str:
    parts = [f"Sizing on this machine ({cores} cores)."]
    if lesson_rows:
        best = max(lesson_rows, key=lambda r: r["images_per_s"])
        cell_images = full_cell_images()
        per_core = best["images_per_s"] / cores * wait_s / cell_images
        peak_row = max(lesson_rows, key=lambda r: r["peak_rss"])
        pss = median_or_none([r["idle_pss"] for r in lesson_rows])
        parts.append(
            f"Lesson 1: the machine analysed at most {best['images_per_s']:.1f} photos/s (with "
            f"{best['kernels']} kernel(s)). If every learner runs the heaviest cell ({cell_images} photos) "
            f"at the same moment and may wait {wait_s:g} s for it, a core serves about {per_core:.1f} "
            f"learners; learners who are reading cost no CPU. Memory per learner: {peak_row['peak_rss']:.0f} "
            f"MB RSS at peak with {peak_row['images']} photos analysed ({mb(pss)} MB PSS idle, shared "
            "libraries counted once)."
        )
    if webcam_rows:
        best = max(webcam_rows, key=lambda r: r["fps_total"])
        peak = max(r["peak_rss"] for r in webcam_rows)
        parts.append(
            f"Webcam: at most {best['fps_total']:.0f} frames/s in all, so at {fps:g} frames/s each a core "
            f"serves about {best['fps_total'] / cores / fps:.1f} learners with the camera on; memory per "
            f"learner {peak:.0f} MB RSS at peak."
        )
    return " ".join(parts)


def full_cell_images() -> int:
    from emolab import assets

    return len(assets.collection("london"))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kernels", type=int, nargs="*", default=[], help="lesson 1 with N kernels")
    parser.add_argument("--webcam-clients", type=int, nargs="*", default=[], help="N webcam clients")
    parser.add_argument("--photos", type=int, help="lesson 1: only the first N London photos per kernel")
    parser.add_argument("--seconds", type=float, default=20, help="webcam: measured seconds")
    parser.add_argument("--warmup", type=float, default=5, help="webcam: seconds before measuring")
    parser.add_argument("--wait", type=float, default=60, help="sizing: seconds a learner may wait")
    parser.add_argument("--target-fps", type=float, default=10, help="sizing: frames/s a learner needs")
    args = parser.parse_args()
    if not os.environ.get("EMOLAB_OFFLINE_DIR"):
        print("Set EMOLAB_OFFLINE_DIR to the offline asset mirror.", file=sys.stderr)
        return 2
    if not args.kernels and not args.webcam_clients:
        parser.error("give --kernels and/or --webcam-clients")
    lesson_rows = [report(lesson_load(n, args.photos)) for n in args.kernels]
    frames = widget_frames() if args.webcam_clients else []
    webcam_rows = [report(webcam_load(n, frames, args.seconds, args.warmup)) for n in args.webcam_clients]
    print(f"\nload average at the end: {load()}")
    if lesson_rows:
        print_lesson_table(lesson_rows)
    if webcam_rows:
        print_webcam_table(webcam_rows, args.seconds)
    print(sizing(lesson_rows, webcam_rows, len(os.sched_getaffinity(0)), args.wait, args.target_fps))
    return 0


def report(row: dict) -> dict:
    print(row, file=sys.stderr, flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
