"""A schedule group other than the account's default is created by the stack that uses it."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.scheduler_schedule import SchedulerSchedule
from cdktf_cdktf_provider_aws.scheduler_schedule_group import SchedulerScheduleGroup

from tests.synth.terraform_json import only, reference, resources


def test_a_named_group_is_created_and_the_schedule_waits_for_it(stacks, configs):
    stack = stacks["nightly-pipeline-variant"]
    assert configs["nightly-pipeline-variant"].schedule.group == "nightly-variant"

    assert only(stack, SchedulerScheduleGroup.TF_RESOURCE_TYPE)["name"] == "nightly-variant"
    # A reference, so Terraform creates the group before the schedule.
    assert only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)["group_name"] == reference(
        stack, SchedulerScheduleGroup.TF_RESOURCE_TYPE, "NightlySchedule/Group", "name"
    )


def test_the_default_group_is_used_as_it_is(stacks, configs):
    stack = stacks["nightly-pipeline-dev"]
    assert configs["nightly-pipeline-dev"].schedule.group == "default"

    assert resources(stack, SchedulerScheduleGroup.TF_RESOURCE_TYPE) == {}
    assert only(stack, SchedulerSchedule.TF_RESOURCE_TYPE)["group_name"] == "default"
