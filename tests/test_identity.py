"""identity: ServiceIdentity validation."""

import pytest

from pulumi_wid import ValidationError
from pulumi_wid.identity import validate_identity


def test_identity_defaults():
    ident = validate_identity({"namespace": "apps", "service_account": "api.v2"})
    assert ident.name == "api.v2"
    assert ident.service_account_mode == "create"
    assert ident.subject == "system:serviceaccount:apps:api.v2"


@pytest.mark.parametrize(
    "identity,field,rule",
    [
        ({"namespace": "apps.team", "service_account": "api"}, "identity.namespace", "DNS-1123 label"),
        ({"namespace": "-apps", "service_account": "api"}, "identity.namespace", "DNS-1123 label"),
        ({"namespace": "apps", "service_account": "API"}, "identity.service_account", "DNS-1123 subdomain"),
        ({"namespace": "apps", "service_account": "a" * 254}, "identity.service_account", "253"),
        ({"namespace": "apps", "service_account": "api", "labels": {"app": "a b"}}, "identity.labels.app", "label value"),
        ({"namespace": "apps", "service_account": "api", "annotations": {"bad key!": "x"}}, "identity.annotations", "Kubernetes key"),
        ({"namespace": "apps", "service_account": "api", "automount_service_account_token": "yes"},
         "identity.automount_service_account_token", "true or false"),
        ({"namespace": "apps", "service_account": "api", "service_account_mode": "patch", "labels": {"a": "b"}},
         "identity.service_account_mode", "only apply"),
        ({"namespace": "apps", "service_account": "api", "namesapce": "x"}, "identity.namesapce", "did you mean"),
        ("apps/api", "identity", "ServiceIdentity dict"),
    ],
)
def test_identity_errors_name_field_value_rule_and_fix(identity, field, rule):
    with pytest.raises(ValidationError, match=rule) as err:
        validate_identity(identity)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    assert isinstance(err.value, ValueError)


def test_namespace_error_suggests_a_valid_name():
    with pytest.raises(ValidationError, match="use a name such as 'team-apps'"):
        validate_identity({"namespace": "Team_Apps", "service_account": "api"})


def test_output_namespace_is_refused_with_a_fix(wid_mocks):
    import pulumi

    with pytest.raises(ValidationError, match="plain string") as err:
        validate_identity({"namespace": pulumi.Output.from_input("apps"), "service_account": "api"})
    assert "depends_on" in err.value.fix
