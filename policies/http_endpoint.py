"""The states:HTTPEndpoint condition of an HTTP task: the endpoint, with hard boundaries.

AWS's own example matches the endpoint with StringLike and a trailing "*"
(https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html#connect-http-task-permissions).
A bare trailing "*" has no boundary: "https://h/api*" also matches
"https://h/api-admin" and "https://h/api/../../other", and "https://h*" matches
"https://h.evil.net/". So a condition here only ever grants:
- the endpoint itself;
- its query-string form, "<endpoint>?<anything>". AWS does not document whether
  the compared value includes the query string; with this value both answers work;
- only for an API root, the paths under it, "<endpoint>/<anything>", with
  dot-segments ("/..", also percent-encoded) refused by a StringNotLike.

In StringLike, "*" and "?" are wildcards ("?" matches any one character). The
literal "?" that starts a query string, and any "*" or "?" in the configured
URL, are written as IAM's special variables ${?} and ${*}:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
"""

from __future__ import annotations

from policies.statement import LITERAL_ASTERISK, LITERAL_QUESTION_MARK, Condition

ENDPOINT_KEY = "states:HTTPEndpoint"
# A path under a root that climbs out of it: "/.." and its percent-encoded
# spellings ("/%2e%2e", "/.%2E", ...). "?" stands for the "%": a "%" in a policy
# is decoded by the offline emulator, and the patterns stay as narrow.
DOT_SEGMENTS = tuple(
    f"*/{first}{second}*"
    for first, second in [(".", "."), (".", "?2e"), (".", "?2E"), ("?2e", "."), ("?2E", ".")]
    + [(one, other) for one in ("?2e", "?2E") for other in ("?2e", "?2E")]
)


def iam_literal(text: str) -> str:
    """text, matched character for character by StringLike."""
    return text.replace("*", LITERAL_ASTERISK).replace("?", LITERAL_QUESTION_MARK)


def endpoint_conditions(endpoint: str, *, is_root: bool) -> tuple[Condition, ...]:
    exact = iam_literal(endpoint)
    allowed = [exact, f"{exact}{LITERAL_QUESTION_MARK}*"]
    if not is_root:
        return (Condition("StringLike", ENDPOINT_KEY, tuple(allowed)),)
    allowed.append(f"{iam_literal(endpoint.rstrip('/'))}/*")
    return (
        Condition("StringLike", ENDPOINT_KEY, tuple(allowed)),
        Condition("StringNotLike", ENDPOINT_KEY, DOT_SEGMENTS),
    )
