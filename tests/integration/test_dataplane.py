# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vxlan_link and vxlan_peers on the real kernel: three hosts as network namespaces.

The tests run in order on one lab (module scope): converge, prove connectivity, then
idempotence, check mode, drift repair, purge and bad input.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from netns import Lab, changed_tasks, playbook, task_results, ROOT, ansible_env

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

PLAYBOOK = os.path.join(os.path.dirname(__file__), "playbooks", "dataplane.yml")
NAMES = ["h1", "h2", "h3"]
NETWORK = {
    "vtep_subnet": "44.128.0.0/20",
    "vtep_subnet6": "fd01:a::/64",
    "vtep_mac_oui": "70:B3:D5:00:00:00",
    "overlays": [{"name": "dcos", "subnet": "9.0.0.0/8", "prefix": 24, "subnet6": "fd01:b::/64", "prefix6": 80}],
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = Lab(NAMES, str(tmp_path_factory.mktemp("dataplane")))
    try:
        members = [{"name": h.name, "ip": h.underlay_ip, "role": "agent"} for h in lab.hosts.values()]
        sys.path.insert(0, os.path.join(ROOT, ".collections"))
        from ansible_collections.mesos.overlay.plugins.plugin_utils._allocation import allocate
        lab.allocation = allocate(NETWORK, members)
        for host in lab.hosts.values():
            bridge = lab.allocation["members"][host.name]["overlays"]["dcos"]["mesos_bridge"]
            # The gateway address of the Mesos half: first host of 9.0.x.0/25 and of the IPv6 half.
            lab.add_slice_address(host, "m-dcos", [_first_host(bridge["ip"]), _first_host(bridge["ip6"])])
        lab.inventory_path = lab.inventory({"mesos_overlay_network": NETWORK, "members": members})
        yield lab
    finally:
        lab.close()


def _first_host(cidr):
    import ipaddress
    network = ipaddress.ip_network(cidr)
    return "%s/%d" % (network.network_address + 1, network.prefixlen)


def _bare(cidr):
    return cidr.split("/")[0]


def converge(lab, *args):
    rc, output = playbook(lab.inventory_path, PLAYBOOK, *args)
    assert rc == 0, json.dumps(output.get("stats"), indent=1) + "\n" + json.dumps(
        [t["hosts"] for p in output["plays"] for t in p["tasks"]], indent=1)[:6000]
    return output


def snapshot(host):
    return {
        "link": host.json("ip", "-j", "-d", "link", "show", "vtep1024"),
        "addr": host.json("ip", "-j", "addr", "show", "dev", "vtep1024"),
        "neigh": host.json("ip", "-j", "neigh", "show", "dev", "vtep1024", "nud", "permanent"),
        "fdb": host.json("bridge", "-j", "fdb", "show", "dev", "vtep1024"),
        "route": host.json("ip", "-j", "route", "show", "dev", "vtep1024"),
        "route6": host.json("ip", "-j", "-6", "route", "show", "dev", "vtep1024"),
    }


def test_first_run_meshes_three_hosts(lab):
    output = converge(lab)
    assert {host for _task, host in changed_tasks(output)} == set(NAMES)
    for name, host in lab.hosts.items():
        for other_name in NAMES:
            if other_name == name:
                continue
            other = lab.allocation["members"][other_name]
            bridge = other["overlays"]["dcos"]["mesos_bridge"]
            targets = [_bare(other["vtep"]["ip"]), _bare(other["vtep"]["ip6"]),
                       _bare(_first_host(bridge["ip"])), _bare(_first_host(bridge["ip6"]))]
            for target in targets:
                assert host.ping(target), "%s cannot reach %s (%s)" % (name, target, other_name)


def test_entries_are_permanent_and_routes_marked(lab):
    host = lab.hosts["h1"]
    neigh = {e["dst"]: e for e in host.json("ip", "-j", "neigh", "show", "dev", "vtep1024", "nud", "permanent")}
    h2 = lab.allocation["members"]["h2"]
    assert neigh[_bare(h2["vtep"]["ip"])]["lladdr"] == h2["vtep"]["mac"]
    assert neigh[_bare(h2["vtep"]["ip6"])]["lladdr"] == h2["vtep"]["mac"]
    fdb = {e["mac"]: e for e in host.json("bridge", "-j", "fdb", "show", "dev", "vtep1024")}
    assert fdb[h2["vtep"]["mac"]]["dst"] == lab.hosts["h2"].underlay_ip
    assert fdb[h2["vtep"]["mac"]]["state"] == "permanent"
    routes = {e["dst"]: e for e in host.json("ip", "-j", "route", "show", "dev", "vtep1024", "proto", "121")}
    assert routes[h2["overlays"]["dcos"]["subnet"]]["gateway"] == _bare(h2["vtep"]["ip"])
    link = host.json("ip", "-j", "-d", "link", "show", "vtep1024")[0]
    assert link["mtu"] == 1450
    assert link["address"] == lab.allocation["members"]["h1"]["vtep"]["mac"]
    assert link["linkinfo"]["info_data"]["id"] == 1024
    assert link["linkinfo"]["info_data"]["port"] == 64000
    assert link["linkinfo"]["info_data"]["learning"] is False


def test_second_run_changes_nothing(lab):
    assert changed_tasks(converge(lab)) == []


def test_check_mode_on_converged_hosts_reports_nothing(lab):
    assert changed_tasks(converge(lab, "--check", "--diff")) == []


def test_check_mode_reports_pending_change_and_changes_nothing(lab):
    before = {name: snapshot(host) for name, host in lab.hosts.items()}
    output = converge(lab, "--check", "--diff", "-e", "vtep_mtu=1400", "-e", '{"exclude_peers": ["h3"]}')
    changed = changed_tasks(output)
    assert ("Bring up the VTEP", "h1") in changed
    assert ("Program the peers", "h1") in changed
    peers = task_results(output, "Program the peers")
    removed = {e["key"] for e in peers["h1"]["changes"] if e["action"] == "remove"}
    assert removed >= {lab.allocation["members"]["h3"]["overlays"]["dcos"]["subnet"]}
    assert {name: snapshot(host) for name, host in lab.hosts.items()} == before


def test_mtu_and_address_drift_is_repaired_in_place(lab):
    host = lab.hosts["h1"]
    me = lab.allocation["members"]["h1"]
    before = snapshot(host)
    host.run("ip", "link", "set", "vtep1024", "mtu", "1300")
    host.run("ip", "addr", "del", me["vtep"]["ip"], "dev", "vtep1024")
    host.run("ip", "addr", "add", "44.128.15.1/20", "dev", "vtep1024")
    output = converge(lab)
    link = task_results(output, "Bring up the VTEP")["h1"]
    assert link["changed"] and not link["recreated"]
    after = snapshot(host)
    assert after["link"][0]["ifindex"] == before["link"][0]["ifindex"]
    assert after["link"][0]["mtu"] == 1450
    assert sorted(a["local"] for a in after["addr"][0]["addr_info"] if a["scope"] == "global") == \
        sorted(a["local"] for a in before["addr"][0]["addr_info"] if a["scope"] == "global")
    # Permanent neighbours survived: the device was never recreated, nor its MAC rewritten.
    assert after["neigh"] == before["neigh"]
    # Removing the address dropped the connected route, and with it the kernel's routes via it:
    # the peers task put them back.
    assert after["route"] == before["route"]
    assert all(host.ping(_bare(lab.allocation["members"][n]["vtep"]["ip"])) for n in ("h2", "h3"))


def test_dropped_peer_is_purged_and_foreign_route_survives(lab):
    h1 = lab.hosts["h1"]
    h1.run("ip", "route", "add", "203.0.113.0/24", "dev", "vtep1024")
    output = converge(lab, "-e", '{"exclude_peers": ["h3"]}')
    h3 = lab.allocation["members"]["h3"]
    changes = task_results(output, "Program the peers")["h1"]["changes"]
    removed = {(e["kind"], e["key"]) for e in changes if e["action"] == "remove"}
    assert removed == {("neighbour", _bare(h3["vtep"]["ip"])), ("neighbour", _bare(h3["vtep"]["ip6"])),
                       ("fdb", h3["vtep"]["mac"]), ("route4", h3["overlays"]["dcos"]["subnet"]),
                       ("route6", h3["overlays"]["dcos"]["subnet6"])}
    assert all(e["action"] == "remove" for e in changes)
    state = snapshot(h1)
    assert _bare(h3["vtep"]["ip"]) not in {e["dst"] for e in state["neigh"]}
    assert h3["vtep"]["mac"] not in {e["mac"] for e in state["fdb"]}
    assert h3["overlays"]["dcos"]["subnet"] not in {e["dst"] for e in state["route"]}
    assert "203.0.113.0/24" in {e["dst"] for e in state["route"]}
    assert not h1.ping(_bare(h3["vtep"]["ip"]))
    assert h1.ping(_bare(lab.allocation["members"]["h2"]["vtep"]["ip"]))
    # Back to the full mesh for the tests that follow.
    converge(lab)
    assert h1.ping(_bare(h3["vtep"]["ip"]))
    h1.run("ip", "route", "del", "203.0.113.0/24", "dev", "vtep1024")


def test_peer_entries_changed_by_hand_are_replaced(lab):
    h1 = lab.hosts["h1"]
    h2 = lab.allocation["members"]["h2"]
    good = snapshot(h1)
    h1.run("ip", "neigh", "replace", _bare(h2["vtep"]["ip"]), "lladdr", "70:b3:d5:80:0f:0f", "dev", "vtep1024",
           "nud", "permanent")
    h1.run("bridge", "fdb", "replace", h2["vtep"]["mac"], "dev", "vtep1024", "dst", "198.18.0.200", "self", "permanent")
    assert not h1.ping(_bare(h2["vtep"]["ip"]))
    output = converge(lab)
    changes = task_results(output, "Program the peers")["h1"]["changes"]
    assert {(e["kind"], e["key"], e["action"]) for e in changes} == {
        ("neighbour", _bare(h2["vtep"]["ip"]), "change"), ("fdb", h2["vtep"]["mac"], "change")}
    assert snapshot(h1)["fdb"] == good["fdb"]
    assert h1.ping(_bare(h2["vtep"]["ip"]))


def test_changed_vni_recreates_and_says_why(lab):
    host = lab.hosts["h2"]
    before = snapshot(host)
    result = run_module(host, "vxlan_link", {"name": "vtep1024", "vni": 1025, "port": 64000,
                                             "mac": lab.allocation["members"]["h2"]["vtep"]["mac"],
                                             "mtu": 1450, "local": host.underlay_ip, "dev": "eth0",
                                             "addresses": [lab.allocation["members"]["h2"]["vtep"]["ip"]]},
                        check=True)
    assert result["changed"] and result["recreated"]
    device = [c for c in result["changes"] if c["kind"] == "device"]
    assert [c["reason"] for c in device] == ["vni: 1024 -> 1025"]
    assert snapshot(host) == before


def run_module(host, module, args, check=False):
    binary = os.path.join(os.path.dirname(sys.executable), "ansible")
    argv = [binary, "all", "-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=" + host.python,
            "-m", "mesos.overlay." + module, "-a", json.dumps(args)]
    if check:
        argv.append("--check")
    env = ansible_env()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=300)
    output = json.loads(proc.stdout)
    return output["plays"][0]["tasks"][0]["hosts"]["localhost"]


