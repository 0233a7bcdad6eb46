"""azure.args: AksFederatedIdentityArgs -> AksSpec, plain values, no mock runtime."""

import pytest

from pulumi_wid.azure.args import AksSpec, aks_spec
from pulumi_wid.errors import ValidationError

IDENTITY = {"namespace": "apps", "service_account": "api"}
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/abc/"
SUB = "00000000-0000-0000-0000-000000000000"


def base(**extra):
    return {"identity": IDENTITY, "resource_group_name": "workloads", "oidc_issuer_url": ISSUER, **extra}


def test_defaults():
    spec = aks_spec(base())
    assert isinstance(spec, AksSpec) and spec.creates_identity
    assert spec.identity_name == "apps-api" and spec.issuers == [ISSUER]
    assert spec.subject == "system:serviceaccount:apps:api" and len(spec.fic_names) == 1


def test_the_same_issuer_twice_is_refused():
    with pytest.raises(ValidationError, match="lists the same issuer twice"):
        aks_spec(base(oidc_issuer_url=None, oidc_issuer_urls=[ISSUER, ISSUER]))


def test_identity_settings_are_refused_with_an_existing_identity():
    with pytest.raises(ValidationError, match="does not create \\(existing_identity is given\\)"):
        aks_spec(base(existing_identity={"name": "uami"}, location="eastus"))


def test_role_assignments_are_resolved_and_deduplicated():
    scope = f"/subscriptions/{SUB}/resourceGroups/data"
    spec = aks_spec(base(role_assignments=[{"role": "Storage Blob Data Reader", "scope": scope}]))
    (assignment,) = spec.role_assignments
    assert assignment.known[0].name == "Storage Blob Data Reader" and assignment.known[1].kind == "resource_group"
    with pytest.raises(ValidationError, match="same role on the same scope"):
        aks_spec(base(role_assignments=[{"role": "Storage Blob Data Reader", "scope": scope}] * 2))


def test_placeholder_scopes_only_in_placeholder_mode():
    scope = "/subscriptions/<subscription id, known after deploy>/resourceGroups/data"
    args = base(role_assignments=[{"role": "Storage Blob Data Reader", "scope": scope}])
    with pytest.raises(ValidationError, match="ARM scope"):
        aks_spec(args)
    assert aks_spec(args, placeholders=True).role_assignments[0].known[1].subscription.startswith("<")


@pytest.mark.parametrize("seconds, ok", [(3599, False), (3600, True), (86400, True), (86401, False), (600, False)])
def test_token_expiration_takes_the_azure_webhooks_range(seconds, ok):
    # the azure-workload-identity webhook: 3600-86400 (not the EKS webhook's 600)
    args = base(token_expiration_seconds=seconds)
    if ok:
        assert aks_spec(args).token_expiration_seconds == seconds
    else:
        with pytest.raises(ValidationError, match="3600 to 86400"):
            aks_spec(args)
