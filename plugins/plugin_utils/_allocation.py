# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The allocation engine of mesos.overlay: plain Python, no Ansible imports.

It does what the DC/OS overlay master module did as IPAM: it gives every cluster member a
VTEP address and MAC, and a slice of every overlay subnet, split in halves for the Mesos
and the Docker bridges on agents.  Unlike the master module it keeps its state outside
(the caller stores what ``allocate`` returns and gives it back next time), and it
guarantees that allocations never move.

Addresses are handled as integers inside the engine: parsing and formatting go through
``ipaddress`` only at the edges, which keeps 100,000 members well under a second.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import gc
import ipaddress
import json
import re
import socket
import struct

VTEP_NAME = "vtep1024"
VTEP_VNI = 1024
MESOS_BRIDGE_PREFIX = "m-"
DOCKER_BRIDGE_PREFIX = "d-"
ROLES = ("master", "agent")
# Names that Mesos or Docker reserve for their own networks.
RESERVED_OVERLAY_NAMES = ("host", "bridge", "default", "none")
# IFNAMSIZ is 16 with the NUL byte, and the bridges add a two-character prefix.
MAX_OVERLAY_NAME = 13
# An overlay name becomes part of interface names, file names and a Docker network name:
# the characters all three accept.
OVERLAY_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAC_OUI_RE = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
# A half must hold a gateway and at least one container (IPv4 also loses the network and
# broadcast addresses), so the half is at most a /30 (IPv4) or a /126 (IPv6).
MAX_HALF_PREFIX = {4: 30, 6: 126}


class AllocationError(ValueError):
    """Bad input or an impossible allocation; the message names the field and the value."""


# ---------------------------------------------------------------------------------------
# Address helpers (integers in, strings out)
# ---------------------------------------------------------------------------------------

_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}


def _parse_cidr(text):
    """(version, address as int, prefix length or None) of 'address[/len]', or None when malformed.

    inet_pton is strict (no short forms like '10.1') and ten times faster than ipaddress,
    which matters when a state of 100,000 members is read back.
    """
    if not isinstance(text, str):
        return None
    address, slash, length = text.partition("/")
    version = 6 if ":" in address else 4
    try:
        packed = socket.inet_pton(_FAMILY[version], address)
    except (OSError, ValueError):
        return None
    if not slash:
        return version, int.from_bytes(packed, "big"), None
    if not length.isdigit() or int(length) > len(packed) * 8:
        return None
    return version, int.from_bytes(packed, "big"), int(length)


def _format_ipv4(value):
    return socket.inet_ntoa(struct.pack("!I", value))


def _format_ipv6(value):
    return socket.inet_ntop(socket.AF_INET6, value.to_bytes(16, "big"))


class Pool:
    """Lowest-free allocator of equal blocks (single addresses or slices) of one network."""

    def __init__(self, label, network, block_prefix, skip_first=False, skip_last=False):
        self.label = label
        self.version = network.version
        self.bits = network.max_prefixlen
        self.base = int(network.network_address)
        self.block_prefix = block_prefix
        self.step = 1 << (self.bits - block_prefix)
        first = 1 if skip_first else 0
        count = 1 << (block_prefix - network.prefixlen)
        self.first = first
        self.end = count - (1 if skip_last else 0)  # exclusive
        self.used = set()
        self._cursor = first
        self.format = _format_ipv4 if self.version == 4 else _format_ipv6
        self.suffix = "/%d" % block_prefix

    @property
    def capacity(self):
        return self.end - self.first

    def index_of(self, value):
        """Index of an address (int) in the pool, or None when it is not a block start inside."""
        offset = value - self.base
        if offset < 0 or offset % self.step:
            return None
        index = offset // self.step
        if index < self.first or index >= self.end:
            return None
        return index

    def take_lowest(self):
        index = self._cursor
        while index in self.used:
            index += 1
        if index >= self.end:
            return None
        self.used.add(index)
        # Everything below the cursor is used: a later call can start from here.
        self._cursor = index + 1
        return index

    def address(self, index):
        return self.base + index * self.step

    def cidr(self, index):
        return self.format(self.base + index * self.step) + self.suffix


# ---------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------

def _field_error(field, value, why):
    return AllocationError("%s: %r %s" % (field, value, why))


