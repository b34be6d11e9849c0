"""The offline input transformer (offline.event_targets) against the EventBridge guide's examples.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
"""

from __future__ import annotations

import pytest

from offline.event_targets import fill_template, json_path, transformed_input

EC2_EVENT = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING"},
}
PATHS = {"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}


def transform(template: str) -> str:
    return transformed_input(
        {"InputTransformer": {"InputPathsMap": PATHS, "InputTemplate": template}}, EC2_EVENT
    )


@pytest.mark.parametrize(
    ("template", "output"),
    [
        ('"instance <instance> is in <state>"', "instance i-0123456789 is in RUNNING"),
        ('{"instance" : <instance>, "state": <state>}', '{"instance" : "i-0123456789", "state": "RUNNING"}'),
        (
            '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}',
            '{"instance" : "i-0123456789", "state": "RUNNING", "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"}',
        ),
        (
            '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
            '{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}',
        ),
    ],
)
def test_the_guides_examples_transform_as_documented(template, output):
    assert transform(template) == output


def test_values_inside_a_string_are_not_escaped_and_objects_lose_their_quotes():
    assert fill_template('{"a": "<v>"}', {"v": 'say "hi"'}) == '{"a": "say "hi""}'
    assert (
        fill_template('{"a": "detail is <v>"}', {"v": {"key1": "value1"}})
        == '{"a": "detail is {key1: value1}"}'
    )


def test_a_path_the_event_lacks_creates_no_variable():
    """The guide: such a variable "isn't created and won't appear in the output"; its placeholder
    is then plain text. The night watch reads only fields every watched event has."""
    assert json_path(EC2_EVENT, "$.resources[0]") == "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
    assert transform('{"e": "<error>", "s": "<state>"}') == '{"e": "<error>", "s": "RUNNING"}'
