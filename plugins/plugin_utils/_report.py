# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables for people: the allocation, and the connectivity matrix with the likely cause of each
broken pair. Plain Python, no Ansible imports (the verify playbook's filters wrap it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError
from ansible_collections.mesos.overlay.plugins.plugin_utils._policy import verdict
from ansible_collections.mesos.overlay.plugins.plugin_utils._members import gateway
from ansible_collections.mesos.overlay.plugins.plugin_utils._view import as_allocation


def _table(header, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)] if rows else [len(h) for h in header]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header] + rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def allocation_table(allocation):
    """Two tables for a terminal (120 columns for a dual-stack cluster): the members (host,
    role, underlay IP, VTEP IP, IPv6 and MAC), then one row per host and overlay (its slice and
    the Mesos and Docker halves; the IPv6 ones on a row of their own below)."""
    allocation = as_allocation(allocation)
    members = allocation["members"]
    overlays = [o["name"] for o in (allocation.get("network") or {}).get("overlays", [])]
    order = sorted(members, key=lambda n: (members[n].get("role") != "master", n))
    member_rows, overlay_rows = [], []
    for host in order:
        entry = members[host]
        vtep = entry.get("vtep") or {}
        member_rows.append([host, entry.get("role"), entry.get("ip"), vtep.get("ip"), vtep.get("ip6") or "-",
                            vtep.get("mac")])
        for name in overlays:
            slot = (entry.get("overlays") or {}).get(name)
            if not slot:
                continue
            off = "" if slot.get("enabled", True) else " (off)"
            mesos, docker = slot.get("mesos_bridge") or {}, slot.get("docker_bridge") or {}
            # Either family may be missing (IPv4-only and IPv6-only overlays).
            families = [(slot.get(subnet), mesos.get(ip), docker.get(ip))
                        for subnet, ip in (("subnet", "ip"), ("subnet6", "ip6")) if slot.get(subnet)]
            for position, (subnet, mesos_half, docker_half) in enumerate(families):
                overlay_rows.append([host if position == 0 else "", name + off if position == 0 else "",
                                     subnet, mesos_half or "-", docker_half or "-"])
    return "\n".join([_table(["host", "role", "underlay", "vtep", "vtep6", "mac"], member_rows), "",
                      _table(["host", "overlay", "slice", "mesos half", "docker half"], overlay_rows)])


def _mentions(changes, allocation, host):
    """Whether a host's pending peer changes (entries to add or change) concern ``host``."""
    entry = (allocation["members"]).get(host) or {}
    vtep = entry.get("vtep") or {}
    keys = {str(vtep.get("ip", "")).split("/", maxsplit=1)[0], str(vtep.get("ip6") or "").split("/", maxsplit=1)[0],
            vtep.get("mac")}
    for slot in (entry.get("overlays") or {}).values():
        keys.update({slot.get("subnet"), slot.get("subnet6")})
    keys.discard("")
    keys.discard(None)
    return any(change.get("key") in keys for change in changes or [] if change.get("after") is not None)


def _describe(changes):
    """Pending changes of a module (its result's ``changes``) as short text."""
    lines = []
    for change in changes or []:
        default = "%s %s: %s -> %s" % (change.get("kind"), change.get("key"), change.get("before"), change.get("after"))
        lines.append(change.get("reason") or default)
    return lines


def _other_drift(areas):
    """The drift of a host outside its VTEP and peers, as 'area: what' lines."""
    lines = []
    for area in sorted(areas or {}):
        if area in ("vtep", "peers"):
            continue
        for line in areas[area] or []:
            lines.append("%s %s" % (area, line))
    return lines


