"""Interop tests: an independent client (Python `websockets`) against a running server.

The server URL comes from STOCKPUSH_URL (e.g. ws://127.0.0.1:8000); scripts/test.sh
starts a server with --echo and sets it.
"""
import os

import pytest


@pytest.fixture
def base_url():
    url = os.environ.get("STOCKPUSH_URL")
    if not url:
        pytest.fail("STOCKPUSH_URL is not set: run through scripts/test.sh")
    return url
