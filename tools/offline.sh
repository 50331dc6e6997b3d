#!/bin/sh
# Run a command with the network unplugged: in a new network namespace whose only
# interface is the loopback (the tests serve the built site and JupyterLab on 127.0.0.1).
# Needs root (or user namespaces) and unshare(1) from util-linux; where they are missing the
# command runs as it is, with a notice, so a developer without them can still test.
if [ "${IRANBOOK_ONLINE:-}" = "1" ]; then exec "$@"; fi
if command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    exec unshare -n sh -c 'ip link set lo up 2>/dev/null || ip link set dev lo up; exec "$@"' sh "$@"
fi
echo "offline.sh: cannot unplug the network here (no unshare or no permission); running online" >&2
exec "$@"
