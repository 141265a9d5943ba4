"""One download for a whole room: every file the course uses, in a folder for ``EMOLAB_OFFLINE_DIR``.

    python3 course.py download DIR                 # from the files' pinned URLs (needs internet)
    python3 course.py download DIR --from MIRROR   # from a folder laid out the same way

``DIR`` gets ``images/<file>`` for every asset in ``data/manifest.csv`` and ``models/<file>`` for
every model file (:func:`emolab.assets.model_files`), the layout ``EMOLAB_OFFLINE_DIR`` expects.
Every file's sha256 is checked before it is placed; a file that differs is refused and named.
Files already in ``DIR`` with the right sha256 are skipped, and an interrupted file is kept as
``<name>.part`` and resumed the next time, so running the command again finishes the job.

Why not pooch here (the course's downloader elsewhere): pooch throws away a partial download
instead of resuming it, shows one progress bar per file, and stops at the first failure; a room's
folder needs resuming, one bar for the whole set and a report of every file it could not fetch.
So this module streams with requests (which pooch itself uses) and hashes with pooch.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import assets
from .errors import EmolabError

CHUNK = 1 << 20
TIMEOUT = 60  # seconds without a byte before a download is given up (resumed on the next run)
SHOWN_NAMES = 10  # a report names at most this many missing files for each reason


@dataclass(frozen=True)
class RoomFile:
    """One file of the room's folder: its path there, pinned sha256 and size, and its URL."""

    path: str
    sha256: str
    bytes: int
    url: str | None


def room_files() -> list[RoomFile]:
    images = [RoomFile(f"images/{a.file}", a.sha256, a.bytes, a.url) for a in assets.catalog()]
    models = [RoomFile(f"models/{m.mirror_name}", m.sha256, m.bytes, m.url) for m in assets.model_files()]
    return images + models


def files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


class Unavailable(Exception):
    """The source cannot give this file now; the message says why."""


class Refused(Exception):
    """The source's file differs from the pinned one."""


class MirrorSource:
    """Files from a folder laid out like the course's mirror (another room's folder, a USB stick)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.advice = (
            f"Check that {folder} is a complete course folder, or build this one where there is "
            "internet (python3 course.py download DIR, without --from)."
        )

    def __str__(self) -> str:
        return str(self.folder)

    def open(self, item: RoomFile, offset: int) -> tuple[Iterator[bytes], bool]:
        """The file's bytes from ``offset`` on, and whether they continue a partial file."""
        source = self.folder / item.path
        if not source.is_file():
            raise Unavailable(f"not in {self.folder}")
        if offset > source.stat().st_size:
            offset = 0
        return _read_from(source, offset), offset > 0


def _read_from(path: Path, offset: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(offset)
        while chunk := fh.read(CHUNK):
            yield chunk


class WebSource:
    """Files from their pinned URLs. After one connection failure a host is not tried again, so a
    machine without internet gets its report in seconds."""

    advice = (
        "Run the same command where there is internet (it resumes where it stopped), or copy a "
        "complete course folder (another instructor's, a USB stick) and use it with --from FOLDER."
    )

    def __init__(self):
        import requests

        self.requests = requests
        self.session = requests.Session()
        self.unreachable: set[str] = set()

    def __str__(self) -> str:
        return "the files' pinned URLs"

    def open(self, item: RoomFile, offset: int) -> tuple[Iterator[bytes], bool]:
        if item.url is None:
            raise Unavailable("no public download; it comes only from a course mirror (use --from)")
        host = urlsplit(item.url).netloc
        if host in self.unreachable:
            raise Unavailable(f"{host} could not be reached")
        try:
            response = self._get(item.url, offset)
        except (self.requests.ConnectionError, self.requests.Timeout) as err:
            self.unreachable.add(host)
            raise Unavailable(f"{host} could not be reached") from err
        if response.status_code not in (200, 206):
            response.close()
            raise Unavailable(f"the server answered HTTP {response.status_code}")
        return response.iter_content(CHUNK), response.status_code == 206

    def _get(self, url: str, offset: int):
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        response = self.session.get(url, headers=headers, stream=True, timeout=TIMEOUT)
        if response.status_code == 416:  # the part is longer than the file: start again
            response.close()
            response = self.session.get(url, stream=True, timeout=TIMEOUT)
        return response


@dataclass
class Report:
    folder: Path
    source: str
    advice: str
    present: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)  # fetched, continuing a .part file
    refused: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # path -> why

    @property
    def complete(self) -> bool:
        return not self.refused and not self.missing

    def text(self) -> str:
        total = len(self.present) + len(self.fetched) + len(self.refused) + len(self.missing)
        resumed = f" ({len(self.resumed)} resumed from a .part file)" if self.resumed else ""
        lines = [
            f"{files(len(self.fetched))} fetched from {self.source}{resumed}, {len(self.present)} already "
            f"there (sha256 checked), into {self.folder}."
        ]
        if self.complete:
            lines.append(
                f"The folder is complete ({total} files). Use it with: {assets.OFFLINE_ENV}={self.folder}"
            )
            return "\n".join(lines)
        if self.refused:
            lines.append(
                f"REFUSED {files(len(self.refused))}: the sha256 differs from the pinned one, so nothing was "
                "placed (the source's copy is damaged or was changed):"
            )
            lines += [f"  {name}" for name in self.refused]
            lines.append(
                "  Get each from another source (without --from where there is internet, or --from another "
                "course folder); never edit files in a course folder."
            )
        if self.missing:
            lines.append(f"COULD NOT FETCH {len(self.missing)} of {total} files:")
            lines += self._missing_by_reason()
        lines.append(f"The folder is not complete. What to do: {self.advice}")
        lines.append("Running the command again fetches only what is missing.")
        return "\n".join(lines)

    def _missing_by_reason(self) -> list[str]:
        by_reason: dict[str, list[str]] = {}
        for name, why in self.missing.items():
            by_reason.setdefault(why, []).append(name)
        lines = []
        for why, names in by_reason.items():
            lines.append(f"  {files(len(names))}: {why}")
            lines += [f"    {name}" for name in names[:SHOWN_NAMES]]
            if len(names) > SHOWN_NAMES:
                lines.append(f"    ... and {len(names) - SHOWN_NAMES} more")
        return lines


