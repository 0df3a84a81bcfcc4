# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's converge module: a host's whole part of the overlay in one call.

Every module run costs a connection, a Python start and the module's transfer on each host,
whatever it finds to do; a converged run of the roles was a dozen of them per host. Here the
steps the roles ran one task each run in one process, in the order the roles ran them: the
boot files (the daemon's code, command and unit), the store the daemon follows, the daemon
itself (systemd), the data plane, the files of the containerizers and of Mesos, the Docker
networks and the Mesos bridges of disabled overlays. Everything is checked (every file planned,
every network's options, the plane's shape) before the first change.

The result keeps what changed by area (``areas``, the names the roles report in
mesos_overlay_changes), beside every change and the diffs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan
from ansible_collections.mesos.overlay.plugins.module_utils._dataplane import DataPlane, mesos_bridge
from ansible_collections.mesos.overlay.plugins.module_utils._files import Files
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

BOOT_AREA = "boot files"
STORE_AREA = "store"
DAEMON_AREA = "daemon"
# A file as the files module takes it (its defaults), and the area it is reported under.
FILE_DEFAULTS = {"path": None, "content": None, "state": "present", "mode": "0644", "owner": "root", "group": "root",
                 "only_if_exists": None, "area": "files"}
# A Docker network as the docker_network module takes it (its defaults; never forced here).
NETWORK_DEFAULTS = {"name": None, "bridge": None, "subnet": None, "subnet6": None, "mtu": 1420, "masquerade": False,
                    "state": "present"}


def _entries(option, entries, defaults):
    """Each entry of ``option`` with the defaults filled in; an unknown key names the entry and the key."""
    complete = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ParameterError("%s[%d]: %r is not a dictionary" % (option, index, entry))
        unknown = sorted(set(entry) - set(defaults))
        if unknown:
            raise ParameterError("%s[%d]: unknown option %s (known: %s)"
                                 % (option, index, ", ".join(unknown), ", ".join(sorted(defaults))))
        complete.append(dict(defaults, **{key: value for key, value in entry.items() if value is not None}))
    return complete


def _files_params(entries, directory_mode):
    return {"files": [{key: value for key, value in entry.items() if key != "area"} for entry in entries],
            "read": [], "directory_mode": directory_mode}


class Converge:
    """The converge module: boot files, store, daemon, data plane, files, Docker networks, bridges."""

    ARGUMENT_SPEC = dict(
        dataplane=dict(type="dict", required=True),
        peers=DataPlane.ARGUMENT_SPEC["peers"],
        path=DataPlane.ARGUMENT_SPEC["path"],
        boot_files=dict(type="list", elements="dict", default=[]),
        store=dict(type="dict", options=dict(
            path=dict(type="path", required=True),
            content=dict(type="str", no_log=True),
            state=dict(type="str", choices=["present", "absent"], default="present"))),
        daemon=dict(type="dict", options=dict(
            unit=dict(type="path", required=True),
            command=dict(type="str"),
            retired=dict(type="list", elements="path", default=[]))),
        files=dict(type="list", elements="dict", default=[]),
        docker_networks=dict(type="list", elements="dict", default=[]),
        disabled_overlays=dict(type="list", elements="str", default=[]),
        directory_mode=Files.ARGUMENT_SPEC["directory_mode"],
    )

    def __init__(self, params, host, docker_client=None):
        self.params = params
        self.host = host
        self.docker_client = docker_client
        self.areas = {}
        self.changes = []
        self.diffs = []

    # Each step's result joins its area, and its changes the whole.
    def _record(self, area, result):
        merged = self.areas.setdefault(area, {"changed": False, "changes": []})
        merged["changed"] = merged["changed"] or bool(result.get("changed"))
        merged["changes"] += result.get("changes") or []
        if "results" in result:
            merged.setdefault("results", []).extend(result["results"])
        self.changes += result.get("changes") or []

    def _files_step(self, entries):
        """A Files step over ``entries``, planned now (every file checked before the first change)."""
        step = Files(_files_params(entries, self.params["directory_mode"]), self.host)
        step.plan()
        return step

    def _apply_files(self, step, entries, diff=True):
        result = step.run()
        area_of = {os.path.normpath(entry["path"]): entry["area"] for entry in entries}
        for area in dict.fromkeys(area_of.values()):
            self.areas.setdefault(area, {"changed": False, "changes": []})
        for change in result["changes"]:
            self._record(area_of[change["key"]], {"changed": True, "changes": [change]})
        if diff:
            self.diffs += result.get("diff") or []
        return result

    def _networks(self):
        """The Docker network steps, their options checked now; the SDK is imported only when there are any."""
        if not self.params["docker_networks"]:
            return []
        from ansible_collections.mesos.overlay.plugins.module_utils._docker import DockerNetwork

        networks = []
        for options in _entries("docker_networks", self.params["docker_networks"], NETWORK_DEFAULTS):
            try:
                options["mtu"] = int(options["mtu"])
            except (TypeError, ValueError):
                raise ParameterError("docker_networks: mtu %r of %s is not a number" % (options["mtu"], options["name"]))
            step = DockerNetwork(dict(options, force=False), self.host, client=self.docker_client)
            step.wanted()
            networks.append(step)
        return networks

    def _daemon(self, restart):
        """The host daemon's unit: retired units stopped and removed, systemd reloaded when a unit
        changed, the daemon enabled and running (restarted when its code, unit or store changed)."""
        daemon = self.params["daemon"]
        unit = daemon["unit"]
        name = os.path.basename(unit)
        plan = Plan()
        for retired in daemon["retired"]:
            wants = os.path.join(os.path.dirname(retired), "multi-user.target.wants", os.path.basename(retired))
            links = [path for path in (retired, wants) if os.path.lexists(path)]
            if links:
                plan.add("unit", os.path.basename(retired), "installed", None,
                         commands=[("stop", os.path.basename(retired))] + [("remove", path) for path in links])
        if plan or any(change["key"] == unit for change in self.areas.get(BOOT_AREA, {}).get("changes", [])):
            plan.add("systemd", "daemon-reload", None, "reloaded", commands=[("daemon-reload", None)])
        state = self._unit_state(name)
        if state.get("UnitFileState") != "enabled":
            plan.add("service", name + " enabled", state.get("UnitFileState") or "unknown", "enabled",
                     commands=[("enable", name)])
        if restart or state.get("ActiveState") != "active":
            plan.add("service", name, state.get("ActiveState") or "unknown", "restarted" if restart else "active",
                     commands=[("restart" if restart else "start", name)])
        if plan and not self.host.check_mode:
            for command, argument in plan.commands():
                if command == "remove":
                    os.unlink(argument)
                    continue
                argv = ["systemctl", command] + ([argument] if argument else [])
                rc, _out, err = self.host.run(argv)
                if rc != 0 and command != "stop":
                    raise HostError("%s failed: %s" % (" ".join(argv), err.strip()), changes=self.changes)
        self._record(DAEMON_AREA, {"changed": bool(plan), "changes": plan.as_result()})

    def _unit_state(self, name):
        rc, out, _err = self.host.run(["systemctl", "show", "--property=UnitFileState,ActiveState", name])
        if rc != 0:
            return {}
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def _remove_bridges(self):
        """The Mesos bridges of disabled overlays, where they are left."""
        plan = Plan()
        for name in (mesos_bridge(overlay) for overlay in self.params["disabled_overlays"]):
            if os.path.exists(os.path.join("/sys/class/net", name)):
                plan.add("link", name, "present", None, commands=[["ip", "link", "del", name]])
        if plan and not self.host.check_mode:
            for argv in plan.commands():
                rc, _out, err = self.host.run(argv)
                if rc != 0:
                    raise HostError("%s failed: %s" % (" ".join(argv), err.strip()), changes=self.changes)
        self._record("teardown bridges", {"changed": bool(plan), "changes": plan.as_result()})

    def run(self):
        params = self.params
        boot_files = _entries("boot_files", params["boot_files"], dict(FILE_DEFAULTS, area=BOOT_AREA))
        files = _entries("files", params["files"], FILE_DEFAULTS)
        store = [dict(FILE_DEFAULTS, path=params["store"]["path"], content=params["store"]["content"],
                      state=params["store"]["state"], mode="0600", area=STORE_AREA)] if params["store"] else []
        # Everything checked before the first change.
        boot = self._files_step(boot_files)
        store_step = self._files_step(store)
        after = self._files_step(files)
        networks = self._networks()
        plane = DataPlane({"dataplane": params["dataplane"], "peers": params["peers"], "path": params["path"]},
                          self.host)
        boot_result = self._apply_files(boot, boot_files)
        # The store's file holds credentials: never in a diff.
        store_changed = self._apply_files(store_step, store, diff=False)["changed"]
        supervised = bool(params["daemon"]) and params["daemon"]["unit"] not in boot_result["skipped_paths"]
        if supervised:
            self._daemon(restart=boot_result["changed"] or store_changed)
        elif params["daemon"]:
            self.host.warn(
                "this host does not run systemd (%s not written): have its init run %s at boot, before Docker and "
                "Mesos start, and keep it running, or the overlay stays down after a reboot until the next run and "
                "what is changed by hand stays so" % (params["daemon"]["unit"], params["daemon"]["command"] or
                                                      "the host daemon's command"))
        plane_result = plane.run()
        for area, key in (("boot data plane", "file"), ("sysctl", "sysctl"), ("vtep", "vtep"), ("peers", "peers"),
                          ("firewall", "firewall"), ("group policy", "group_policy")):
            self._record(area, plane_result[key])
        self.diffs += plane_result.get("diff") or []
        self._apply_files(after, files)
        for step in networks:
            area = "docker" if step.params["state"] == "present" else "teardown docker"
            result = step.run()
            self._record(area, {"changed": result["changed"], "changes": result["changes"],
                                "results": [dict(result, item=step.name)]})
            if result.get("diff"):
                self.diffs.append(result["diff"])
        self._remove_bridges()
        result = {"changed": bool(self.changes), "changes": self.changes, "areas": self.areas,
                  "skipped_paths": boot_result["skipped_paths"], "supervised": supervised,
                  # What the roles' handlers read: a check changed nothing, so nothing restarts.
                  "check_mode": self.host.check_mode,
                  "vtep": plane_result["vtep"], "peers": plane_result["peers"]}
        if self.host.diff:
            result["diff"] = self.diffs
        return result


__all__ = ("BOOT_AREA", "DAEMON_AREA", "FILE_DEFAULTS", "NETWORK_DEFAULTS", "STORE_AREA", "Converge")
