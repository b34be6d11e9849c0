"""The intrinsic functions of JSONPath states (States.Format, ...), as AWS documents them."""

from __future__ import annotations

import re

# The intrinsic functions of JSONPath states, with how many arguments each takes (low, high;
# None: any number), at most 10 nested in one field, and the reserved characters of their string
# literals (', {, } and \, each escaped with a backslash; an open backslash is an error).
# https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
INTRINSIC_ARGUMENTS: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
MAX_INTRINSIC_NESTING = 10
# The arguments (by position) the same page says must be integers.
INTRINSIC_INTEGER_ARGUMENTS = {
    "States.ArrayPartition": (1,),
    "States.ArrayRange": (0, 1, 2),
    "States.ArrayGetItem": (1,),
    "States.MathRandom": (0, 1, 2),
    "States.MathAdd": (0, 1),
}
INTRINSIC_RESERVED = "'{}\\"
HASH_ALGORITHMS = ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512")
_RESERVED = re.compile(f"([{re.escape(INTRINSIC_RESERVED)}])")


def escape_literal(text: str) -> str:
    """A string literal of an intrinsic function: each reserved character escaped with a backslash."""
    return _RESERVED.sub(r"\\\1", text)
