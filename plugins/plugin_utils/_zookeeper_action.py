# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the actions on the ZooKeeper store share: they run on the controller, without a
connection to any host, and check their arguments and the URL before anything else."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._zkstore import parse_url

URL_OPTION = {"type": "str", "required": True, "no_log": True}


class ZookeeperAction(ActionBase):
    """Subclasses set ARGUMENT_SPEC (with ``url``: URL_OPTION) and implement ``act(result, args, url, task_vars)``."""

    TRANSFERS_FILES = False
    _requires_connection = False
    ARGUMENT_SPEC = {"url": URL_OPTION}

    def run(self, tmp=None, task_vars=None):
        result = super(ZookeeperAction, self).run(tmp, task_vars)
        _valid, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
        try:
            url = parse_url(args["url"])
        except ParameterError as exc:
            raise AnsibleActionFail(str(exc))
        return self.act(result, args, url, task_vars or {})

    def act(self, result, args, url, task_vars):
        raise NotImplementedError
