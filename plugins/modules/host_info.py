#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: host_info
short_description: What a host has for the overlay, in one look
version_added: 5.0.0
author: mesos.overlay contributors (@mesos-overlay)
description:
  - Says which paths exist, where programs are, which Python modules an interpreter imports and what files hold, in one
    module run. The state role asks it, on every member before the run lock is taken, whether what was asked can work
    there (nft for a group policy, kazoo for the ZooKeeper store, prometheus_client for the metrics, the DC/OS modules'
    library), and reads the Mesos flags the roles build on.
  - Changes nothing.
options:
  paths:
    description: Paths whose existence is returned in RV(exists).
    type: list
    elements: path
    default: []
  programs:
    description: Programs looked for in the search path (and the sbin directories), returned in RV(programs).
    type: list
    elements: str
    default: []
  python:
    description: The interpreter O(python_modules) are imported by (the host daemon's).
    type: path
    default: /usr/bin/python3
  python_modules:
    description: Python modules O(python) is asked to import, returned in RV(python_modules).
    type: list
    elements: str
    default: []
  read:
    description: Files whose text is returned in RV(contents).
    type: list
    elements: path
    default: []
  metrics_listen:
    description:
      - An C(ADDRESS:PORT) the host daemon is to serve its metrics on, checked as the daemon parses it (an IPv4
        address, or an IPv6 one in brackets, and a port 1-65535), returned in RV(metrics_listen). V("") (no metrics)
        passes.
    type: str
    default: ""
attributes:
  check_mode:
    support: full
    description: Runs the same in check mode (it changes nothing).
  diff_mode:
    support: none
    description: Nothing changes, nothing to show.
"""

EXAMPLES = r"""
- name: Can the ZooKeeper store and the group policy work here
  mesos.overlay.host_info:
    programs: [nft]
    python_modules: [kazoo, prometheus_client]
    read: [/etc/mesos-slave/isolation]
  register: host_info
"""

RETURN = r"""
exists:
  description: For each of O(paths), whether it exists.
  returned: always
  type: dict
  sample: {/usr/lib/mesos/libmesos_network_overlay.so: false}
programs:
  description: For each of O(programs), its path, or null when it is not installed.
  returned: always
  type: dict
  sample: {nft: /usr/sbin/nft}
python_modules:
  description: For each of O(python_modules), whether O(python) imports it (false when O(python) does not exist).
  returned: always
  type: dict
  sample: {kazoo: true, prometheus_client: true}
contents:
  description: The text of each file of O(read), null where there is none.
  returned: always
  type: dict
  sample: {/etc/mesos-slave/isolation: "cgroups/cpu,cgroups/mem\n"}
metrics_listen:
  description: O(metrics_listen) and whether the host daemon would take it.
  returned: always
  type: dict
  contains:
    value:
      description: O(metrics_listen) as given.
      type: str
      returned: always
    parses:
      description: Whether it is an address the daemon takes (true for V("")).
      type: bool
      returned: always
  sample: {value: "0.0.0.0:9732", parses: true}
python_version:
  description: The version of the Python the module ran under.
  returned: always
  type: str
  sample: "3.11"
"""

from ansible_collections.mesos.overlay.plugins.module_utils._hostinfo import HostInfo
from ansible_collections.mesos.overlay.plugins.module_utils._host import run_module


def main():
    run_module(HostInfo)


if __name__ == "__main__":
    main()
