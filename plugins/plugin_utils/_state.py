# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The saved state: what was allocated, nothing derivable (format 2; format 1 read too).

``normalize_state`` gives the one shape every other function takes; ``merge_states`` makes one
state of the masters' copies; ``load_holders`` puts a state back into the pools of an allocation
(each slot claimed once: a slot held twice is a corrupt state)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.mesos.overlay.plugins.plugin_utils._addresses import parse_cidr
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError, field_error
from ansible_collections.mesos.overlay.plugins.plugin_utils._network import ROLES


def load_address(field, value, pool, version):
    """The pool index of a single address 'a.b.c.d/len' read from the state."""
    parsed = parse_cidr(value)
    if parsed is None or parsed[2] is None:
        raise field_error(field, value, "in the state is not an address with a prefix length")
    if parsed[0] != version:
        raise field_error(field, value, "in the state is not an IPv%d address" % version)
    index = pool.index_of(parsed[1])
    if index is None:
        raise field_error(field, value, "in the state is not a host address of the current %s" % pool.label)
    return index


def load_slice(field, value, pool, version):
    """The pool index of a slice 'n.n.n.n/prefix' read from the state."""
    parsed = parse_cidr(value)
    if parsed is None or parsed[2] is None:
        raise field_error(field, value, "in the state is not a network")
    if parsed[0] != version or parsed[2] != pool.block_prefix:
        raise field_error(field, value, "in the state is not a /%d slice of the current %s"
                          % (pool.block_prefix, pool.label))
    # index_of also refuses an address that is not the start of a slice (host bits set).
    index = pool.index_of(parsed[1])
    if index is None:
        raise field_error(field, value, "in the state lies outside the current %s" % pool.label)
    return index


class Holder:
    """What one member holds: pool indexes, and where they came from (for error messages)."""

    __slots__ = ("name", "ip", "role", "vtep", "vtep6", "slices")

    def __init__(self, name, ip, role):
        self.name = name
        self.ip = ip
        self.role = role
        self.vtep = None
        self.vtep6 = None
        self.slices = {}  # (overlay name, 4 or 6) -> index


def claim(pool, index, holder, field, value, owners):
    owner = owners.get(index)
    if owner is not None:
        raise field_error(field, value, "in the state is also held by %s: the state is corrupt" % owner)
    owners[index] = holder.name
    pool.used.add(index)


STATE_FORMAT = 2


def state_member(field, entry):
    """One member of a saved state, in the current format, from either format."""
    if not isinstance(entry, dict):
        raise field_error(field, entry, "is not a dictionary")
    if entry.get("role") not in ROLES or not isinstance(entry.get("ip"), str):
        raise field_error(field, {"ip": entry.get("ip"), "role": entry.get("role")},
                          "needs an 'ip' string and a 'role' of %s" % ", ".join(ROLES))
    if "vtep" in entry:
        # Format 1 (mesos.overlay 1.0.0) stored the whole view: keep what was allocated.
        vtep = entry.get("vtep")
        if not isinstance(vtep, dict):
            raise field_error(field + ".vtep", vtep, "is not a dictionary")
        vtep_ip, vtep_ip6 = vtep.get("ip"), vtep.get("ip6")
    else:
        vtep_ip, vtep_ip6 = entry.get("vtep_ip"), entry.get("vtep_ip6")
    if not vtep_ip:
        raise field_error(field + (".vtep.ip" if "vtep" in entry else ".vtep_ip"), vtep_ip, "is missing")
    overlays = entry.get("overlays") or {}
    if not isinstance(overlays, dict):
        raise field_error(field + ".overlays", overlays, "is not a dictionary")
    slices = {}
    for overlay_name in sorted(overlays):
        slot = overlays[overlay_name]
        if not isinstance(slot, dict):
            raise field_error(field + ".overlays." + overlay_name, slot, "is not a dictionary")
        slices[overlay_name] = {"subnet": slot.get("subnet") or None, "subnet6": slot.get("subnet6") or None}
    return {"ip": entry["ip"], "role": entry["role"], "vtep_ip": vtep_ip, "vtep_ip6": vtep_ip6 or None,
            "overlays": slices}


