"""template.yaml is the source of truth: the table the tests use, the routes, least privilege."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from devstack.template import functions, load_template, table_definition
from tests.support import ROOT, function_specs

HTTP_FUNCTIONS = {
    "create_checkout_session": ("POST", "/checkout-sessions"),
    "get_checkout_session": ("GET", "/checkout-sessions/{id}"),
    "expire_checkout_session": ("POST", "/checkout-sessions/{id}/expire"),
    "create_order": ("POST", "/orders"),
    "get_order": ("GET", "/orders/{id}"),
    "platform_list_checkout_sessions": ("GET", "/api/v1/checkout-sessions"),
    "platform_create_checkout_session": ("POST", "/api/v1/checkout-sessions"),
    "platform_get_checkout_session": ("GET", "/api/v1/checkout-sessions/{id}"),
    "platform_expire_checkout_session": ("POST", "/api/v1/checkout-sessions/{id}/expire"),
    "hosted_page": ("GET", "/pay/{id}"),
    "hosted_page_assets": ("GET", "/pay/assets/{file}"),
    "openapi_document": ("GET", "/openapi.json"),
    "api_docs": ("GET", "/docs"),
}


MAIN_TABLE_ARN = {"Fn::GetAtt": ["Table", "Arn"]}
IDEMPOTENCY_TABLE_ARN = {"Fn::GetAtt": ["IdempotencyTable", "Arn"]}


def policy_statements(logical_id: str) -> list[dict[str, Any]]:
    """The statements of a function's inline `Policies`, or of its own `Role`'s."""
    resources = load_template()["Resources"]
    props = resources[logical_id]["Properties"]
    if "Role" in props:
        role = resources[props["Role"]["Fn::GetAtt"][0]]["Properties"]
        return [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
    return [s for policy in props.get("Policies", []) for s in policy.get("Statement", [])]


def policy_actions(logical_id: str) -> set[str]:
    """Every action a function's policies allow, on anything but the idempotency table."""
    actions: set[str] = set()
    for statement in policy_statements(logical_id):
        if statement["Resource"] == IDEMPOTENCY_TABLE_ARN:
            continue
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


def test_the_repository_queries_the_index_the_template_defines() -> None:
    from checkout.adapters.dynamodb.keys import (
        DUE_DELIVERIES_INDEX,
        MERCHANT_SESSIONS_INDEX,
        OPEN_SESSIONS_INDEX,
    )

    indexes = table_definition("checkout")["GlobalSecondaryIndexes"]
    assert [index["IndexName"] for index in indexes] == [
        OPEN_SESSIONS_INDEX,
        MERCHANT_SESSIONS_INDEX,
        DUE_DELIVERIES_INDEX,
    ]


@pytest.mark.parametrize(("function", "route"), HTTP_FUNCTIONS.items())
def test_each_endpoint_is_its_own_function(function: str, route: tuple[str, str]) -> None:
    spec = function_specs()[function]
    assert [(r.method, r.path) for r in spec.routes] == [route]
    assert spec.module_path.is_file()


def test_every_function_in_the_template_has_an_event_file() -> None:
    for spec in functions():
        assert (ROOT / "events" / f"{spec.code_uri.name}.json").is_file(), spec.logical_id


def test_event_files_route_to_their_function() -> None:
    import json

    for spec in functions():
        event = json.loads((ROOT / "events" / f"{spec.code_uri.name}.json").read_text())
        if spec.routes:
            assert event["version"] == "2.0"
            assert event["routeKey"] == spec.routes[0].route_key
            route = spec.routes[0]
            if route.is_default:  # matches no path itself: it catches what no route matches
                assert "pathParameters" not in event
            else:
                assert route.match(event["rawPath"]) == (event.get("pathParameters") or {})


def table_actions_by_key(logical_id: str) -> dict[str, set[str]]:
    """The actions a function may take on the main table's items, by the leading-key pattern its
    policy limits them to (`*` where a statement has no such condition)."""
    by_key: dict[str, set[str]] = {}
    for statement in policy_statements(logical_id):
        if statement["Resource"] != MAIN_TABLE_ARN:
            continue
        listed = statement["Action"]
        actions = {listed} if isinstance(listed, str) else set(listed)
        if not any(action.startswith("dynamodb:") for action in actions):
            continue
        condition = statement.get("Condition", {}).get("ForAllValues:StringLike", {})
        for pattern in condition.get("dynamodb:LeadingKeys", ["*"]):
            by_key.setdefault(pattern, set()).update(actions)
    return by_key


