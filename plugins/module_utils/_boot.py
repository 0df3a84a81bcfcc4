# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the host's command line, ``mesos-overlay``.

The roles write each host's data plane to a file (``/etc/mesos-overlay/dataplane.json``, see
``_dataplane``) and copy the collection's module_utils onto the host. Then

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot run [--interval S] [--probe-interval S] [dataplane.json]

is the daemon of ``mesos-overlay.service`` (``_daemon``: restore at boot, before Docker and Mesos,
then keep the kernel equal to the plane), and

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot [restore] [--check] [dataplane.json]

applies the file once, with the code the dataplane module runs (``_dataplane.apply`` on a
``_host.CommandHost``), one line per step to stdout (the journal), and

    python3 -m ansible_collections.mesos.overlay.plugins.module_utils._boot status [--json] [dataplane.json]

says whether the host is healthy (``_status``: the daemon's account and the kernel against the
plane; exit 0 healthy, 1 degraded, 2 no daemon), as any user. ``MESOS_OVERLAY_STATUS`` moves the
daemon's status file (tests run several daemons on one machine).
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
    DOCKER_GROUPS_PATH, MEMBERS_SOCKET, PLANE_PATH, STATUS_PATH, STORE_PATH, StepFailed, apply, applying, count_changes)
from ansible_collections.mesos.overlay.plugins.module_utils._host import CommandHost

USAGE = ("usage: mesos-overlay run [--interval SECONDS] [--probe-interval SECONDS] [--store store.json]\n"
         "                         [--groups groups-docker.json] [--metrics ADDRESS:PORT] [--members-socket PATH]\n"
         "                         [dataplane.json]\n"
         "       mesos-overlay [restore] [--check] [dataplane.json]\n"
         "       mesos-overlay status [--json] [dataplane.json]   (exit 0 healthy, 1 degraded, 2 no daemon)\n"
         "(--store: the store file of the ZooKeeper store; --groups: the Docker watcher's config of a\n"
         " group policy; --metrics: where to serve Prometheus metrics; --members-socket: where to serve the\n"
         " group plugin, %s by default; a restore reads none of them)\n" % MEMBERS_SOCKET)


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


def run(argv, host=None, store_path=STORE_PATH, groups_path=DOCKER_GROUPS_PATH, status_path=STATUS_PATH,
        metrics_listen="", members_socket=MEMBERS_SOCKET):
    """``[--interval SECONDS] [--probe-interval SECONDS] [dataplane.json]``: the daemon, until
    SIGTERM or SIGINT, a pass at once on SIGHUP (``--probe-interval``: how often each peer's health is probed); it follows
    the store the store file names, when there is one, and Docker while the watcher's config
    ``groups_path`` exists."""
    from ansible_collections.mesos.overlay.plugins.module_utils._daemon import RECONCILE_INTERVAL, Daemon, follower_of
    from ansible_collections.mesos.overlay.plugins.module_utils._membership import DockerGroups, MemberService
    from ansible_collections.mesos.overlay.plugins.module_utils._health import PROBE_INTERVAL, PeerHealth
    from ansible_collections.mesos.overlay.plugins.module_utils._status import DaemonStatus

    seconds = {"--interval": RECONCILE_INTERVAL, "--probe-interval": PROBE_INTERVAL}
    for option in seconds:
        if option in argv:
            position = argv.index(option)
            try:
                seconds[option] = float(argv[position + 1])
            except (IndexError, ValueError):
                sys.stderr.write("%s: a number of seconds\n%s" % (option, USAGE))
                return 2
            if seconds[option] <= 0:
                sys.stderr.write("%s: %r is not a positive number of seconds\n" % (option, argv[position + 1]))
                return 2
            argv = argv[:position] + argv[position + 2:]
    interval = seconds["--interval"]
    status_path = os.environ.get("MESOS_OVERLAY_STATUS") or status_path
    host = host or CommandHost()
    try:
        follower = follower_of(store_path)
    except ParameterError as exc:
        sys.stderr.write("%s\n" % exc)
        return 2
    if follower is not None:
        host.say("following the store %s" % follower.describe())
    store = {"kind": "files" if follower is None else "zookeeper",
             "where": None if follower is None else follower.describe(), "up": None, "last_read": None}
    # The peers' health: the daemon's plane's peers, probed from a thread.
    health = PeerHealth(lambda: daemon.plane, CommandHost(), interval=seconds["--probe-interval"])
    # The group plugin's service (while the plane has a group policy).
    members = MemberService(members_socket, host.say)
    daemon = Daemon(argv[0] if argv else PLANE_PATH, host, follower=follower,
                    interval=interval, attempts=int(os.environ.get("MESOS_OVERLAY_ATTEMPTS", "30")),
                    docker_groups=DockerGroups(groups_path, host.say), members=members,
                    status=DaemonStatus(status_path, interval=interval, store=store, health=health, members=members),
                    health=health)
    if metrics_listen:
        from ansible_collections.mesos.overlay.plugins.module_utils._metrics import metrics_of

        try:
            # The kernel is read as any reader would (check mode): a scrape changes nothing.
            daemon.metrics = metrics_of(metrics_listen, lambda: daemon.plane, CommandHost(check_mode=True))
            daemon.metrics.follow_health(daemon.health)
            daemon.metrics.follow_members(members)
            host.say("metrics on http://%s/metrics" % metrics_listen)
        except (ParameterError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            daemon.say_once("metrics", "%s: reconciling without metrics" % reason)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _signum, _frame: daemon.stop())
    # systemctl reload (and a stray kill -HUP, which would otherwise end the daemon for good:
    # systemd does not restart a service that SIGHUP ended).
    signal.signal(signal.SIGHUP, lambda _signum, _frame: daemon.reload())
    return daemon.run()