H1_LINK = {"name": "vtep1024", "vni": 1024, "port": 64000, "mtu": 1450, "dev": "eth0"}


@pytest.mark.parametrize("module,args,message", [
    ("vxlan_link", {"mac": "70:b3:d5:80:00"}, "mac: '70:b3:d5:80:00' is not a MAC address"),
    ("vxlan_link", {"mac": "71:b3:d5:80:00:01"}, "mac: '71:b3:d5:80:00:01' is a multicast MAC address"),
    ("vxlan_link", {"addresses": ["44.128.0.300/20"]}, "addresses: '44.128.0.300/20' is not an address"),
    ("vxlan_link", {"addresses": ["44.128.0.1"]}, "addresses: '44.128.0.1' is not an address with a prefix length"),
    ("vxlan_link", {"vni": 0}, "vni: 0 is out of range 1-16777215"),
    ("vxlan_link", {"vni": 16777216}, "vni: 16777216 is out of range 1-16777215"),
    ("vxlan_link", {"port": 70000}, "port: 70000 is out of range 1-65535"),
    ("vxlan_link", {"dev": "eth9"}, "dev: 'eth9': there is no such device on this host"),
    ("vxlan_link", {"local": "198.18.0"}, "local: '198.18.0' is not an IP address"),
    ("vxlan_peers", {"peers": [{"vtep_ip": "SELF", "mac": "70:b3:d5:80:00:09", "underlay_ip": "198.18.0.9"}]},
     "peers[0].vtep_ip: '44.128.0.1' is an address of vtep1024 itself, not of a peer"),
    ("vxlan_peers", {"peers": [{"vtep_ip": "44.128.0.9", "mac": "zz", "underlay_ip": "198.18.0.9"}]},
     "peers[0].mac: 'zz' is not a MAC address"),
    ("vxlan_peers", {"peers": [{"vtep_ip": "44.128.0.9", "mac": "70:b3:d5:80:00:09", "underlay_ip": "198.18.0.9",
                                "subnets": ["9.0.9.1/24"]}]},
     "peers[0].subnets: '9.0.9.1/24' is not a network in CIDR form"),
    ("vxlan_peers", {"device": "vtep9", "peers": []}, "device: 'vtep9': there is no such device on this host"),
])
def test_malformed_value_fails_clearly_and_changes_nothing(lab, module, args, message):
    host = lab.hosts["h1"]
    me = lab.allocation["members"]["h1"]
    if module == "vxlan_link":
        # A valid call for h1 with one bad value in it.
        bad_value = args
        args = dict(H1_LINK, mac=me["vtep"]["mac"], local=host.underlay_ip,
                    addresses=[me["vtep"]["ip"], me["vtep"]["ip6"]])
        args.update(bad_value)
    else:
        args = json.loads(json.dumps(args).replace("SELF", _bare(me["vtep"]["ip"])))
    before = snapshot(host)
    result = run_module(host, module, args)
    assert result.get("failed"), result
    assert message in result["msg"]
    assert snapshot(host) == before


