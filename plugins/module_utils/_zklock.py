# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The run lock in ZooKeeper: kazoo's lock recipe, held by a small process for a whole run.

A task ends with its process, but a run's lock must outlive the task that takes it: the
zookeeper_lock action starts this holder, which takes the lock (ephemeral sequential nodes
under ``<chroot>/lock``), says so on stdout, and keeps its ZooKeeper session open until it is
told to stop (SIGTERM, by the task that releases it) or the run that started it is gone. A run
killed with kill -9 frees the lock within a second (the holder sees its run gone); a controller
that loses power frees it when its session expires (SESSION_TIMEOUT, the session timeout the
holder asks for; the servers keep it between 2 and 20 ticks, 4 to 40 s with Debian's 2 s tick).

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._zklock RUN_PID TIMEOUT

reads the URL (credentials included) from its stdin, never from its arguments (``ps`` shows
those), and the holder's identity (JSON: controller, user, playbook, since) from its second line.
Each line it prints is a JSON object: ``{"waiting": holder}`` while another run holds the lock,
then ``{"acquired": true}``, or ``{"error": message}`` and exit status 1.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import signal
import sys
import threading
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import LOCK_NODE, StoreError, connect, parse_url

# ZooKeeper ends a dead client's session after this; the holder's locks go with it.
SESSION_TIMEOUT = 10.0


def _say(**line):
    sys.stdout.write(json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holders(lock):
    """Who holds the lock (and who waits), as the identities they gave, the holder first."""
    found = []
    for contender in lock.contenders():
        try:
            found.append(json.loads(contender))
        except (TypeError, ValueError):
            found.append({"holder": contender})
    return found


def main(argv=None):
    # The code was copied for this process alone (its modules are loaded by now): remove it.
    tree = os.environ.get("MESOS_OVERLAY_HOLDER_TREE")
    if tree and os.path.basename(tree).startswith("mesos-overlay-lock-"):
        shutil.rmtree(tree, ignore_errors=True)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        run_pid, timeout = int(argv[0]), float(argv[1])
    except (IndexError, ValueError):
        _say(error="usage: _zklock RUN_PID TIMEOUT (the URL and the identity on stdin)")
        return 2
    try:
        url = parse_url(sys.stdin.readline().strip())
        identity = sys.stdin.readline().strip() or "{}"
        client = connect(url, timeout=SESSION_TIMEOUT)
    except (ParameterError, StoreError) as exc:
        _say(error=str(exc))
        return 1
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda _signum, _frame: stopping.set())
    lock = client.Lock("/" + LOCK_NODE, identity)
    try:
        deadline = time.time() + timeout
        said = None
        from kazoo.exceptions import LockTimeout  # pylint: disable=import-outside-toplevel
        while True:
            try:
                if lock.acquire(blocking=True, timeout=1.0):
                    break
            except LockTimeout:
                pass
            current = holders(lock)[:1]
            if current != said:
                _say(waiting=current[0] if current else None)
                said = current
            if time.time() >= deadline or stopping.is_set() or not _alive(run_pid):
                _say(error="the lock %s/%s is held by %s: gave up after %g s"
                     % (url.redacted(), LOCK_NODE, json.dumps(current[0], sort_keys=True) if current else "another run",
                        timeout))
                return 1
        _say(acquired=True)
        # Held while the run lives and the session does: a lost session has lost the lock too.
        lost = threading.Event()
        client.add_listener(lambda state: lost.set() if state == "LOST" else None)
        while not stopping.wait(0.5):
            if not _alive(run_pid) or lost.is_set():
                break
        return 0
    finally:
        try:
            lock.release()
        except Exception:  # pylint: disable=broad-except
            pass
        client.stop()
        client.close()


if __name__ == "__main__":
    # A command, not a module: its exit status is what the action reads.
    raise SystemExit(main())
