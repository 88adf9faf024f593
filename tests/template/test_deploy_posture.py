"""DESIGN 14: alarms that reach someone, access logs, what must survive a stack deletion, reserved
concurrency, and least privilege as CloudFormation will really create it (the SAM transform applied,
so the policies SAM adds on its own are checked too)."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

import pytest

from devstack.template import functions, load_template

RESOURCES: dict[str, Any] = load_template()["Resources"]
FUNCTIONS = [spec.logical_id for spec in functions()]
TOPIC = {"Ref": "AlarmTopic"}
BASIC_POLICIES = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}


def of_type(kind: str) -> dict[str, Any]:
    return {name: resource for name, resource in RESOURCES.items() if resource["Type"] == kind}


def alarms_on(namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"]
        for alarm in of_type("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == namespace and alarm["Properties"]["MetricName"] == metric
    ]


def dimension(alarm: dict[str, Any]) -> Any:
    (only,) = alarm["Dimensions"]
    return only["Value"]


@cache
def transformed() -> dict[str, Any]:
    """The template after the SAM transform: the resources CloudFormation creates."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicyNames:  # the template names managed policies by ARN only
        def load(self) -> dict[str, str]:
            return {}

    template = copy.deepcopy(load_template())
    for resource in template["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"  # what `sam package` puts there
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        result: dict[str, Any] = transform(template, {}, NoManagedPolicyNames())
    return result


def test_every_alarm_notifies_the_topic_that_the_alarm_email_subscribes_to() -> None:
    (topic,) = of_type("AWS::SNS::Topic").values()
    assert topic["Properties"]["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]
    for name, alarm in of_type("AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [TOPIC], name
        assert alarm["Properties"]["OKActions"] == [TOPIC], name


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_errors_and_a_throttles_alarm(metric: str) -> None:
    watched = {dimension(alarm)["Ref"] for alarm in alarms_on("AWS/Lambda", metric)}
    assert watched == set(FUNCTIONS)
    for alarm in alarms_on("AWS/Lambda", metric):
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_the_api_alarms_on_5xx_and_p99_latency() -> None:
    (errors,) = alarms_on("AWS/ApiGateway", "5xx")
    (latency,) = alarms_on("AWS/ApiGateway", "Latency")
    assert dimension(errors) == dimension(latency) == {"Ref": "HttpApi"}
    assert latency["ExtendedStatistic"] == "p99"


STREAM_FUNCTIONS = [spec.logical_id for spec in functions() if spec.stream]
SCHEDULED_FUNCTIONS = [spec.logical_id for spec in functions() if spec.schedule_seconds]


def test_every_stream_function_alarms_on_its_lag() -> None:
    watched = [dimension(alarm) for alarm in alarms_on("AWS/Lambda", "IteratorAge")]
    assert sorted(watched, key=str) == [{"Ref": name} for name in sorted(STREAM_FUNCTIONS)]


def test_every_stream_function_sends_what_it_gives_up_on_to_a_queue_that_alarms() -> None:
    watched = [dimension(alarm) for alarm in alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    assert len(STREAM_FUNCTIONS) == 2
    for name in STREAM_FUNCTIONS:
        (event,) = RESOURCES[name]["Properties"]["Events"].values()
        queue = event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        assert {"Fn::GetAtt": [queue, "QueueName"]} in watched, name


def test_every_scheduled_job_alarms_when_it_stops_running() -> None:
    alarms = alarms_on("AWS/Lambda", "Invocations")
    assert sorted(str(dimension(alarm)["Ref"]) for alarm in alarms) == sorted(SCHEDULED_FUNCTIONS)
    for not_running in alarms:
        assert not_running["TreatMissingData"] == "breaching"  # no run at all is the failure


def test_the_api_writes_json_access_logs_to_a_retained_log_group() -> None:
    settings = RESOURCES["HttpApi"]["Properties"]["AccessLogSettings"]
    assert settings["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogGroup", "Arn"]}
    line = json.loads(re.sub(r"\$context\.[\w.]+", "x", settings["Format"]))
    assert {"requestId", "ip", "routeKey", "status", "latencyMs", "integrationError"} <= line.keys()


def test_data_and_evidence_survive_a_stack_deletion() -> None:
    table = RESOURCES["Table"]
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    kept = {**of_type("AWS::DynamoDB::Table"), **of_type("AWS::Logs::LogGroup"), **of_type("AWS::SQS::Queue")}
    tables = of_type("AWS::DynamoDB::Table")
    queues = of_type("AWS::SQS::Queue")
    assert len(queues) == len(STREAM_FUNCTIONS)  # each stream function's dead letters
    assert len(kept) == len(FUNCTIONS) + 1 + len(queues) + len(
        tables
    )  # a log group per function, the access logs
    for name, resource in kept.items():
        assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == (
            "Retain",
            "Retain",
        ), name


def test_the_stream_and_scheduled_functions_have_reserved_concurrency() -> None:
    stream_concurrency = load_template()["Parameters"]["StreamConcurrency"]
    assert stream_concurrency["MinValue"] >= 1
    for name in STREAM_FUNCTIONS:
        assert RESOURCES[name]["Properties"]["ReservedConcurrentExecutions"] == {
            "Ref": "StreamConcurrency"
        }, name
    for name in SCHEDULED_FUNCTIONS:
        job = RESOURCES[name]["Properties"]
        assert job["ReservedConcurrentExecutions"] == 1, name  # never two runs over the same items
        assert job["EventInvokeConfig"]["MaximumRetryAttempts"] == 0, name


def test_every_security_finding_suppressed_says_why() -> None:
    for name, resource in RESOURCES.items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), name
            assert len(skip["comment"]) > 30, (name, skip["id"])


def roles() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in transformed()["Resources"].items()
        if resource["Type"] == "AWS::IAM::Role"
    }


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def actions(statement: dict[str, Any]) -> list[str]:
    listed = statement["Action"]
    return [listed] if isinstance(listed, str) else list(listed)


STREAM_ROLES = {name.removesuffix("Function") + "Role" for name in STREAM_FUNCTIONS}


def test_the_deployed_roles_get_no_managed_policy_beyond_logs_and_tracing() -> None:
    own_roles = {f"{name}Role" for name in FUNCTIONS} - {f"{name}Role" for name in STREAM_FUNCTIONS}
    assert set(roles()) == own_roles | STREAM_ROLES
    for name, role in roles().items():
        assert set(role.get("ManagedPolicyArns", [])) <= BASIC_POLICIES, name
    # Their own roles: SAM would attach AWSLambdaDynamoDBExecutionRole (every stream in the account).
    for name in STREAM_ROLES:
        assert "ManagedPolicyArns" not in roles()[name], name


def test_only_the_stream_functions_read_a_stream_and_only_the_tables() -> None:
    for name, role in roles().items():
        for statement in statements(role):
            if any(
                action in {"dynamodb:GetRecords", "dynamodb:GetShardIterator"}
                for action in actions(statement)
            ):
                assert name in STREAM_ROLES
                assert statement["Resource"] == {"Fn::GetAtt": ["Table", "StreamArn"]}


def test_only_the_ingress_reads_a_secret_and_only_its_own() -> None:
    readers = {
        name: statement["Resource"]
        for name, role in roles().items()
        for statement in statements(role)
        if any(action.startswith("secretsmanager:") for action in actions(statement))
    }
    assert readers == {"RecordOrderEventFunctionRole": {"Ref": "OrderEventsSecret"}}


def test_the_default_route_function_may_only_log_and_trace() -> None:
    role = roles()["DefaultRouteFunctionRole"]
    assert statements(role) == []
    assert set(role["ManagedPolicyArns"]) == BASIC_POLICIES


def test_no_statement_grants_data_access_on_every_resource() -> None:
    for name, role in roles().items():
        for statement in statements(role):
            if statement["Resource"] == "*":
                assert all(action.startswith("xray:") for action in actions(statement)), name


def test_the_local_stack_gives_each_stream_function_the_reserved_concurrency_parameter_s_value() -> None:
    specs = {spec.logical_id: spec for spec in functions(refs={"StreamConcurrency": "3"})}
    assert {specs[name].reserved_concurrency for name in STREAM_FUNCTIONS} == {3}
