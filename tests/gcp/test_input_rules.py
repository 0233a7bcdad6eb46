"""GkeWorkloadIdentity input rules of issue 15: the owned GSA annotation, identity.tags as GCP labels.

GIVEN args that break one rule, WHEN the component is built under the recording mocks,
THEN it raises ValidationError and nothing at all is registered; an Output breaking a rule
fails with the same error once it resolves.
"""

import pulumi
import pytest

from pulumi_wid import GkeWorkloadIdentity, ValidationError

IDENTITY = {"namespace": "apps", "service_account": "api"}
ACCOUNT = "gcp:serviceaccount/account:Account"
SA = "kubernetes:core/v1:ServiceAccount"
KEY = "iam.gke.io/gcp-service-account"
EXISTING = "reader@other-project.iam.gserviceaccount.com"


def args(identity=None, **extra):
    return {"identity": {**IDENTITY, **(identity or {})}, "project": "my-project", **extra}


def refused_before_registration(mocks, given, field, match=None):
    with pytest.raises(ValidationError, match=match) as err:
        mocks.run(lambda: GkeWorkloadIdentity("api", given))
    assert err.value.field == field, err.value
    assert mocks.resources == []
    return err.value


# -- 2. the GSA annotation is the component's -------------------------------------------------------
@pytest.mark.parametrize("extra, fix", [
    ({"mode": "direct", "project_number": "123456789012"}, "mode='service_account'"),
    ({}, "existing_service_account_email"),
    ({"existing_service_account_email": EXISTING}, "existing_service_account_email"),
])
def test_another_gsa_in_user_annotations_is_refused(wid_mocks, extra, fix):
    given = args({"annotations": {KEY: "someone@else-project.iam.gserviceaccount.com"}}, **extra)
    error = refused_before_registration(wid_mocks, given, f"identity.annotations.{KEY}", "written by the component")
    assert fix in error.fix


def test_the_existing_gsa_itself_is_accepted(wid_mocks):
    wid_mocks.run(lambda: GkeWorkloadIdentity("api", args({"annotations": {KEY: EXISTING}},
                                                            existing_service_account_email=EXISTING)))
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == {KEY: EXISTING}


# -- 3. identity.tags follow GCP's label rules --------------------------------------------------------
@pytest.mark.parametrize("tags, field", [
    ({"Team": "payments"}, "identity.tags.Team"), ({"team": "Payments"}, "identity.tags.team"),
    ({"1team": "x"}, "identity.tags.1team"), ({"team.name": "x"}, "identity.tags.team.name"),
    ({"t" * 64: "x"}, f"identity.tags.{'t' * 64}"), ({"team": "v" * 64}, "identity.tags.team"),
    ({"team": "a b"}, "identity.tags.team"),
])
def test_tags_outside_gcps_label_rules_are_refused_before_registration(wid_mocks, tags, field):
    refused_before_registration(wid_mocks, args({"tags": tags}), field, "GCP label")


def test_tags_inside_gcps_label_rules_go_into_the_description(wid_mocks):
    wid_mocks.run(lambda: GkeWorkloadIdentity("api", args({"tags": {"team": "pay_ments-1", "zone": "", "équipe": "é"}})))
    assert wid_mocks.one(ACCOUNT).inputs["description"].endswith("; tags: team=pay_ments-1, zone=, équipe=é")


def test_output_tag_values_are_checked_and_described_when_they_resolve(wid_mocks):
    wid_mocks.run(lambda: GkeWorkloadIdentity("api", args({"tags": {"team": pulumi.Output.from_input("payments")}})))
    assert wid_mocks.one(ACCOUNT).inputs["description"].endswith("; tags: team=payments")


def test_a_bad_output_tag_value_fails_when_it_resolves(wid_mocks):
    with pytest.raises(Exception, match=r"identity\.tags\.team.*GCP label value"):
        wid_mocks.run(lambda: GkeWorkloadIdentity("api", args({"tags": {"team": pulumi.Output.from_input("Pay Ments")}})))
    assert wid_mocks.of_type(ACCOUNT) == []
