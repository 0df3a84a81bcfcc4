# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one way mesos.overlay's filters report bad input: AnsibleFilterError naming the filter,
the field and the value (the engine's AllocationError carries the field and the value)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import importlib

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.plugin_utils._errors import AllocationError


def reported(name):
    """Decorate a filter so that bad input fails the task with 'mesos.overlay.<name>: <field>: <value> <why>'.

    A value of the wrong shape (a KeyError, TypeError or AttributeError inside the engine) is
    reported the same way, naming the filter and the missing key, instead of a traceback.
    """
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (AllocationError, ParameterError) as exc:
                # ParameterError: the host-side code's bad input (a store URL), said the same way.
                raise AnsibleFilterError("mesos.overlay.%s: %s" % (name, to_native(exc)))
            except KeyError as exc:
                raise AnsibleFilterError("mesos.overlay.%s: the input lacks the key %s: is it what the filter "
                                         "takes (see ansible-doc -t filter mesos.overlay.%s)?"
                                         % (name, to_native(exc), name))
            except (TypeError, AttributeError) as exc:
                raise AnsibleFilterError("mesos.overlay.%s: the input is not of the shape the filter takes (%s); "
                                         "see ansible-doc -t filter mesos.overlay.%s" % (name, to_native(exc), name))
        return wrapper
    return decorate


def filter_module(name, where, attribute=None):
    """The FilterModule class of a file that holds one filter: `name`, reported as above, is the
    function `attribute` (`name` by default) of the collection's module `where` (relative to
    plugins/, as ``plugin_utils._render``).

    A filter file is its documentation and this one line; what the filter does lives in
    plugin_utils, imported at the filter's first call, not with the file: to find one filter of a
    collection, ansible-core loads every filter file of it, in every worker process (one per task
    and host), compiling each from source; a file that imported its engine would make every task
    that uses any of the collection's filters compile all of plugin_utils.
    """
    found = []

    def function(*args, **kwargs):
        if not found:
            module = importlib.import_module("ansible_collections.mesos.overlay.plugins." + where)
            found.append(getattr(module, attribute or name))
        return found[0](*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    wrapped = reported(name)(function)

    class FilterModule(object):
        def filters(self):
            return {name: wrapped}

    return FilterModule