KEY_VERIFYING_FUNCTIONS = {
    "CreateCheckoutSessionFunction",
    "GetCheckoutSessionFunction",
    "ExpireCheckoutSessionFunction",
    "CreateOrderFunction",
    "GetOrderFunction",
    "PlatformListCheckoutSessionsFunction",
    "PlatformCreateCheckoutSessionFunction",
    "PlatformGetCheckoutSessionFunction",
    "PlatformExpireCheckoutSessionFunction",
    "PlatformListWebhooksFunction",
    "PlatformCreateWebhookFunction",
    "PlatformGetWebhookFunction",
    "PlatformUpdateWebhookFunction",
    "PlatformDeleteWebhookFunction",
    "PlatformTestWebhookFunction",
    "PlatformListWebhookDeliveriesFunction",
    "PlatformRetryWebhookDeliveryFunction",
}


@pytest.mark.parametrize("logical_id", sorted(KEY_VERIFYING_FUNCTIONS))
def test_functions_that_verify_keys_read_and_stamp_key_items_only(logical_id: str) -> None:
    assert table_actions_by_key(logical_id)["APIKEY#*"] == {"dynamodb:GetItem", "dynamodb:UpdateItem"}


def test_no_other_function_can_reach_a_key_item() -> None:
    for spec in functions():
        if spec.logical_id in KEY_VERIFYING_FUNCTIONS:
            continue
        reachable = table_actions_by_key(spec.logical_id)
        assert "APIKEY#*" not in reachable, spec.logical_id
        assert not reachable.get("*", set()) & {"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"}


def test_create_can_only_put() -> None:
    assert table_actions_by_key("CreateCheckoutSessionFunction") == {
        "SESSION#*": {"dynamodb:PutItem"},
        "APIKEY#*": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
    }


def test_get_can_read_and_sync_status_but_never_put_or_delete() -> None:
    # Query: the order with its transactions, one query of the order's partition (include=order)
    assert policy_actions("GetCheckoutSessionFunction") == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    }


def test_expire_can_read_and_update() -> None:
    assert policy_actions("ExpireCheckoutSessionFunction") == {"dynamodb:GetItem", "dynamodb:UpdateItem"}


def test_create_order_needs_exactly_what_its_transaction_uses() -> None:
    assert policy_actions("CreateOrderFunction") == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    }


def test_get_order_only_reads_orders() -> None:
    assert table_actions_by_key("GetOrderFunction") == {
        "ORDER#*": {"dynamodb:Query"},  # the order and its transactions, one query of its partition
        "APIKEY#*": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
    }


def test_the_hosted_page_reads_and_syncs_sessions_and_orders_but_never_a_key() -> None:
    assert table_actions_by_key("HostedPageFunction") == {
        "SESSION#*": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
        "ORDER#*": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
    }
    assert policy_actions("HostedPageFunction") == {"dynamodb:GetItem", "dynamodb:UpdateItem"}


@pytest.mark.parametrize(
    "logical_id", ["HostedPageAssetsFunction", "OpenApiDocumentFunction", "ApiDocsFunction"]
)
def test_functions_that_serve_files_need_no_table_access(logical_id: str) -> None:
    assert "Policies" not in _function(logical_id)["Properties"]
    assert policy_actions(logical_id) == set()


def test_no_function_may_scan() -> None:
    for spec in functions():
        assert "dynamodb:Scan" not in policy_actions(spec.logical_id)
        assert not any(action.endswith("*") for action in policy_actions(spec.logical_id))


def _handler_sources() -> list[Path]:
    return sorted((ROOT / "functions").glob("*/app.py"))


@pytest.mark.parametrize("path", _handler_sources(), ids=lambda p: p.parent.name)
def test_handlers_are_thin(path: Path) -> None:
    """No DynamoDB and no business rule in functions/*/app.py: only the domain is called."""
    tree = ast.parse(path.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert not imported & {"boto3", "botocore", "starlette", "mangum"}
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"get_item", "put_item", "update_item", "query", "transact_write_items", "scan"}
    functions_defined = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert all(len(fn.body) <= 8 for fn in functions_defined), "handler functions stay a few lines long"


