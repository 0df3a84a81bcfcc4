#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vxlan_link
short_description: The VXLAN tunnel endpoint (VTEP) of a Mesos overlay host
version_added: 1.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Creates, reconciles or removes the VXLAN device that joins a host to the Mesos overlay network,
    as dcos-net did on every DC/OS host.
  - What the kernel can change in place is changed in place (MTU, MAC, addresses, learning, up).
    The device is recreated only when the VNI, UDP port, underlay source address or underlay device
    differ, because the kernel refuses to change those; the result says so in RV(recreated) and RV(reasons).
  - The MAC is only written when it differs, since rewriting it flushes the permanent neighbour entries.
  - Runs C(ip) from iproute2 with argument lists and reads its JSON output; needs nothing else on the host.
options:
  name:
    description: Name of the device.
    type: str
    default: vtep1024
  vni:
    description: VXLAN network identifier, 1 to 16777215.
    type: int
    default: 1024
  port:
    description: UDP destination port of the tunnel, 1 to 65535.
    type: int
    default: 64000
  mac:
    description:
      - MAC address of the device (unicast). Left as the kernel chose it when not given.
    type: str
  mtu:
    description: MTU of the device, 68 to 65535. Left alone when not given.
    type: int
  addresses:
    description:
      - The exact set of addresses, with prefix lengths, that the device holds (IPv4 and IPv6);
        others are removed. The kernel's own IPv6 link-local address is left alone.
      - An IPv6 address turns IPv6 on for this device only (C(disable_ipv6=0)) and is added without
        duplicate address detection, since the overlay allocation already makes it unique.
    type: list
    elements: str
    default: []
  local:
    description: Underlay IPv4 source address of the tunnel.
    type: str
  dev:
    description: Underlay device the tunnel sends through; must exist.
    type: str
  learning:
    description: Whether the device learns remote MACs from traffic. Off for the overlay, which programs them.
    type: bool
    default: false
  state:
    description: Whether the device should exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Reports what would change, runs nothing that changes the host.
  diff_mode:
    support: full
    description: Shows the device before and after.
notes:
  - Needs C(CAP_NET_ADMIN) (root) on the host. Writing C(disable_ipv6) needs a writable C(/proc/sys).
seealso:
  - module: mesos.overlay.vxlan_peers
"""

EXAMPLES = r"""
- name: Bring up the VTEP of this host
  mesos.overlay.vxlan_link:
    name: vtep1024
    vni: 1024
    port: 64000
    mac: "70:b3:d5:80:00:02"
    mtu: 1450
    addresses:
      - 44.128.0.2/20
      - fd01:a::2/64

- name: Remove it
  mesos.overlay.vxlan_link:
    name: vtep1024
    state: absent
"""

RETURN = r"""
device:
  description: The device after the run (in check mode, as it would be). Empty when absent.
  returned: always
  type: dict
  sample:
    name: vtep1024
    ifindex: 7
    vni: 1024
    port: 64000
    local: null
    dev: null
    learning: false
    mac: "70:b3:d5:80:00:02"
    mtu: 1450
    up: true
    addresses: [44.128.0.2/20, fd01:a::2/64]
recreated:
  description: Whether the device was (or would be) deleted and created again.
  returned: always
  type: bool
reasons:
  description: Why the device was created or recreated, one line a difference.
  returned: always
  type: list
  elements: str
  sample: ["vni: 1025 -> 1024"]
commands:
  description: The commands run (in check mode, that would be run).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._iproute import (
    IPRoute, ValueProblem, normalize_mac, parse_address, parse_interface)


