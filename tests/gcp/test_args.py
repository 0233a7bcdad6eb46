"""gcp.args: GkeWorkloadIdentityArgs -> GkeSpec, plain values, no mock runtime."""

import pytest

from pulumi_wid.errors import ValidationError
from pulumi_wid.gcp.args import GkeSpec, gke_spec

IDENTITY = {"namespace": "apps", "service_account": "api"}


def test_defaults_of_service_account_mode():
    spec = gke_spec({"identity": IDENTITY, "project": "my-project"})
    assert isinstance(spec, GkeSpec)
    assert (spec.mode, spec.gsa_project, spec.grants) == ("service_account", "my-project", [])
    assert spec.account_id.startswith("api-")  # 6-30 characters: short names get a stable hash


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
