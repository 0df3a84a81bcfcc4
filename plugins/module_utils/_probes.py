# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: the probes module, a host's whole share of verify in one call.

The controller plans the probes (the probe_plan filter: what to ping, what must and must not
answer); this runs them side by side and returns one result per probe. Where the host daemon
probes its peers (its status file, ``_status.STATUS_PATH``), a probe the daemon answered as it
should within two of its probe intervals is taken from it: that is what makes verify on a
running cluster take seconds. The daemon's word is never taken for a failure: a probe it saw
fail runs again here, so what verify reports as broken it saw broken itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import STATUS_PATH

# What of the daemon's peer health answers which probe kind (the full-MTU probe only at the
# same MTU as the plan's).
HEALTH_FIELDS = {"vtep": "up", "mtu": "full_mtu"}


def daemon_health(path, now):
    """{peer name: its health result} from the daemon's status file, only the results at most
    two probe intervals and one pass old (the file is written once a pass, so a result waits up
    to a pass to be seen); {} without a daemon, a file or a probe interval."""
    if not path:
        return {}
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    interval = data.get("probe_interval") if isinstance(data, dict) else None
    health = data.get("peer_health") if isinstance(data, dict) else None
    if not interval or not isinstance(health, dict):
        return {}
    oldest = now - 2 * interval - (data.get("interval") or 0)
    return dict((name, result) for name, result in health.items()
                if isinstance(result, dict) and (result.get("at") or 0) >= oldest)


def answered_by_daemon(probe, health):
    """Whether the daemon's fresh result passes ``probe`` as it should (only probes that must
    pass, at the plan's address and MTU)."""
    field = HEALTH_FIELDS.get(probe["kind"])
    result = health.get(probe["to"])
    if field is None or result is None or not probe["expect_ok"]:
        return False
    if str(result.get("vtep_ip") or "").split("/", maxsplit=1)[0] != probe["target"]:
        return False
    if field == "full_mtu" and result.get("mtu") != probe.get("mtu"):
        return False
    return result.get(field) is True


class Probes(object):
    """Runs a host's probes side by side, taking the daemon's fresh passes."""

    # The probes module's options.
    ARGUMENT_SPEC = dict(
        probes=dict(type="list", elements="dict", required=True, options=dict(
            to=dict(type="str", required=True),
            kind=dict(type="str", required=True),
            target=dict(type="str", required=True),
            argv=dict(type="list", elements="str", required=True),
            expect_ok=dict(type="bool", default=True),
            mtu=dict(type="int"),
        )),
        health=dict(type="path", default=STATUS_PATH),
        parallel=dict(type="int", default=16),
    )

    def __init__(self, params, host, clock=time.time):
        self.params = params
        self.host = host
        self.clock = clock

    def _run(self, probe):
        started = self.clock()
        rc, _out, err = self.host.run(probe["argv"])
        return {"rc": rc, "seconds": round(self.clock() - started, 3), "error": (err or "").strip() or None}

    def run(self):
        if self.params["parallel"] < 1:
            raise ParameterError("parallel: %r must be 1 or more" % self.params["parallel"])
        probes = self.params["probes"]
        health = daemon_health(self.params["health"], self.clock())
        results = [None] * len(probes)
        to_run = []
        for index, probe in enumerate(probes):
            if answered_by_daemon(probe, health):
                results[index] = dict(probe, ok=True, rc=None, source="daemon", seconds=None, error=None)
            else:
                to_run.append(index)
        if to_run:
            with ThreadPoolExecutor(max_workers=min(self.params["parallel"], len(to_run))) as pool:
                for index, ran in zip(to_run, pool.map(lambda i: self._run(probes[i]), to_run)):
                    probe = probes[index]
                    results[index] = dict(probe, ok=(ran["rc"] == 0) == probe["expect_ok"], source="probe", **ran)
        failed = [r for r in results if not r["ok"]]
        return {"changed": False, "probes": results, "broken": len(failed),
                "from_daemon": sum(1 for r in results if r["source"] == "daemon")}


__all__ = ("HEALTH_FIELDS", "Probes", "answered_by_daemon", "daemon_health")
