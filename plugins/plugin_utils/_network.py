# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The configuration (``mesos_overlay_network``, the keys of overlay-config.json), validated and
normalised: ``Network``. Nothing is allocated here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError, field_error, parse_bool, parse_int

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


def parse_network(field, value, version):
    if not isinstance(value, str):
        raise field_error(field, value, "is not a CIDR string")
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise field_error(field, value, "is not a valid network (%s)" % exc)
    if network.version != version:
        raise field_error(field, value, "is not an IPv%d network" % version)
    return network


def check_prefix(field, prefix, network):
    max_prefix = MAX_HALF_PREFIX[network.version] - 1
    if prefix < network.prefixlen or prefix > max_prefix:
        raise field_error(
            field, prefix,
            "must lie between the subnet's own prefix length %d and %d, so that each slice "
            "splits into two usable halves" % (network.prefixlen, max_prefix))


class Network:
    """The validated configuration (the keys of the overlay modules' overlay-config.json), normalised."""

    def __init__(self, config):
        if not isinstance(config, dict):
            raise field_error("mesos_overlay_network", config, "is not a dictionary")
        self.vtep_subnet = parse_network("vtep_subnet", config.get("vtep_subnet"), 4)
        if self.vtep_subnet.prefixlen < 8:
            # The MAC carries only the low 24 bits of the VTEP address: a larger subnet
            # could give two hosts the same MAC.
            raise field_error("vtep_subnet", config["vtep_subnet"],
                              "is too large: its prefix length must be 8 or more")
        if self.vtep_subnet.prefixlen > MAX_HALF_PREFIX[4]:
            raise field_error("vtep_subnet", config["vtep_subnet"],
                              "has no room for host addresses: its prefix length must be 30 or less")
        vtep_subnet6 = config.get("vtep_subnet6")
        self.vtep_subnet6 = None
        if vtep_subnet6 not in (None, ""):
            self.vtep_subnet6 = parse_network("vtep_subnet6", vtep_subnet6, 6)
            if self.vtep_subnet6.prefixlen > 127:
                raise field_error("vtep_subnet6", vtep_subnet6, "has no room for host addresses")
        oui = config.get("vtep_mac_oui")
        if not isinstance(oui, str) or not MAC_OUI_RE.match(oui):
            raise field_error("vtep_mac_oui", oui, "is not a MAC address like 70:B3:D5:00:00:00")
        oui_bytes = [int(part, 16) for part in oui.split(":")]
        if any(oui_bytes[3:]):
            raise field_error("vtep_mac_oui", oui, "must end in three zero bytes (:00:00:00)")
        if oui_bytes[0] & 1:
            raise field_error("vtep_mac_oui", oui, "is a multicast address: the first byte must be even")
        self.vtep_mac_oui = oui.lower()
        self.mac_prefix = oui.lower()[:8]

        overlays = config.get("overlays")
        if not isinstance(overlays, list) or not overlays:
            raise field_error("overlays", overlays, "must be a non-empty list")
        self.overlays = []
        seen = {}
        for position, overlay in enumerate(overlays):
            parsed = self._parse_overlay("overlays[%d]" % position, overlay)
            if parsed["name"] in seen:
                raise field_error("overlays[%d].name" % position, parsed["name"],
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
            raise field_error(field, overlay, "is not a dictionary")
        name = overlay.get("name")
        if not isinstance(name, str) or not name:
            raise field_error(field + ".name", name, "must be a non-empty string")
        if len(name) > MAX_OVERLAY_NAME:
            raise field_error(field + ".name", name,
                              "is longer than %d characters (bridge names m-<name> must fit "
                              "in 15)" % MAX_OVERLAY_NAME)
        if name.lower() in RESERVED_OVERLAY_NAMES:
            raise field_error(field + ".name", name,
                              "is reserved (%s)" % ", ".join(RESERVED_OVERLAY_NAMES))
        if not OVERLAY_NAME_RE.match(name):
            raise field_error(field + ".name", name,
                              "must start with a letter or digit and hold only letters, digits, "
                              "'_', '.' and '-'")
        subnet = overlay.get("subnet")
        prefix = overlay.get("prefix")
        subnet6 = overlay.get("subnet6")
        if subnet in (None, ""):
            # An IPv6-only overlay (DC/OS shipped one, dcos6): no IPv4 subnet, no IPv4 prefix.
            if subnet6 in (None, ""):
                raise field_error(field + ".subnet", subnet, "is required (or subnet6 for an IPv6-only overlay)")
            if prefix not in (None, ""):
                raise field_error(field + ".prefix", prefix, "is set but subnet is not")
            subnet = prefix = None
        else:
            subnet = parse_network(field + ".subnet", subnet, 4)
            prefix = parse_int(field + ".prefix", prefix, 0, 32)
            check_prefix(field + ".prefix", prefix, subnet)
        prefix6 = overlay.get("prefix6")
        if subnet6 in (None, ""):
            if prefix6 not in (None, ""):
                raise field_error(field + ".prefix6", prefix6, "is set but subnet6 is not")
            subnet6 = prefix6 = None
        else:
            subnet6 = parse_network(field + ".subnet6", subnet6, 6)
            if prefix6 in (None, ""):
                raise field_error(field + ".prefix6", prefix6, "is required with subnet6")
            prefix6 = parse_int(field + ".prefix6", prefix6, 0, 128)
            check_prefix(field + ".prefix6", prefix6, subnet6)
            if self.vtep_subnet6 is None:
                # IPv6 routes to a peer's slice go via its IPv6 VTEP address.
                raise field_error(field + ".subnet6", str(subnet6), "needs vtep_subnet6 to be set")
        enabled = parse_bool(field + ".enabled", overlay.get("enabled", True))
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
