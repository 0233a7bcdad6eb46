"""gcp.args: GkeWorkloadIdentityArgs -> GkeSpec, plain values, no mock runtime."""

import pytest

from pulumi_wid.errors import ValidationError
from pulumi_wid.gcp import documents as m
from pulumi_wid.gcp.args import GkeSpec, gke_spec
from pulumi_wid.gcp.documents import ACCOUNT_ID

IDENTITY = {"namespace": "apps", "service_account": "api"}


def test_defaults_of_service_account_mode():
    spec = gke_spec({"identity": IDENTITY, "project": "my-project"})
    assert isinstance(spec, GkeSpec)
    assert (spec.mode, spec.gsa_project, spec.grants) == ("service_account", "my-project", [])
    assert spec.account_id == "apps-api"  # <namespace>-<name> when it is a valid 6-30 id


def test_direct_mode_needs_the_project_number_and_refuses_gsa_keys():
    with pytest.raises(ValidationError, match="project_number"):
        gke_spec({"identity": IDENTITY, "project": "my-project", "mode": "direct"})
    with pytest.raises(ValidationError, match="only applies when mode='service_account'"):
        gke_spec({"identity": IDENTITY, "project": "my-project", "mode": "direct", "project_number": "1",
                  "account_id": "api-gsa"})


def test_grants_get_stable_suffixes_and_duplicates_are_refused():
    binding = {"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "reports"}
    spec = gke_spec({"identity": IDENTITY, "project": "my-project", "roles": ["roles/logging.logWriter"],
                     "bindings": [binding]})
    assert [g.suffix for g in spec.grants][0] == "role-logging.logWriter"
    assert spec.grants[1].target == {"bucket": "reports"} and spec.grants[1].suffix.startswith("binding-")
    with pytest.raises(ValidationError, match="granted twice"):
        gke_spec({"identity": IDENTITY, "project": "my-project", "bindings": [binding, binding]})


def test_settings_of_a_gsa_are_refused_with_an_existing_one():
    with pytest.raises(ValidationError, match="existing_service_account_email is given"):
        gke_spec({"identity": IDENTITY, "project": "my-project", "account_id": "api-gsa",
                  "existing_service_account_email": "x-123@my-project.iam.gserviceaccount.com"})


# -- default GSA ids carry the namespace (issue 14) ---------------------------------------
def test_same_service_account_name_in_two_namespaces_gets_two_gsa_ids():
    # GIVEN payments/api and orders/api in one project, no account_id
    payments = gke_spec({"identity": {"namespace": "payments", "service_account": "api"}, "project": "my-project"})
    orders = gke_spec({"identity": {"namespace": "orders", "service_account": "api"}, "project": "my-project"})
    # THEN each gets its own GSA, named <namespace>-<name>
    assert (payments.account_id, orders.account_id) == ("payments-api", "orders-api")


def test_a_long_default_gsa_id_is_cut_with_a_hash_of_namespace_and_name():
    ns = "a-very-long-namespace-name-for-the-payments-team"
    one = gke_spec({"identity": {"namespace": ns, "service_account": "api"}, "project": "my-project"}).account_id
    two = gke_spec({"identity": {"namespace": ns, "service_account": "worker"}, "project": "my-project"}).account_id
    assert len(one) == 30 and ACCOUNT_ID.fullmatch(one) and ACCOUNT_ID.fullmatch(two)
    assert one == "a-very-long-namespace-n-a51a4c"  # stable: the same inputs always give this id
    assert one != two and one[:-7] == two[:-7]  # cut alike, told apart by the hash


def test_identity_name_and_explicit_account_id_are_kept():
    named = gke_spec({"identity": {**IDENTITY, "name": "reports"}, "project": "my-project"})
    assert named.account_id == "apps-reports"
    explicit = gke_spec({"identity": IDENTITY, "project": "my-project", "account_id": "orders-reader"})
    assert explicit.account_id == "orders-reader"


# -- long but valid names: the generated texts are shortened, tags alone are blamed -----
LONGEST_NS = "n" * 63
LONG_SA = "service-account." + "s" * 200


def test_a_63_character_namespace_and_a_long_service_account_are_accepted():
    spec = gke_spec({"identity": {"namespace": LONGEST_NS, "service_account": LONG_SA}, "project": "my-project"})
    assert len(spec.description.encode()) <= 256
    assert spec.description.startswith(f"Workload identity of Kubernetes ServiceAccount {LONGEST_NS}/service-account.")
    assert spec.description.endswith(" (pulumi-wid)") and "; tags:" not in spec.description
    display = m.display_name(LONGEST_NS, LONG_SA)
    assert len(display) == 100 and display.startswith(f"GKE workload {LONGEST_NS}/")
    other = m.display_name(LONGEST_NS, LONG_SA + "x")
    assert other != display and len(other) == 100  # shortened names stay distinct


def test_tags_that_overflow_the_description_are_blamed_on_tags():
    tags = {f"t{i}": "v" * 20 for i in range(8)}
    with pytest.raises(ValidationError, match="at most 256 bytes") as err:
        gke_spec({"identity": {**IDENTITY, "tags": tags}, "project": "my-project"})
    assert err.value.field == "identity.tags"
