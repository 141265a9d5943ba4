"""Shared test set-up: the offline asset mirror, a test cache, and the network guard."""

from __future__ import annotations

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
os.environ.setdefault("EMOLAB_CACHE_DIR", str(Path(tempfile.gettempdir()) / "emolab-test-cache"))
# Each test session analyses the course images afresh (then reuses them within the session):
# results cached by an earlier session, perhaps by older pipeline code, must not stand in for
# the pipeline under test.
shutil.rmtree(Path(os.environ["EMOLAB_CACHE_DIR"]) / "analyses", ignore_errors=True)
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
