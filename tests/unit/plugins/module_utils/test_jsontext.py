# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_jsontext gives what the json package gives, for any JSON value, with and without CPython's accelerator."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.mesos.overlay.plugins.module_utils import _jsontext

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20)
NOT_ONE_DOCUMENT = ["", "  ", "{", "{} x", "[1,]", "{'a': 1}", "nul", "\"\\x\"", "1 2"]


@pytest.fixture(params=["accelerated", "json package"])
def codec(request, monkeypatch):
    if request.param == "accelerated":
        assert _jsontext._ACCELERATED is not None, "CPython's _json should be found here"
    else:
        monkeypatch.setattr(_jsontext, "_ACCELERATED", None)
    return _jsontext


@settings(deadline=None)
@given(value=VALUES, sort_keys=st.booleans())
def test_the_same_text_and_value_as_the_json_package(value, sort_keys):
    for accelerated in (_jsontext._ACCELERATED, None):
        saved, _jsontext._ACCELERATED = _jsontext._ACCELERATED, accelerated
        try:
            text = _jsontext.dumps(value, sort_keys=sort_keys)
            assert text == json.dumps(value, sort_keys=sort_keys)
            assert _jsontext.loads(text) == json.loads(text)
            assert _jsontext.loads((" \n" + text + "\n").encode()) == json.loads(text)
        finally:
            _jsontext._ACCELERATED = saved


@pytest.mark.parametrize("text", NOT_ONE_DOCUMENT)
def test_a_text_that_is_not_one_document_fails_with_json_s_own_error(codec, text):
    with pytest.raises(ValueError) as expected:
        json.loads(text)
    with pytest.raises(ValueError) as got:
        codec.loads(text)
    assert type(got.value) is type(expected.value) and str(got.value) == str(expected.value)


def test_what_json_cannot_write_is_refused_alike(codec):
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        codec.dumps({"a": {1}})
    assert codec.dumps({"after": "a refusal"}) == '{"after": "a refusal"}'


def test_the_group_plugin_s_imports_leave_out_json_and_re(interpreter):
    # What a container's start pays for: the plugin's module, imported as its launcher does (-I -S).
    code = ("import sys; from ansible_collections.mesos.overlay.plugins.module_utils import _groups; "
            "print(' '.join(sorted(m for m in ('json', 're', 'enum', 'signal', 'subprocess', 'ipaddress', 'threading', "
            "'_changes', '_dataplane', '_nftables', '_membership') "
            "if m in sys.modules or 'ansible_collections.mesos.overlay.plugins.module_utils.' + m in sys.modules)))")
    root = _jsontext.__file__.rsplit(os.sep + "ansible_collections" + os.sep, 1)[0]
    proc = subprocess.run([interpreter.executable, "-I", "-S", "-c", "import sys; sys.path.insert(0, %r); %s" % (root, code)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.parametrize("text", NOT_ONE_DOCUMENT)
def test_a_malformed_text_fails_with_json_s_error_also_where_json_was_never_imported(interpreter, text):
    # As in the group plugin's process: the C scanner's own errors need json.decoder imported
    # (without it, it raises SystemError); the text then goes to json, which says why. A process
    # per text: the first fallback imports json.
    code = ("import sys; from ansible_collections.mesos.overlay.plugins.module_utils import _jsontext\n"
            "try:\n"
            "    _jsontext.loads(sys.argv[1])\n"
            "except ValueError as exc:\n"
            "    print(type(exc).__name__, exc)\n")
    root = _jsontext.__file__.rsplit(os.sep + "ansible_collections" + os.sep, 1)[0]
    proc = subprocess.run([interpreter.executable, "-I", "-S", "-c", "import sys; sys.path.insert(0, %r)\n%s" % (root, code),
                           text], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(ValueError) as expected:
        json.loads(text)
    assert proc.stdout.strip() == "%s %s" % (type(expected.value).__name__, expected.value)