class VxlanLink:
    """Compares the device with the options and makes them equal, recreating only when needed."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.iproute = IPRoute(module)
        self.name = self.params["name"]

    def validate(self):
        """Every option checked before anything is touched."""
        params = self.params
        if not 1 <= params["vni"] <= 16777215:
            raise ValueProblem("vni: %r is out of range 1-16777215" % params["vni"])
        if not 1 <= params["port"] <= 65535:
            raise ValueProblem("port: %r is out of range 1-65535" % params["port"])
        if params["mtu"] is not None and not 68 <= params["mtu"] <= 65535:
            raise ValueProblem("mtu: %r is out of range 68-65535" % params["mtu"])
        if not self.name or len(self.name) > 15 or "/" in self.name or " " in self.name:
            raise ValueProblem("name: %r is not a valid interface name" % self.name)
        self.mac = None if params["mac"] is None else normalize_mac("mac", params["mac"])
        self.addresses = sorted({str(parse_interface("addresses", a)) for a in params["addresses"]})
        self.local = None if params["local"] is None else str(parse_address("local", params["local"], 4))
        if params["dev"] is not None and params["state"] == "present" and self.iproute.link(params["dev"]) is None:
            raise ValueProblem("dev: %r: there is no such device on this host" % params["dev"])

    def current(self):
        link = self.iproute.link(self.name)
        if link is None:
            return None
        info = link.get("linkinfo", {})
        if info.get("info_kind") != "vxlan":
            self.module.fail_json(msg="%s exists but is a %s device, not vxlan: remove it or choose another name"
                                  % (self.name, info.get("info_kind") or "plain"))
        data = info.get("info_data", {})
        dev = None
        if data.get("link") is not None:
            dev = data["link"] if isinstance(data["link"], str) else self.iproute.link_name(data["link"])
        return {
            "name": self.name,
            "ifindex": link.get("ifindex"),
            "vni": data.get("id"),
            "port": data.get("port"),
            "local": data.get("local"),
            "dev": dev,
            "learning": bool(data.get("learning")),
            "mac": (link.get("address") or "").lower(),
            "mtu": link.get("mtu"),
            "up": "UP" in link.get("flags", []),
            "addresses": sorted(self.iproute.addresses(self.name)),
        }

    def wanted(self, before):
        """The device as it should be; unset options keep what is there."""
        keep = before or {}
        return {
            "name": self.name,
            "ifindex": keep.get("ifindex"),
            "vni": self.params["vni"],
            "port": self.params["port"],
            "local": self.local,
            "dev": self.params["dev"],
            "learning": self.params["learning"],
            "mac": self.mac or keep.get("mac"),
            "mtu": self.params["mtu"] or keep.get("mtu"),
            "up": True,
            "addresses": self.addresses,
        }

    def create(self, want):
        argv = [self.iproute.ip, "link", "add", self.name, "type", "vxlan", "id", str(want["vni"]),
                "dstport", str(want["port"])]
        if want["local"]:
            argv += ["local", want["local"]]
        if want["dev"]:
            argv += ["dev", want["dev"]]
        argv.append("learning" if want["learning"] else "nolearning")
        self.iproute.change(*argv)

    def reconcile(self, have, want):
        """In-place changes: learning, MAC, MTU, addresses, up."""
        ip = self.iproute.ip
        if have["learning"] != want["learning"]:
            self.iproute.change(ip, "link", "set", self.name, "type", "vxlan",
                                "learning" if want["learning"] else "nolearning")
        if want["mac"] and have["mac"] != want["mac"]:
            self.iproute.change(ip, "link", "set", "dev", self.name, "address", want["mac"])
        if want["mtu"] and have["mtu"] != want["mtu"]:
            self.iproute.change(ip, "link", "set", "dev", self.name, "mtu", str(want["mtu"]))
        if any(":" in address for address in want["addresses"]):
            self.iproute.enable_ipv6(self.name)
        for address in have["addresses"]:
            if address not in want["addresses"]:
                self.iproute.change(ip, "addr", "del", address, "dev", self.name)
        for address in want["addresses"]:
            if address not in have["addresses"]:
                argv = [ip, "addr", "add", address, "dev", self.name]
                if ":" in address:
                    argv.append("nodad")
                self.iproute.change(*argv)
        if not have["up"]:
            self.iproute.change(ip, "link", "set", "dev", self.name, "up")

    def run(self):
        self.validate()
        before = self.current()
        result = {"changed": False, "recreated": False, "reasons": [], "device": before or {}}
        if self.params["state"] == "absent":
            if before is not None:
                self.iproute.change(self.iproute.ip, "link", "del", self.name)
            result["device"] = {}
            after = {}
        else:
            want = self.wanted(before)
            have = before
            if before is not None:
                for key in ("vni", "port", "local", "dev"):
                    if before[key] != want[key]:
                        result["reasons"].append("%s: %s -> %s" % (key, before[key], want[key]))
                if result["reasons"]:
                    # The kernel cannot change these in place.
                    self.iproute.change(self.iproute.ip, "link", "del", self.name)
                    result["recreated"] = True
                    have = None
            else:
                result["reasons"].append("%s does not exist" % self.name)
            if have is None:
                self.create(want)
                # A new device: kernel-chosen MAC and MTU, no addresses, down.
                have = dict(want, mac=None, mtu=None, addresses=[], up=False, learning=want["learning"])
            self.reconcile(have, want)
            after = self.current() if not self.module.check_mode else want
            if after is None:
                self.module.fail_json(msg="%s vanished after it was configured" % self.name)
            result["device"] = after
        result["commands"] = self.iproute.commands
        result["changed"] = bool(self.iproute.commands)
        if self.module._diff:
            result["diff"] = {"before": before or {}, "after": after or {},
                              "before_header": self.name, "after_header": self.name}
        return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", default="vtep1024"),
            vni=dict(type="int", default=1024),
            port=dict(type="int", default=64000),
            mac=dict(type="str"),
            mtu=dict(type="int"),
            addresses=dict(type="list", elements="str", default=[]),
            local=dict(type="str"),
            dev=dict(type="str"),
            learning=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    try:
        result = VxlanLink(module).run()
    except ValueProblem as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
