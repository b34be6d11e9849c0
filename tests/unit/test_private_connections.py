"""[connections.<name>] resource_configuration: a private API's VPC Lattice resource configuration,
checked as AWS's API reference and EventBridge's rules for private APIs say."""

from __future__ import annotations

import pytest

from tests.unit.support import MINIMAL_CONFIG, in_table, load_text, problems_of, write
from tests.unit.test_loading import expect_problem

FIELD = "connections.ticketing.resource_configuration"
RCFG = "resourceconfiguration/rcfg-0123456789abcdef0"
EXAMPLE = f"arn:aws:vpc-lattice:eu-west-1:123456789012:{RCFG}"
NOT_THIS_ARN = (
    "must be an ARN like "
    "arn:aws:vpc-lattice:eu-west-1:123456789012:resourceconfiguration/rcfg-0123456789abcdef0"
)


def private(arn: str, text: str = MINIMAL_CONFIG) -> str:
    return in_table("[connections.ticketing]", f'resource_configuration = "{arn}"', text=text)


@pytest.mark.parametrize(
    ("region", "arn"),
    [
        ("eu-west-1", EXAMPLE),
        # Another account's, shared through AWS RAM.
        ("eu-west-1", f"arn:aws:vpc-lattice:eu-west-1:210987654321:{RCFG}"),
        ("cn-north-1", f"arn:aws-cn:vpc-lattice:cn-north-1:123456789012:{RCFG}"),
        ("us-gov-west-1", f"arn:aws-us-gov:vpc-lattice:us-gov-west-1:123456789012:{RCFG}"),
    ],
)
def test_a_resource_configuration_of_the_stacks_region_makes_the_connection_private(tmp_path, region, arn):
    partition = arn.split(":")[1]
    text = private(arn, MINIMAL_CONFIG.replace("eu-west-1", region).replace("arn:aws:", f"arn:{partition}:"))

    connection = load_text(tmp_path, text).connections["ticketing"]

    assert connection.resource_configuration == arn


def test_a_connection_is_public_by_default(tmp_path):
    assert load_text(tmp_path, MINIMAL_CONFIG).connections["ticketing"].resource_configuration is None


@pytest.mark.parametrize(
    "value",
    [
        "rcfg-0123456789abcdef0",  # the id alone
        "https://orders.internal.example.com",
        f"arn:aws:vpc-lattice:eu-west-1:123456789012:{RCFG}/",
        "arn:aws:vpc-lattice:eu-west-1:123456789012:resourceconfiguration/rcfg-0123456789abcdef",  # 16
        "arn:aws:vpc-lattice:eu-west-1:123456789012:resourceconfiguration/rcfg-0123456789ABCDEF0",
        "arn:aws:vpc-lattice:eu-west-1:123456789012:service/svc-0123456789abcdef0",
        "arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetworkresourceassociation/snra-0123456789abcdef0",
        f"arn:aws:execute-api:eu-west-1:123456789012:{RCFG}",  # wrong service
        "arn:aws:lambda:us-east-1:123456789012:function:proxy",  # wrong service, other region
        f"arn:aws:vpc-lattice:eu-west-1:12345678901:{RCFG}",  # 11-digit account
        f"arn:aws:vpc-lattice::123456789012:{RCFG}",  # no region
        f"arn:amazon:vpc-lattice:eu-west-1:123456789012:{RCFG}",  # no such partition
    ],
)
def test_anything_but_a_resource_configuration_arn_is_refused(tmp_path, value):
    path = write(tmp_path, private(value))

    assert problems_of(path) == [f'{path}: {FIELD} = "{value}": {NOT_THIS_ARN}'], "that one problem only"


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "eu-west-2"])
def test_a_resource_configuration_in_another_region_is_refused(tmp_path, region):
    arn = f"arn:aws:vpc-lattice:{region}:123456789012:{RCFG}"

    expect_problem(
        tmp_path,
        private(arn),
        f'{FIELD} = "{arn}": is in region {region}: an EventBridge connection reaches a private API '
        "through a resource configuration in its own region only (stack.region = eu-west-1); another account's "
        "is fine once shared with this one through AWS RAM",
    )


@pytest.mark.parametrize(
    ("partition", "region"), [("aws-cn", "cn-north-1"), ("aws-us-gov", "eu-west-1"), ("aws-iso", "eu-west-1")]
)
def test_a_resource_configuration_in_another_partition_is_refused(tmp_path, partition, region):
    arn = f"arn:{partition}:vpc-lattice:{region}:123456789012:{RCFG}"

    expect_problem(
        tmp_path,
        private(arn),
        f'{FIELD} = "{arn}": is in partition {partition}, and stack.region eu-west-1 is in aws: '
        "nothing reaches across partitions; use an arn:aws:... ARN",
    )


def test_each_private_connection_is_checked_on_its_own(tmp_path):
    """The HTTP step's connection too, and both problems at once."""
    text = private(f"arn:aws:vpc-lattice:us-east-1:123456789012:{RCFG}")
    text = text.replace(
        "[ticket]\n",
        '[connections.partner]\nvariable = "partner_key"\nresource_configuration = "rcfg-1"\n\n[ticket]\n',
    )

    path = write(tmp_path, text)
    problems = problems_of(path)

    assert any(f"{FIELD} = " in problem and ": is in region us-east-1" in problem for problem in problems)
    assert f'{path}: connections.partner.resource_configuration = "rcfg-1": {NOT_THIS_ARN}' in problems