def _parse_network(field, value, version):
    if not isinstance(value, str):
        raise _field_error(field, value, "is not a CIDR string")
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise _field_error(field, value, "is not a valid network (%s)" % exc)
    if network.version != version:
        raise _field_error(field, value, "is not an IPv%d network" % version)
    return network


def _parse_int(field, value, low, high):
    # bool is an int in Python; True as a prefix is a typo, not 1.
    if isinstance(value, bool):
        raise _field_error(field, value, "is not an integer")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise _field_error(field, value, "is not an integer")
    if value < low or value > high:
        raise _field_error(field, value, "is out of range %d-%d" % (low, high))
    return value


def _parse_bool(field, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.lower() in ("true", "yes", "on", "1")
    raise _field_error(field, value, "is not a boolean")


def _check_prefix(field, prefix, network):
    max_prefix = MAX_HALF_PREFIX[network.version] - 1
    if prefix < network.prefixlen or prefix > max_prefix:
        raise _field_error(
            field, prefix,
            "must lie between the subnet's own prefix length %d and %d, so that each slice "
            "splits into two usable halves" % (network.prefixlen, max_prefix))


class Network:
    """The validated configuration (the keys of the overlay modules' overlay-config.json), normalised."""

    def __init__(self, config):
        if not isinstance(config, dict):
            raise _field_error("mesos_overlay_network", config, "is not a dictionary")
        self.vtep_subnet = _parse_network("vtep_subnet", config.get("vtep_subnet"), 4)
        if self.vtep_subnet.prefixlen < 8:
            # The MAC carries only the low 24 bits of the VTEP address: a larger subnet
            # could give two hosts the same MAC.
            raise _field_error("vtep_subnet", config["vtep_subnet"],
                               "is too large: its prefix length must be 8 or more")
        if self.vtep_subnet.prefixlen > MAX_HALF_PREFIX[4]:
            raise _field_error("vtep_subnet", config["vtep_subnet"],
                               "has no room for host addresses: its prefix length must be 30 or less")
        vtep_subnet6 = config.get("vtep_subnet6")
        self.vtep_subnet6 = None
        if vtep_subnet6 not in (None, ""):
            self.vtep_subnet6 = _parse_network("vtep_subnet6", vtep_subnet6, 6)
            if self.vtep_subnet6.prefixlen > 127:
                raise _field_error("vtep_subnet6", vtep_subnet6, "has no room for host addresses")
        oui = config.get("vtep_mac_oui")
        if not isinstance(oui, str) or not MAC_OUI_RE.match(oui):
            raise _field_error("vtep_mac_oui", oui, "is not a MAC address like 70:B3:D5:00:00:00")
        oui_bytes = [int(part, 16) for part in oui.split(":")]
        if any(oui_bytes[3:]):
            raise _field_error("vtep_mac_oui", oui, "must end in three zero bytes (:00:00:00)")
        if oui_bytes[0] & 1:
            raise _field_error("vtep_mac_oui", oui, "is a multicast address: the first byte must be even")
        self.vtep_mac_oui = oui.lower()
        self.mac_prefix = oui.lower()[:8]

        overlays = config.get("overlays")
        if not isinstance(overlays, list) or not overlays:
            raise _field_error("overlays", overlays, "must be a non-empty list")
        self.overlays = []
        seen = {}
        for position, overlay in enumerate(overlays):
            parsed = self._parse_overlay("overlays[%d]" % position, overlay)
            if parsed["name"] in seen:
                raise _field_error("overlays[%d].name" % position, parsed["name"],
                                   "is used twice (also overlays[%d])" % seen[parsed["name"]])
            seen[parsed["name"]] = position
            self.overlays.append(parsed)
        self._check_overlaps()
        self._ipv4_ranges = [("%s %s" % (label, net), int(net.network_address), int(net.broadcast_address))
                             for label, net in [("vtep_subnet", self.vtep_subnet)] + [
                                 ("overlay %r subnet" % o["name"], o["subnet"]) for o in self.overlays
                                 if o["subnet"] is not None]]

    def _parse_overlay(self, field, overlay):
        if not isinstance(overlay, dict):
            raise _field_error(field, overlay, "is not a dictionary")
        name = overlay.get("name")
        if not isinstance(name, str) or not name:
            raise _field_error(field + ".name", name, "must be a non-empty string")
        if len(name) > MAX_OVERLAY_NAME:
            raise _field_error(field + ".name", name,
                               "is longer than %d characters (bridge names m-<name> must fit "
                               "in 15)" % MAX_OVERLAY_NAME)
        if name.lower() in RESERVED_OVERLAY_NAMES:
            raise _field_error(field + ".name", name,
                               "is reserved (%s)" % ", ".join(RESERVED_OVERLAY_NAMES))
        if not OVERLAY_NAME_RE.match(name):
            raise _field_error(field + ".name", name,
                               "must start with a letter or digit and hold only letters, digits, "
                               "'_', '.' and '-'")
        subnet = overlay.get("subnet")
        prefix = overlay.get("prefix")
        subnet6 = overlay.get("subnet6")
        if subnet in (None, ""):
            # An IPv6-only overlay (DC/OS shipped one, dcos6): no IPv4 subnet, no IPv4 prefix.
            if subnet6 in (None, ""):
                raise _field_error(field + ".subnet", subnet, "is required (or subnet6 for an IPv6-only overlay)")
            if prefix not in (None, ""):
                raise _field_error(field + ".prefix", prefix, "is set but subnet is not")
            subnet = prefix = None
        else:
            subnet = _parse_network(field + ".subnet", subnet, 4)
            prefix = _parse_int(field + ".prefix", prefix, 0, 32)
            _check_prefix(field + ".prefix", prefix, subnet)
        prefix6 = overlay.get("prefix6")
        if subnet6 in (None, ""):
            if prefix6 not in (None, ""):
                raise _field_error(field + ".prefix6", prefix6, "is set but subnet6 is not")
            subnet6 = prefix6 = None
        else:
            subnet6 = _parse_network(field + ".subnet6", subnet6, 6)
            if prefix6 in (None, ""):
                raise _field_error(field + ".prefix6", prefix6, "is required with subnet6")
            prefix6 = _parse_int(field + ".prefix6", prefix6, 0, 128)
            _check_prefix(field + ".prefix6", prefix6, subnet6)
            if self.vtep_subnet6 is None:
                # IPv6 routes to a peer's slice go via its IPv6 VTEP address.
                raise _field_error(field + ".subnet6", str(subnet6), "needs vtep_subnet6 to be set")
        enabled = _parse_bool(field + ".enabled", overlay.get("enabled", True))
        return {"name": name, "subnet": subnet, "prefix": prefix,
                "subnet6": subnet6, "prefix6": prefix6, "enabled": enabled}

    def _check_overlaps(self):
        spaces = [("vtep_subnet", self.vtep_subnet)]
        if self.vtep_subnet6 is not None:
            spaces.append(("vtep_subnet6", self.vtep_subnet6))
        for overlay in self.overlays:
            if overlay["subnet"] is not None:
                spaces.append(("overlay %r subnet" % overlay["name"], overlay["subnet"]))
            if overlay["subnet6"] is not None:
                spaces.append(("overlay %r subnet6" % overlay["name"], overlay["subnet6"]))
        for i, (label_a, net_a) in enumerate(spaces):
            for label_b, net_b in spaces[i + 1:]:
                if net_a.version == net_b.version and net_a.overlaps(net_b):
                    raise AllocationError("%s %s overlaps %s %s" % (label_a, net_a, label_b, net_b))

    def contains_address(self, address):
        """The label of the IPv4 overlay address space that holds this address (an int), or None."""
        for label, start, end in self._ipv4_ranges:
            if start <= address <= end:
                return label
        return None

    def as_dict(self):
        return {
            "vtep_subnet": str(self.vtep_subnet),
            "vtep_subnet6": None if self.vtep_subnet6 is None else str(self.vtep_subnet6),
            "vtep_mac_oui": self.vtep_mac_oui.upper(),
            "overlays": [{
                "name": o["name"],
                "subnet": None if o["subnet"] is None else str(o["subnet"]),
                "prefix": o["prefix"],
                "subnet6": None if o["subnet6"] is None else str(o["subnet6"]),
                "prefix6": o["prefix6"],
                "enabled": o["enabled"],
            } for o in self.overlays],
        }


# ---------------------------------------------------------------------------------------
# Members and state
# ---------------------------------------------------------------------------------------

def _parse_members(members, network):
    if not isinstance(members, (list, tuple)):
        raise _field_error("members", members, "is not a list")
    by_name = {}
    by_ip = {}
    for position, member in enumerate(members):
        field = "members[%d]" % position
        if not isinstance(member, dict):
            raise _field_error(field, member, "is not a dictionary")
        name = member.get("name")
        if not isinstance(name, str) or not name:
            raise _field_error(field + ".name", name, "must be a non-empty string")
        if name in by_name:
            raise _field_error(field + ".name", name, "is listed twice")
        ip = member.get("ip")
        underlay = _parse_cidr(ip)
        if underlay is None or underlay[0] != 4 or underlay[2] is not None:
            raise _field_error(field + ".ip", ip, "is not an IPv4 address (member %s)" % name)
        address = _format_ipv4(underlay[1])
        inside = network.contains_address(underlay[1])
        if inside:
            raise _field_error(field + ".ip", ip, "lies inside the %s: the underlay must be "
                               "outside the overlay address spaces (member %s)" % (inside, name))
        if address in by_ip:
            raise _field_error(field + ".ip", ip, "is also the address of member %s" % by_ip[address])
        by_ip[address] = name
        role = member.get("role")
        if role not in ROLES:
            raise _field_error(field + ".role", role, "must be one of %s (member %s)" % (", ".join(ROLES), name))
        by_name[name] = {"ip": address, "role": role}
    return by_name


def _load_address(field, value, pool, version):
    """The pool index of a single address 'a.b.c.d/len' read from the state."""
    parsed = _parse_cidr(value)
    if parsed is None or parsed[2] is None:
        raise _field_error(field, value, "in the state is not an address with a prefix length")
    if parsed[0] != version:
        raise _field_error(field, value, "in the state is not an IPv%d address" % version)
    index = pool.index_of(parsed[1])
    if index is None:
        raise _field_error(field, value, "in the state is not a host address of the current %s" % pool.label)
    return index


def _load_slice(field, value, pool, version):
    """The pool index of a slice 'n.n.n.n/prefix' read from the state."""
    parsed = _parse_cidr(value)
    if parsed is None or parsed[2] is None:
        raise _field_error(field, value, "in the state is not a network")
    if parsed[0] != version or parsed[2] != pool.block_prefix:
        raise _field_error(field, value, "in the state is not a /%d slice of the current %s"
                           % (pool.block_prefix, pool.label))
    # index_of also refuses an address that is not the start of a slice (host bits set).
    index = pool.index_of(parsed[1])
    if index is None:
        raise _field_error(field, value, "in the state lies outside the current %s" % pool.label)
    return index


class _Holder:
    """What one member holds: pool indexes, and where they came from (for error messages)."""

    __slots__ = ("name", "ip", "role", "vtep", "vtep6", "slices")

    def __init__(self, name, ip, role):
        self.name = name
        self.ip = ip
        self.role = role
        self.vtep = None
        self.vtep6 = None
        self.slices = {}  # (overlay name, 4 or 6) -> index


def _claim(pool, index, holder, field, value, owners):
    owner = owners.get(index)
    if owner is not None:
        raise _field_error(field, value, "in the state is also held by %s: the state is corrupt" % owner)
    owners[index] = holder.name
    pool.used.add(index)


STATE_FORMAT = 2


def _state_member(field, entry):
    """One member of a saved state, in the current format, from either format."""
    if not isinstance(entry, dict):
        raise _field_error(field, entry, "is not a dictionary")
    if entry.get("role") not in ROLES or not isinstance(entry.get("ip"), str):
        raise _field_error(field, {"ip": entry.get("ip"), "role": entry.get("role")},
                           "needs an 'ip' string and a 'role' of %s" % ", ".join(ROLES))
    if "vtep" in entry:
        # Format 1 (mesos.overlay 1.0.0) stored the whole view: keep what was allocated.
        vtep = entry.get("vtep")
        if not isinstance(vtep, dict):
            raise _field_error(field + ".vtep", vtep, "is not a dictionary")
        vtep_ip, vtep_ip6 = vtep.get("ip"), vtep.get("ip6")
    else:
        vtep_ip, vtep_ip6 = entry.get("vtep_ip"), entry.get("vtep_ip6")
    if not vtep_ip:
        raise _field_error(field + (".vtep.ip" if "vtep" in entry else ".vtep_ip"), vtep_ip, "is missing")
    overlays = entry.get("overlays") or {}
    if not isinstance(overlays, dict):
        raise _field_error(field + ".overlays", overlays, "is not a dictionary")
    slices = {}
    for overlay_name in sorted(overlays):
        slot = overlays[overlay_name]
        if not isinstance(slot, dict):
            raise _field_error(field + ".overlays." + overlay_name, slot, "is not a dictionary")
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
        raise _field_error("state", type(state).__name__, "is not a state this collection wrote "
                           "(a dictionary with a 'members' or 'agents' dictionary)")
    if isinstance(state.get("state"), dict):
        return normalize_state(state["state"])
    version = state.get("format", STATE_FORMAT if "members" in state else 1)
    if version not in (1, STATE_FORMAT):
        raise _field_error("state.format", version, "is not a state format this version reads (1 or %d): "
                           "was it written by a newer mesos.overlay?" % STATE_FORMAT)
    key = "members" if version == STATE_FORMAT else "agents"
    entries = state.get(key, {})
    if not isinstance(entries, dict):
        raise _field_error("state." + key, type(entries).__name__, "is not a dictionary")
    network = state.get("network") or {}
    if not isinstance(network, dict):
        raise _field_error("state.network", network, "is not a dictionary")
    return {
        "format": STATE_FORMAT,
        "network": network,
        "members": {name: _state_member("state.%s.%s" % (key, name), entries[name]) for name in sorted(entries)},
    }


def _load_state(state, network, pools):
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
        holder = _Holder(name, entry["ip"], entry["role"])
        holder.vtep = _load_address(field + vtep_field, entry["vtep_ip"], pools["vtep"], 4)
        _claim(pools["vtep"], holder.vtep, holder, field + vtep_field, entry["vtep_ip"], owners["vtep"])
        if entry["vtep_ip6"] and "vtep6" in pools:
            holder.vtep6 = _load_address(field + vtep6_field, entry["vtep_ip6"], pools["vtep6"], 6)
            _claim(pools["vtep6"], holder.vtep6, holder, field + vtep6_field, entry["vtep_ip6"], owners["vtep6"])
        for overlay_name, slot in entry["overlays"].items():
            if overlay_name not in configured:
                raise _field_error(field + ".overlays", overlay_name,
                                   "holds allocations in the state but is not in the configuration: "
                                   "keep it with 'enabled: false' instead of deleting it")
            for version, key in ((4, "subnet"), (6, "subnet6")):
                pool_key = (overlay_name, version)
                value = slot.get(key)
                if not value or pool_key not in pools:
                    continue
                sub_field = "%s.overlays.%s.%s" % (field, overlay_name, key)
                index = _load_slice(sub_field, value, pools[pool_key], version)
                _claim(pools[pool_key], index, holder, sub_field, value, owners[pool_key])
                holder.slices[pool_key] = index
        holders[name] = holder
    return holders


def _build_pools(network):
    pools = {
        "vtep": Pool("vtep_subnet %s" % network.vtep_subnet, network.vtep_subnet, 32,
                     skip_first=True, skip_last=True),
    }
    if network.vtep_subnet6 is not None:
        pools["vtep6"] = Pool("vtep_subnet6 %s" % network.vtep_subnet6, network.vtep_subnet6, 128,
                              skip_first=True)
    for overlay in network.overlays:
        name = overlay["name"]
        if overlay["subnet"] is not None:
            pools[(name, 4)] = Pool("overlay %r subnet %s" % (name, overlay["subnet"]),
                                    overlay["subnet"], overlay["prefix"])
        if overlay["subnet6"] is not None:
            pools[(name, 6)] = Pool("overlay %r subnet6 %s" % (name, overlay["subnet6"]),
                                    overlay["subnet6"], overlay["prefix6"])
    return pools


# ---------------------------------------------------------------------------------------
# Allocation
# ---------------------------------------------------------------------------------------

def _check_capacity(pool, missing):
    """Fail before allocating anything when the pool cannot serve every member that needs it."""
    demand = len(pool.used) + missing
    if demand > pool.capacity:
        raise AllocationError("%s is full: its capacity is %d and the demand is %d (%d already "
                              "allocated, %d members need one more)"
                              % (pool.label, pool.capacity, demand, len(pool.used), missing))


def _record(holder, network, pools):
    """What a member holds, as saved in the state (format 2): nothing that can be derived."""
    overlays = {}
    for overlay in network.overlays:
        name = overlay["name"]
        index = holder.slices.get((name, 4))
        index6 = holder.slices.get((name, 6))
        if index is None and index6 is None:
            continue
        overlays[name] = {
            "subnet": None if index is None else pools[(name, 4)].cidr(index),
            "subnet6": None if index6 is None else pools[(name, 6)].cidr(index6),
        }
    return {
        "ip": holder.ip,
        "role": holder.role,
        "vtep_ip": "%s/%d" % (_format_ipv4(pools["vtep"].address(holder.vtep)), network.vtep_subnet.prefixlen),
        "vtep_ip6": None if holder.vtep6 is None else "%s/%d" % (
            _format_ipv6(pools["vtep6"].address(holder.vtep6)), network.vtep_subnet6.prefixlen),
        "overlays": overlays,
    }


def _halves(cidr):
    """The Mesos and the Docker half of a slice 'address/len', as 'address/len+1' strings."""
    if not cidr:
        return None, None
    version, start, length = _parse_cidr(cidr)
    bits = 32 if version == 4 else 128
    fmt = _format_ipv4 if version == 4 else _format_ipv6
    suffix = "/%d" % (length + 1)
    return fmt(start) + suffix, fmt(start + (1 << (bits - length - 1))) + suffix


def member_entry(network, record):
    """A member's entry of ``allocate``'s ``agents`` mapping, derived from what it holds.

    The one place where the MAC, the VTEP name and VNI, the bridge names and the halves are
    derived: ``allocate``, the per-host view and the reports all go through it.
    ``network`` is a validated Network, ``record`` a member of a state in the current format.
    """
    vtep_address = _parse_cidr(record["vtep_ip"])[1]
    mac = "%s:%02x:%02x:%02x" % (network.mac_prefix, (vtep_address >> 16) & 0xFF,
                                 (vtep_address >> 8) & 0xFF, vtep_address & 0xFF)
    is_agent = record["role"] == "agent"
    overlays = {}
    held = record.get("overlays") or {}
    for overlay in network.overlays:
        name = overlay["name"]
        slot = held.get(name)
        if not slot:
            continue
        entry = {
            "subnet": slot.get("subnet"),
            "subnet6": slot.get("subnet6"),
            "enabled": overlay["enabled"],
            "mesos_bridge": None,
            "docker_bridge": None,
        }
        if is_agent:
            mesos4, docker4 = _halves(slot.get("subnet"))
            mesos6, docker6 = _halves(slot.get("subnet6"))
            entry["mesos_bridge"] = {"name": MESOS_BRIDGE_PREFIX + name, "ip": mesos4, "ip6": mesos6}
            entry["docker_bridge"] = {"name": DOCKER_BRIDGE_PREFIX + name, "ip": docker4, "ip6": docker6}
        overlays[name] = entry
    return {
        "ip": record["ip"],
        "role": record["role"],
        "vtep": {"name": VTEP_NAME, "vni": VTEP_VNI, "ip": record["vtep_ip"], "ip6": record.get("vtep_ip6"),
                 "mac": mac},
        "overlays": overlays,
    }


def masters_of(members):
    """The underlay addresses of the masters among ``members`` ({name: entry or record}), by name.

    Kept in the allocation once, so that each host's view does not scan every member for them.
    """
    return [members[name]["ip"] for name in sorted(members) if members[name]["role"] == "master"]


def allocate(config, members, state=None, release=None):
    """Allocate VTEPs and overlay slices to every member; keep what ``state`` holds.

    Returns ``{"network": <normalised config>, "agents": {name: entry}, "masters": [underlay
    addresses by name], "released": [names],
    "state": <what to save>}`` with ``agents`` in name order, so equal inputs give
    byte-identical JSON. ``state`` holds only what was allocated (see ``normalize_state``);
    ``agents`` is every member's entry derived from it by ``member_entry``.
    Raises AllocationError, naming the field and the value, before anything is allocated.
    """
    # The run builds hundreds of thousands of small acyclic dicts: pausing the cyclic
    # collector keeps the time linear in the member count (it would rescan them all).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _allocate(config, members, state, release)
    finally:
        if collecting:
            gc.enable()


def _allocate(config, members, state, release):
    network = Network(config)
    current = _parse_members(members, network)
    if release is None:
        release = []
    if isinstance(release, str):
        release = [release]
    if not isinstance(release, (list, tuple, set)):
        raise _field_error("release", release, "is not a list of names")
    for name in release:
        if name in current:
            raise _field_error("release", name, "is still a member: remove it from the inventory "
                               "before releasing its allocation")

    pools = _build_pools(network)
    holders = _load_state(state, network, pools)
    released = sorted(name for name in set(release) if name in holders)
    for name in released:
        holder = holders.pop(name)
        # Free the slots so that later members can reuse them (lowest free first).
        pools["vtep"].used.discard(holder.vtep)
        if holder.vtep6 is not None:
            pools["vtep6"].used.discard(holder.vtep6)
        for key, index in holder.slices.items():
            pools[key].used.discard(index)

    # Present members keep their slots; their underlay IP and role follow the inventory.
    for name, member in current.items():
        holder = holders.get(name)
        if holder is None:
            holders[name] = _Holder(name, member["ip"], member["role"])
        else:
            holder.ip, holder.role = member["ip"], member["role"]

    # New allocations go to present members only, masters first, then agents, by name.
    ordered = sorted((holders[name] for name in current),
                     key=lambda h: (ROLES.index(h.role), h.name))
    _check_capacity(pools["vtep"], sum(1 for h in ordered if h.vtep is None))
    if "vtep6" in pools:
        _check_capacity(pools["vtep6"], sum(1 for h in ordered if h.vtep6 is None))
    wanted_slices = [(o["name"], version) for o in network.overlays if o["enabled"]
                     for version in (4, 6) if (o["name"], version) in pools]
    for key in wanted_slices:
        _check_capacity(pools[key], sum(1 for h in ordered if key not in h.slices))

    for holder in ordered:
        if holder.vtep is None:
            holder.vtep = pools["vtep"].take_lowest()
        if holder.vtep6 is None and "vtep6" in pools:
            holder.vtep6 = pools["vtep6"].take_lowest()
    for key in wanted_slices:
        pool = pools[key]
        for holder in ordered:
            if key not in holder.slices:
                holder.slices[key] = pool.take_lowest()

    records = {name: _record(holders[name], network, pools) for name in sorted(holders)}
    return {
        "network": network.as_dict(),
        "agents": {name: member_entry(network, records[name]) for name in records},
        "masters": masters_of(records),
        "released": released,
        "state": {"format": STATE_FORMAT, "network": network.as_dict(), "members": records},
    }


def _holdings(record):
    """The allocations a state member holds, compared when masters' copies are merged."""
    holdings = {"vtep_ip": record["vtep_ip"], "vtep_ip6": record["vtep_ip6"]}
    for name, slot in record["overlays"].items():
        holdings["overlays.%s.subnet" % name] = slot.get("subnet")
        holdings["overlays.%s.subnet6" % name] = slot.get("subnet6")
    return holdings


def merge_states(saved):
    """One state (current format) from the copies saved on every master.

    ``saved`` is a list of ``{"host": master, "path": file, "content": text or None}`` (None:
    no file yet), or the results of ``slurp`` looped over the masters (``item`` is the host,
    ``source`` the path, ``content`` base64; a failed item means no file). Copies of either
    state format are read. Identical copies give that copy; copies that differ are merged
    member by member when they never contradict each other (one master missed a run, or a new
    master has none); a copy that is not JSON, or two copies that give one member different
    allocations, raise AllocationError naming the hosts, the member and the values.
    """
    copies = []
    for item in saved or []:
        host = item.get("host") or item.get("item")
        path = item.get("path") or item.get("source")
        content = None if item.get("failed") else item.get("content")
        if content in (None, ""):
            continue
        if item.get("encoding") == "base64":
            try:
                content = base64.b64decode(content).decode("utf-8")
            except (ValueError, UnicodeDecodeError) as exc:
                raise AllocationError("the state file %s on %s is corrupt (%s)" % (path, host, exc))
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
            mine, theirs = _holdings(members[name]), _holdings(record)
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
