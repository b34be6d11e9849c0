"""Each AWS rule at its boundary: the longest name AWS takes is accepted, one more character
is refused with the message; characters outside the alphabet, other scripts' digits too."""

from __future__ import annotations

import pytest
from aws_facts import rules as aws_rules
from config_kit import validators

NAME_RULES = [
    pytest.param(aws_rules.IAM_ROLE_NAME, 64, "letters, digits or +=,.@_-", id="iam-role"),
    pytest.param(aws_rules.IAM_POLICY_NAME, 128, "letters, digits or +=,.@_-", id="iam-policy"),
    pytest.param(aws_rules.STATE_MACHINE_NAME, 80, "letters, digits, '-' or '_'", id="state-machine"),
    pytest.param(aws_rules.SCHEDULE_NAME, 64, "letters, digits, '.', '-' or '_'", id="schedule"),
    pytest.param(aws_rules.SCHEDULE_GROUP_NAME, 64, "letters, digits, '.', '-' or '_'", id="schedule-group"),
    pytest.param(aws_rules.CONNECTION_NAME, 64, "letters, digits, '.', '-' or '_'", id="connection"),
    pytest.param(aws_rules.LOG_GROUP_NAME, 512, "letters, digits or _./#-", id="log-group"),
    pytest.param(aws_rules.SNS_TOPIC_NAME, 256, "letters, digits, '-' or '_'", id="sns-topic"),
    pytest.param(aws_rules.DYNAMODB_TABLE_NAME, 255, "letters, digits, '.', '-' or '_'", id="dynamodb-table"),
    pytest.param(aws_rules.LAMBDA_FUNCTION_NAME, 64, "letters, digits, '-' or '_'", id="lambda-function"),
    pytest.param(aws_rules.LAMBDA_QUALIFIER, 128, "letters, digits, '$', '-' or '_'", id="lambda-qualifier"),
    pytest.param(aws_rules.ECS_CLUSTER_NAME, 255, "letters, digits, '-' or '_'", id="ecs-cluster"),
    pytest.param(aws_rules.ECS_TASK_FAMILY, 255, "letters, digits, '-' or '_'", id="ecs-task-family"),
    pytest.param(aws_rules.SECRET_NAME, 512, "letters, digits or /_+=.@-", id="secret"),
]


@pytest.mark.parametrize(("rule", "longest", "alphabet"), NAME_RULES)
def test_name_rule_accepts_its_longest_name(rule, longest, alphabet):
    assert rule.max_length == longest
    assert rule.problem("a" * longest) is None


@pytest.mark.parametrize(("rule", "longest", "alphabet"), NAME_RULES)
def test_name_rule_refuses_one_character_more(rule, longest, alphabet):
    assert rule.problem("a" * (longest + 1)) == (
        f"must be at most {longest} characters (it has {longest + 1})"
    )


@pytest.mark.parametrize(("rule", "longest", "alphabet"), NAME_RULES)
@pytest.mark.parametrize("name", ["", "has space", "caf\u00e9", "run\u0663", "a*b"])
def test_name_rule_refuses_characters_outside_its_ascii_alphabet(rule, longest, alphabet, name):
    assert rule.problem(name) == f"must be {rule.min_length}-{longest} {alphabet}"


def test_a_dynamodb_table_name_takes_at_least_3_characters():
    assert aws_rules.DYNAMODB_TABLE_NAME.problem("abc") is None
    assert aws_rules.DYNAMODB_TABLE_NAME.problem("ab") == "must be 3-255 letters, digits, '.', '-' or '_'"


@pytest.mark.parametrize("name", ["pipeline+dev=1,a.b@c_d-e"])
def test_iam_names_take_their_punctuation(name):
    assert aws_rules.IAM_ROLE_NAME.problem(name) is None


def test_iam_sid_is_ascii_alphanumeric():
    assert aws_rules.IAM_SID.fullmatch("InvokeExtractLambda2")
    assert not aws_rules.IAM_SID.fullmatch("Invoke-Extract")
    assert not aws_rules.IAM_SID.fullmatch("Invoke\u0663")


def test_state_name_accepts_80_characters():
    assert validators.state_name("A" * aws_rules.MAX_STATE_NAME) is None


@pytest.mark.parametrize(
    ("check", "longest", "message"),
    [
        (validators.connection_description, 512, "must be at most 512 characters (it has 513)"),
        (
            validators.sns_subject,
            99,
            "must be 1-99 printable ASCII characters on one line, not starting with a space",
        ),
    ],
)
def test_text_length_boundaries(check, longest, message):
    assert check("x" * longest) is None
    assert check("x" * (longest + 1)) == message


def test_secret_name_boundary():
    assert validators.secret_name("s" * 512) is None
    assert validators.secret_name("s" * 513) == (
        "must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a secret ARN"
    )


@pytest.mark.parametrize("account", ["12345678901", "1234567890123", "12345678901\u0662", "\uff11" * 12])
def test_account_id_is_exactly_12_ascii_digits(account):
    assert validators.account_id("123456789012") is None
    assert validators.account_id(account) == "must be a 12-digit AWS account id"


