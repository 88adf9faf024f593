"""What CloudFormation checks before it deploys anything: parameter constraints and `Rules`.

A small evaluator for the constraint keys and the intrinsic functions the template's Rules use,
so tests can say which parameter values `sam deploy` would refuse.
"""

from __future__ import annotations

import re
from typing import Any


def parameter_errors(parameters: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    """Every parameter whose value (given, else its default) breaks its constraints: name -> why."""
    errors: dict[str, str] = {}
    for name, spec in parameters.items():
        value = given.get(name, spec.get("Default"))
        if value is None:
            errors[name] = "no value and no default"
            continue
        value = str(value)
        if "AllowedValues" in spec and value not in [str(allowed) for allowed in spec["AllowedValues"]]:
            errors[name] = "not an allowed value"
        elif spec["Type"] == "Number":
            if not re.fullmatch(r"-?\d+(\.\d+)?", value):
                errors[name] = "not a number"
            elif "MinValue" in spec and float(value) < float(spec["MinValue"]):
                errors[name] = "below MinValue"
            elif "MaxValue" in spec and float(value) > float(spec["MaxValue"]):
                errors[name] = "above MaxValue"
        else:
            if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
                errors[name] = "does not match AllowedPattern"
            elif "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
                errors[name] = "longer than MaxLength"
            elif "MinLength" in spec and len(value) < int(spec["MinLength"]):
                errors[name] = "shorter than MinLength"
    return errors


def evaluate(expression: Any, values: dict[str, str]) -> Any:
    """The value of a Rules expression (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Contains, Ref)."""
    if isinstance(expression, list):
        return [evaluate(item, values) for item in expression]
    if not isinstance(expression, dict):
        return str(expression)
    ((function, argument),) = expression.items()
    if function == "Ref":
        return values[argument]
    args = evaluate(argument, values)
    if function == "Fn::Equals":
        return args[0] == args[1]
    if function == "Fn::Not":
        return not args[0]
    if function == "Fn::And":
        return all(args)
    if function == "Fn::Or":
        return any(args)
    if function == "Fn::Contains":
        return args[1] in args[0]
    raise NotImplementedError(function)


def rule_failures(template: dict[str, Any], given: dict[str, str]) -> list[str]:
    """The AssertDescription of every failing assertion of every applicable rule."""
    parameters = template["Parameters"]
    values = {name: str(given.get(name, spec.get("Default", ""))) for name, spec in parameters.items()}
    failures = []
    for rule in template.get("Rules", {}).values():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values):
            continue
        for assertion in rule["Assertions"]:
            if not evaluate(assertion["Assert"], values):
                failures.append(assertion["AssertDescription"])
    return failures


def refusals(template: dict[str, Any], given: dict[str, str]) -> list[str]:
    """Why CloudFormation would refuse these parameter values (empty: it would deploy)."""
    errors = parameter_errors(template["Parameters"], given)
    if errors:  # CloudFormation checks the constraints first, then the rules
        return [f"{name}: {why}" for name, why in errors.items()]
    return rule_failures(template, given)
