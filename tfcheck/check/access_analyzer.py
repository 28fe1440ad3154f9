"""AWS IAM Access Analyzer's policy validation, as an optional second opinion.

Each fully known document is sent to `accessanalyzer:ValidatePolicy` with
the policy type its consumers give it (identity, resource, SCP, and the
resource type where one applies); the findings come back under their own
rule ids (`AA-<ISSUE_CODE>`) at the lines tfcheck knows for the statements
and elements they point at. Credentials, region, retries and throttling are
boto3's own.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from tfcheck.check.base import Rule
from tfcheck.evaluate.functions import native
from tfcheck.evaluate.values import EvalError, unknowns_in
from tfcheck.extract.model import PolicyDocument, Statement
from tfcheck.findings import Finding, Location, Severity

LOG = logging.getLogger(__name__)

SEVERITIES = {
    "ERROR": Severity.ERROR,
    "SECURITY_WARNING": Severity.WARNING,
    "WARNING": Severity.WARNING,
    "SUGGESTION": Severity.NOTE,
}
_FIELDS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
}


class AccessAnalyzerError(Exception):
    """Access Analyzer cannot be asked; the message says why and what to do."""


def make_client() -> Any:
    """An Access Analyzer client from boto3's standard chain (replaced in tests)."""
    import boto3
    from botocore.exceptions import NoRegionError

    try:
        return boto3.client("accessanalyzer")
    except NoRegionError:
        raise AccessAnalyzerError(
            "--access-analyzer needs an AWS region: set AWS_DEFAULT_REGION or "
            "a profile's region"
        ) from None


def policy_type(document: PolicyDocument) -> tuple[str, str | None] | None:
    contexts = {c.context: c for c in document.consumers}
    if "scp" in contexts:
        return "SERVICE_CONTROL_POLICY", None
    if "trust" in contexts:
        return "RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument"
    if "identity" in contexts or "boundary" in contexts:
        return "IDENTITY_POLICY", None
    for consumer in document.consumers:
        if consumer.address.split(".")[-2:-1] == ["aws_s3_bucket_policy"] or (
            ".aws_s3_bucket_policy." in f".{consumer.address}"
        ):
            return "RESOURCE_POLICY", "AWS::S3::Bucket"
    if "resource" in contexts or "vpc-endpoint" in contexts:
        return "RESOURCE_POLICY", None
    return None


def render(document: PolicyDocument) -> str | None:
    """The document as JSON, when every value in it is known."""
    from tfcheck.extract.documents import document_value

    value = document_value(document)
    if next(unknowns_in(value), None) is not None:
        return None
    try:
        return json.dumps(native(value))
    except (EvalError, TypeError, ValueError):
        return None


def validate(
    documents: list[PolicyDocument],
    client_factory: Callable[[], Any] = make_client,
) -> list[Finding]:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    client = None
    findings: list[Finding] = []
    for document in documents:
        kind = policy_type(document)
        text = render(document) if kind else None
        if kind is None or text is None:
            continue
        client = client or client_factory()
        arguments = {"policyDocument": text, "policyType": kind[0]}
        if kind[1]:
            arguments["validatePolicyResourceType"] = kind[1]
        try:
            while True:
                response = client.validate_policy(**arguments)
                findings.extend(_finding(f, document) for f in response["findings"])
                if not response.get("nextToken"):
                    break
                arguments["nextToken"] = response["nextToken"]
        except NoCredentialsError:
            raise AccessAnalyzerError(
                "--access-analyzer needs AWS credentials from the standard chain "
                "(AWS_PROFILE, AWS_ACCESS_KEY_ID, an instance or SSO profile)"
            ) from None
        except (ClientError, BotoCoreError) as exc:
            raise AccessAnalyzerError(f"Access Analyzer failed: {exc}") from None
    return findings


def _finding(data: dict[str, Any], document: PolicyDocument) -> Finding:
    code = data.get("issueCode", "UNKNOWN")
    rule = Rule(
        f"AA-{code}",
        "access-analyzer",
        SEVERITIES.get(data.get("findingType", ""), Severity.WARNING),
        "finding of AWS IAM Access Analyzer",
        "",
    )
    location, statement = _locate(data.get("locations") or [], document)
    link = data.get("learnMoreLink")
    message = data.get("findingDetails", code).rstrip(".")
    message = f"Access Analyzer: {message}" + (f" ({link})" if link else "")
    return rule.finding(
        message,
        location,
        document=document,
        statement=statement,
        subject=f"{code}|{location.line}",
    )


def _locate(
    locations: list[dict[str, Any]], document: PolicyDocument
) -> tuple[Location, Statement | None]:
    """The location tfcheck knows for the path a finding points at."""
    if not locations:
        return document.location, None
    path = locations[0].get("path") or []
    keys = [p.get("value") if "value" in p else p.get("index") for p in path]
    if len(keys) < 2 or keys[0] != "Statement" or not isinstance(keys[1], int):
        return document.location, None
    if keys[1] >= len(document.statements):
        return document.location, None
    statement = document.statements[keys[1]]
    if len(keys) >= 3 and keys[2] in _FIELDS:
        part = getattr(statement, _FIELDS[keys[2]])
        if part is not None:
            if (
                len(keys) >= 4
                and isinstance(keys[3], int)
                and keys[3] < len(part.items)
            ):
                return part.items[keys[3]].location, statement
            if len(part.items) == 1:
                return part.items[0].location, statement
            return part.location, statement
    if len(keys) >= 3 and keys[2] == "Effect" and statement.effect is not None:
        return statement.effect.location, statement
    return statement.location, statement
