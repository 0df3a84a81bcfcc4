# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a task pays to find one of the collection's filters: ansible-core loads every filter file
of the collection (in every worker process, compiling each from source), so the files must not
import the engine they call. Asked of ansible-core itself, in a process of its own."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import ansible_collections

COLLECTIONS = os.path.dirname(list(ansible_collections.__path__)[0])

# Resolves one filter the way a task does (a Templar over the collection's filter plugins), then
# says which of the collection's modules were imported before and after its first call.
RESOLVE = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.template import Templar, trust_as_template
from ansible.parsing.dataloader import DataLoader

def ours():
    prefix = "ansible_collections.mesos.overlay.plugins."
    return sorted(name[len(prefix):] for name in sys.modules if name.startswith(prefix))

templar = Templar(loader=DataLoader(), variables={"results": {"vtep": {"changed": False}}})
# Compiling a template looks its filters up; this one never calls it.
compiled = templar.template(trust_as_template("{{ false and (1 | mesos.overlay.changes_of) }}"))
loaded = ours()
called = templar.template(trust_as_template("{{ results | mesos.overlay.changes_of }}"))
print(json.dumps({"loaded": loaded, "called": called, "after": ours()}))
"""


def test_finding_a_filter_loads_the_filter_files_but_no_engine(interpreter):
    proc = subprocess.run([interpreter.executable, "-c", RESOLVE, COLLECTIONS], capture_output=True, text=True,
                          env=interpreter.env, check=False)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.splitlines()[-1])
    # ansible-core did load every filter file of the collection (what makes this matter) ...
    assert {"filter.allocate", "filter.cni_config", "filter.host_view", "filter.changes_of"} <= set(seen["loaded"])
    # ... and none of them brought the code it calls: only the reporting helper and what it needs.
    engine = [name for name in seen["loaded"] if name.split(".")[0] in ("plugin_utils", "module_utils") and "." in name]
    assert engine == ["module_utils._changes", "plugin_utils._errors", "plugin_utils._filter_errors"]
    # The first call imports the one module the filter lives in, and the filter works.
    assert seen["called"] == {"vtep": []}
    assert "plugin_utils._report" in seen["after"]
    assert "plugin_utils._allocation" not in seen["after"] and "plugin_utils._render" not in seen["after"]
