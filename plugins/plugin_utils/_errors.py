# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Errors and value checks of the engine: every message names the field and the value."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class AllocationError(ValueError):
    """Bad input or an impossible allocation; the message names the field and the value."""


def field_error(field, value, why):
    return AllocationError("%s: %r %s" % (field, value, why))


def parse_int(field, value, low, high):
    # bool is an int in Python; True as a prefix is a typo, not 1.
    if isinstance(value, bool):
        raise field_error(field, value, "is not an integer")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise field_error(field, value, "is not an integer")
    if value < low or value > high:
        raise field_error(field, value, "is out of range %d-%d" % (low, high))
    return value


def parse_bool(field, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.lower() in ("true", "yes", "on", "1")
    raise field_error(field, value, "is not a boolean")
