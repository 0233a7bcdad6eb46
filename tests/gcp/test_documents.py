"""The GCP member strings, ids and checks as plain functions, without the mock runtime."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_wid.errors import ValidationError
from pulumi_wid.gcp import documents as m

ACCOUNT_ID = re.compile(r"^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$")


def test_workload_pool_and_member_are_exact():
    assert m.workload_pool("my-project") == "my-project.svc.id.goog"
    assert m.workload_member("my-project", "apps", "api") == "serviceAccount:my-project.svc.id.goog[apps/api]"
    # negative: another namespace or KSA is another member
    assert m.workload_member("my-project", "apps", "api") != m.workload_member("my-project", "other", "api")
    assert m.workload_member("my-project", "apps", "api") != m.workload_member("my-project", "apps", "worker")


def test_direct_principal_uses_number_and_id():
    assert m.direct_principal("123456789012", "my-project", "apps", "api") == (
        "principal://iam.googleapis.com/projects/123456789012/locations/global/"
        "workloadIdentityPools/my-project.svc.id.goog/subject/ns/apps/sa/api"
    )


def test_namespace_principal_set():
    assert m.namespace_principal_set("123456789012", "my-project", "apps") == (
        "principalSet://iam.googleapis.com/projects/123456789012/locations/global/"
        "workloadIdentityPools/my-project.svc.id.goog/namespace/apps"
    )


@pytest.mark.parametrize("name", ["payments-api", "api-v1", "abcdef", "a" * 30])
def test_valid_names_are_used_verbatim(name):
    assert m.derive_account_id(name) == name


@pytest.mark.parametrize(
    "name",
    ["api", "x", "api.v1", "api_v1", "API", "1st-app", "a" * 31, "my.service.account.with.a.very.long.name", "-", "a-"],
)
def test_other_names_are_derived_valid(name):
    derived = m.derive_account_id(name)
    assert ACCOUNT_ID.fullmatch(derived), derived
    assert 6 <= len(derived) <= 30
    assert derived == m.derive_account_id(name)  # stable


def test_derived_ids_are_distinct_for_names_that_sanitize_alike():
    names = ["api.v1", "api_v1", "api-v1", "API.v1", "api..v1"]
    ids = [m.derive_account_id(n) for n in names]
    assert len(set(ids)) == len(ids), ids
    long = ["payments-api-reader-for-the-orders-database", "payments-api-reader-for-the-orders-databases"]
    assert m.derive_account_id(long[0]) != m.derive_account_id(long[1])
    assert m.derive_account_id("1st-app").startswith("wi-")


def test_derived_id_is_pinned():
    # a change here renames (replaces) every user's GSA: keep it stable
    assert m.derive_account_id("api") == "api-14c252"
    assert m.derive_account_id("My.Service_Account.with.a.very.long.name.beyond.limits") == (
        "my-service-account-with-655d29"
    )


@given(st.text(min_size=1, max_size=300))
def test_any_name_gives_a_valid_id(name):
    assert ACCOUNT_ID.fullmatch(m.derive_account_id(name))


@given(st.from_regex(r"[a-z0-9]([-a-z0-9.]{0,80}[a-z0-9])?", fullmatch=True),
       st.from_regex(r"[a-z0-9]([-a-z0-9.]{0,80}[a-z0-9])?", fullmatch=True))
def test_distinct_kubernetes_names_give_distinct_ids(a, b):
    if a != b:
        assert m.derive_account_id(a) != m.derive_account_id(b)


@pytest.mark.parametrize("value", ["ab", "a" * 31, "1abcdef", "abcdef-", "Abcdef", "abc_def"])
def test_bad_account_ids(value):
    with pytest.raises(ValidationError, match="service account id") as err:
        m.check_account_id("account_id", value)
    assert err.value.field == "account_id"


def test_project_ids():
    assert m.check_project_id("project", "my-project") == "my-project"
    assert m.check_project_id("p", "example.com:my-project", allow_legacy=True) == "example.com:my-project"
    with pytest.raises(ValidationError, match="domain-scoped"):
        m.check_project_id("project", "example.com:my-project")
    with pytest.raises(ValidationError, match="project number, not a project id"):
        m.check_project_id("project", "123456789012")
    for bad in ["My-Project", "proj", "a" * 31, "my-project-", "1project", "my_project"]:
        with pytest.raises(ValidationError, match="6-30"):
            m.check_project_id("project", bad)


def test_project_numbers():
    assert m.check_project_number("n", "123456789012") == "123456789012"
    assert m.check_project_number("n", 123456789012) == "123456789012"
    for bad in ["my-project", "0123", "", "12a", True, "1" * 21]:
        with pytest.raises(ValidationError) as err:
            m.check_project_number("project_number", bad)
        assert err.value.field == "project_number"


def test_service_account_emails():
    assert m.parse_service_account_email("e", "app-sa@my-project.iam.gserviceaccount.com") == {
        "account": "app-sa", "project": "my-project"}
    assert m.parse_service_account_email("e", "123456789012-compute@developer.gserviceaccount.com") == {
        "account": "123456789012-compute", "project": None}
    assert m.parse_service_account_email("e", "my-project@appspot.gserviceaccount.com")["project"] == "my-project"
    for bad in ["app-sa@my-project.iam.gserviceaccount", "app-sa", "serviceAccount:app-sa@my-project.iam.gserviceaccount.com",
                "ab@my-project.iam.gserviceaccount.com", "App-sa@my-project.iam.gserviceaccount.com",
                "app-sa@gmail.com", "projects/p/serviceAccounts/app-sa@my-project.iam.gserviceaccount.com"]:
        with pytest.raises(ValidationError, match="Google service account email"):
            m.parse_service_account_email("existing_service_account_email", bad)


def test_service_account_resource_id():
    assert m.service_account_resource_id("e", "app-sa@my-project.iam.gserviceaccount.com") == (
        "projects/my-project/serviceAccounts/app-sa@my-project.iam.gserviceaccount.com")
    assert m.service_account_resource_id("e", "123-compute@developer.gserviceaccount.com") == (
        "projects/-/serviceAccounts/123-compute@developer.gserviceaccount.com")
    # a domain-scoped project shows up as project.domain in the email: let IAM resolve it
    assert m.service_account_resource_id("e", "app-sa@my-project.example.com.iam.gserviceaccount.com").startswith(
        "projects/-/serviceAccounts/")


def test_roles():
    for good in ["roles/storage.objectViewer", "projects/my-project/roles/myRole", "organizations/123/roles/my_role.v2"]:
        assert m.check_role("r", good) == good
    for basic in m.BASIC_ROLES:
        with pytest.raises(ValidationError, match="basic roles"):
            m.check_role("r", basic)
        assert m.check_role("r", basic, allow_basic=True) == basic
    for cased in ["roles/Owner", "roles/OWNER", "roles/Editor", "roles/vIEWER"]:  # the check ignores case
        with pytest.raises(ValidationError, match="basic roles") as err:
            m.check_role("r", cased)
        assert (err.value.field, err.value.value) == ("r", cased)
        assert "allow_basic_roles=True" in err.value.fix
    assert m.check_role("r", "roles/ownerPlus") == "roles/ownerPlus"  # not a basic role
    with pytest.raises(ValidationError, match="did you mean 'roles/storage.admin'"):
        m.check_role("r", "storage.admin")
    for bad in ["roles/", "projects/My Project/roles/x", "organizations/abc/roles/xyz", "folders/1/roles/xyz"]:
        with pytest.raises(ValidationError, match="must be 'roles/<role>'"):
            m.check_role("r", bad)


def test_project_escalation_roles_ignore_case():
    for role in ["roles/IAM.serviceAccountTokenCreator", "roles/iam.serviceaccountuser", "ROLES/IAM.WORKLOADIDENTITYUSER"]:
        with pytest.raises(ValidationError, match="every service account of the project") as err:
            m.check_project_role("r", role, False)
        assert err.value.value == role
        m.check_project_role("r", role, True)  # opted in
    m.check_project_role("r", "roles/iam.serviceAccountViewer", False)  # not an escalation role


def test_role_suffix_is_stable_and_distinct():
    assert m.role_suffix("roles/storage.objectViewer") == "storage.objectViewer"
    a = m.role_suffix("projects/p-one1/roles/reader")
    b = m.role_suffix("organizations/1/roles/reader")
    assert a != b and a.startswith("reader-")


def test_resource_type_suggests_the_closest():
    with pytest.raises(ValidationError, match="did you mean 'storage_bucket'"):
        m.check_resource_type("t", "storage_buckets")
    with pytest.raises(ValidationError, match="did you mean 'pubsub_topic'"):
        m.check_resource_type("t", "pubsub_topik")


@pytest.mark.parametrize(
    "kind,resource,target",
    [
        ("storage_bucket", "my-bucket", {"bucket": "my-bucket"}),
        ("secret", "db-password", {"secret_id": "db-password", "project": "dflt-project"}),
        ("secret", "projects/other-proj/secrets/db", {"secret_id": "db", "project": "other-proj"}),
        ("secret", "projects/123456/secrets/db", {"secret_id": "db", "project": "123456"}),
        ("pubsub_topic", "orders", {"topic": "orders", "project": "dflt-project"}),
        ("pubsub_topic", "projects/other-proj/topics/orders", {"topic": "orders", "project": "other-proj"}),
        ("pubsub_subscription", "orders-worker", {"subscription": "orders-worker", "project": "dflt-project"}),
        ("pubsub_subscription", "projects/other-proj/subscriptions/orders-worker",
         {"subscription": "orders-worker", "project": "other-proj"}),
        ("artifact_registry_repository", "projects/other-proj/locations/europe-west1/repositories/images",
         {"repository": "images", "location": "europe-west1", "project": "other-proj"}),
        ("artifact_registry_repository", "us-central1/images",
         {"repository": "images", "location": "us-central1", "project": "dflt-project"}),
        ("bigquery_dataset", "analytics", {"dataset_id": "analytics", "project": "dflt-project"}),
        ("bigquery_dataset", "projects/other-proj/datasets/analytics", {"dataset_id": "analytics", "project": "other-proj"}),
    ],
)
def test_binding_targets(kind, resource, target):
    assert m.binding_target("b", kind, resource, "dflt-project") == target


@pytest.mark.parametrize(
    "kind,resource,match",
    [
        ("storage_bucket", "gs://my-bucket/x", "gs:// URL"),
        ("storage_bucket", "My_Bucket", "bucket name"),
        ("storage_bucket", "google-bucket", "bucket name"),
        ("secret", "projects/p/secrets/db", "secret id"),
        ("pubsub_topic", "goog-topic", "topic name"),
        ("pubsub_subscription", "projects/other-proj/topics/orders", "subscription name"),
        ("artifact_registry_repository", "images", "location is required"),
        ("bigquery_dataset", "my-dataset", "dataset id"),
    ],
)
def test_bad_binding_targets(kind, resource, match):
    with pytest.raises(ValidationError, match=match) as err:
        m.binding_target("bindings[0].resource", kind, resource, "dflt-project")
    assert err.value.field == "bindings[0].resource"


def test_description_carries_tags_within_the_limit():
    text = m.description("apps", "api", {"team": "payments", "env": "prod"})
    assert text.endswith("; tags: env=prod, team=payments")
    with pytest.raises(ValidationError, match="no labels"):
        m.check_description("identity.tags", m.description("apps", "api", {f"t{i}": "v" * 20 for i in range(20)}))
    assert len(m.display_name("a" * 63, "b" * 253)) == 100