def _boot_tree(tmp):
    """The files the vtep role copies onto a host for the boot unit (an ansible_collections tree),
    from the very list the role copies (the host_code filter)."""
    from ansible_collections.mesos.overlay.plugins.plugin_utils._host_code import host_code
    tree = os.path.join(tmp, "python")
    for entry in host_code(tree):
        os.makedirs(os.path.dirname(entry["path"]), exist_ok=True)
        with open(entry["path"], "w") as handle:
            handle.write(entry["content"])
    assert os.path.exists(os.path.join(tree, "ansible_collections/mesos/overlay/plugins/module_utils/_boot.py"))
    return tree


def test_boot_restore_brings_back_a_host_that_lost_its_kernel_state(lab, tmp_path):
    """What the boot unit runs, with the host's Python and no Ansible, after a 'reboot' of h1."""
    from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane
    from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view
    h1 = lab.hosts["h1"]
    settings = {"vxlan_port": 64000, "vtep_mtu": 1450, "underlay_dev": "eth0", "vxlan_firewall": True}
    plane = dataplane(host_view(lab.allocation, "h1"), settings)
    path = tmp_path / "dataplane.json"
    path.write_text(json.dumps(plane))
    before = snapshot(h1)
    # What a reboot loses: the VTEP with every entry, and the firewall.
    h1.run("ip", "link", "del", "vtep1024")
    h1.run("iptables", "-F")
    h1.run("iptables", "-X")
    assert not h1.ping(_bare(lab.allocation["members"]["h2"]["vtep"]["ip"]))
    tree = _boot_tree(str(tmp_path))
    env = ["env", "PYTHONPATH=" + tree, "MESOS_OVERLAY_ATTEMPTS=1"]
    # As the vtep role's /usr/local/sbin/mesos-overlay-restore runs it.
    restore = ["-m", "ansible_collections.mesos.overlay.plugins.module_utils._boot"]
    boot = h1.run(*(env + ["/usr/bin/python3"] + restore + [str(path)]), check=False)
    assert boot.returncode == 0, boot.stdout + boot.stderr
    assert "vxlan_link vtep1024: " in boot.stdout and "done:" in boot.stdout
    after = snapshot(h1)

    def entries(state, kind, key):
        return sorted(state[kind], key=lambda entry: json.dumps(entry, sort_keys=True) if key is None else entry[key])
    assert entries(after, "neigh", "dst") == entries(before, "neigh", "dst")
    assert entries(after, "fdb", None) == entries(before, "fdb", None)
    assert sorted(r["dst"] for r in after["route"]) == sorted(r["dst"] for r in before["route"])
    assert "-A INPUT -p udp -m udp --dport 64000 -j MESOS-OVERLAY-VXLAN" in h1.run("iptables-save").stdout
    for other in ("h2", "h3"):
        assert h1.ping(_bare(lab.allocation["members"][other]["vtep"]["ip"]))
        assert h1.ping(_bare(lab.allocation["members"][other]["vtep"]["ip6"]))
    # A second start finds everything as it should be, and the playbook agrees.
    again = h1.run(*(env + ["/usr/bin/python3"] + restore + [str(path)]))
    assert "done: 0 change(s)" in again.stdout
    assert ("Bring up the VTEP", "h1") not in changed_tasks(converge(lab))


