# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the host's command line, ``mesos-overlay``.

The roles write each host's data plane to a file (``/etc/mesos-overlay/dataplane.json``, see
``_dataplane``) and copy the collection's module_utils onto the host. Then

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot run [--interval S] [dataplane.json]

is the daemon of ``mesos-overlay.service`` (``_daemon``: restore at boot, before Docker and Mesos,
then keep the kernel equal to the plane), and

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot [restore] [--check] [dataplane.json]

applies the file once, with the code the dataplane module runs (``_dataplane.apply`` on a
``_host.CommandHost``), one line per step to stdout (the journal).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import sys
import time

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import (
    DOCKER_GROUPS_PATH, PLANE_PATH, STORE_PATH, StepFailed, apply, applying, count_changes)
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost

USAGE = ("usage: mesos-overlay run [--interval SECONDS] [--store store.json] [--groups groups-docker.json] [dataplane.json]\n"
         "       mesos-overlay [restore] [--check] [dataplane.json]\n"
         "(--store: the store file of the ZooKeeper store; --groups: the Docker watcher's config of a\n"
         " group policy; a restore reads neither)\n")


def restore(argv, host=None):
    """``[--check] [dataplane.json]``: apply the file once; returns the exit status."""
    check_mode = "--check" in argv
    argv = [arg for arg in argv if arg != "--check"]
    path = argv[0] if argv else PLANE_PATH
    host = host or CommandHost(check_mode=check_mode)
    # At boot the underlay may still be coming up: try again for a while before giving up.
    attempts = int(os.environ.get("MESOS_OVERLAY_ATTEMPTS", "30"))
    try:
        with open(path) as handle:
            plane = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        sys.stderr.write("cannot read %s: %s\n" % (path, exc))
        return 2
    host.say("restoring the overlay data plane of %s from %s" % (plane.get("host"), path))
    for attempt in range(1, attempts + 1):
        try:
            with applying():
                total = count_changes(apply(plane, host, log=host.say))
            host.say("done: %d change(s)" % total)
            return 0
        except StepFailed as exc:
            sys.stderr.write("attempt %d of %d failed: %s\n" % (attempt, attempts, exc))
            sys.stderr.flush()
            if attempt < attempts:
                time.sleep(2)
    return 1


def run(argv, host=None, store_path=STORE_PATH, groups_path=DOCKER_GROUPS_PATH):
    """``[--interval SECONDS] [dataplane.json]``: the daemon, until SIGTERM or SIGINT; it follows
    the store the store file names, when there is one, and Docker while the watcher's config
    ``groups_path`` exists."""
    from ansible_collections.mesos.overlay.plugins.module_utils._daemon import RECONCILE_INTERVAL, Daemon, follower_of
    from ansible_collections.mesos.overlay.plugins.module_utils._groups import DockerGroups

    interval = RECONCILE_INTERVAL
    if "--interval" in argv:
        position = argv.index("--interval")
        try:
            interval = float(argv[position + 1])
        except (IndexError, ValueError):
            sys.stderr.write("--interval: a number of seconds\n" + USAGE)
            return 2
        if interval <= 0:
            sys.stderr.write("--interval: %r is not a positive number of seconds\n" % argv[position + 1])
            return 2
        argv = argv[:position] + argv[position + 2:]
    host = host or CommandHost()
    try:
        follower = follower_of(store_path)
    except ParameterError as exc:
        sys.stderr.write("%s\n" % exc)
        return 2
    if follower is not None:
        host.say("following the store %s" % follower.describe())
    daemon = Daemon(argv[0] if argv else PLANE_PATH, host, follower=follower,
                    interval=interval, attempts=int(os.environ.get("MESOS_OVERLAY_ATTEMPTS", "30")),
                    docker_groups=DockerGroups(groups_path, host.say))
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _signum, _frame: daemon.stop())
    return daemon.run()


def main(argv=None, host=None):
    """The command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    # The store file (the ZooKeeper store's reader) and the Docker watcher's config, for the
    # daemon; a restore reads neither.
    paths = {"--store": STORE_PATH, "--groups": DOCKER_GROUPS_PATH}
    for option in paths:
        if option in argv:
            position = argv.index(option)
            if position + 1 >= len(argv):
                sys.stderr.write("%s: the path of a file\n%s" % (option, USAGE))
                return 2
            paths[option] = argv[position + 1]
            argv = argv[:position] + argv[position + 2:]
    if argv and argv[0] == "run":
        return run(argv[1:], host, paths["--store"], paths["--groups"])
    if argv and argv[0] == "restore":
        argv = argv[1:]
    return restore(argv, host)


if __name__ == "__main__":
    # The command's exit status (a module would exit through AnsibleModule; this is no module).
    raise SystemExit(main())
