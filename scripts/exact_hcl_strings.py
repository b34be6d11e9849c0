"""Makes the multi-line strings of `cdktf synth --hcl` output the same values as in the JSON.

cdktf 0.21.0 writes a string with line breaks as a heredoc, `<<EOF\\n<lines>\\nEOF`
(node_modules/cdktf/lib/hcl/render.js, renderString). A heredoc's value ends with the line break
before its closing marker, which the string did not have: `terraform plan` of the HCL then shows
"whitespace changes" to the state machine's definition applied from the JSON. Each such heredoc
becomes `trimsuffix(<<EOF ... EOF\\n, "\\n")`, exactly the original string.
https://developer.hashicorp.com/terraform/language/functions/trimsuffix

    python scripts/exact_hcl_strings.py FILE...    rewrites each file in place
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# cdktf's heredoc as an attribute value: the marker is always EOF, the closing line is just EOF.
CDKTF_HEREDOC = re.compile(r"= <<EOF\n(.*?)\nEOF$", re.MULTILINE | re.DOTALL)


def exact_strings(hcl: str) -> str:
    return CDKTF_HEREDOC.sub(lambda match: f'= trimsuffix(<<EOF\n{match[1]}\nEOF\n, "\\n")', hcl)


def main(paths: list[str]) -> int:
    for path in map(Path, paths):
        path.write_text(exact_strings(path.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
