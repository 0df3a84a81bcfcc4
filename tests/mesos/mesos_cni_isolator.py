# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a CNI network config the way Mesos' network/cni isolator runs it, and read the result as Mesos does.

A test tool (standard library only, copied onto the test agents): no Mesos agent runs in the
test bed, so this does what the isolator does with the files the collection writes
(apache/mesos src/slave/containerizer/mesos/isolators/network/cni/cni.cpp and spec.proto):

- the config file is parsed as spec.proto's NetworkConfig (``name`` and ``type`` required,
  ``ipam.type`` when there is an ``ipam``); a config that sets ``args.org.apache.mesos`` itself
  is refused, and a network whose ``type`` or ``ipam.type`` is not an executable in the plugins
  dir is skipped by Mesos (here: an error, so that the test sees it);
- Mesos injects ``args: {"org.apache.mesos": {"network_info": <NetworkInfo as JSON>}}`` and runs
  the plugin named by ``type`` from the plugins dir, config on stdin, CNI_* in the environment
  (CNI_PATH = the plugins dir);
- the result is parsed as spec.proto's NetworkInfo: ``ip4`` and ``ip6`` objects (CNI 0.2.0),
  each with a required ``ip`` (address/prefix). A 0.3.x/1.0 result (``ips[]``) gives Mesos no
  address: then this tool says so and exits 3.

Prints ``{"ip4": "a.b.c.d" or null, "ip6": "..." or null, "result": <plugin output>}``.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys


def fail(code, message):
    sys.stderr.write("mesos_cni_isolator: %s\n" % message)
    sys.exit(code)


def network_config(path, plugins_dir):
    with open(path) as handle:
        config = json.load(handle)
    for key in ("name", "type"):
        if not isinstance(config.get(key), str) or not config[key]:
            fail(2, "%s: NetworkConfig.%s is required (Mesos does not load this network)" % (path, key))
    if isinstance(config.get("args"), dict) and "org.apache.mesos" in config["args"]:
        fail(2, "%s: sets args.org.apache.mesos itself, which Mesos refuses" % path)
    plugins = [config["type"]]
    ipam = config.get("ipam")
    if ipam is not None:
        if not isinstance(ipam, dict) or not isinstance(ipam.get("type"), str):
            fail(2, "%s: NetworkConfig.ipam.type is required" % path)
        plugins.append(ipam["type"])
    for plugin in plugins:
        if not os.access(os.path.join(plugins_dir, plugin), os.X_OK):
            fail(2, "%s: plugin %r is not in %s: Mesos skips this network" % (path, plugin, plugins_dir))
    return config


def ip_config(field, value):
    """spec.proto IPConfig: ip (required, address/prefix), gateway, routes[].dst."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("ip"), str):
        fail(3, "result.%s: %r is not an IPConfig with an 'ip' string" % (field, value))
    interface = ipaddress.ip_interface(value["ip"])
    for route in value.get("routes") or []:
        if not isinstance(route, dict) or not isinstance(route.get("dst"), str):
            fail(3, "result.%s.routes: %r lacks 'dst'" % (field, route))
    return str(interface.ip)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ADD", "DEL"])
    parser.add_argument("--config", required=True, help="the CNI config file (network_cni_config_dir/<name>.conf)")
    parser.add_argument("--plugins-dir", default="/usr/lib/cni", help="network_cni_plugins_dir")
    parser.add_argument("--netns", required=True)
    parser.add_argument("--container-id", required=True)
    parser.add_argument("--ifname", default="eth0")
    parser.add_argument("--network-info", default="{}",
                        help="more NetworkInfo fields as JSON (labels, groups, port_mappings)")
    args = parser.parse_args()

    config = network_config(args.config, args.plugins_dir)
    network_info = dict(json.loads(args.network_info), name=config["name"])
    config["args"] = dict(config.get("args") or {}, **{"org.apache.mesos": {"network_info": network_info}})
    env = dict(os.environ, CNI_COMMAND=args.command, CNI_CONTAINERID=args.container_id, CNI_NETNS=args.netns,
               CNI_IFNAME=args.ifname, CNI_PATH=args.plugins_dir)
    proc = subprocess.run([os.path.join(args.plugins_dir, config["type"])], input=json.dumps(config).encode(),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        fail(1, "plugin %s %s failed (%d): %s %s" % (config["type"], args.command, proc.returncode,
                                                     proc.stdout.decode(errors="replace"),
                                                     proc.stderr.decode(errors="replace")))
    if args.command == "DEL":
        print(json.dumps({"deleted": args.container_id}))
        return
    result = json.loads(proc.stdout.decode())
    ip4 = ip_config("ip4", result.get("ip4"))
    ip6 = ip_config("ip6", result.get("ip6"))
    if ip4 is None and ip6 is None:
        fail(3, "the result has no ip4 and no ip6 (cniVersion %r): Mesos records no IP for the container: %s"
             % (result.get("cniVersion"), json.dumps(result)))
    print(json.dumps({"ip4": ip4, "ip6": ip6, "result": result}, sort_keys=True))


if __name__ == "__main__":
    main()