def _function(logical_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = load_template()["Resources"][logical_id]
    return resource


def test_record_order_event_can_read_its_secret_and_write_event_and_order_only() -> None:
    assert policy_actions("RecordOrderEventFunction") == {
        "secretsmanager:GetSecretValue",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
    }
    statements = _function("RecordOrderEventFunction")["Properties"]["Policies"][0]["Statement"]
    secret_statements = [s for s in statements if s["Action"] == "secretsmanager:GetSecretValue"]
    assert [s["Resource"] for s in secret_statements] == [{"Ref": "OrderEventsSecret"}]  # that secret only
    env = _function("RecordOrderEventFunction")["Properties"]["Environment"]["Variables"]
    assert env["ORDER_EVENTS_SECRET_ARN"] == {"Ref": "OrderEventsSecret"}
    assert "ORDER_EVENTS_SECRET" not in env  # never a plain-text secret in the template


def test_the_stack_generates_the_ingress_secret() -> None:
    secret = _function("OrderEventsSecret")
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    generated = secret["Properties"]["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32
    assert generated["ExcludePunctuation"] is True  # a comma would split it into two secrets
    assert "SecretString" not in secret["Properties"]
    for logical_id, resource in load_template()["Resources"].items():
        if logical_id != "RecordOrderEventFunction":
            assert "secretsmanager" not in str(resource.get("Properties", {}).get("Policies", "")), logical_id


def test_the_sync_function_reads_the_stream_with_partial_failures_and_a_dead_letter_queue() -> None:
    spec = next(spec for spec in functions() if spec.code_uri.name == "sync_sessions")
    stream = spec.stream
    assert stream is not None
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert stream["BisectBatchOnFunctionError"] is True
    assert 0 < stream["MaximumRetryAttempts"] <= 10
    assert stream["MaximumRecordAgeInSeconds"] > 0
    assert stream["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["SyncSessionsDeadLetterQueue", "Arn"]
    }
    orders, final_sessions = (json.loads(f["Pattern"]) for f in stream["FilterCriteria"]["Filters"])
    assert orders == {"dynamodb": {"NewImage": {"entity": {"S": ["order"]}}}}
    assert final_sessions["dynamodb"]["NewImage"] == {
        "entity": {"S": ["session"]},
        "status": {"S": ["complete", "expired"]},
    }
    assert policy_actions("SyncSessionsFunction") == {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "sqs:SendMessage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }


def test_the_dead_letter_queue_has_an_alarm() -> None:
    alarm = _function("SyncSessionsDeadLetterAlarm")["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["SyncSessionsDeadLetterQueue", "QueueName"]}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_expiry_job_runs_every_minute_and_can_only_query_the_index_and_update() -> None:
    spec = next(spec for spec in functions() if spec.code_uri.name == "expire_sessions")
    assert spec.schedule_seconds == 60
    assert policy_actions("ExpireSessionsFunction") == {"dynamodb:Query", "dynamodb:UpdateItem"}
    statement = _function("ExpireSessionsFunction")["Properties"]["Policies"][0]["Statement"][0]
    assert statement["Resource"] == {"Fn::Sub": "${Table.Arn}/index/open-sessions-by-expiry"}


def test_every_function_has_a_log_group_with_retention() -> None:
    resources = load_template()["Resources"]
    groups = {
        resource["Properties"]["LogGroupName"]["Fn::Sub"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Logs::LogGroup"
        and "RetentionInDays" in resource["Properties"]
        and "LogGroupName" in resource["Properties"]
    }
    for spec in functions():
        assert f"/aws/lambda/${{{spec.logical_id}}}" in groups


def test_functions_never_log_whole_events() -> None:
    env = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert env["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"


def idempotency_actions(logical_id: str) -> set[str]:
    actions: set[str] = set()
    for statement in policy_statements(logical_id):
        if statement["Resource"] == IDEMPOTENCY_TABLE_ARN:
            listed = statement["Action"]
            actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


def test_every_post_function_keeps_idempotency_records_and_nothing_else_can() -> None:
    for spec in functions():
        posts = any(route.method == "POST" for route in spec.routes)
        expected = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
        assert idempotency_actions(spec.logical_id) == (expected if posts else set()), spec.logical_id


def test_the_idempotency_table_has_powertools_key_and_ttl() -> None:
    table = load_template()["Resources"]["IdempotencyTable"]["Properties"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert "StreamSpecification" not in table


def test_the_default_route_function_knows_exactly_the_templates_routes() -> None:
    """HTTP_ROUTES (404 vs 405) must list the HttpApi events, no more, no fewer."""
    from checkout.web.routes import RouteTable

    specs = functions()
    declared = {route.route_key for spec in specs for route in spec.routes if not route.is_default}
    defaults = [route for spec in specs for route in spec.routes if route.is_default]
    assert [route.function for route in defaults] == ["DefaultRouteFunction"]
    listed = _function("DefaultRouteFunction")["Properties"]["Environment"]["Variables"]["HTTP_ROUTES"]
    assert {key.strip() for key in listed.split(",")} == declared
    RouteTable.parse(listed)


def test_the_default_route_function_has_no_table_access() -> None:
    props = _function("DefaultRouteFunction")["Properties"]
    assert "Policies" not in props
    assert policy_actions("DefaultRouteFunction") == set()


def test_the_list_function_only_walks_the_merchant_index_and_reads_sessions() -> None:
    assert table_actions_by_key("PlatformListCheckoutSessionsFunction") == {
        "APIKEY#*": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
        "SESSION#*": {"dynamodb:BatchGetItem"},
    }
    queries = [
        statement["Resource"]
        for statement in policy_statements("PlatformListCheckoutSessionsFunction")
        if statement["Action"] == "dynamodb:Query"
    ]
    assert queries == [{"Fn::Sub": "${Table.Arn}/index/sessions-by-merchant"}]