class _Daemon(object):
    """``mesos-overlay run`` in a host's namespace, as mesos-overlay.service runs it; its lines collected."""

    def __init__(self, host, tree, path, lock):
        import threading
        env = dict(os.environ, PYTHONPATH=tree, MESOS_OVERLAY_ATTEMPTS="1", MESOS_OVERLAY_APPLY_LOCK=lock,
                   MESOS_OVERLAY_STATUS=os.path.join(os.path.dirname(lock), "status.json"))
        self.env, self.host, self.path = env, host, path
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", host.netns, "/usr/bin/python3", "-m",
             "ansible_collections.mesos.overlay.plugins.module_utils._boot", "run", "--interval", "1", path],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines = []
        self.reader = threading.Thread(target=lambda: [self.lines.append(line.rstrip("\n")) for line in self.proc.stdout])
        self.reader.daemon = True
        self.reader.start()

    def status(self):
        """``mesos-overlay status --json`` in the host's namespace: (exit status, its answer)."""
        proc = subprocess.run(["ip", "netns", "exec", self.host.netns, "/usr/bin/python3", "-m",
                               "ansible_collections.mesos.overlay.plugins.module_utils._boot", "status", "--json",
                               self.path], capture_output=True, text=True, env=self.env, check=False)
        return proc.returncode, json.loads(proc.stdout)

    def wait_for(self, predicate, seconds, what):
        import time
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return time.time()
            assert self.proc.poll() is None, "the daemon exited: %s" % "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError("%s not within %ss; the daemon said:\n%s" % (what, seconds, "\n".join(self.lines)))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def test_daemon_repairs_what_is_changed_by_hand_and_keeps_the_last_good_plane(lab, tmp_path):
    """mesos-overlay run: restored at start; a hand-deleted neighbour entry and firewall rule are
    back within two intervals with no Ansible run; a plane file that is no plane is reported once
    and the last good plane is kept; one line per change, none per poll; SIGTERM leaves the kernel."""
    import time
    from ansible_collections.mesos.overlay.plugins.plugin_utils._render import dataplane
    from ansible_collections.mesos.overlay.plugins.plugin_utils._view import host_view
    h1 = lab.hosts["h1"]
    settings = {"vxlan_port": 64000, "vtep_mtu": 1450, "underlay_dev": "eth0", "vxlan_firewall": True}
    plane = dataplane(host_view(lab.allocation, "h1"), settings)
    path = tmp_path / "dataplane.json"
    path.write_text(json.dumps(plane))
    h2_vtep = _bare(lab.allocation["members"]["h2"]["vtep"]["ip"])
    h3_vtep = _bare(lab.allocation["members"]["h3"]["vtep"]["ip"])

    def has_neighbour(address):
        entries = h1.json("ip", "-j", "neigh", "show", "dev", "vtep1024", "nud", "permanent")
        return any(entry["dst"] == address for entry in entries)
    daemon = _Daemon(h1, _boot_tree(str(tmp_path)), str(path), str(tmp_path / "apply.lock"))
    try:
        daemon.wait_for(lambda: any(line.startswith("restored:") for line in daemon.lines), 30, "the restore")
        assert has_neighbour(h2_vtep)
        # A neighbour entry deleted by hand comes back, and the daemon says what it did.
        h1.run("ip", "neigh", "del", h2_vtep, "dev", "vtep1024")
        deleted = time.time()
        repaired = daemon.wait_for(lambda: has_neighbour(h2_vtep), 10, "the neighbour entry repaired")
        assert repaired - deleted <= 2.5
        daemon.wait_for(lambda: any(h2_vtep in line for line in daemon.lines), 5, "a line naming the entry")
        assert h1.ping(h2_vtep)
        # A rule of the VXLAN chain deleted by hand comes back.
        h1.run("iptables", "-D", "MESOS-OVERLAY-VXLAN", "1")
        daemon.wait_for(lambda: h1.run("iptables-save").stdout.count("-A MESOS-OVERLAY-VXLAN ") == 4, 10,
                        "the VXLAN chain repaired")
        # Nothing changed: no line per poll.
        time.sleep(0.5)
        quiet = len(daemon.lines)
        time.sleep(3)
        assert daemon.lines[quiet:] == []
        # mesos-overlay status: healthy, every peer programmed (read from the kernel), both repairs
        # counted, and the peers probed so far answer.
        code, answer = daemon.status()
        assert (code, answer["health"], answer["problems"]) == (0, "healthy", [])
        assert answer["peers"]["desired"] == answer["peers"]["programmed"] == 2
        assert answer["drift_repairs"] >= 2
        assert answer["health_probes"]["answering"] == len(answer["health_probes"]["peers"]) >= 1
        # An entry deleted while the daemon is paused (SIGSTOP: no pass can put it back before
        # status reads the kernel) shows as missing, naming the peer's entry.
        import signal
        daemon.proc.send_signal(signal.SIGSTOP)
        try:
            h1.run("ip", "neigh", "del", h2_vtep, "dev", "vtep1024")
            code, answer = daemon.status()
        finally:
            daemon.proc.send_signal(signal.SIGCONT)
        assert code == 1 and answer["peers"]["missing"][0]["entries"] == ["neighbour %s" % h2_vtep], answer
        daemon.wait_for(lambda: has_neighbour(h2_vtep), 10, "the neighbour entry repaired again")
        time.sleep(0.5)
        quiet = len(daemon.lines)
        # A plane file that is no plane: said once, the last good plane kept and still enforced.
        path.write_text("{not json")
        daemon.wait_for(lambda: any(line.startswith("problem:") for line in daemon.lines), 5, "the problem said")
        h1.run("ip", "neigh", "del", h3_vtep, "dev", "vtep1024")
        daemon.wait_for(lambda: has_neighbour(h3_vtep), 10, "a repair from the last good plane")
        time.sleep(2.5)
        assert sum(line.startswith("problem:") for line in daemon.lines) == 1, daemon.lines
        assert has_neighbour(h2_vtep)
        path.write_text(json.dumps(plane))
        daemon.wait_for(lambda: any(line.startswith("recovered:") for line in daemon.lines), 5, "the recovery")
    finally:
        status = daemon.stop()
    assert status == 0, "\n".join(daemon.lines)
    assert daemon.lines[-1].startswith("stopped")
    # No daemon: status says so, exit 2.
    assert daemon.status()[0] == 2
    # Stopping leaves the kernel as it is.
    assert has_neighbour(h2_vtep) and h1.ping(h2_vtep)
