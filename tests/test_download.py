"""python3 course.py download: one folder with every course file, for EMOLAB_OFFLINE_DIR."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from emolab import assets, download

ROOT = Path(__file__).resolve().parents[1]
EVERY_FILE = download.room_files  # kept: tests replace download.room_files with a few files


@contextlib.contextmanager
def served_folder(folder: Path):
    """Serve ``folder`` over HTTP on 127.0.0.1 (with Range requests, for resuming); yields its URL."""
    handler = functools.partial(RangeRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """The standard library's file server answers every request in full; this one honours
    ``Range: bytes=N-`` as a real web server does, and keeps a log of requests."""

    requests_seen: list[tuple[str, str | None]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests_seen.append((self.path, self.headers.get("Range")))
        path = Path(self.translate_path(self.path))
        wanted = self.headers.get("Range", "")
        if not wanted.startswith("bytes=") or not path.is_file():
            return super().do_GET()
        start = int(wanted.removeprefix("bytes=").split("-")[0])
        data = path.read_bytes()
        if start >= len(data):
            self.send_error(416)
            return
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])


def run_download(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "emolab.download", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def a_few_files(base_url: str | None = None) -> list[download.RoomFile]:
    """Three images and one model file, with URLs under ``base_url`` when given."""
    picked = [f"images/{name}" for name in ("zoom/15cm.jpg", "zoom/30cm.jpg", "lisa/lisa1.jpg")]
    picked.append(f"models/{assets.YUNET_DETECTOR.mirror_name}")
    return [
        download.RoomFile(f.path, f.sha256, f.bytes, f"{base_url}/{f.path}" if base_url else f.url)
        for f in EVERY_FILE()
        if f.path in picked
    ]


def tampered_copy(source: Path, target: Path) -> None:
    data = bytearray(source.read_bytes())
    data[-100] ^= 0xFF
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def room(tmp_path_factory, offline_dir) -> Path:
    """A whole room's folder built from the offline mirror, as CI builds it (no internet)."""
    folder = tmp_path_factory.mktemp("room") / "course-files"
    done = run_download(str(folder), "--from", str(offline_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The folder is complete (261 files)" in done.stdout
    return folder


def test_the_room_folder_has_every_course_file_laid_out_for_the_offline_mode(room):
    wanted = {f.path for f in download.room_files()}
    assert len(wanted) == len(assets.catalog()) + len(assets.model_files()) == 261
    assert {p.relative_to(room).as_posix() for p in room.rglob("*") if p.is_file()} == wanted
    for model in (assets.STAND_IN_EMOTION_MODEL, assets.YUNET_DETECTOR, assets.ZOO_EMOTION_MODEL):
        assert (room / "models" / model.mirror_name).is_file()


def test_the_course_runs_offline_from_the_room_folder(room, tmp_path):
    code = """
import hashlib, sys
from pathlib import Path
from emolab import assets, setup
room = Path(sys.argv[1]).resolve()
image = assets.fetch("london/smiling/001_08.jpg")
assert image.is_relative_to(room), image
for model in (assets.YUNET_DETECTOR, assets.ZOO_EMOTION_MODEL):
    assert assets.model_path(model).is_relative_to(room)
weights = setup.prepare()
assert hashlib.sha256(weights.read_bytes()).hexdigest() == assets.STAND_IN_EMOTION_MODEL.sha256
print("ok")
"""
    env = {**os.environ, assets.OFFLINE_ENV: str(room), assets.CACHE_ENV: str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(room)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_a_second_run_fetches_nothing(room, offline_dir):
    done = run_download(str(room), "--from", str(offline_dir))
    assert done.returncode == 0
    assert done.stdout.startswith("0 files fetched") and "261 already there" in done.stdout


def test_a_half_written_part_file_is_completed(tmp_path, offline_dir):
    asset = assets.get("zoom/30cm.jpg")
    part = tmp_path / "room" / "images" / "zoom" / "30cm.jpg.part"
    part.parent.mkdir(parents=True)
    part.write_bytes((offline_dir / "images" / asset.file).read_bytes()[: asset.bytes // 2])
    item = next(f for f in download.room_files() if f.path == f"images/{asset.file}")
    report = download.build_room_folder(tmp_path / "room", offline_dir, progress=False)
    assert report.complete and report.resumed == [f"images/{asset.file}"]
    assert "(1 resumed from a .part file)" in report.text()
    assert not part.exists()
    assert assets.file_matches(tmp_path / "room" / item.path, item.sha256, item.bytes)


def test_a_damaged_part_file_is_restarted_from_the_beginning(tmp_path, monkeypatch, offline_dir):
    monkeypatch.setattr(download, "room_files", a_few_files)
    item = download.room_files()[0]
    part = tmp_path / "room" / (item.path + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"not the start of that file")
    report = download.build_room_folder(tmp_path / "room", offline_dir, progress=False)
    assert report.complete and item.path in report.fetched and report.resumed == []
    assert assets.file_matches(tmp_path / "room" / item.path, item.sha256, item.bytes)


def test_over_http_a_part_file_is_resumed_from_where_it_stopped(tmp_path, monkeypatch, offline_dir):
    with served_folder(offline_dir) as url:
        monkeypatch.setattr(download, "room_files", lambda: a_few_files(url))
        item = download.room_files()[0]
        part = tmp_path / "room" / (item.path + ".part")
        part.parent.mkdir(parents=True)
        part.write_bytes((offline_dir / item.path).read_bytes()[:1000])
        RangeRequestHandler.requests_seen.clear()
        report = download.build_room_folder(tmp_path / "room", progress=False)
    assert report.complete and len(report.fetched) == 4 and report.resumed == [item.path]
    assert (urlpath(item.path), "bytes=1000-") in RangeRequestHandler.requests_seen
    for other in download.room_files()[1:]:
        assert (urlpath(other.path), None) in RangeRequestHandler.requests_seen


def urlpath(path: str) -> str:
    return "/" + path


def test_a_tampered_source_file_is_refused_and_named(tmp_path, monkeypatch, offline_dir):
    monkeypatch.setattr(download, "room_files", a_few_files)
    mirror = tmp_path / "mirror"
    for item in download.room_files():
        target = mirror / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((offline_dir / item.path).read_bytes())
    tampered_copy(offline_dir / "images/zoom/30cm.jpg", mirror / "images/zoom/30cm.jpg")
    report = download.build_room_folder(tmp_path / "room", mirror, progress=False)
    assert report.refused == ["images/zoom/30cm.jpg"]
    assert not (tmp_path / "room" / "images/zoom/30cm.jpg").exists()
    assert not (tmp_path / "room" / "images/zoom/30cm.jpg.part").exists()
    assert "REFUSED 1 file:" in report.text() and "images/zoom/30cm.jpg" in report.text()
    assert not report.complete


def test_a_tampered_file_over_http_is_refused_too(tmp_path, monkeypatch, offline_dir):
    served = tmp_path / "served"
    tampered_copy(offline_dir / "images/zoom/15cm.jpg", served / "images/zoom/15cm.jpg")
    with served_folder(served) as url:
        only_that_file = [f for f in a_few_files(url) if f.path == "images/zoom/15cm.jpg"]
        monkeypatch.setattr(download, "room_files", lambda: only_that_file)
        report = download.build_room_folder(tmp_path / "room", progress=False)
    assert report.refused == ["images/zoom/15cm.jpg"]
    assert not any(p.is_file() for p in (tmp_path / "room").rglob("*"))


def test_with_an_empty_mirror_it_names_what_is_missing_and_exits_non_zero(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_download(str(tmp_path / "room"), "--from", str(tmp_path / "empty"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "COULD NOT FETCH 261 of 261 files" in done.stdout
    assert f"images/{assets.catalog()[0].file}" in done.stdout and "... and 251 more" in done.stdout
    assert "What to do:" in done.stdout


def test_with_no_server_reachable_it_says_what_to_do(tmp_path, monkeypatch):
    stand_in = next(f for f in EVERY_FILE() if f.url is None)
    with served_folder(tmp_path) as url:
        pass  # the port is closed again: connections to it are refused
    monkeypatch.setattr(download, "room_files", lambda: [*a_few_files(url), stand_in])
    report = download.build_room_folder(tmp_path / "room", progress=False)
    assert not report.complete and len(report.missing) == 5
    text = report.text()
    assert "COULD NOT FETCH 5 of 5 files" in text and "127.0.0.1" in text and "could not be reached" in text
    assert "no public download" in text and "--from" in text


def test_a_mirror_that_is_not_a_folder(tmp_path):
    done = run_download(str(tmp_path / "room"), "--from", str(tmp_path / "nowhere"))
    assert done.returncode == 1 and "is not a folder" in done.stderr and "Traceback" not in done.stderr
