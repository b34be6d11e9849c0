"""Scenario 6: after apply, plan shows no changes; destroy removes everything it created."""

from __future__ import annotations

import pytest

from offline.deployment import Deployment


def test_plan_after_apply_shows_no_changes(deployment):
    exit_code, output = deployment.terraform.plan_exit_code()

    assert exit_code == 0, output
    assert "No changes." in output


@pytest.mark.destroys_stack
def test_destroy_removes_everything(deployment):
    before = inventory(deployment)
    assert all(before.values()), f"apply should have created one of each: {before}"

    deployment.terraform.destroy()

    assert deployment.terraform.state_addresses() == []
    assert inventory(deployment) == {kind: [] for kind in before}


def inventory(deployment: Deployment) -> dict[str, list[str]]:
    """What the stack's names find in the emulator, by kind of resource."""
    name = deployment.config.state_machine.name
    client = deployment.emulator.client
    connection_secrets = [
        secret["Name"]
        for secret in client("secretsmanager").list_secrets()["SecretList"]
        if secret["Name"].startswith(f"events!connection/{name}-")
    ]
    return {
        "state machines": [
            machine["name"] for machine in client("stepfunctions").list_state_machines()["stateMachines"]
        ],
        "roles": [
            role["RoleName"]
            for role in client("iam").list_roles()["Roles"]
            if role["RoleName"].startswith(name)
        ],
        "log groups": [
            group["logGroupName"]
            for group in client("logs").describe_log_groups()["logGroups"]
            if group["logGroupName"].endswith(name)
        ],
        "connections": [
            connection["Name"] for connection in client("events").list_connections()["Connections"]
        ],
        "connection secrets": connection_secrets,
        "topics": [topic["TopicArn"] for topic in client("sns").list_topics()["Topics"]],
        "schedules": [schedule["Name"] for schedule in client("scheduler").list_schedules()["Schedules"]],
        "event rules": [rule["Name"] for rule in client("events").list_rules(NamePrefix=name)["Rules"]],
        "api destinations": [
            destination["Name"] for destination in client("events").list_api_destinations()["ApiDestinations"]
        ],
        "alarms": [alarm["AlarmName"] for alarm in client("cloudwatch").describe_alarms()["MetricAlarms"]],
        "queues": client("sqs").list_queues(QueueNamePrefix=name).get("QueueUrls", []),
    }
