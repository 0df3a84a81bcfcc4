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
    differ, because the kernel refuses to change those; the result says so in RV(recreated) and in the
    C(reason) of the C(device) change in RV(changes).
  - Reads the device, computes every change as data, then applies them; check mode and diff come from that plan.
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
changes:
  description:
    - What differed and was (in check mode, would be) changed, in the order applied. Each C({kind, key, action,
      before, after}) and, for a recreation, C(reason). C(kind) is C(device), C(learning), C(mac), C(mtu),
      C(address), C(sysctl) or C(up); C(action) is C(add), C(change) or C(remove).
  returned: always
  type: list
  elements: dict
  sample:
    - {kind: device, key: vtep1024, action: change, before: {vni: 1025}, after: {vni: 1024}, reason: "vni: 1025 -> 1024"}
    - {kind: address, key: 44.128.0.2/20, action: add, before: null, after: 44.128.0.2/20}
commands:
  description: The commands run (in check mode, that would be run).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, Plan, argv_text
from ansible_collections.mesos.overlay.plugins.module_utils._iproute import (
    WRITE, IPRoute, normalize_mac, parse_address, parse_interface)

# What the kernel cannot change on an existing VXLAN device: a difference means recreating it.
FIXED = ("vni", "port", "local", "dev")


class VxlanLink:
    """Reads the device, plans what differs from the options, then applies the plan."""

    def __init__(self, module, iproute=None):
        self.module = module
        self.params = module.params
        self.iproute = iproute or IPRoute(module)
        self.name = self.params["name"]

    def validate(self):
        """Every option checked before anything is read or touched."""
        params = self.params
        if not 1 <= params["vni"] <= 16777215:
            raise ParameterError("vni: %r is out of range 1-16777215" % params["vni"])
        if not 1 <= params["port"] <= 65535:
            raise ParameterError("port: %r is out of range 1-65535" % params["port"])
        if params["mtu"] is not None and not 68 <= params["mtu"] <= 65535:
            raise ParameterError("mtu: %r is out of range 68-65535" % params["mtu"])
        if not self.name or len(self.name) > 15 or "/" in self.name or " " in self.name:
            raise ParameterError("name: %r is not a valid interface name" % self.name)
        self.mac = None if params["mac"] is None else normalize_mac("mac", params["mac"])
        self.addresses = sorted({str(parse_interface("addresses", a)) for a in params["addresses"]})
        self.local = None if params["local"] is None else str(parse_address("local", params["local"], 4))
        if params["dev"] is not None and params["state"] == "present" and self.iproute.link(params["dev"]) is None:
            raise ParameterError("dev: %r: there is no such device on this host" % params["dev"])

    def current(self):
        link = self.iproute.link(self.name)
        if link is None:
            return None
        info = link.get("linkinfo", {})
        if info.get("info_kind") != "vxlan":
            raise ParameterError("name: %s exists but is a %s device, not vxlan: remove it or choose another name"
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

    def _create_argv(self, want):
        argv = [self.iproute.ip, "link", "add", self.name, "type", "vxlan", "id", str(want["vni"]),
                "dstport", str(want["port"])]
        if want["local"]:
            argv += ["local", want["local"]]
        if want["dev"]:
            argv += ["dev", want["dev"]]
        argv.append("learning" if want["learning"] else "nolearning")
        return argv

    def plan(self, before):
        """The whole list of changes from ``before`` (None: no device) to the options."""
        plan = Plan()
        ip = self.iproute.ip
        if self.params["state"] == "absent":
            if before is not None:
                plan.add("device", self.name, _fixed(before), None, commands=[[ip, "link", "del", self.name]])
            return plan
        want = self.wanted(before)
        have = before
        if before is not None:
            differs = [key for key in FIXED if before[key] != want[key]]
            if differs:
                # The kernel cannot change these in place; recreating flushes the device's entries.
                plan.add("device", self.name, _fixed(before), _fixed(want),
                         reason="; ".join("%s: %s -> %s" % (key, before[key], want[key]) for key in differs),
                         commands=[[ip, "link", "del", self.name], self._create_argv(want)])
                have = None
        else:
            plan.add("device", self.name, None, _fixed(want), reason="%s does not exist" % self.name,
                     commands=[self._create_argv(want)])
        if have is None:
            # A new device: kernel-chosen MAC and MTU, no addresses, down.
            have = dict(want, mac=None, mtu=None, addresses=[], up=False)
        if have["learning"] != want["learning"]:
            plan.add("learning", self.name, have["learning"], want["learning"],
                     commands=[[ip, "link", "set", self.name, "type", "vxlan",
                                "learning" if want["learning"] else "nolearning"]])
        if want["mac"] and have["mac"] != want["mac"]:
            plan.add("mac", self.name, have["mac"], want["mac"],
                     commands=[[ip, "link", "set", "dev", self.name, "address", want["mac"]]])
        if want["mtu"] and have["mtu"] != want["mtu"]:
            plan.add("mtu", self.name, have["mtu"], want["mtu"],
                     commands=[[ip, "link", "set", "dev", self.name, "mtu", str(want["mtu"])]])
        if any(":" in address for address in want["addresses"]):
            self._plan_ipv6(plan, exists=before is not None and have is before)
        for address in have["addresses"]:
            if address not in want["addresses"]:
                plan.add("address", address, address, None, commands=[[ip, "addr", "del", address, "dev", self.name]])
        for address in want["addresses"]:
            if address not in have["addresses"]:
                argv = [ip, "addr", "add", address, "dev", self.name]
                if ":" in address:
                    argv.append("nodad")  # the allocation already makes it unique
                plan.add("address", address, None, address, commands=[argv])
        if not have["up"]:
            plan.add("up", self.name, False, True, commands=[[ip, "link", "set", "dev", self.name, "up"]])
        return plan

    def _plan_ipv6(self, plan, exists):
        """Let the device hold IPv6 addresses: hosts and containers often start new devices with
        disable_ipv6=1. Only this device is touched."""
        path = self.iproute.disable_ipv6_path(self.name)
        # A device about to be created takes the host's default setting.
        disabled = self.iproute.ipv6_disabled(self.name if exists else "default")
        if disabled is None:
            raise ParameterError("addresses: IPv6 addresses are asked for but IPv6 is not available on this host "
                                 "(%s is missing)" % path)
        if disabled:
            plan.add("sysctl", path, "1", "0", commands=[[WRITE, path, "0\n"]])

    def run(self):
        self.validate()
        before = self.current()
        plan = self.plan(before)
        check = self.module.check_mode
        if plan and not check:
            self.iproute.apply(plan.commands())
        if self.params["state"] == "absent":
            after = {}
        elif check or not plan:
            after = self.wanted(before)
        else:
            after = self.current()
            if after is None:
                self.module.fail_json(msg="%s vanished after it was configured" % self.name)
        result = {
            "changed": bool(plan),
            "recreated": any(c.kind == "device" and c.action == "change" for c in plan.changes),
            "changes": plan.as_result(),
            "commands": [argv_text(argv) for argv in plan.commands()],
            "device": after if self.params["state"] == "present" else {},
        }
        if self.module._diff:
            result["diff"] = plan.diff(self.name, before or {}, after or {})
        return result


def _fixed(device):
    return {key: device[key] for key in FIXED}


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
    except ParameterError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