def build_room_folder(folder: Path, mirror: Path | None = None, progress: bool = True) -> Report:
    """Fetch every course file into ``folder`` (from ``mirror`` if given, else the pinned URLs)."""
    from tqdm.auto import tqdm

    folder = _writable_folder(folder)
    source = _source(mirror)
    report = Report(folder, str(source), source.advice)
    items = room_files()
    with tqdm(
        total=sum(i.bytes for i in items),
        unit="B",
        unit_scale=True,
        desc="Course files",
        disable=not progress,
    ) as bar:
        for item in items:
            _fetch_into(item, folder, source, bar, report)
    return report


def _source(mirror: Path | None) -> MirrorSource | WebSource:
    if mirror is None:
        return WebSource()
    mirror = mirror.expanduser().resolve()
    if not mirror.is_dir():
        raise EmolabError(
            f"{mirror} is not a folder.", "Give --from the folder that holds images/ and models/."
        )
    return MirrorSource(mirror)


def _writable_folder(folder: Path) -> Path:
    folder = folder.expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EmolabError(
            f"Could not create {folder} ({err.strerror}).", "Choose a folder you can write to."
        ) from err
    return folder


def _fetch_into(item: RoomFile, folder: Path, source, bar, report: Report) -> None:
    target = folder / item.path
    if target.is_file() and assets.file_matches(target, item.sha256, item.bytes):
        bar.update(item.bytes)
        report.present.append(item.path)
        return
    try:
        resumed = _download(item, target, source, bar)
    except Refused:
        report.refused.append(item.path)
    except Unavailable as err:
        report.missing[item.path] = str(err)
    except OSError as err:  # a dropped connection, a full disk: the .part stays for next time
        report.missing[item.path] = f"interrupted ({err.__class__.__name__}: {err}); run again to resume"
    else:
        report.fetched.append(item.path)
        if resumed:
            report.resumed.append(item.path)


def _download(item: RoomFile, target: Path, source, bar, may_restart: bool = True) -> bool:
    """Stream ``item`` into ``<target>.part`` (resuming what is there), check it, then move it in.
    True if it continued a partial file."""
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    chunks, resumed = source.open(item, offset if offset < item.bytes else 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = offset if resumed else 0
    bar.update(written)
    with part.open("ab" if resumed else "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
            bar.update(len(chunk))
    bar.update(item.bytes - written)  # keep the bar's total right whatever the file's length
    if not assets.file_matches(part, item.sha256, item.bytes):
        part.unlink()
        if resumed and may_restart:  # the kept part may be what differs: once more from the start
            bar.update(-item.bytes)
            return _download(item, target, source, bar, may_restart=False)
        raise Refused(item.path)
    os.replace(part, target)
    return resumed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 course.py download",
        description="Fetch every image, clip and model file the course uses into FOLDER, laid out for "
        f"{assets.OFFLINE_ENV}, checking every sha256. Run it again to resume or to check the folder.",
    )
    parser.add_argument("folder", type=Path, metavar="FOLDER", help="the folder to fill (created if needed)")
    parser.add_argument(
        "--from",
        dest="mirror",
        type=Path,
        metavar="MIRROR",
        help="copy from this course folder (images/, models/) instead of the internet",
    )
    args = parser.parse_args(argv)
    try:
        report = build_room_folder(args.folder, args.mirror)
    except EmolabError as err:
        print(err.friendly(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped. Run the same command again to resume.", file=sys.stderr)
        return 130
    print(report.text())
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