@pytest.mark.parametrize("name", sorted(aws_rules.TERRAFORM_RESERVED_VARIABLE_NAMES))
def test_terraform_variable_refuses_reserved_names(name):
    assert validators.terraform_variable(name) == (
        "is reserved by Terraform; choose another name than "
        "count, depends_on, for_each, lifecycle, locals, provider, providers, source, version"
    )


@pytest.mark.parametrize("name", ["counter", "source_key", "partner_api_key"])
def test_terraform_variable_accepts_other_identifiers(name):
    assert validators.terraform_variable(name) is None


BUCKET_SHAPE = (
    "must be 3-63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit"
)


@pytest.mark.parametrize("bucket", ["abc", "a" * 63, "my.state-bucket-1", "1bucket9"])
def test_s3_bucket_accepts(bucket):
    assert aws_rules.s3_bucket_problem(bucket) is None


@pytest.mark.parametrize(
    ("bucket", "message"),
    [
        ("", BUCKET_SHAPE),
        ("ab", BUCKET_SHAPE),
        ("a" * 64, BUCKET_SHAPE),
        ("My-Bucket", BUCKET_SHAPE),
        ("my_bucket", BUCKET_SHAPE),
        ("-bucket", BUCKET_SHAPE),
        ("bucket.", BUCKET_SHAPE),
        ("buck\u0663t", BUCKET_SHAPE),
        ("my..bucket", "must not hold '..' or look like an IP address"),
        ("192.168.5.4", "must not hold '..' or look like an IP address"),
    ],
)
def test_s3_bucket_refuses(bucket, message):
    assert aws_rules.s3_bucket_problem(bucket) == message


@pytest.mark.parametrize(
    "bucket",
    ["xn--bucket", "sthree-bucket", "amzn-s3-demo-bucket", "b-s3alias", "b--ol-s3", "b.mrap", "b--x-s3"],
)
def test_s3_bucket_refuses_reserved_prefixes_and_suffixes(bucket):
    assert aws_rules.s3_bucket_problem(bucket).startswith("uses a prefix or suffix S3 reserves (xn--...")


KEY_SHAPE = "must be a non-empty path that neither starts nor ends with '/' and holds no '//'"


def test_s3_state_key_boundary_is_1024_bytes_of_utf8():
    assert aws_rules.s3_state_key_problem("k" * 1024) is None
    assert aws_rules.s3_state_key_problem("k" * 1025) == "must be at most 1024 bytes"
    assert aws_rules.s3_state_key_problem("\u00e9" * 513) == "must be at most 1024 bytes"


@pytest.mark.parametrize("key", ["", "/state.tfstate", "env/", "env//state.tfstate"])
def test_s3_state_key_refuses_what_terraform_refuses(key):
    assert aws_rules.s3_state_key_problem(key) == KEY_SHAPE


@pytest.mark.parametrize(
    "header", ["Authorization", "X-Amz-Date", "x-amzn-trace-id", "X-Forwarded-Host", "HOST"]
)
def test_refused_headers_ignore_case(header):
    assert aws_rules.is_refused_header(header)


@pytest.mark.parametrize("header", ["Content-Type", "X-Request-Id", "Accept"])
def test_other_headers_are_not_refused(header):
    assert not aws_rules.is_refused_header(header)


@pytest.mark.parametrize(
    ("key", "value"), [("k" * 128, "v" * 256), ("Kostenstelle", "Größe 1"), ("a:b/c", "")]
)
def test_tags_take_their_longest_keys_and_values(key, value):
    assert aws_rules.tag_problem(key, value) is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("k" * 129, "v", "must have a key of 1-128 characters and a value of at most 256"),
        ("k", "v" * 257, "must have a key of 1-128 characters and a value of at most 256"),
        ("", "v", "must have a key of 1-128 characters and a value of at most 256"),
        ("cost*center", "v", "must hold only letters, digits, spaces and +-=._:/@"),
        ("owner", "two\nlines", "must hold only letters, digits, spaces and +-=._:/@"),
        ("AWS:owner", "v", "must not start with aws:, which AWS reserves"),
        ("owner", "aws:team", "must not start with aws:, which AWS reserves"),
    ],
)
def test_tags_refuse(key, value, message):
    assert aws_rules.tag_problem(key, value) == message


LAMBDA_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:"
ECS_ARN = "arn:aws:ecs:eu-west-1:123456789012:"


@pytest.mark.parametrize(
    ("check", "longest", "one_more"),
    [
        (validators.lambda_function_arn, LAMBDA_ARN + "f" * 64, LAMBDA_ARN + "f" * 65),
        (validators.lambda_function_arn, LAMBDA_ARN + "f:" + "q" * 128, LAMBDA_ARN + "f:" + "q" * 129),
        (validators.ecs_cluster_arn, ECS_ARN + "cluster/" + "c" * 255, ECS_ARN + "cluster/" + "c" * 256),
        (
            validators.ecs_task_definition_arn,
            ECS_ARN + "task-definition/" + "t" * 255 + ":3",
            ECS_ARN + "task-definition/" + "t" * 256,
        ),
        (
            validators.iam_role_arn,
            "arn:aws:iam::123456789012:role/" + "r" * 64,
            "arn:aws:iam::123456789012:role/" + "r" * 65,
        ),
    ],
)
def test_arns_take_the_longest_name_and_refuse_one_more(check, longest, one_more):
    assert check(longest) is None
    assert check(one_more).startswith("must be an ARN like ")
