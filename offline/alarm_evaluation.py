"""CloudWatch's evaluation of the night watch's alarms, which moto stores but never evaluates.

moto neither computes AWS/States or AWS/SQS metrics nor evaluates alarms. Here
the metrics the night watch alarms on are read from the emulator's own
resources, and an alarm is evaluated as CloudWatch documents it
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html):
the last EvaluationPeriods periods, each a datapoint or missing;
DatapointsToAlarm of them breaching put the alarm in ALARM; a missing one
counts as TreatMissingData says. On a change of state, the alarm's new state
is recorded (SetAlarmState), and offline.service_metrics publishes the
notification to each of its actions for that state, as CloudWatch does.

- AWS/States ExecutionsStarted (StateMachineArn): the executions of that state
  machine started within each period (no execution: no datapoint);
- AWS/States ExecutionsTimedOut and ExecutionsAborted (StateMachineArn): its
  executions that ended TIMED_OUT or ABORTED within each period;
- AWS/SQS NumberOfMessagesSent (QueueName): the messages sent to the queue
  within each period, counted among those still in it (moto forgets a deleted
  message; CloudWatch would still count it).

`now` is a parameter, so a test can ask about a night long past without waiting for it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from moto.sqs.models import sqs_backends

from offline.emulator import Emulator

_COMPARE = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


@dataclass(frozen=True)
class Evaluation:
    alarm: str
    old_state: str
    new_state: str
    datapoints: list[float | None]
    """Oldest first; None where the period had no data."""


def evaluate_alarm(emulator: Emulator, alarm_name: str, now: datetime) -> Evaluation:
    cloudwatch = emulator.client("cloudwatch")
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    datapoints = _datapoints(emulator, alarm, now)
    state = _state(alarm, datapoints)
    old = alarm["StateValue"]
    if state != old:
        reason = f"Threshold Crossed: {len(datapoints)} datapoints were evaluated: {datapoints}"
        cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=state, StateReason=reason)
    return Evaluation(alarm_name, old, state, datapoints)


def _state(alarm: dict, datapoints: list[float | None]) -> str:
    compare = _COMPARE[alarm["ComparisonOperator"]]
    missing = alarm.get("TreatMissingData", "missing")
    breaching = 0
    for value in datapoints:
        if value is None:
            breaching += missing == "breaching"
        else:
            breaching += compare(value, alarm["Threshold"])
    return "ALARM" if breaching >= alarm.get("DatapointsToAlarm", alarm["EvaluationPeriods"]) else "OK"


def _datapoints(emulator: Emulator, alarm: dict, now: datetime) -> list[float | None]:
    period = timedelta(seconds=alarm["Period"])
    dimensions = {dimension["Name"]: dimension["Value"] for dimension in alarm["Dimensions"]}
    starts = [now - period * (index + 1) for index in reversed(range(alarm["EvaluationPeriods"]))]
    metric = (alarm["Namespace"], alarm["MetricName"])
    if metric == ("AWS/States", "ExecutionsStarted"):
        moments = _executions(emulator, dimensions["StateMachineArn"], "startDate")
    elif metric[0] == "AWS/States" and metric[1] in _ENDED:
        moments = _executions(emulator, dimensions["StateMachineArn"], "stopDate", _ENDED[metric[1]])
    elif metric == ("AWS/SQS", "NumberOfMessagesSent"):
        moments = _messages_sent(emulator, dimensions["QueueName"])
    else:
        raise ValueError(f"offline: no metric {metric} to evaluate")
    counts = [sum(start <= moment < start + period for moment in moments) for start in starts]
    return [float(count) if count else None for count in counts]


_ENDED = {"ExecutionsTimedOut": "TIMED_OUT", "ExecutionsAborted": "ABORTED"}


def _executions(
    emulator: Emulator, state_machine_arn: str, moment: str, status: str | None = None
) -> list[datetime]:
    sfn = emulator.client("stepfunctions")
    listed = sfn.list_executions(
        stateMachineArn=state_machine_arn, **({"statusFilter": status} if status else {})
    )
    return [execution[moment] for execution in listed["executions"] if moment in execution]


def _messages_sent(emulator: Emulator, queue_name: str) -> list[datetime]:
    queue = sqs_backends[emulator.account_id][emulator.region].get_queue(queue_name)
    return [datetime.fromtimestamp(message.sent_timestamp / 1000, UTC) for message in queue._messages]
