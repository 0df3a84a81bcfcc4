# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Private helper of mesos.overlay: JSON in and out for what runs at every container start.

The group plugin (a CNI plugin: a new interpreter for every ADD and DEL) reads and writes JSON,
and importing the ``json`` package imports ``re`` (and through it ``enum``, ``functools`` and
``collections``): 11-14 ms of each start on the test machine, more than the plugin's own work.
``loads`` and ``dumps`` here give what ``json.loads`` and ``json.dumps`` give, through the C
scanner and encoder that the ``json`` package itself runs on CPython (``_json``), built once
without the package. Where there is no such accelerator (another interpreter) or its interface
differs, and for any text that is not exactly one JSON document (so that its error is json's
own, with its message), the ``json`` package does the work.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

_WHITESPACE = " \t\n\r"


class _Options:
    """What the C scanner reads of ``json.JSONDecoder()``: its defaults."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


def _unsupported(value):
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _accelerated():
    """(scanner, {sort_keys: encoder}) of CPython's _json, or None. The encoders keep no markers
    (json's check for circular data: what is written here never is)."""
    try:
        import _json

        encoders = dict((sort_keys, _json.make_encoder(
            None, _unsupported, _json.encode_basestring_ascii, None, ": ", ", ", sort_keys, False, True))
            for sort_keys in (False, True))
        scanner = _json.make_scanner(_Options())
        # The interface is CPython's own, not a promise: proved on a sample before it is used.
        if scanner('{"a": [1, 2.5, "\\u00e9", null]}', 0)[0] != {"a": [1, 2.5, u"\u00e9", None]} or \
                "".join(encoders[True]({"b": 1, "a": [u"\u00e9"]}, 0)) != '{"a": ["\\u00e9"], "b": 1}':
            return None
        return scanner, encoders
    except Exception:  # pylint: disable=broad-except
        return None


_ACCELERATED = _accelerated()


def loads(text):
    """``json.loads(text)`` (``text``: str or UTF-8 bytes)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if _ACCELERATED is not None:
        start = len(text) - len(text.lstrip(_WHITESPACE))
        try:
            value, end = _ACCELERATED[0](text, start)
            if end == len(text.rstrip(_WHITESPACE)):
                return value
        except Exception:  # pylint: disable=broad-except
            # Not one JSON document: json says why. (The scanner's own errors need json.decoder
            # imported: without it, malformed text raises SystemError, not ValueError.)
            pass
    import json

    return json.loads(text)


def dumps(value, sort_keys=False):
    """``json.dumps(value, sort_keys=sort_keys)``."""
    if _ACCELERATED is not None:
        return "".join(_ACCELERATED[1][bool(sort_keys)](value, 0))
    import json

    return json.dumps(value, sort_keys=sort_keys)


__all__ = ("dumps", "loads")
