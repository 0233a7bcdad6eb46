"""verify's key look-ups (pulumi_wid/verify/lookup.py) against the scans they replace: the same
items, in the same order, whatever the keys hold (several matches, case, broad GCP scopes,
secrets, values that cannot be hashed). The scans are kept here as they were written."""

from __future__ import annotations

from typing import Any, Optional

from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_wid import render
from pulumi_wid.verify import PASS, Res, verify_resources
from pulumi_wid.verify import azure as vazure
from pulumi_wid.verify import federation as vfed
from pulumi_wid.verify import gcp as vgcp
from pulumi_wid.verify.common import Workload
from pulumi_wid.verify.lookup import Lookup
from pulumi_wid.verify.model import SECRET, Chain
from pulumi_wid.verify.state import parse_deployment


def _res(kind: str, name: str, outputs: dict[str, Any], **extra: Any) -> Res:
    return Res(kind, name, f"urn:pulumi:prod::shop::{kind}::{name}", {}, outputs, **extra)


# -- Lookup ------------------------------------------------------------------------------------

def test_find_gives_every_match_once_in_list_order():
    # GIVEN items under several keys, one item under two of the keys asked for
    items = [("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5)]
    lookup = Lookup(items, lambda i: (i[0], "odd" if i[1] % 2 else "even"))
    # WHEN two keys are asked for THEN each match once, in the list's order
    assert lookup.find(("a", "odd"), lambda i: i[0] == "a" or i[1] % 2 == 1) == [
        ("a", 1), ("a", 3), ("b", 5)]
    # AND the test still decides: a candidate it refuses is not found
    assert lookup.find(("a",), lambda i: i[1] > 1) == [("a", 3)]
    assert lookup.find(("z",), lambda i: True) == []


def test_an_item_without_key_or_with_an_unhashable_key_is_a_candidate_of_every_look_up():
    # GIVEN a secret (no key can be computed) and a list value (no key can be hashed)
    items = [{"k": "x"}, {"k": SECRET}, {"k": ["x"]}, {"k": "y"}]
    lookup = Lookup(items, lambda i: None if i["k"] is SECRET else (i["k"],))
    # WHEN any key is asked for THEN both are candidates, in place; the keyed ones only for their key
    assert lookup.candidates(("y",)) == [items[1], items[2], items[3]]
    assert lookup.find(("x",), lambda i: i["k"] in ("x", SECRET) or i["k"] == ["x"]) == items[:3]


def test_an_unhashable_value_is_looked_up_by_scanning_every_item():
    items = [{"k": ["x"]}, {"k": "x"}, {"k": ["x"]}]
    lookup = Lookup(items, lambda i: (i["k"],))
    assert lookup.find((["x"],), lambda i: i["k"] == ["x"]) == [items[0], items[2]]
    assert lookup.candidates((["x"],)) == items


def test_first_is_the_scans_first_match_and_tests_nothing_after_it():
    tested: list[int] = []
    lookup = Lookup([1, 2, 3, 2], lambda i: ("all",))

    def test(i: int) -> bool:
        tested.append(i)
        return i == 2

    assert lookup.first(("all",), test) == 2
    assert tested == [1, 2]  # as next(...) stops at the first hit
    assert lookup.first(("none",), test) is None


_KEYS = st.one_of(st.sampled_from(["a", "A", "b", ""]), st.integers(0, 2), st.none(), st.just(SECRET),
                  st.lists(st.sampled_from("ab"), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, _KEYS), max_size=12), _KEYS)
def test_find_equals_the_scan_for_any_keys(items, value):
    # GIVEN items keyed by two fields of any kind; WHEN looked up by equality with either
    def test(item: tuple[Any, Any]) -> bool:
        return value in item

    lookup = Lookup(items, lambda item: item)
    # THEN the look-up finds what the scan finds, in order
    assert lookup.find((value,), test) == [item for item in items if test(item)]
    assert lookup.first((value,), test) == next((item for item in items if test(item)), None)


# -- GCP: the grants on a service account --------------------------------------------------------

EMAIL = "api@shop.iam.gserviceaccount.com"
OTHER = "web@shop.iam.gserviceaccount.com"
POOL = "shop.svc.id.goog"
ACCOUNTS = [
    _res(vgcp.kinds.GSA, "gsa", {"email": EMAIL, "name": f"projects/shop/serviceAccounts/{EMAIL}", "id": "acc-id"}),
    _res(vgcp.kinds.GSA, "gsa2", {"email": OTHER, "name": f"projects/shop/serviceAccounts/{OTHER}"}),
    _res(vgcp.kinds.GSA, "gsa-nameless", {"email": "x@shop.iam.gserviceaccount.com"}),
]
_TARGETS = st.sampled_from([
    f"projects/shop/serviceAccounts/{EMAIL}", EMAIL, "acc-id", ACCOUNTS[0].urn, f"projects/-/serviceAccounts/{OTHER}",
    f"projects/a/serviceAccounts/b/serviceAccounts/{EMAIL}", f"projects/shop/serviceAccounts/{EMAIL.upper()}",
    "None", "", None, SECRET, ["x"], f"{EMAIL}/serviceAccounts/", f"projects/shop/serviceAccounts/{EMAIL}x",
])
_GRANT_TYPES = st.sampled_from([
    "gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding",
    "gcp:projects/iAMMember:IAMMember", "gcp:organizations/iAMBinding:IAMBinding", "gcp:folder/iAMMember:IAMMember",
])
_ROLES = st.sampled_from([vgcp.WIU, vgcp.TOKEN_CREATOR, "roles/viewer", SECRET])
_MEMBERS = st.sampled_from([f"serviceAccount:{POOL}[orders/api]", f"serviceAccount:{POOL}[other/api]", SECRET,
                            "allUsers", "group:ops@example.com"])


@st.composite
def _grants(draw: Any) -> list[Res]:
    out = []
    for n in range(draw(st.integers(0, 10))):
        kind = draw(_GRANT_TYPES)
        fields = {"serviceAccountId": draw(_TARGETS), "role": draw(_ROLES)}
        if kind.endswith("IAMBinding"):
            fields["members"] = draw(st.one_of(st.lists(_MEMBERS, min_size=1, max_size=3), st.just(SECRET)))
        else:
            fields["member"] = draw(_MEMBERS)
        out.append(_res(kind, f"g{n}", fields))
    return out


@settings(max_examples=300, deadline=None)
@given(_grants(), st.sampled_from([None, *ACCOUNTS]), st.sampled_from([EMAIL, OTHER, EMAIL.upper(), "acc-id"]))
def test_grants_on_an_account_are_the_scans_in_order(grants, account, email):
    # GIVEN grants on the account in every form a target takes, broad scopes, secrets, odd values
    index = vgcp.Index([*ACCOUNTS, *grants], [], None)
    # WHEN the grants on one account are looked up THEN they are the scan's, in the stack's order
    scan = [g for g in index.grants if vgcp._targets_account(g[0], account, email)]
    assert index.on(account, email) == scan


def test_every_broad_scope_grant_is_on_every_account():
    grants = [_res("gcp:projects/iAMMember:IAMMember", "p", {"role": vgcp.WIU, "member": "allUsers"}),
              _res("gcp:serviceaccount/iAMMember:IAMMember", "own", {"serviceAccountId": EMAIL, "role": vgcp.WIU,
                                                                      "member": "allUsers"}),
              _res("gcp:organizations/iAMMember:IAMMember", "o", {"role": vgcp.WIU, "member": "allUsers"})]
    index = vgcp.Index(grants, [], None)
    assert [g[0].name for g in index.on(None, EMAIL)] == ["p", "own", "o"]
    assert [g[0].name for g in index.on(None, OTHER)] == ["p", "o"]


def test_the_account_of_an_email_is_the_first_readable_one():
    twins = [_res(vgcp.kinds.GSA, "a", {"email": EMAIL}), _res(vgcp.kinds.GSA, "b", {"email": EMAIL}),
             _res(vgcp.kinds.GSA, "c", {"email": ["odd"]})]
    index = vgcp.Index(twins, [], None)
    assert index.account(EMAIL) is twins[0]
    assert index.account(["odd"]) is twins[2]
    assert index.account(SECRET) is None and index.account(OTHER) is None


_PRINCIPALS = st.sampled_from([
    f"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/subject/ns/orders/sa/api",
    f"principal://iam.googleapis.com/projects/2/locations/global/workloadIdentityPools/{POOL}/subject/ns/orders/sa/api",
    f"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/subject/ns/other-namespace/sa/api",
    f"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/subject/ns/orders/sa/other-service-account",
    "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other-project.svc.id.goog/subject/ns/orders/sa/api",
    f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/namespace/orders",
    f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/namespace/other-namespace",
    f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/*",
    "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other-project.svc.id.goog/*",
    "principal://not-a-principal",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PRINCIPALS, max_size=8), st.sampled_from([None, "1", "2"]))
def test_direct_probes_by_look_up_are_the_scans(members, number):
    # GIVEN principal grants that admit (or not) each probe's KSA, several for the same one
    grants = [_res("gcp:projects/iAMMember:IAMMember", f"g{n}", {"role": "roles/viewer", "member": m})
              for n, m in enumerate(members)]
    index = vgcp.Index(grants, [], None)
    workload = Workload("orders", "api", {}, None, "sa")
    # WHEN the probes run on the look-up and on the list THEN the same grant is named for each
    by_lookup, by_scan = Chain("gcp", "direct", "x", "s"), Chain("gcp", "direct", "x", "s")
    vgcp._probes(by_lookup, workload, POOL, index.principals, number)
    vgcp._probes(by_scan, workload, POOL, list(index.principals.items), number)
    assert by_lookup.probes == by_scan.probes


# -- federation: the grant to a pool principal -----------------------------------------------------

_POOL_MEMBERS = st.sampled_from([
    "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/subject/repo:o/r:ref:refs/heads/main",
    "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/subject/repo:o/r:pull_request",
    "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/*",
    "principalSet://iam.googleapis.com/projects/2/locations/global/workloadIdentityPools/ci/*",
    "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/*",
    "group:ops@example.com",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_POOL_MEMBERS, max_size=8), st.sampled_from(["repo:o/r:ref:refs/heads/main", "repo:o/r:pull_request"]))
def test_the_grant_to_a_pool_principal_is_the_scans_first(members, sub):
    # GIVEN grants to one principal, to whole pools (this one, another project's, another pool)
    grants = [(_res("gcp:projects/iAMMember:IAMMember", f"g{n}", {}), m) for n, m in enumerate(members)]
    principal = f"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/subject/{sub}"
    pool_set = vfed._POOL_SET

    def scan() -> Optional[tuple[Res, str]]:  # verify.federation.gcp_accepts's loop as it was
        for res, member in grants:
            m = pool_set.match(member)
            if member == principal or (m and (m["number"], m["pool"]) == ("1", "ci")):
                return res, member
        return None

    # WHEN looked up THEN the first grant the scan met
    assert vfed._grant_to(Lookup(grants, vfed.grant_keys), principal, "1", "ci") == scan()


# -- Azure: an identity's federated credentials ------------------------------------------------

UAMI, FIC = "azure-native:managedidentity:UserAssignedIdentity", "azure-native:managedidentity:FederatedIdentityCredential"
APP = "azuread:index/application:Application"
APP_FIC = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"
IDENTITY_ID = "/subscriptions/s/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/API"


def _scan_credentials(identity: Res, fics: list[Res]) -> list[Res]:
    """verify.azure._credentials_of as a scan of every credential (a missing id or name matches nothing)."""
    lower = vazure._lower
    if identity.type in vazure.kinds.APPLICATION:
        object_id = identity.get("objectId")
        keys = {lower(object_id), lower(identity.get("id")), lower(f"/applications/{object_id}" if object_id else "")}
        keys.discard("")
        return [f for f in fics if f.type in vazure.kinds.APP_FIC
                and (lower(f.get("applicationObjectId")) in keys or lower(f.get("applicationId")) in keys)]
    rg, name, ident = lower(identity.get("resourceGroupName")), lower(identity.get("name")), lower(identity.get("id"))
    return [f for f in fics if f.type in vazure.kinds.FIC and (
        (ident and lower(f.get("parentId")) == ident)
        or (name and (lower(f.get("resourceGroupName")),
                      lower(f.inputs.get("resourceName") or f.get("resourceName"))) == (rg, name)))]


IDENTITIES = [
    _res(UAMI, "with-id", {"resourceGroupName": "rg", "name": "api", "id": IDENTITY_ID, "clientId": "c1"}),
    _res(UAMI, "without-id", {"resourceGroupName": "RG", "name": "Api", "clientId": "c2"}),
    _res(UAMI, "other", {"resourceGroupName": "rg", "name": "web", "clientId": "c1", "principalId": "p1"}),
    _res(APP, "app", {"objectId": "OBJ-1", "applicationId": "c3"}),
    _res(APP, "app-secret", {"objectId": SECRET, "applicationId": "c4", "id": "/applications/obj-2"}),
    _res(APP, "app-without-object-id", {"applicationId": "c5"}),
    _res(UAMI, "without-name", {"resourceGroupName": "rg", "clientId": "c6"}),
]


def test_an_identity_without_its_ids_collects_no_credential_that_names_none():
    # GIVEN credentials that name no application, and none by resource group and name
    loose = [_res(APP_FIC, "app-fic", {"issuer": "i", "subject": "s"}),
             _res(FIC, "uami-fic", {"resourceGroupName": "rg", "issuer": "i", "subject": "s"})]
    fics = Lookup(loose, vazure._fic_keys)
    # THEN an application without objectId, or an identity without name, gets none of them
    assert vazure._credentials_of(IDENTITIES[-2], fics) == []
    assert vazure._credentials_of(IDENTITIES[-1], fics) == []
_FIC_FIELDS = st.fixed_dictionaries({}, optional={
    "resourceGroupName": st.sampled_from(["rg", "RG", "other", SECRET]),
    "resourceName": st.sampled_from(["api", "API", "web", None]),
    "parentId": st.sampled_from([IDENTITY_ID, IDENTITY_ID.lower(), "", SECRET, "/x"]),
    "applicationObjectId": st.sampled_from(["obj-1", "OBJ-1", "/applications/obj-1", "obj-2", SECRET, ""]),
    "applicationId": st.sampled_from(["c3", "/applications/OBJ-2", None]),
})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([FIC, APP_FIC]), _FIC_FIELDS, st.sampled_from([None, "api", "Web"])),
                max_size=10))
def test_credentials_of_an_identity_are_the_scans_in_order(drawn):
    # GIVEN credentials naming their identity by parent id, resource group and name, or application,
    # in any case, some by an input only, some secret
    fics = [Res(kind, f"f{n}", f"urn:f{n}", {"resourceName": given} if given else {}, fields)
            for n, (kind, fields, given) in enumerate(drawn)]
    index = vazure.Index([*IDENTITIES, *fics], [], None)
    # WHEN each identity's credentials are looked up THEN they are the scan's, in order
    for identity in IDENTITIES:
        assert vazure._credentials_of(identity, index.fics_by_identity) == _scan_credentials(identity, fics)


def test_the_identity_of_a_client_id_is_the_first_not_pending_deletion():
    replaced = _res(UAMI, "old", {"clientId": "c1"}, pending_delete=True)
    index = vazure.Index([replaced, *IDENTITIES], [], None)
    assert index.identity("c1") is IDENTITIES[0]  # not the one pending deletion, then the first in order
    assert index.identity("c3") is IDENTITIES[3]  # an application by its applicationId
    assert index.identity("nope") is None
    assert index.by_principal_id("p1") is IDENTITIES[2]


# -- AWS: Pod Identity associations of one role -------------------------------------------------

def _association(name: str, namespace: str, service_account: str, cluster: str = "prod",
                 role: str = "arn:aws:iam::111122223333:role/api") -> dict[str, Any]:
    kind = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
    return {"urn": f"urn:pulumi:prod::shop::{kind}::{name}", "type": kind, "custom": True, "inputs": {}, "outputs": {
        "clusterName": cluster, "namespace": namespace, "serviceAccount": service_account, "roleArn": role}}


def test_the_other_associations_of_a_role_are_probes_in_the_stacks_order():
    # GIVEN four associations of one role (one for another role), the probe ones out of order
    stack = [_association("a", "orders", "api"), _association("z", "batch", "job", cluster="eu"),
             _association("b", "orders", "other-service-account"), _association("x", "web", "api", role="other"),
             _association("c", "other-namespace", "api")]
    chain = verify_resources(parse_deployment({"resources": stack}, "t"))[0]
    # WHEN the first is judged THEN the probes name the right associations, in the stack's order
    assert [(p.description, p.accepted, p.by) for p in chain.probes] == [
        ("api in namespace other-namespace", True, "PodIdentityAssociation 'c'"),
        ("other-service-account in namespace orders", True, "PodIdentityAssociation 'b'"),
        ("batch/job on cluster eu (another association of the role)", True, "PodIdentityAssociation 'z'"),
    ]


# -- Kubernetes: the pod templates of a ServiceAccount ---------------------------------------------

def test_a_service_accounts_pod_templates_are_its_own_in_the_stacks_order():
    def deployment(name: str, namespace: str, sa: Any) -> dict[str, Any]:
        kind = "kubernetes:apps/v1:Deployment"
        return {"urn": f"urn:pulumi:prod::shop::{kind}::{name}", "type": kind, "custom": True, "inputs": {},
                "outputs": {"metadata": {"namespace": namespace}, "spec": {"template": {
                    "metadata": {"labels": {"n": name}}, "spec": {"serviceAccountName": sa}}}}}

    sa = {"urn": "urn:pulumi:prod::shop::kubernetes:core/v1:ServiceAccount::sa", "type": "kubernetes:core/v1:ServiceAccount",
          "custom": True, "inputs": {}, "outputs": {"metadata": {"name": "api", "namespace": "orders"}}}
    stack = [deployment("d2", "orders", "api"), deployment("x", "web", "api"), deployment("d1", "orders", "api"),
             deployment("y", "orders", ["api"]), deployment("z", "orders", "web"), sa]
    from pulumi_wid.verify.clusters import Placement
    from pulumi_wid.verify.common import workloads

    resources = parse_deployment({"resources": stack}, "t")
    found, = workloads(resources, Placement(resources, []))
    assert [t["metadata"]["labels"]["n"] for t in found.pod_templates] == ["d2", "d1"]


# -- the summary: which component owns a chain -----------------------------------------------------

def _scan_owner(chain_name: str, components: list[Res]) -> Optional[Res]:
    """render.summarize's owner as it was: the first of the components, longest name first."""
    by_length = sorted(components, key=lambda c: -len(c.name))
    return next((c for c in by_length if chain_name == c.name or chain_name.startswith(c.name + "-")), None)


_NAMES = st.text(alphabet="ab-", max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NAMES, st.sampled_from(["wid:index:A", "wid:index:B"])), max_size=8), _NAMES)
def test_the_owner_of_a_chain_is_the_scans(components, chain_name):
    # GIVEN components whose names are each other's prefixes (also before a '-'), some twice
    resources = sorted((Res(t, n, f"urn:{t}::{n}::{i}", {}, {}, custom=False) for i, (n, t) in enumerate(components)),
                       key=lambda r: (r.name, r.type))
    by_name: dict[str, Res] = {}
    for component in resources:
        by_name.setdefault(component.name, component)
    # WHEN the chain's owner is looked up THEN it is the one the scan picked
    assert render._owner(chain_name, by_name) is _scan_owner(chain_name, resources)


def test_summary_rows_give_each_chain_to_the_longest_component_name():
    # GIVEN components app and app-x, chains app-x-irsa (app-x's), app-2 (app's) and other (none's)
    resources = [Res("wid:index:EksPodIdentity", n, f"urn:{n}", {}, {}, custom=False) for n in ("app", "app-x")]
    resources += [Res("aws:iam/role:Role", f"{n}-role", f"urn:{n}-role", {"name": f"{n}-role"}, {}, parent=f"urn:{n}")
                  for n in ("app-x", "app")]
    chains = [Chain("aws", "irsa", name, "s") for name in ("app-x-irsa", "app-2", "other")]
    rows = render.summarize(resources, chains)
    assert [(r.name, r.identity, r.verdict) for r in rows] == [
        ("app", "IAM role app-role", PASS), ("app-x", "IAM role app-x-role", PASS), ("other", "-", PASS)]
