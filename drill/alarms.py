"""The alarms route: each alarm of the stack set to ALARM and back, its notification checked.

CloudWatch records each action it runs in the alarm's history ("Successfully executed action
<topic ARN>", or "Failed to execute action"), so the history says whether the topic accepted
CloudWatch's publish (the topic policy, its key):
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from drill.aws import Clients, Waits, progress, wait_until
from drill.outcome import Outcome, RouteFailed
from drill.stack import Stack

REASON = "Fire drill (scripts/fire-drill.sh): not a real alarm"


def run_alarms(clients: Clients, stack: Stack, waits: Waits, outcome: Outcome) -> None:
    if not stack.alarm_names:
        raise RouteFailed("this stack has no alarms (night_watch settings); nothing to drill")
    cloudwatch = clients("cloudwatch")
    alarms = cloudwatch.describe_alarms(AlarmNames=list(stack.alarm_names))["MetricAlarms"]
    missing = sorted(set(stack.alarm_names) - {alarm["AlarmName"] for alarm in alarms})
    if missing:
        raise RouteFailed(f"alarm {', '.join(missing)} does not exist; apply the stack first")
    problems = []
    for alarm in alarms:
        problem = _drill_alarm(cloudwatch, alarm, stack.topic_arn, waits)
        if problem:
            problems.append(problem)
        else:
            outcome.facts.append(
                f"alarm {alarm['AlarmName']}: CloudWatch published to the topic (the topic policy lets it)"
            )
    if problems:
        raise RouteFailed("; ".join(problems))


def _drill_alarm(cloudwatch: Any, alarm: dict[str, Any], topic_arn: str, waits: Waits) -> str | None:
    name = alarm["AlarmName"]
    if alarm["StateValue"] == "ALARM":
        return f"alarm {name} is in ALARM now (a real alarm?): drill it once it is OK again"
    if not alarm.get("ActionsEnabled", True) or topic_arn not in alarm.get("AlarmActions", []):
        return f"alarm {name} does not notify the topic on ALARM; apply the stack"
    since = datetime.now(UTC) - timedelta(seconds=5)
    progress(f"alarms: setting {name} to ALARM, then back to OK")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason=REASON)
    try:
        found = wait_until(
            f"alarm {name}'s action",
            lambda: _action_result(cloudwatch, name, since),
            waits.delivery_seconds,
            min(waits.poll_seconds, 5),
        )
    finally:
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason=REASON)
    if found is None:
        return (
            f"alarm {name}'s history shows no action within {waits.delivery_seconds:.0f} s; "
            "look at the alarm's history in the console"
        )
    succeeded, summary = found
    if not succeeded:
        return f"alarm {name} could not notify the topic ({summary}); check the topic's policy and key (docs/iam.md)"
    return None


def _action_result(cloudwatch: Any, name: str, since: datetime) -> tuple[bool, str] | None:
    items = cloudwatch.describe_alarm_history(
        AlarmName=name,
        HistoryItemType="Action",
        StartDate=since,
        EndDate=datetime.now(UTC) + timedelta(minutes=1),
    )["AlarmHistoryItems"]
    for item in items:
        summary = item.get("HistorySummary", "")
        try:
            state = json.loads(item.get("HistoryData") or "{}").get("actionState")
        except ValueError:
            state = None
        if summary.startswith("Successfully executed action") or state == "Succeeded":
            return True, summary
        if summary.startswith("Failed to execute action") or state == "Failed":
            return False, summary
    return None
