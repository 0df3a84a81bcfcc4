# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every filter reports bad input the same way: AnsibleFilterError naming the filter, field and value."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os

import pytest

from ansible.errors import AnsibleFilterError

FILTER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "filter")
NAMES = sorted(f[:-3] for f in os.listdir(FILTER_DIR) if f.endswith(".py") and not f.startswith("_"))

# One bad input per filter, and what its message must say.
BAD = {
    "allocate": (({"vtep_subnet": "x"}, []), r"mesos.overlay.allocate: vtep_subnet: 'x' is not a valid network"),
    "allocation_table": (({"members": 3},), r"mesos.overlay.allocation_table: allocation: .dict. is a saved state, not an "
                         r"allocation: turn it into one once with the saved_allocation filter"),
    "changes_of": (([1],), r"mesos.overlay.changes_of: results: \[1\] is not a dictionary"),
    "cni_config": (({}, "a1", "dcos"), r"mesos.overlay.cni_config: allocation: \{\} is not an allocation"),
    "cni_files": (({}, "/cni"), r"mesos.overlay.cni_files: view: 'dict' is not a host view"),
    "connectivity_report": (([], {"format": 9}), r"mesos.overlay.connectivity_report: allocation: .dict. is a saved state, not an allocation"),
    "dataplane": (({},), r"mesos.overlay.dataplane: view: 'dict' is not a host view"),
    "docker_networks": (({},), r"mesos.overlay.docker_networks: view: 'dict' is not a host view"),
    "firewall_chains": (([],), r"mesos.overlay.firewall_chains: view: 'list' is not a host view"),
    "import_dcos": (("{", []), r"mesos.overlay.import_dcos: dcos_state: '\{' is not JSON"),
    "group_policy": (({"overlays": {"nope": {}}}, {"overlays": [{"name": "dcos"}]}),
                     r"mesos.overlay.group_policy: mesos_overlay_group_policy.overlays: 'nope' is not an overlay"),
    "group_probe_plan": (({}, "a1"), r"mesos.overlay.group_probe_plan: endpoints: \{\} is not a list"),
    "group_report": (({"overlay": "dcos"}, {}), r"mesos.overlay.group_report: observations: .* is not a list"),
    "host_code": (("relative/dir",),
                  r"mesos.overlay.host_code: directory: 'relative/dir' is not an absolute path"),
    "host_view": (({}, "a1"), r"mesos.overlay.host_view: allocation: \{\} is not an allocation"),
    "merge_states": (([{"host": "m1", "path": "/s", "content": "{"}],), r"mesos.overlay.merge_states: the state file /s on m1"),
    "mesos_files": (({}, {}), r"mesos.overlay.mesos_files: view: 'dict' is not a host view"),
    "peers": (({}, "a1"), r"mesos.overlay.peers: allocation: \{\} is not an allocation"),
    "probe_plan": (({"members": {"a": {"ip": 1}}}, "a"), r"mesos.overlay.probe_plan: allocation: .dict. is a saved state"),
    "saved_allocation": (([1],), r"mesos.overlay.saved_allocation: state: 'list' is not a state"),
    "zookeeper_reader": (("zk://overlay:s3cret@zk-1:2181",),
                         r"mesos.overlay.zookeeper_reader: mesos_overlay_zookeeper: 'zk://overlay:\*\*\*@zk-1:2181' "
                         r"needs a path"),
}


def test_every_filter_has_a_bad_input_case():
    assert sorted(BAD) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_a_filter_error_naming_the_filter(name):
    module = importlib.import_module("ansible_collections.mesos.overlay.plugins.filter." + name)
    function = module.FilterModule().filters()[name]
    args, message = BAD[name]
    with pytest.raises(AnsibleFilterError, match=message):
        function(*args)


def test_a_value_of_the_wrong_shape_is_a_filter_error_not_a_traceback():
    from ansible_collections.mesos.overlay.plugins.filter.peers import FilterModule
    with pytest.raises(AnsibleFilterError, match=r"mesos.overlay.peers: the input lacks the key .vtep."):
        FilterModule().filters()["peers"]({"state": {}, "members": {"a1": {}, "a2": {}}, "agents": ["a1", "a2"],
                                           "network": {"overlays": []}}, "a1")
