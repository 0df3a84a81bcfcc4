# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test hosts as network namespaces on one machine, joined by veth pairs to an underlay bridge.

Each host gets an underlay address on eth0 and a bridge `m-dcos` holding the first address of
its Mesos half (this kernel has no dummy driver), so that "an address inside another host's
slice" exists for ping. Ansible reaches a host through a python wrapper that enters its
namespace: every module runs inside the host it configures.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

PREFIX = "mo-it-"
UNDERLAY_NS = PREFIX + "underlay"
# 198.18.0.0/15 is reserved for benchmarking: no real network uses it.
UNDERLAY_NET = "198.18.0.0/24"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The data plane's apply lock (taken by the group plugin, the boot command and the modules run
# in the namespaces, which share this machine's files) is this run's, not /run/mesos-overlay's:
# the tests and benches leave nothing behind there.
_RUN_DIR = tempfile.mkdtemp(prefix="mo-it-run-")
atexit.register(shutil.rmtree, _RUN_DIR, True)
os.environ.setdefault("MESOS_OVERLAY_APPLY_LOCK", os.path.join(_RUN_DIR, "apply.lock"))


def sh(*argv, check=True, netns=None):
    argv = list(argv)
    if netns:
        argv = ["ip", "netns", "exec", netns] + argv
    proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                          env=dict(os.environ, LC_ALL="C"))
    if check and proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), proc.returncode, proc.stderr.strip()))
    return proc


def cleanup():
    """Remove every namespace these tests made, from this run or an earlier one that died."""
    for line in sh("ip", "netns", "list").stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        if name.startswith(PREFIX):
            sh("ip", "netns", "del", name, check=False)


class Host:
    def __init__(self, name, index, workdir):
        self.name = name
        self.netns = PREFIX + name
        self.underlay_ip = str(ipaddress.ip_network(UNDERLAY_NET)[index])
        self.python = os.path.join(workdir, "python-" + name)

    def run(self, *argv, check=True):
        return sh(*argv, check=check, netns=self.netns)

    def json(self, *argv):
        out = self.run(*argv).stdout
        return json.loads(out) if out.strip() else []

    def ping(self, address, size=None, dont_fragment=False):
        argv = ["ping", "-c", "1", "-W", "2"]
        if ":" in address:
            argv.append("-6")
        if size is not None:
            argv += ["-s", str(size)]
        if dont_fragment:
            argv += ["-M", "do"]
        return self.run(*(argv + [address]), check=False).returncode == 0


class Lab:
    """Three (or more) hosts on one underlay bridge."""

    def __init__(self, names, workdir):
        cleanup()
        self.workdir = workdir
        self.hosts = {name: Host(name, i + 1, workdir) for i, name in enumerate(names)}
        sh("ip", "netns", "add", UNDERLAY_NS)
        sh("ip", "link", "add", "br0", "type", "bridge", netns=UNDERLAY_NS)
        sh("ip", "link", "set", "br0", "up", netns=UNDERLAY_NS)
        for host in self.hosts.values():
            sh("ip", "netns", "add", host.netns)
            host.run("ip", "link", "set", "lo", "up")
            sh("ip", "link", "add", "eth0", "netns", host.netns, "type", "veth", "peer", "name", "p-" + host.name,
               "netns", UNDERLAY_NS)
            sh("ip", "link", "set", "p-" + host.name, "master", "br0", "up", netns=UNDERLAY_NS)
            host.run("ip", "addr", "add", host.underlay_ip + "/24", "dev", "eth0")
            host.run("ip", "link", "set", "eth0", "up")
            with open(host.python, "w") as handle:
                handle.write("#!/bin/sh\nexec ip netns exec %s %s \"$@\"\n" % (host.netns, sys.executable))
            os.chmod(host.python, 0o755)

    def add_slice_address(self, host, bridge, addresses):
        """A bridge device in the host holding addresses of its slice (no dummy driver here)."""
        host.run("ip", "link", "add", bridge, "type", "bridge")
        for address in addresses:
            if ":" in address:
                host.run("sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/%s/disable_ipv6" % bridge)
                host.run("ip", "addr", "add", address, "dev", bridge, "nodad")
            else:
                host.run("ip", "addr", "add", address, "dev", bridge)
        host.run("ip", "link", "set", bridge, "up")

    def inventory(self, extra_vars):
        path = os.path.join(self.workdir, "inventory.json")
        hosts = {h.name: {"ansible_connection": "local", "ansible_python_interpreter": h.python,
                          "underlay_ip": h.underlay_ip} for h in self.hosts.values()}
        with open(path, "w") as handle:
            json.dump({"all": {"children": {"overlay_hosts": {"hosts": hosts}}, "vars": extra_vars}}, handle)
        return path

    def close(self):
        cleanup()


def ansible_env():
    return dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="0",
                ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                # ad-hoc `ansible` prints through the callback too
                ANSIBLE_LOAD_CALLBACK_PLUGINS="1")


def playbook(inventory, path, *args):
    """Run a playbook; returns (rc, parsed json callback output)."""
    binary = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    proc = subprocess.run([binary, "-i", inventory, path] + list(args), capture_output=True, text=True,
                          env=ansible_env(), cwd=ROOT, check=False, timeout=600)
    try:
        output = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError("ansible-playbook printed no JSON (rc %d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc.returncode, output


def changed_tasks(output):
    """[(task name, host)] that reported a change."""
    result = []
    for play in output["plays"]:
        for task in play["tasks"]:
            for host, res in task["hosts"].items():
                if res.get("changed"):
                    result.append((task["task"]["name"], host))
    return result


def task_results(output, name):
    """{host: result} of the named task in the last play that ran it."""
    found = {}
    for play in output["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == name:
                found = task["hosts"]
    return found
