"""Shared test set-up: the offline asset mirror, a test cache, and the network guard."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

import netguard  # noqa: E402

# Tests run against the offline mirror (CI: ../shared) through the real loading code.
if not os.environ.get("EMOLAB_OFFLINE_DIR") and (ROOT.parent / "shared").is_dir():
    os.environ["EMOLAB_OFFLINE_DIR"] = str(ROOT.parent / "shared")
# Each test session gets a cache of its own, removed at the end: it analyses the course images
# afresh (then reuses them within the session), so results cached earlier, perhaps by older
# pipeline code, never stand in for the pipeline under test; two sessions never share one; and a
# learner's own cache is never touched by the tests.
TEST_CACHE = tempfile.mkdtemp(prefix="emolab-test-cache-")
os.environ["EMOLAB_CACHE_DIR"] = TEST_CACHE
atexit.register(shutil.rmtree, TEST_CACHE, ignore_errors=True)
os.environ.pop("DEEPFACE_HOME", None)  # let emolab place DeepFace's weights in the test cache
NETGUARD_LOG = Path(tempfile.gettempdir()) / f"emolab-netguard-{os.getpid()}.log"
os.environ["EMOLAB_NETGUARD_LOG"] = str(NETGUARD_LOG)
netguard.install()


@pytest.fixture(autouse=True)
def no_network_access():
    """Fail any test during which something tried to reach the network."""
    NETGUARD_LOG.unlink(missing_ok=True)
    yield
    if NETGUARD_LOG.exists():
        attempts = NETGUARD_LOG.read_text().strip()
        NETGUARD_LOG.unlink()
        pytest.fail(f"network access attempted during the test:\n{attempts}")


@pytest.fixture(scope="session")
def offline_dir() -> Path:
    folder = os.environ.get("EMOLAB_OFFLINE_DIR")
    if not folder:
        pytest.skip("no offline asset mirror (set EMOLAB_OFFLINE_DIR)")
    return Path(folder)
