"""What a region's partition decides: the ARNs' partition, what an integration may reach, and the
console's host."""

from __future__ import annotations

# Each region belongs to one partition, and no role, policy or integration reaches across
# partitions: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html
# Longest prefix first; every other region is in "aws".
PARTITION_BY_REGION_PREFIX = (
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
)
PARTITIONS = frozenset({"aws", *(partition for _prefix, partition in PARTITION_BY_REGION_PREFIX)})


def partition_of_region(region: str) -> str:
    return next(
        (partition for prefix, partition in PARTITION_BY_REGION_PREFIX if region.startswith(prefix)), "aws"
    )


# What a step's integration reaches, besides its own partition. Step Functions reaches no
# resource in another region ("cross-Region AWS resource access [is not] available"), and
# another account's only through that service's resource-based policy (Lambda has them; ECS and
# Step Functions do not) or a task role (`Credentials`, which this project never sets):
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html
# https://docs.aws.amazon.com/step-functions/latest/dg/security_iam_service-with-iam.html
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security_iam_service-with-iam.html
SAME_REGION_SERVICES = frozenset({"lambda", "ecs", "states"})
SAME_ACCOUNT_SERVICES = frozenset({"ecs", "states"})
# An EventBridge connection reaches a private API through a VPC Lattice resource configuration of
# its own region only; another account's once that account shares it through AWS RAM:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/connection-private-cross-region.html
CONNECTION_SAME_REGION_SERVICES = frozenset({"vpc-lattice"})


# The AWS Management Console, by partition: each region has its own host in the aws partition
# (https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html); the China regions share one
# (https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html, "Amazon Web Services
# Console"), and so do the GovCloud (US) regions
# (https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-iam.html).
_CONSOLE_HOSTS_BY_PARTITION = {"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


def console_host(region: str) -> str:
    return _CONSOLE_HOSTS_BY_PARTITION.get(partition_of_region(region), f"{region}.console.aws.amazon.com")