def normalize_state(state):
    """A saved state in the current format: what was allocated, nothing derivable.

    Accepts the current format (``{"format": 2, "network", "members"}``), the format that
    mesos.overlay 1.0.0 wrote (``{"network", "agents"}`` with every member's whole view), and a
    result of ``allocate`` (its ``state``). Returns ``{}`` for no state.
    """
    if state in (None, "", {}):
        return {}
    if not isinstance(state, dict):
        raise field_error("state", type(state).__name__, "is not a state this collection wrote "
                          "(a dictionary with a 'members' or 'agents' dictionary)")
    if isinstance(state.get("state"), dict):
        return normalize_state(state["state"])
    version = state.get("format", STATE_FORMAT if "members" in state else 1)
    if version not in (1, STATE_FORMAT):
        raise field_error("state.format", version, "is not a state format this version reads (1 or %d): "
                          "was it written by a newer mesos.overlay?" % STATE_FORMAT)
    key = "members" if version == STATE_FORMAT else "agents"
    entries = state.get(key, {})
    if not isinstance(entries, dict):
        raise field_error("state." + key, type(entries).__name__, "is not a dictionary")
    network = state.get("network") or {}
    if not isinstance(network, dict):
        raise field_error("state.network", network, "is not a dictionary")
    return {
        "format": STATE_FORMAT,
        "network": network,
        "members": {name: state_member("state.%s.%s" % (key, name), entries[name]) for name in sorted(entries)},
    }


def load_holders(state, network, pools):
    holders = {}
    raw = state.get("state", state) if isinstance(state, dict) and isinstance(state.get("state"), dict) else state
    state = normalize_state(state)
    if not state:
        return holders
    # Errors name the value where it is in the file the operator has (format 1 or 2).
    if "members" in raw:
        where, vtep_field, vtep6_field = "state.members", ".vtep_ip", ".vtep_ip6"
    else:
        where, vtep_field, vtep6_field = "state.agents", ".vtep.ip", ".vtep.ip6"
    previous_overlays = {o.get("name"): o for o in state["network"].get("overlays", []) if isinstance(o, dict)}
    for overlay in network.overlays:
        # A slice length that changes would move every slice: refuse it outright.
        old = previous_overlays.get(overlay["name"])
        if old is None:
            continue
        for key in ("prefix", "prefix6"):
            if old.get(key) not in (None, "") and overlay[key] is not None and int(old[key]) != overlay[key]:
                raise AllocationError(
                    "overlays %r %s: changed from %s to %s, which would move every allocated slice; "
                    "add a new overlay instead" % (overlay["name"], key, old[key], overlay[key]))
    owners = {key: {} for key in pools}
    configured = {o["name"] for o in network.overlays}
    for name, entry in state["members"].items():
        field = "%s.%s" % (where, name)
        holder = Holder(name, entry["ip"], entry["role"])
        holder.vtep = load_address(field + vtep_field, entry["vtep_ip"], pools["vtep"], 4)
        claim(pools["vtep"], holder.vtep, holder, field + vtep_field, entry["vtep_ip"], owners["vtep"])
        if entry["vtep_ip6"] and "vtep6" in pools:
            holder.vtep6 = load_address(field + vtep6_field, entry["vtep_ip6"], pools["vtep6"], 6)
            claim(pools["vtep6"], holder.vtep6, holder, field + vtep6_field, entry["vtep_ip6"], owners["vtep6"])
        for overlay_name, slot in entry["overlays"].items():
            if overlay_name not in configured:
                raise field_error(field + ".overlays", overlay_name,
                                  "holds allocations in the state but is not in the configuration: "
                                  "keep it with 'enabled: false' instead of deleting it")
            for version, key in ((4, "subnet"), (6, "subnet6")):
                pool_key = (overlay_name, version)
                value = slot.get(key)
                if not value or pool_key not in pools:
                    continue
                sub_field = "%s.overlays.%s.%s" % (field, overlay_name, key)
                index = load_slice(sub_field, value, pools[pool_key], version)
                claim(pools[pool_key], index, holder, sub_field, value, owners[pool_key])
                holder.slices[pool_key] = index
        holders[name] = holder
    return holders


