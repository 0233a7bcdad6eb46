"""AksFederatedIdentity input rules of issue 15: owned webhook keys, tags, the issuer's length.

GIVEN args that break one rule, WHEN the component is built under the recording mocks,
THEN it raises ValidationError and nothing at all is registered; an Output breaking a rule
fails with the same error once it resolves.
"""

import pulumi
import pytest

from pulumi_wid import AksFederatedIdentity, ValidationError

IDENTITY = {"namespace": "apps", "service_account": "api"}
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/abc/"
TENANT = "22222222-2222-2222-2222-222222222222"
UAMI = "azure-native:managedidentity:UserAssignedIdentity"
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
SA = "kubernetes:core/v1:ServiceAccount"


def args(identity=None, **extra):
    return {"identity": {**IDENTITY, **(identity or {})}, "resource_group_name": "workloads",
            "oidc_issuer_url": ISSUER, **extra}


def refused_before_registration(mocks, given, field, match=None):
    with pytest.raises(ValidationError, match=match) as err:
        mocks.run(lambda: AksFederatedIdentity("api", given))
    assert err.value.field == field, err.value
    assert mocks.resources == []
    return err.value


# -- 2. keys the component owns ---------------------------------------------------------------------
@pytest.mark.parametrize("key, value, fix", [
    ("azure.workload.identity/client-id", "33333333-3333-3333-3333-333333333333", "existing_identity"),
    ("azure.workload.identity/tenant-id", "not-a-guid", "tenant_id"),
    ("azure.workload.identity/tenant-id", TENANT, "tenant_id"),  # a GUID too: tenant_id is not set
    ("azure.workload.identity/service-account-token-expiration", "3600", "token_expiration_seconds"),
    ("azure.workload.identity/skip-containers", "sidecar", "pod template"),
])
def test_webhook_annotations_in_user_annotations_are_refused(wid_mocks, key, value, fix):
    error = refused_before_registration(wid_mocks, args({"annotations": {key: value}}), f"identity.annotations.{key}",
                                        "written by the component")
    assert fix in error.fix


@pytest.mark.parametrize("key, value", [("azure.workload.identity/use", "false"), ("azure.workload.identity/use", "True"),
                                        ("azure.workload.identity/client-id", "x")])
def test_webhook_labels_other_than_use_true_are_refused(wid_mocks, key, value):
    refused_before_registration(wid_mocks, args({"labels": {key: value}}), f"identity.labels.{key}",
                                "written by the component")


def test_exactly_what_the_component_writes_is_accepted(wid_mocks):
    wid_mocks.run(lambda: AksFederatedIdentity("api", args(
        {"labels": {"azure.workload.identity/use": "true"},
         "annotations": {"azure.workload.identity/tenant-id": TENANT,
                         "azure.workload.identity/service-account-token-expiration": "7200"}},
        tenant_id=TENANT, token_expiration_seconds=7200)))
    metadata = wid_mocks.one(SA).inputs["metadata"]
    assert metadata["labels"] == {"azure.workload.identity/use": "true"}
    assert metadata["annotations"]["azure.workload.identity/tenant-id"] == TENANT
    assert metadata["annotations"]["azure.workload.identity/service-account-token-expiration"] == "7200"


# -- 3. Azure tag rules, Output values on resolve ----------------------------------------------------
@pytest.mark.parametrize("tags, field", [
    ({"a<b": "x"}, "identity.tags.a<b"), ({"a?b": "x"}, "identity.tags.a?b"), ({"a/b": "x"}, "identity.tags.a/b"),
    ({"n" * 513: "x"}, f"identity.tags.{'n' * 513}"), ({"team": "v" * 257}, "identity.tags.team"),
    ({"Team": "a", "team": "b"}, "identity.tags.team"),
])
def test_tags_outside_azures_rules_are_refused_before_registration(wid_mocks, tags, field):
    refused_before_registration(wid_mocks, args({"tags": tags}), field)


def test_tags_inside_azures_rules_reach_the_identity(wid_mocks):
    tags = {"n" * 512: "v" * 256, "cost#center": "a<b>&c", "empty": ""}
    wid_mocks.run(lambda: AksFederatedIdentity("api", args({"tags": tags})))
    assert wid_mocks.one(UAMI).inputs["tags"] == tags


def test_an_output_tag_value_is_checked_when_it_resolves(wid_mocks):
    with pytest.raises(Exception, match=r"identity\.tags\.team.*at most 256"):
        wid_mocks.run(lambda: AksFederatedIdentity("api", args({"tags": {"team": pulumi.Output.from_input("v" * 300)}})))
    assert wid_mocks.of_type(UAMI) == []


# -- 4. the issuer is at most 600 characters ---------------------------------------------------------
def test_an_issuer_over_600_characters_is_refused_before_registration(wid_mocks):
    long_issuer = "https://eastus.oic.prod-aks.azure.com/" + "a" * 562 + "/"
    assert len(long_issuer) == 601
    refused_before_registration(wid_mocks, args(oidc_issuer_url=long_issuer), "oidc_issuer_urls[0]", "at most 600")


def test_an_issuer_of_600_characters_is_taken_verbatim(wid_mocks):
    issuer = "https://eastus.oic.prod-aks.azure.com/" + "a" * 561 + "/"
    assert len(issuer) == 600
    wid_mocks.run(lambda: AksFederatedIdentity("api", args(oidc_issuer_url=issuer)))
    assert wid_mocks.one(FIC).inputs["issuer"] == issuer


def test_an_output_issuer_over_600_characters_fails_when_it_resolves(wid_mocks):
    long_issuer = "https://eastus.oic.prod-aks.azure.com/" + "a" * 562 + "/"
    with pytest.raises(Exception, match="at most 600"):
        wid_mocks.run(lambda: AksFederatedIdentity("api", args(oidc_issuer_url=pulumi.Output.from_input(long_issuer))))
    assert wid_mocks.of_type(FIC) == []