def connectivity_report(probes, allocation, drift=None, mtu=None, expected=None):
    """The matrix of probes between hosts and the broken pairs with their likely cause.

    ``probes``: [{"from", "to", "kind", "target", "ok"}], kind "vtep", "vtep6", "mtu", "mtu+1" or
    "docker <overlay>"; or {host: the probes module's ``probes``}. ``drift``: {host: {area:
    [...]}} from the roles run in check mode (``changes_of``): the ``changes`` of vxlan_link ("vtep")
    and vxlan_peers ("peers"), and lines for every other area. ``expected``: the hosts that must
    all have probed each other (a pair with no probe is broken; so is an empty matrix).
    Every host with drift is broken too, even when all its probes passed.
    """
    allocation = as_allocation(allocation)
    if isinstance(probes, dict):
        probes = probes_from_results(probes)
    drift = {host: value for host, value in (drift or {}).items() if isinstance(value, dict)}
    expected = sorted(set(expected or []))
    hosts = sorted({p["from"] for p in probes} | {p["to"] for p in probes} | set(expected))
    by_pair = {}
    for probe in probes:
        by_pair.setdefault((probe["from"], probe["to"]), []).append(probe)
    rows = []
    for source in hosts:
        row = [source]
        for target in hosts:
            if source == target:
                row.append(".")
                continue
            results = by_pair.get((source, target), [])
            failed = sum(1 for p in results if not p["ok"])
            # A cell stays short (the matrix fits a terminal): which probes failed, and why, is in the lines above it.
            row.append("ok" if results and not failed else ("FAIL %d/%d" % (failed, len(results)) if failed else "-"))
        rows.append(row)
    matrix = _table(["from \\ to"] + hosts, rows)

    broken = []
    for (source, target), results in sorted(by_pair.items()):
        failed = [p for p in results if not p["ok"]]
        if not failed:
            continue
        kinds = {p["kind"] for p in results if p["ok"]}
        causes = []
        for near, far in ((source, target), (target, source)):
            if _mentions((drift.get(near) or {}).get("peers"), allocation, far):
                causes.append("missing or wrong peer entry for %s on %s" % (far, near))
        for host in (source, target):
            if (drift.get(host) or {}).get("vtep"):
                causes.append("the VTEP of %s differs from the allocation (%s)"
                              % (host, "; ".join(_describe(drift[host]["vtep"]))))
            others = _other_drift(drift.get(host))
            if others:
                causes.append("%s differs from the allocation: %s" % (host, "; ".join(others)))
        failed_kinds = sorted(p["kind"] for p in failed)
        if not causes:
            if set(failed_kinds) <= {"mtu", "mtu+1"}:
                causes.append("MTU: a packet of the full VTEP MTU%s with don't-fragment set does not cross; the "
                              "underlay MTU must be at least the VTEP MTU + 50" % (" (%s)" % mtu if mtu else ""))
            elif "vtep" in kinds and all(k.startswith("docker") for k in failed_kinds):
                causes.append("firewall or forwarding on %s: the VTEP answers but not the overlay bridges "
                              "(FORWARD rules, ip_forward, the Docker network)" % target)
            else:
                causes.append("underlay or firewall: VXLAN packets between %s and %s do not arrive (UDP port, "
                              "underlay address, or a host down)" % (source, target))
        broken.append("%s -> %s: %s failed; likely cause: %s" % (
            source, target, ", ".join("%s %s" % (p["kind"], p["target"]) for p in failed), "; ".join(causes)))
    for source in expected:
        for target in expected:
            if source != target and (source, target) not in by_pair:
                broken.append("%s -> %s: no probe ran (is %s down, or without an allocation?)" % (source, target, source))
    if not hosts or not by_pair:
        broken.append("no pair of hosts was probed: an empty matrix proves nothing")
    for host in sorted(drift):
        lines = (["vtep %s" % line for line in _describe(drift[host].get("vtep"))]
                 + ["peers %s" % line for line in _describe(drift[host].get("peers"))] + _other_drift(drift[host]))
        if lines:
            broken.append("%s differs from the allocation: %s" % (host, "; ".join(lines)))
    from_daemon = sum(1 for p in probes if p.get("source") == "daemon")
    counted = "%d hosts, %d probes (%d answered by the host daemons' peer health)" % (
        len(hosts), len(probes), from_daemon)
    if broken:
        head = ["%s: %d broken" % (counted, len(broken))] + ["  " + line for line in broken]
    else:
        head = ["%s: every pair connected, every host as allocated" % counted]
    # Failures first: what is wrong is read before the matrix that shows where.
    return {"matrix": matrix, "broken": broken, "summary": "\n".join(head + ["", matrix])}


