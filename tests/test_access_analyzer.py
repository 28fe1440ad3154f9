"""AWS IAM Access Analyzer as a second opinion, tested with botocore's Stubber.

Nothing here touches the network: the client is stubbed, and the no-credentials
test disables every credential source that could reach one.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from tests.conftest import FIXTURES
from tfcheck.check import access_analyzer
from tfcheck.cli import main

TREE = FIXTURES / "cases" / "C012"


def stubbed_client():
    client = boto3.client(
        "accessanalyzer",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stubber = Stubber(client)
    return client, stubber


def test_findings_are_merged_and_located(capsys, monkeypatch):
    client, stubber = stubbed_client()
    trust = {"findings": []}
    task = {
        "findings": [
            {
                "findingDetails": "Using a wildcard in the resource can grant "
                "more access.",
                "findingType": "SECURITY_WARNING",
                "issueCode": "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                "learnMoreLink": "https://docs.aws.amazon.com/access-analyzer",
                "locations": [
                    {
                        "path": [
                            {"value": "Statement"},
                            {"index": 0},
                            {"value": "Action"},
                            {"index": 3},
                        ],
                        "span": {
                            "start": {"line": 0, "column": 0, "offset": 0},
                            "end": {"line": 0, "column": 1, "offset": 1},
                        },
                    }
                ],
            }
        ]
    }
    stubber.add_response(
        "validate_policy",
        trust,
        {
            "policyDocument": ANY,
            "policyType": "RESOURCE_POLICY",
            "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument",
        },
    )
    stubber.add_response(
        "validate_policy",
        task,
        {"policyDocument": ANY, "policyType": "IDENTITY_POLICY"},
    )
    stubber.activate()
    monkeypatch.setattr(access_analyzer, "make_client", lambda: client)
    monkeypatch.chdir(TREE)
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "plan",
                "--access-analyzer",
                "--format",
                "concise",
                "--repo-root",
                ".",
                str(_plan(TREE)),
            ]
        )
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert out.splitlines() == [
        "main.tf:23:7: AA-PASS_ROLE_WITH_STAR_IN_RESOURCE Access Analyzer: Using a "
        "wildcard in the resource can grant more access "
        "(https://docs.aws.amazon.com/access-analyzer)"
    ]
    stubber.assert_no_pending_responses()


def test_no_credentials_is_one_clear_error(tmp_path, capsys, monkeypatch):
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.chdir(TREE)
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", "--access-analyzer", str(_plan(TREE))])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "needs AWS credentials" in err and len(err.strip().splitlines()) == 1


def test_policy_types_follow_the_consumers():
    from tfcheck.extract.model import Consumer, PolicyDocument
    from tfcheck.findings import Location

    here = Location("main.tf", 1, 1)

    def kind(context, address="aws_iam_role_policy.x"):
        document = PolicyDocument(
            "d", "json", here, (), [Consumer(address, context, here)]
        )
        return access_analyzer.policy_type(document)

    assert kind("identity") == ("IDENTITY_POLICY", None)
    assert kind("scp") == ("SERVICE_CONTROL_POLICY", None)
    assert kind("trust") == ("RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument")
    assert kind("resource", "aws_s3_bucket_policy.b") == (
        "RESOURCE_POLICY",
        "AWS::S3::Bucket",
    )


def _plan(tree):
    """An empty plan: the HCL values stand (a plan mode run of HCL's documents)."""
    import json
    import tempfile

    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(
        {
            "format_version": "1.2",
            "planned_values": {"root_module": {}},
            "resource_changes": [],
        },
        handle,
    )
    handle.close()
    return handle.name
