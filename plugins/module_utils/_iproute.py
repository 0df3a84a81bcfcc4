# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay's modules: iproute2 with argv lists, read through its JSON.

Every call runs `ip` or `bridge` with an argument list (never a shell) and the locale pinned
to C, and reads state with `-j` so that nothing but iproute2 is needed on the host.
Also holds the small value checks the modules share (MAC, CIDR, addresses).
Reads are methods of IPRoute; changes are argv lists in a Plan, applied by IPRoute.apply.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError, argv_text
from ansible_collections.mesos.overlay.plugins.module_utils._host import HostError

MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
# The route protocol number that marks the routes mesos.overlay owns (see vxlan_peers docs):
# not assigned in /etc/iproute2/rt_protos, so no routing daemon claims it.
ROUTE_PROTOCOL = 121
# A batch line is split on blanks and may quote: words holding these go alone.
_BATCH_UNSAFE = re.compile(r"[\s\"'\\#]")


def normalize_mac(option, value):
    """Lower-case unicast MAC, or ParameterError naming the option."""
    mac = str(value).strip().lower().replace("-", ":")
    if not MAC_RE.match(mac):
        raise ParameterError("%s: %r is not a MAC address like 70:b3:d5:80:00:01" % (option, value))
    if int(mac[:2], 16) & 1:
        raise ParameterError("%s: %r is a multicast MAC address" % (option, value))
    if mac == "00:00:00:00:00:00":
        raise ParameterError("%s: %r is the all-zero MAC address" % (option, value))
    return mac


def parse_interface(option, value):
    """An address with its prefix length ('44.128.0.1/20'), as ipaddress.ip_interface."""
    try:
        if "/" not in str(value):
            raise ValueError("no prefix length")
        return ipaddress.ip_interface(str(value))
    except ValueError as exc:
        raise ParameterError("%s: %r is not an address with a prefix length (%s)" % (option, value, exc))


def parse_network(option, value):
    """A network in CIDR form with no host bits set, as ipaddress.ip_network."""
    try:
        return ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise ParameterError("%s: %r is not a network in CIDR form (%s)" % (option, value, exc))


def parse_address(option, value, version=None):
    """A single address with no prefix length, as ipaddress.ip_address."""
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        raise ParameterError("%s: %r is not an IP address" % (option, value))
    if version is not None and address.version != version:
        raise ParameterError("%s: %r is not an IPv%d address" % (option, value, version))
    return address


# A plan step that writes a file under /proc/sys instead of running a command.
WRITE = "@write"