def probe_plan(allocation, host, vtep_mtu=1450, others=None):
    """The probes ``host`` runs towards every other host: argv lists for ping.

    Each is {"to", "kind", "target", "argv", "expect_ok"}: the peer's VTEP (IPv4, IPv6), a
    don't-fragment packet of the full VTEP MTU (must cross) and one byte more (must not),
    and the gateway of each enabled overlay's Docker bridge on agents (the IPv6 one for an
    IPv6-only overlay).
    """
    allocation = as_allocation(allocation)
    agents = allocation["members"]
    enabled = {o["name"] for o in (allocation.get("network") or {}).get("overlays", []) if o.get("enabled", True)}
    payload = int(vtep_mtu) - 28  # IPv4 and ICMP headers
    plan = []
    for name in sorted(agents):
        if name == host or (others is not None and name not in others):
            continue
        entry = agents[name]
        vtep = entry["vtep"]["ip"].split("/")[0]

        def ping(kind, target, *extra, **kw):
            plan.append({"to": name, "kind": kind, "target": target, "expect_ok": kw.get("expect_ok", True),
                         "mtu": kw.get("mtu"), "argv": ["ping", "-c", "1", "-W", "2"] + list(extra) + [target]})
        ping("vtep", vtep)
        if entry["vtep"].get("ip6"):
            ping("vtep6", entry["vtep"]["ip6"].split("/")[0])
        ping("mtu", vtep, "-M", "do", "-s", str(payload), mtu=int(vtep_mtu))
        ping("mtu+1", vtep, "-M", "do", "-s", str(payload + 1), expect_ok=False)
        for overlay in sorted(entry.get("overlays") or {}):
            bridge = entry["overlays"][overlay].get("docker_bridge")
            if overlay in enabled and bridge:
                # Docker gives its bridge the half's first host address; an IPv6-only overlay
                # is probed on its IPv6 gateway.
                if bridge.get("ip"):
                    ping("docker " + overlay, gateway(bridge["ip"]))
                else:
                    ping("docker " + overlay, gateway(bridge["ip6"]))
    return plan


def probes_from_results(results_by_host):
    """{host: the probes module's ``probes`` (each with ``ok``)} -> connectivity_report's probes;
    refuses another shape, naming the host and the item."""
    probes = []
    for host in sorted(results_by_host or {}):
        results = results_by_host[host]
        if results is None:
            continue  # an unreachable host ran nothing: its pairs show as not probed
        if not isinstance(results, list):
            raise AllocationError("probes[%s]: %r is not the probes module's list of probes" % (host, results))
        for position, result in enumerate(results):
            if not isinstance(result, dict) or "ok" not in result or "to" not in result:
                raise AllocationError("probes[%s][%d]: %r is not a result of the probes module (to, kind, target, ok)"
                                      % (host, position, result))
            probes.append({"from": host, "to": result["to"], "kind": result.get("kind"),
                           "target": result.get("target"), "ok": bool(result["ok"]),
                           "source": result.get("source")})
    return probes


def _result_lines(result):
    """What one registered module result changed, as short lines."""
    lines = []
    for change in result.get("changes") or []:
        lines.append(change.get("reason") or "%s %s %s" % (change.get("action"), change.get("kind"), change.get("key")))
    if not lines and result.get("dest"):
        lines.append(str(result["dest"]))
    if not lines and result.get("diff") and isinstance(result["diff"], dict):
        lines.append(str(result["diff"].get("after_header") or ""))
    return [line for line in lines if line]