def holdings(record):
    """The allocations a state member holds, compared when masters' copies are merged."""
    holdings = {"vtep_ip": record["vtep_ip"], "vtep_ip6": record["vtep_ip6"]}
    for name, slot in record["overlays"].items():
        holdings["overlays.%s.subnet" % name] = slot.get("subnet")
        holdings["overlays.%s.subnet6" % name] = slot.get("subnet6")
    return holdings


def merge_states(saved):
    """One state (current format) from the copies saved on every master.

    ``saved`` is a list of ``{"host": master, "path": file, "content": text or None}`` (None:
    no file yet); anything else is refused, naming the item. Copies of either state format
    are read. Identical copies give that copy; copies that differ are merged
    member by member when they never contradict each other (one master missed a run, or a new
    master has none); a copy that is not JSON, or two copies that give one member different
    allocations, raise AllocationError naming the hosts, the member and the values.
    """
    copies = []
    if not isinstance(saved, list):
        raise field_error("saved", saved, "is not a list of {host, path, content}")
    for position, item in enumerate(saved):
        if not isinstance(item, dict) or set(item) != {"host", "path", "content"} or \
                not isinstance(item["content"], (str, type(None))):
            raise field_error("saved[%d]" % position, item, "is not {host, path, content} with content the file's "
                              "text or null")
        host, path, content = item["host"], item["path"], item["content"]
        if content in (None, ""):
            continue
        try:
            state = json.loads(content)
        except ValueError as exc:
            raise AllocationError("the state file %s on %s is corrupt (not JSON: %s); restore it from %s.prev "
                                  "or from another master" % (path, host, exc, path))
        if not isinstance(state, dict) or not isinstance(state.get("members", state.get("agents")), dict):
            raise AllocationError("the state file %s on %s is corrupt (no 'members' dictionary); restore it "
                                  "from %s.prev or from another master" % (path, host, path))
        try:
            copies.append((host, normalize_state(state)))
        except AllocationError as exc:
            raise AllocationError("the state file %s on %s is corrupt (%s); restore it from %s.prev or from "
                                  "another master" % (path, host, exc, path))
    copies = [(host, state) for host, state in copies if state]
    if not copies:
        return {}
    merged = {"format": STATE_FORMAT, "network": copies[0][1]["network"], "members": {}}
    members = merged["members"]
    source = {}
    for host, state in copies:
        for name, record in state["members"].items():
            if name not in members:
                members[name] = record
                source[name] = host
                continue
            mine, theirs = holdings(members[name]), holdings(record)
            for key in sorted(set(mine) | set(theirs)):
                if mine.get(key) and theirs.get(key) and mine[key] != theirs[key]:
                    raise AllocationError(
                        "the masters disagree about %s: %s says %s is %s, %s says %s; fix or remove the wrong "
                        "state file" % (name, source[name], key, mine[key], host, theirs[key]))
            # One copy may know of an overlay or an address the other missed: keep the union.
            combined = dict(members[name], overlays=dict(members[name]["overlays"]))
            if not combined["vtep_ip6"]:
                combined["vtep_ip6"] = record["vtep_ip6"]
            for overlay_name, slot in record["overlays"].items():
                have = combined["overlays"].get(overlay_name) or {}
                combined["overlays"][overlay_name] = {key: have.get(key) or slot.get(key)
                                                      for key in ("subnet", "subnet6")}
            members[name] = combined
    merged["members"] = {name: members[name] for name in sorted(members)}
    return merged