class IPRoute:
    """Reads the host through iproute2's JSON and applies a module's plan.

    Every read and command goes through ``Host.run`` with argv lists and the locale
    pinned; files under /proc/sys through ``read_text``/``write_text``. Unit tests replace
    these with recorded answers.
    """

    def __init__(self, host):
        self.host = host
        self.ip = host.require("ip", "the iproute2 package")
        self.bridge = host.require("bridge", "the iproute2 package")
        self.environ = {"LC_ALL": "C", "LANG": "C"}

    def _run(self, argv, check=True):
        rc, out, err = self.host.run(argv, env=self.environ)
        if check and rc != 0:
            raise HostError("%s failed: %s" % (argv_text(argv), (err or out).strip()),
                            rc=rc, stdout=out, stderr=err, cmd=argv)
        return rc, out, err

    def query(self, argv, missing_ok=False):
        """JSON of `ip -j ...` or `bridge -j ...`; [] when missing_ok and the object is absent."""
        rc, out, err = self._run(argv, check=not missing_ok)
        if rc != 0:
            return []
        try:
            return json.loads(out) if out.strip() else []
        except ValueError as exc:
            raise HostError("could not read the JSON of %s: %s" % (argv_text(argv), exc))

    @staticmethod
    def read_text(path):
        """A file's text, or None when it does not exist."""
        try:
            with open(path) as handle:
                return handle.read()
        except (IOError, OSError):
            return None

    @staticmethod
    def write_text(path, text):
        with open(path, "w") as handle:
            handle.write(text)

    def apply(self, commands):
        """Run the commands of a plan in order, each run of consecutive ``ip`` (or ``bridge``)
        commands in one ``-batch`` process; the first that fails stops the run, named."""
        for group in self._groups(commands):
            if group[0] and group[0][0] == WRITE:
                argv = group[0]
                try:
                    self.write_text(argv[1], argv[2])
                except (IOError, OSError) as exc:
                    raise HostError("could not write %s: %s (is /proc/sys read-only?)" % (argv[1], exc))
            elif len(group) == 1:
                self._run(group[0])
            else:
                self._run_batch(group)

    def _groups(self, commands):
        """Consecutive commands of one binary that a batch line can carry, as lists; anything
        else (a file write, a word with a blank or a quote) in a list of its own."""
        groups = []
        open_binary = None  # the binary of the last group, while it can take more lines
        for argv in commands:
            binary = argv[0] if argv else None
            batchable = binary in (self.ip, self.bridge) and all(
                str(part) and not _BATCH_UNSAFE.search(str(part)) for part in argv)
            if batchable and binary == open_binary:
                groups[-1].append(argv)
            else:
                groups.append([argv])
            open_binary = binary if batchable else None
        return groups

    def _run_batch(self, group):
        """One ``ip -batch -`` (or ``bridge -batch -``) for the group; iproute2 stops at the
        first line that fails and names it (``Command failed -:N``), which maps back to the plan."""
        binary = group[0][0]
        lines = [" ".join(str(part) for part in argv[1:]) for argv in group]
        rc, out, err = self.host.run([binary, "-batch", "-"], env=self.environ,
                                     data="\n".join(lines) + "\n")
        if rc == 0:
            return
        failed = re.search(r"Command failed -:(\d+)", err or "")
        if failed and 1 <= int(failed.group(1)) <= len(group):
            argv = group[int(failed.group(1)) - 1]
            raise HostError("%s failed: %s" % (argv_text(argv), (err or out).strip()),
                            rc=rc, stdout=out, stderr=err, cmd=argv)
        raise HostError("%s -batch - failed on one of %d commands (%s ... %s): %s"
                        % (binary, len(group), argv_text(group[0]), argv_text(group[-1]),
                           (err or out).strip()), rc=rc, stdout=out, stderr=err)

    # -- reads ---------------------------------------------------------------------------

    def link(self, name):
        """`ip -d link show` of a device, or None when there is no such device."""
        links = self.query([self.ip, "-j", "-d", "link", "show", "dev", name], missing_ok=True)
        return links[0] if links else None

    def link_name(self, ifindex):
        for link in self.query([self.ip, "-j", "link", "show"]):
            if link.get("ifindex") == ifindex:
                return link.get("ifname")
        return None

    def addresses(self, name):
        """Global addresses of a device as 'address/prefixlen' (link-local ones are the kernel's)."""
        result = []
        for link in self.query([self.ip, "-j", "addr", "show", "dev", name]):
            for info in link.get("addr_info", []):
                if info.get("scope") == "link":
                    continue
                result.append("%s/%s" % (info["local"], info["prefixlen"]))
        return result

    def permanent_neighbours(self, name):
        """{address: mac} of the permanent neighbour entries on a device (IPv4 and IPv6)."""
        result = {}
        for entry in self.query([self.ip, "-j", "neigh", "show", "dev", name, "nud", "permanent"]):
            result[entry["dst"]] = (entry.get("lladdr") or "").lower()
        return result

    def permanent_fdb(self, name):
        """{mac: [underlay addresses]} of the device's own permanent forwarding entries."""
        result = {}
        for entry in self.query([self.bridge, "-j", "fdb", "show", "dev", name]):
            if entry.get("state") != "permanent" or "self" not in entry.get("flags", []) or not entry.get("dst"):
                continue
            result.setdefault(entry["mac"].lower(), []).append(entry["dst"])
        return result

    def owned_routes(self, name, family):
        """{destination: gateway} of the routes on a device that carry ROUTE_PROTOCOL."""
        result = {}
        for entry in self.query([self.ip, "-j", "-%d" % family, "route", "show", "dev", name,
                                 "proto", str(ROUTE_PROTOCOL)]):
            dst = entry["dst"]
            if "/" not in dst:
                dst += "/32" if family == 4 else "/128"
            result[str(ipaddress.ip_network(dst))] = entry.get("gateway")
        return result

    # -- sysctl ----------------------------------------------------------------------------

    @staticmethod
    def disable_ipv6_path(name):
        return "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % name

    def ipv6_disabled(self, name):
        """True, False, or None when the host has no IPv6 (or the device does not exist yet)."""
        text = self.read_text(self.disable_ipv6_path(name))
        if text is None:
            return None
        return text.strip() != "0"
