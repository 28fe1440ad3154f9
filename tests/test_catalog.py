"""The catalog loader and the data it ships."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tfcheck.catalog import CatalogError, load_catalog


def test_builtin_ssmmessages_catalog(catalog):
    service = catalog.service("SSMMessages")
    assert service is not None and service.prefix == "ssmmessages"
    assert service.action_names() == [
        "CreateControlChannel",
        "CreateDataChannel",
        "OpenControlChannel",
        "OpenDataChannel",
    ]
    assert service.resource_types == ()
    assert service.action("createcontrolchannel").condition_keys == {
        "ec2:sourceinstancearn",
        "ssm:sourceinstancearn",
    }
    assert service.action("OpenDataChannel").condition_keys == frozenset()
    assert set(service.credential_keys) == {
        "ec2:sourceinstancearn",
        "ssm:sourceinstancearn",
    }
    assert [e.id for e in service.resource_exceptions] == [
        "ssm-session-arn-on-open-data-channel",
        "ssmmessages-arn-pattern",
    ]


def test_every_catalog_fact_has_a_source():
    folder = resources.files("tfcheck") / "catalog"
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["services"]["ssmmessages"]["sources"]
    for source in provenance["services"]["ssmmessages"]["sources"]:
        assert source["what"] and source["source"] and source["read"]
    exceptions = json.loads((folder / "exceptions.json").read_text())
    for kind in ("resources", "credential_condition_keys"):
        for item in exceptions["ssmmessages"][kind]:
            assert item["sources"], item


def test_an_extra_directory_replaces_a_prefix_and_adds_services(tmp_path):
    (tmp_path / "ssmmessages.json").write_text(
        json.dumps(
            {
                "Name": "ssmmessages",
                "Actions": [{"Name": "OpenDataChannel"}],
                "Version": "test",
            }
        )
    )
    (tmp_path / "ec2messages.json").write_text(
        json.dumps(
            {
                "Name": "ec2messages",
                "Actions": [{"Name": "GetMessages"}],
            }
        )
    )
    catalog = load_catalog([tmp_path])
    # One prefix, one entry: never two services reporting the same finding.
    assert sorted(catalog.services) == ["ec2messages", "ssmmessages"]
    assert catalog.service("ssmmessages").action_names() == ["OpenDataChannel"]
    assert catalog.service("EC2Messages").action("getmessages") is not None


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "is not JSON"),
        ('{"Actions": []}', 'needs a string "Name"'),
        ('{"Name": "x"}', 'needs an "Actions" list'),
        ('{"Name": "x", "Actions": [{}]}', 'every action needs a string "Name"'),
    ],
)
def test_bad_catalog_files_are_named_errors(tmp_path, content, reason):
    (tmp_path / "x.json").write_text(content)
    with pytest.raises(CatalogError, match=reason) as error:
        load_catalog([tmp_path])
    assert "x.json" in str(error.value)