def status(argv, host=None, status_path=STATUS_PATH, out=None):
    """``[--json] [dataplane.json]``: the host's health; returns 0 healthy, 1 degraded, 2 no daemon."""
    from ansible_collections.mesos.overlay.plugins.module_utils._status import lines, report

    as_json = "--json" in argv
    argv = [arg for arg in argv if arg != "--json"]
    status_path = os.environ.get("MESOS_OVERLAY_STATUS") or status_path
    result = report(argv[0] if argv else PLANE_PATH, host or CommandHost(check_mode=True), status_path=status_path)
    out = out or sys.stdout
    if as_json:
        json.dump(result, out, indent=2, sort_keys=True)
        out.write("\n")
    else:
        out.write("\n".join(lines(result)) + "\n")
    return result["exit"]


def main(argv=None, host=None):
    """The command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    # The store file (the ZooKeeper store's reader), the Docker watcher's config and where to
    # serve the metrics, for the daemon; a restore and status read none of them.
    paths = {"--store": STORE_PATH, "--groups": DOCKER_GROUPS_PATH, "--metrics": "", "--members-socket": MEMBERS_SOCKET}
    for option in paths:
        if option in argv:
            position = argv.index(option)
            if position + 1 >= len(argv):
                wanted = "ADDRESS:PORT" if option == "--metrics" else "the path of a file"
                sys.stderr.write("%s: %s\n%s" % (option, wanted, USAGE))
                return 2
            paths[option] = argv[position + 1]
            argv = argv[:position] + argv[position + 2:]
    if argv and argv[0] == "run":
        return run(argv[1:], host, paths["--store"], paths["--groups"], metrics_listen=paths["--metrics"],
                   members_socket=paths["--members-socket"])
    if "--probe-interval" in argv:
        # The wrapper gives the daemon's probe interval to every command; only run takes it.
        position = argv.index("--probe-interval")
        argv = argv[:position] + argv[position + 2:]
    if argv and argv[0] == "status":
        return status(argv[1:], host)
    if argv and argv[0] == "restore":
        argv = argv[1:]
    return restore(argv, host)


if __name__ == "__main__":
    # The command's exit status (a module would exit through AnsibleModule; this is no module).
    raise SystemExit(main())
