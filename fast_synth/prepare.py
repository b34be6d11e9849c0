"""Builds jsii's runtime index of the provider's types, once per machine.

jsii builds it in a background thread when it first loads the provider. This
imports the provider the normal way and waits for the index to be written.
Does nothing when the index is there already.
"""

from __future__ import annotations

import sys
import time

import fast_synth

WAIT_SECONDS = 300


def main() -> int:
    if fast_synth.provider_index_built():
        return 0
    print("Indexing the AWS provider's types for fast synth (once per machine)...", file=sys.stderr)
    import cdktf_cdktf_provider_aws  # noqa: F401  (loading it starts the indexing)

    deadline = time.monotonic() + WAIT_SECONDS
    while not fast_synth.provider_index_built():
        if time.monotonic() > deadline:
            print(
                f"jsii did not index the provider within {WAIT_SECONDS} s; synth stays slow", file=sys.stderr
            )
            return 1
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
