"""scripts/exact_hcl_strings.py: cdktf's heredocs end with a line break their strings lack."""

from __future__ import annotations

import importlib.util

from tests.conftest import PROJECT

_spec = importlib.util.spec_from_file_location(
    "exact_hcl_strings", PROJECT / "scripts" / "exact_hcl_strings.py"
)
exact_hcl_strings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exact_hcl_strings)


def test_a_cdktf_heredoc_loses_exactly_the_line_break_its_marker_adds():
    hcl = 'resource "x" "y" {\n  definition = <<EOF\n{\n  "a": 1\n}\nEOF\n  name = "n"\n}\n'

    assert exact_hcl_strings.exact_strings(hcl) == (
        'resource "x" "y" {\n  definition = trimsuffix(<<EOF\n{\n  "a": 1\n}\nEOF\n, "\\n")\n  name = "n"\n}\n'
    )


def test_each_heredoc_is_rewritten_once_and_one_line_strings_are_left_alone():
    hcl = 'a = <<EOF\nx\ny\nEOF\nb = "z"\nc = <<EOF\nEOF inside\n\nEOF\n'

    assert exact_hcl_strings.exact_strings(hcl) == (
        'a = trimsuffix(<<EOF\nx\ny\nEOF\n, "\\n")\nb = "z"\nc = trimsuffix(<<EOF\nEOF inside\n\nEOF\n, "\\n")\n'
    )
