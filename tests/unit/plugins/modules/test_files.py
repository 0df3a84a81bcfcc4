# -*- coding: utf-8 -*-
# Copyright (c) 2026, mesos.overlay contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""files on a real directory: written, left alone, removed, attributes, check mode, errors."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat

import pytest

from ansible_collections.mesos.overlay.plugins.module_utils._changes import ParameterError
from ansible_collections.mesos.overlay.plugins.module_utils._files import Files

from .fakes import FakeModule

OWNER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def entry(path, content=None, **options):
    return dict({"path": str(path), "content": content, "state": "present", "mode": "0644", "owner": OWNER,
                 "group": GROUP, "only_if_exists": None}, **options)


def run(files, check=False, diff=False, directory_mode="0755", read=()):
    module = FakeModule({"files": files, "directory_mode": directory_mode, "read": list(read)}, check_mode=check,
                        diff=diff)
    return Files(module.params, module).run()


def test_new_files_are_written_with_their_parents_then_nothing_changes(tmp_path):
    files = [entry(tmp_path / "a" / "b" / "flag", "x\n"), entry(tmp_path / "run", "#!/bin/sh\n", mode="0755")]
    result = run(files)
    assert [(c["key"], c["action"]) for c in result["changes"]] == [(files[0]["path"], "add"), (files[1]["path"], "add")]
    assert (tmp_path / "a" / "b" / "flag").read_text() == "x\n"
    assert stat.S_IMODE(os.stat(tmp_path / "run").st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / "a").st_mode) == 0o755
    again = run(files)
    assert not again["changed"] and again["changes"] == []


def test_a_changed_text_is_rewritten_and_shown_in_the_diff(tmp_path):
    path = tmp_path / "isolation"
    path.write_text("cgroups/cpu\n")
    result = run([entry(path, "cgroups/cpu,network/cni\n")], diff=True)
    assert result["changes"][0]["action"] == "change"
    assert path.read_text() == "cgroups/cpu,network/cni\n"
    assert result["diff"] == [{"before": "cgroups/cpu\n", "after": "cgroups/cpu,network/cni\n",
                               "before_header": str(path), "after_header": str(path)}]
    assert [p.name for p in tmp_path.iterdir()] == ["isolation"]  # no temporary file left


def test_a_mode_changed_by_hand_is_set_back_without_rewriting(tmp_path):
    path = tmp_path / "conf"
    path.write_text("a\n")
    os.chmod(path, 0o600)
    result = run([entry(path, "a\n")])
    assert result["changed"] and "mode 0600" in result["changes"][0]["before"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_absent_files_are_removed_and_missing_ones_are_no_change(tmp_path):
    path = tmp_path / "modules"
    path.write_text("{}\n")
    result = run([entry(path, state="absent"), entry(tmp_path / "never", state="absent")])
    assert [(c["key"], c["action"]) for c in result["changes"]] == [(str(path), "remove")]
    assert not path.exists()


def test_only_if_exists(tmp_path):
    conf_d = tmp_path / "NetworkManager" / "conf.d"
    skipped = entry(conf_d / "x.conf", "y\n", only_if_exists=str(conf_d))
    result = run([skipped])
    assert not result["changed"] and result["skipped_paths"] == [skipped["path"]]
    assert not (tmp_path / "NetworkManager").exists()
    conf_d.mkdir(parents=True)
    result = run([skipped])
    assert result["changed"] and result["skipped_paths"] == [] and (conf_d / "x.conf").exists()


def test_check_mode_reports_and_writes_nothing(tmp_path):
    path = tmp_path / "old"
    path.write_text("old\n")
    result = run([entry(tmp_path / "d" / "new", "n\n"), entry(path, "new\n")], check=True, diff=True)
    assert [c["action"] for c in result["changes"]] == ["add", "change"]
    assert not (tmp_path / "d").exists() and path.read_text() == "old\n"
    assert len(result["diff"]) == 2


@pytest.mark.parametrize("options, message", [
    ({"path": "relative/file"}, r"files\[0\]\.path: 'relative/file' is not an absolute path"),
    ({"content": None}, r"content: is missing"),
    ({"mode": "rw-r--r--"}, r"mode: 'rw-r--r--' is not an octal mode"),
    ({"owner": "no-such-user-mo"}, r"owner: 'no-such-user-mo' does not exist"),
])
def test_errors_name_the_field_and_touch_nothing(tmp_path, options, message):
    good = entry(tmp_path / "good", "g\n")
    with pytest.raises(ParameterError, match=message):
        run([good, dict(entry(tmp_path / "bad", "b\n"), **options)] if "path" not in options
            else [dict(entry(tmp_path / "bad", "b\n"), **options)])
    assert not (tmp_path / "good").exists()


def test_a_directory_in_the_way_and_a_path_given_twice_are_errors(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(ParameterError, match="is not a regular file"):
        run([entry(tmp_path / "dir", "x\n")])
    with pytest.raises(ParameterError, match="is given twice"):
        run([entry(tmp_path / "f", "1\n"), entry(tmp_path / "f", "2\n")])


def test_read_returns_what_is_there_before_writing(tmp_path):
    flag = tmp_path / "isolation"
    flag.write_text("cgroups/cpu\n")
    result = run([entry(flag, "new\n")], read=[str(flag), str(tmp_path / "modules")])
    assert result["contents"] == {str(flag): "cgroups/cpu\n", str(tmp_path / "modules"): None}
    assert flag.read_text() == "new\n"
