# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one host must be, derived from the saved allocation: plain Python, no Ansible imports.

The state holds only what was allocated. Everything a host is configured from (its VTEP with
MAC, name and VNI, its bridges, halves and gateways, which overlays are on, its peers, the
address spaces that are overlay traffic) is derived here, by ``host_view``, and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import (
    AllocationError, Network, _field_error, masters_of, member_entry, normalize_state)


def as_allocation(value):
    """A result of ``allocate`` from itself or from a saved state (either format).

    A saved state gives the same ``network`` and ``agents`` that ``allocate`` would return for
    it without allocating anything new, so verify and the reports read the saved state directly.
    """
    if isinstance(value, dict) and isinstance(value.get("state"), dict) and isinstance(value.get("agents"), dict):
        return value
    state = normalize_state(value)
    if not state:
        raise _field_error("allocation", value, "is empty: no member has been allocated yet")
    try:
        network = Network(state["network"])
    except AllocationError as exc:
        raise AllocationError("the state's network is not valid: %s" % exc)
    return {
        "network": network.as_dict(),
        "agents": {name: member_entry(network, record) for name, record in state["members"].items()},
        "masters": masters_of(state["members"]),
        "released": [],
        "state": state,
    }


def _gateway(half):
    """The first host address of a half: the bridge's own address (CNI bridge plugin and Docker)."""
    if not half:
        return None
    network = ipaddress.ip_network(half)
    return str(network.network_address + 1)


def peers_of(allocation, name=None, exclude=None):
    """What host ``name`` must know of every other member: the peer list of vxlan_peers.

    Routes go to each peer's slice of every enabled overlay (masters' slices included: a
    master reaches containers through them too). Members in ``exclude`` are left out.
    Without ``name``, every member: the peer table of a run, computed once, from which each
    host's data plane leaves out its own entry on the host.
    """
    allocation = as_allocation(allocation)
    agents = allocation["agents"]
    if name is not None and name not in agents:
        raise _field_error("name", name, "has no entry in the allocation")
    enabled = {o["name"] for o in allocation["network"]["overlays"] if o["enabled"]}
    skip = set(exclude or [])
    peers = []
    for peer_name in sorted(agents):
        if peer_name == name or peer_name in skip:
            continue
        entry = agents[peer_name]
        vtep = entry["vtep"]
        subnets = []
        for overlay_name in sorted(entry["overlays"]):
            if overlay_name not in enabled:
                continue
            slot = entry["overlays"][overlay_name]
            if slot.get("subnet"):
                subnets.append(slot["subnet"])
            if slot.get("subnet6") and vtep.get("ip6"):
                subnets.append(slot["subnet6"])
        peers.append({
            "name": peer_name,
            "vtep_ip": vtep["ip"].split("/")[0],
            "vtep_ip6": vtep["ip6"].split("/")[0] if vtep.get("ip6") else None,
            "mac": vtep["mac"],
            "underlay_ip": entry["ip"],
            "subnets": subnets,
        })
    return peers


def host_view(allocation, name, peers=True):
    """Everything host ``name`` is configured from, derived from the allocation (or saved state).

    ``allocate``'s entry for the host (``ip``, ``role``, ``vtep``, ``overlays``), with each
    bridge's ``gateway`` and ``gateway6`` added, and:
    ``name``; ``enabled`` and ``disabled``, the names of the overlays the host carries and of
    those switched off; ``peers`` (see ``peers_of``); ``members``, the underlay addresses of
    every member (who may send VXLAN packets); ``masters``, the underlay addresses of the
    masters by name; ``internal4`` and ``internal6``, the address
    spaces that are overlay traffic (never masqueraded); ``ipv6``, whether any overlay has IPv6;
    ``network``, the normalised configuration.
    With ``peers`` false, ``peers`` and ``members`` are left out: the view stays the same size
    whatever the member count (what the roles keep per host), and the data plane takes them
    from the run's peer table instead (``peers_of`` without a name).
    """
    allocation = as_allocation(allocation)
    agents = allocation["agents"]
    if name not in agents:
        raise _field_error("name", name, "has no entry in the allocation (is it in mesos_masters or mesos_agents?)")
    entry = agents[name]
    network = allocation["network"]
    overlays = {}
    for overlay_name, slot in entry["overlays"].items():
        slot = dict(slot)
        for key in ("mesos_bridge", "docker_bridge"):
            if slot[key]:
                slot[key] = dict(slot[key], gateway=_gateway(slot[key]["ip"]), gateway6=_gateway(slot[key]["ip6"]))
        overlays[overlay_name] = slot
    internal4 = [network["vtep_subnet"]] + [o["subnet"] for o in network["overlays"] if o.get("subnet")]
    internal6 = [s for s in [network.get("vtep_subnet6")] + [o.get("subnet6") for o in network["overlays"]] if s]
    view = {
        "name": name,
        "ip": entry["ip"],
        "role": entry["role"],
        "vtep": dict(entry["vtep"]),
        "overlays": overlays,
        "enabled": [o["name"] for o in network["overlays"] if o["enabled"] and o["name"] in overlays],
        "disabled": [o["name"] for o in network["overlays"] if not o["enabled"]],
        # Read from the allocation, not scanned per host: under Ansible every member read costs.
        "masters": list(allocation["masters"]) if "masters" in allocation else masters_of(agents),
        "internal4": internal4,
        "internal6": internal6,
        "ipv6": bool(internal6) and any(o.get("subnet6") for o in network["overlays"]),
        "network": network,
    }
    if peers:
        view["peers"] = peers_of(allocation, name)
        view["members"] = sorted({agents[member]["ip"] for member in agents}, key=ipaddress.ip_address)
    return view
