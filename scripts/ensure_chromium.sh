#!/bin/sh
# Make sure Debian's chromium is installed for the HTML-report browser test (tests/test_report.py).
# Installs it with apt-get when it is missing and we run as root; otherwise does nothing (the test
# then skips with a clear reason). Never fails the build.
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: chromium is missing and cannot be installed here (need root and apt-get); the browser test will skip" >&2
    exit 0
fi
echo "ensure_chromium: installing Debian's chromium (apt-get) ..." >&2
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "ensure_chromium: $(chromium --version 2>/dev/null)" >&2
else
    echo "ensure_chromium: apt-get could not install chromium; the browser test will skip" >&2
fi
exit 0
