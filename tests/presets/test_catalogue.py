"""The catalogue: names, provenance, build/resolve/merge, determinism."""

import copy
import json

import pytest
from cases import CALLS, ZONE

from pulumi_wid import ValidationError, presets


@pytest.mark.parametrize("cloud", presets.CLOUDS)
def test_every_preset_has_provenance_and_every_provenance_a_preset(cloud):
    table = presets.provenance()[cloud]
    assert set(table) == set(presets.catalogue(cloud)) == set(CALLS[cloud])
    for name, entry in table.items():
        assert entry["project"].count("/") == 1 and entry["path"], name
        assert ("commit" in entry and len(entry["commit"]) == 40) or "version" in entry, name
        assert isinstance(entry.get("changes", []), list)


@pytest.mark.parametrize("cloud", presets.CLOUDS)
def test_fragments_have_the_documented_shape(cloud):
    for name, params in CALLS[cloud].items():
        fragment = presets.build(cloud, name, params)
        assert list(fragment)[:4] == ["name", "cloud", "parameters", "identity"]
        assert fragment["name"] == name and fragment["cloud"] == cloud and params.items() <= fragment["parameters"].items()
        assert set(fragment["identity"]) == {"namespace", "service_account"}
        assert fragment["provenance"] == presets.provenance()[cloud][name]
        assert json.dumps(fragment) == json.dumps(presets.build(cloud, name, copy.deepcopy(params)))


def test_identity_defaults_are_overridable():
    fragment = presets.build("aws", "external-dns", {"hosted_zone_ids": [ZONE], "namespace": "dns", "service_account": "edns"})
    assert fragment["identity"] == {"namespace": "dns", "service_account": "edns"}


def test_build_refuses_unknown_names_and_parameters():
    with pytest.raises(ValidationError) as error:
        presets.build("aws", "external-dnss")
    assert error.value.field == "preset.name" and "'external-dns'" in error.value.fix
    with pytest.raises(ValidationError) as error:
        presets.build("aws", "external-dns", {"hosted_zones": [ZONE]})
    assert error.value.field == "preset.parameters.hosted_zones" and "hosted_zone_ids" in error.value.fix
    with pytest.raises(ValidationError, match="is not a azure preset"):
        presets.build("azure", "karpenter")


def test_resolve_rebuilds_and_refuses_an_edited_fragment():
    fragment = presets.build("aws", "external-dns", {"hosted_zone_ids": [ZONE]})
    assert presets.resolve("aws", fragment) == fragment
    assert presets.resolve("aws", {"name": "external-dns", "parameters": {"hosted_zone_ids": [ZONE]}}) == fragment
    edited = copy.deepcopy(fragment)
    edited["policy_statements"][0]["Resource"] = ["arn:aws:route53:::hostedzone/*"]
    with pytest.raises(ValidationError) as error:
        presets.resolve("aws", edited)
    assert error.value.field == "preset.policy_statements"
    with pytest.raises(ValidationError, match="is a gcp preset"):
        presets.resolve("aws", {**fragment, "cloud": "gcp"})
    with pytest.raises(ValidationError, match="is not a key of a preset"):
        presets.resolve("aws", {"name": "external-dns", "bindings": []})


def test_merge_args_fills_identity_and_appends_grants():
    args = {"identity": {"namespace": "dns"}, "role_assignments": [{"role": "Reader", "scope": "/subscriptions/x/resourceGroups/y"}],
            "preset": {"name": "cert-manager", "parameters": {"zone_ids": [CALLS["azure"]["cert-manager"]["zone_ids"][0]]}}}
    merged, fragment = presets.merge_args("azure", args)
    assert "preset" not in merged
    assert merged["identity"] == {"namespace": "dns", "service_account": "cert-manager"}  # the caller's namespace wins
    assert merged["role_assignments"] == args["role_assignments"] + fragment["role_assignments"]
    assert args["identity"] == {"namespace": "dns"}  # the caller's dict is not changed


def test_presets_import_neither_pulumi_nor_a_cloud_sdk():
    import subprocess
    import sys

    code = ("import sys, pulumi_wid.presets.aws, pulumi_wid.presets.azure, pulumi_wid.presets.gcp; "
            "print(sorted(m for m in ('pulumi', 'pulumi_aws', 'pulumi_azure_native', 'pulumi_gcp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
