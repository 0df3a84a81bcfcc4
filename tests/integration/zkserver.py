# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real ZooKeeper server for the integration tests and the store's benchmark: Debian's zookeeperd,
standalone, in a container of the test-host image (removed afterwards, also on failure)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import logging
import os
import subprocess
import time

from kazoo import client as kazoo_client

IMAGE = os.environ.get("MESOS_OVERLAY_IMAGE", "mesos-overlay-host:bookworm")


class ServerError(Exception):
    """The server did not start or answer."""


@contextlib.contextmanager
def standalone(name, wait=60):
    """Yields (address, pid): the server's address and the pid of its process on this machine (for
    nsenter into its network namespace)."""
    subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    started = subprocess.run(
        ["docker", "run", "-d", "--name", name, "--entrypoint", "/bin/sh", IMAGE, "-c",
         # Standalone (no server.N lines), in the foreground, with the package's classpath.
         ". /etc/zookeeper/conf/environment; exec java -Xmx128m -cp \"$CLASSPATH\" "
         "-Dzookeeper.log.dir=/var/log/zookeeper \"$ZOOMAIN\" \"$ZOOCFG\""],
        capture_output=True, text=True, check=False)
    if started.returncode != 0:
        raise ServerError(started.stderr)
    try:
        inspect = subprocess.run(
            ["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}} {{.State.Pid}}", name],
            capture_output=True, text=True, check=True).stdout.split()
        address, pid = inspect[0], int(inspect[1])
        deadline = time.time() + wait
        # kazoo warns of every refused connection while the server starts: expected here.
        quiet = logging.getLogger("kazoo.client")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        while True:
            client = kazoo_client.KazooClient(hosts="%s:2181" % address, timeout=2)
            try:
                client.start(timeout=2)
                client.stop()
                client.close()
                break
            except Exception:  # pylint: disable=broad-except
                if time.time() > deadline:
                    logs = subprocess.run(["docker", "logs", name], capture_output=True, text=True, check=False)
                    raise ServerError("ZooKeeper did not answer within %d s: %s%s" % (
                        wait, logs.stdout[-2000:], logs.stderr[-2000:]))
                time.sleep(0.5)
        quiet.setLevel(level)
        yield address, pid
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
