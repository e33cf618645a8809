#!/usr/bin/env bash
# Headless Chromium loads the `iotls serve` status page over HTTPS, trusting
# only the test server's key, and runs its script (tests/browser/). The
# screenshot stays in build/artifacts/browser-status-page.png. A browser that
# cannot run is reported as SKIPPED by the test itself (never as passed).
set -euo pipefail
make test-browser