def changes_of(results):
    """{area: [what changed]} of the roles' registered results, ``results`` being {area: result}.

    A result is a registered module result or the result of a loop (``results`` of items).
    vtep and peers keep the modules' ``changes`` (what the connectivity report reads);
    every other area lists short lines (a path, a chain and its changes, a network name).
    Areas with nothing changed have an empty list; results of skipped tasks count as nothing.
    """
    if not isinstance(results, dict):
        raise AllocationError("results: %r is not a dictionary of registered results by area" % (results,))
    summary = {}
    for area in sorted(results):
        result = results[area] or {}
        if not isinstance(result, dict) or not result.get("changed"):
            summary[area] = []
            continue
        if area in ("vtep", "peers"):
            summary[area] = list(result.get("changes") or [])
            continue
        lines = []
        for item in result.get("results") or [result]:
            if not isinstance(item, dict) or not item.get("changed"):
                continue
            label = item.get("item")
            if isinstance(label, dict):
                label = label.get("name") or label.get("key") or ""
            details = [line for line in _result_lines(item) if line != label]
            lines.append(("%s: %s" % (label, "; ".join(details))) if label and details else (label or "; ".join(details)))
        summary[area] = [line for line in lines if line] or ["changed"]
    return summary


def group_report(observations, policy):
    """The group matrix of verify: per policed overlay, which group reached which, expected against observed.

    ``observations``: ``[{overlay, from, to, family, source, target, reached}]``, one per probe (a ping from a
    container of group ``from`` on host ``source`` to one of group ``to`` on host ``target``; 0 is no group),
    or the results of a loop over group_probe_plan's pings (``item`` the plan entry, ``rc`` 0 when reached).
    Returns ``{"matrix": text, "broken": [lines]}``: a pair is broken when any probe of it disagrees with the
    policy (reached where it denies, blocked where it allows), naming the probes.
    """
    if not isinstance(observations, list):
        raise AllocationError("observations: %r is not a list of probes" % (observations,))
    pairs = {}
    for probe in observations:
        if isinstance(probe, dict) and isinstance(probe.get("item"), dict) and "reached" not in probe:
            if probe.get("skipped"):
                continue
            probe = dict(probe["item"], reached=probe.get("rc") == 0)
        try:
            key = (probe["overlay"], int(probe["from"]), int(probe["to"]))
            pairs.setdefault(key, []).append(probe)
        except (KeyError, TypeError, ValueError):
            raise AllocationError("observations: %r is not a probe {overlay, from, to, family, source, target, "
                                  "reached}" % (probe,))
    blocks, broken = [], []
    for overlay in sorted({key[0] for key in pairs}):
        groups = sorted({key[1] for key in pairs if key[0] == overlay} | {key[2] for key in pairs if key[0] == overlay},
                        key=lambda number: (number == 0, number))
        label = {number: (str(number) if number else "none") for number in groups}
        rows = []
        for source in groups:
            row = [label[source]]
            for target in groups:
                probes = pairs.get((overlay, source, target))
                expected = verdict(policy, overlay, source, target)
                if not probes:
                    row.append("-")
                    continue
                reached = [probe for probe in probes if probe["reached"]]
                observed = "allow" if len(reached) == len(probes) else ("deny" if not reached else "mixed")
                row.append(observed if observed == expected else "%s (expected %s)" % (observed, expected))
                if observed != expected:
                    wrong = [probe for probe in probes if bool(probe["reached"]) != (expected == "allow")]
                    broken.append("%s: group %s -> %s: the policy %s it, but %s: %s" % (
                        overlay, label[source], label[target], "allows" if expected == "allow" else "denies",
                        "it was reached" if expected == "deny" else "it was blocked",
                        ", ".join("%s %s -> %s" % (p.get("family"), p.get("source"), p.get("target")) for p in wrong)))
            rows.append(row)
        blocks.append("%s (rows: from, columns: to)\n%s" % (overlay, _table(["from \\ to"] + [label[g] for g in groups],
                                                                            rows)))
    return {"matrix": "\n\n".join(blocks), "broken": broken}
