"""Benchmark: what pulumi-wid costs against Pulumi's own floor, the command at scale, verify at scale.

    python benchmarks/bench.py                 # everything, one table (about 20 minutes on 2 cores)
    python benchmarks/bench.py --quick         # small sizes, one run each, no valgrind (under 3 minutes)
    python benchmarks/bench.py --no-instructions
    python benchmarks/bench.py --only plan --only verify
    python benchmarks/bench.py --json out.json

Every measurement runs in a fresh subprocess (``--worker SPEC``), so import caches, the
IAM database cache and Pulumi's runtime state never leak from one measurement into the
next. The worker prints one JSON line back. The script prints one markdown table and exits 0.

Parts (rows of the table):

- instructions (needs valgrind; skipped by ``--quick``): each scale program (below) at
  N=1 and N=101 per cloud under ``valgrind --tool=cachegrind`` with the garbage collector
  off and the hash seed fixed; (I(101) - I(1)) / 100 is the work per identity, the same on
  every run and machine load. component/floor is the figure for what the package adds
  (target: at most 1.05).
- library under the mock runtime (``pulumi_wid.testing.WidMocks``), wall time, per cloud
  (aws, azure, gcp, and "all" = N of each): three programs, run alternately:
  - component: the package's components;
  - baseline: the same resources and output wiring written by hand;
  - floor: the baseline's resources, each identity's inside a bare ``ComponentResource``
    (children parented to it, one registered output): what Pulumi's component mechanism
    costs by itself.
  The worker imports every SDK first, so these measure building and registering (the
  collector on, as in a user's program; ``tm`` = tracemalloc peak of one extra run).
- ``pulumi-wid plan`` (the command, in its own tuned process: see pulumi_wid/_process.py)
  of generated projects: N identities over the three clouds in turn, and in the same run
  the limit, a program of as many bare CustomResources (no input, no parent, no wiring);
  wall time and peak RSS of the process, per identity above a 0-identity program's; and
  at N=1,000 the same plan as a library caller runs it (``cli.main([...])``, untuned).
- the demo: ``pulumi-wid plan .`` of the root project, median of several runs.
- verify of a generated export (benchmarks/verify_scale.py): 5,000, 10,000 and 20,000
  resources, time and tracemalloc peak.
- import cost of the package, each component and each SDK alone; one cloud's component
  must import no other cloud's SDK.

No test depends on these timings (tests/test_bench_programs.py checks only that the
three scale programs declare the same resources and wiring).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOUDS = ("aws", "azure", "gcp", "all")
SDKS = ("pulumi_aws", "pulumi_azure_native", "pulumi_gcp")
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/"
BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
PROJECT = "my-project"

# --------------------------------------------------------------------------------
# Programs: the component way and the by-hand way, resource for resource.
# --------------------------------------------------------------------------------


def _storage_account(i: int) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/"
        f"Microsoft.Storage/storageAccounts/acct{i}"
    )


def _providers(cloud: str) -> dict:
    """Explicit providers, as the package asks callers to pass (same ones in both programs)."""
    import pulumi_kubernetes as k8s

    found = {"k8s": k8s.Provider("k8s")}
    if cloud in ("aws", "all"):
        import pulumi_aws as aws

        found["aws"] = aws.Provider("aws", region="us-east-1")
    if cloud in ("azure", "all"):
        import pulumi_azure_native as azure_native

        found["azure"] = azure_native.Provider("azure", subscription_id=SUBSCRIPTION)
    if cloud in ("gcp", "all"):
        import pulumi_gcp as gcp

        found["gcp"] = gcp.Provider("gcp", project=PROJECT)
    return found


def component_program(cloud: str, n: int):
    import pulumi

    from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(providers=[p[c], p["k8s"]]) for c in ("aws", "azure", "gcp") if c in p}
        for i in range(n):
            ident = {"namespace": f"team{i}", "service_account": "api"}
            if cloud in ("aws", "all"):
                EksPodIdentity(f"app{i}-eks", {
                    "identity": ident,
                    "cluster_name": "prod",
                    "policy_statements": [
                        {"Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::bucket-{i}/*"]},
                    ],
                }, opts["aws"])
            if cloud in ("azure", "all"):
                AksFederatedIdentity(f"app{i}-aks", {
                    "identity": ident,
                    "resource_group_name": "rg",
                    "location": "eastus",
                    "oidc_issuer_url": ISSUER,
                    "role_assignments": [{"role": "Storage Blob Data Reader", "scope": _storage_account(i)}],
                }, opts["azure"])
            if cloud in ("gcp", "all"):
                GkeWorkloadIdentity(f"app{i}-gke", {
                    "identity": ident,
                    "project": PROJECT,
                    "account_id": f"team{i}-api",  # one GSA per namespace, as the baseline names them
                    "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                  "resource": f"bucket-{i}"}],
                }, opts["gcp"])

    return program


def _by_hand(cloud: str, i: int, opts: dict):
    """Identity ``i`` of ``cloud`` written by hand: its resources and output wiring, as a user
    would write them without the package. ``opts[c]`` are the options of cloud ``c``'s
    resources and ``opts["k8s"]`` the ServiceAccount's. Returns the value a component of
    these resources would register as its output (role ARN, client id, e-mail)."""
    import pulumi
    import pulumi_kubernetes as k8s

    ns, sa = f"team{i}", "api"
    if cloud == "aws":
        import pulumi_aws as aws

        name = f"app{i}-eks"
        trust = json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }],
        })
        role = aws.iam.Role(f"{name}-role", name=f"{ns}-{sa}", assume_role_policy=trust, opts=opts["aws"])
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            name=f"{ns}-{sa}",
            policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                               "Resource": [f"arn:aws:s3:::bucket-{i}/*"]}],
            }),
            opts=opts["aws"],
        )
        aws.eks.PodIdentityAssociation(
            f"{name}-association", cluster_name="prod", namespace=ns, service_account=sa,
            role_arn=role.arn, opts=opts["aws"],
        )
        k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={"name": sa, "namespace": ns},
                                   opts=opts["k8s"])
        return role.arn
    if cloud == "azure":
        import pulumi_azure_native as azure_native

        name = f"app{i}-aks"
        uami = azure_native.managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_name_=f"{ns}-{sa}", resource_group_name="rg", location="eastus",
            opts=opts["azure"],
        )
        azure_native.managedidentity.FederatedIdentityCredential(
            f"{name}-federated-credential",
            resource_name_=uami.name,
            resource_group_name="rg",
            federated_identity_credential_resource_name=f"{ns}-{sa}",
            issuer=ISSUER,
            subject=f"system:serviceaccount:{ns}:{sa}",
            audiences=["api://AzureADTokenExchange"],
            opts=opts["azure"],
        )
        azure_native.authorization.RoleAssignment(
            f"{name}-role-assignment",
            principal_id=uami.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=(
                f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{BLOB_DATA_READER}"
            ),
            scope=_storage_account(i),
            opts=opts["azure"],
        )
        k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={
            "name": sa, "namespace": ns,
            "annotations": {"azure.workload.identity/client-id": uami.client_id},
        }, opts=opts["k8s"])
        return uami.client_id
    import pulumi_gcp as gcp

    name = f"app{i}-gke"
    account = gcp.serviceaccount.Account(
        f"{name}-gsa", account_id=f"{ns}-{sa}", project=PROJECT,
        display_name=f"GKE workload {ns}/{sa}", opts=opts["gcp"],
    )
    gcp.serviceaccount.IAMMember(
        f"{name}-workload-identity-user",
        service_account_id=account.name,
        role="roles/iam.workloadIdentityUser",
        member=f"serviceAccount:{PROJECT}.svc.id.goog[{ns}/{sa}]",
        opts=opts["gcp"],
    )
    gcp.storage.BucketIAMMember(
        f"{name}-bucket", bucket=f"bucket-{i}", role="roles/storage.objectViewer",
        member=pulumi.Output.concat("serviceAccount:", account.email),
        opts=opts["gcp"],
    )
    k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata={
        "name": sa, "namespace": ns,
        "annotations": {"iam.gke.io/gcp-service-account": account.email},
    }, opts=opts["k8s"])
    return account.email


def _clouds(cloud: str) -> tuple[str, ...]:
    return ("aws", "azure", "gcp") if cloud == "all" else (cloud,)


def baseline_program(cloud: str, n: int):
    """The same resources and output wiring, written the way a user would without the package."""
    import pulumi

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(provider=p[c]) for c in p}
        for i in range(n):
            for c in _clouds(cloud):
                _by_hand(c, i, opts)

    return program


def floor_program(cloud: str, n: int):
    """The baseline's resources, each identity's inside a bare component of its own.

    What Pulumi's component mechanism costs by itself (one more resource per identity,
    children parented to it, one registered output): the floor under any component
    package, measured to tell it apart from what pulumi-wid adds on top.
    """
    import pulumi

    class Bare(pulumi.ComponentResource):
        def __init__(self, token: str, name: str, cloud: str, i: int, opts: pulumi.ResourceOptions) -> None:
            super().__init__(token, name, {}, opts)
            child = pulumi.ResourceOptions(parent=self)
            output = _by_hand(cloud, i, {"aws": child, "azure": child, "gcp": child, "k8s": child})
            self.register_outputs({"output": output})

    tokens = {"aws": ("bench:index:Eks", "eks"), "azure": ("bench:index:Aks", "aks"), "gcp": ("bench:index:Gke", "gke")}

    def program() -> None:
        p = _providers(cloud)
        opts = {c: pulumi.ResourceOptions(providers=[p[c], p["k8s"]]) for c in _clouds(cloud)}
        for i in range(n):
            for c in _clouds(cloud):
                token, short = tokens[c]
                Bare(token, f"app{i}-{short}", c, i, opts[c])

    return program


# --------------------------------------------------------------------------------
# Workers (run in a fresh process each)
# --------------------------------------------------------------------------------


def _maxrss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def worker_scale(spec: dict) -> dict:
    cloud, n, impl = spec["cloud"], spec["n"], spec["impl"]
    import pulumi  # noqa: F401
    import pulumi_kubernetes  # noqa: F401 - imported by both programs; not what is measured here

    for sdk, used in (("pulumi_aws", "aws"), ("pulumi_azure_native", "azure"), ("pulumi_gcp", "gcp")):
        if cloud in (used, "all"):
            __import__(sdk)
    from pulumi_wid.testing import WidMocks, install

    if impl == "component":
        import pulumi_wid

        for attr in {"aws": ["EksPodIdentity"], "azure": ["AksFederatedIdentity"], "gcp": ["GkeWorkloadIdentity"],
                     "all": ["EksPodIdentity", "AksFederatedIdentity", "GkeWorkloadIdentity"]}[cloud]:
            getattr(pulumi_wid, attr)
        program = component_program(cloud, n)
    elif impl == "floor":
        program = floor_program(cloud, n)
    else:
        program = baseline_program(cloud, n)
    mocks = install(WidMocks())
    if spec.get("nogc"):  # the instruction counts: the same work every time, whatever the heap
        import gc

        gc.disable()
    if spec.get("tracemalloc"):
        import tracemalloc

        tracemalloc.start()
    rss0 = _maxrss_kib()
    c0, t0 = time.process_time(), time.perf_counter()
    mocks.run(program)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss1 = _maxrss_kib()
    out = {"wall": wall, "cpu": cpu, "rss_delta_mib": (rss1 - rss0) / 1024, "resources": len(mocks.resources)}
    if spec.get("tracemalloc"):
        import tracemalloc

        out["tm_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def worker_import(spec: dict) -> dict:
    target = spec["target"]
    t0 = time.perf_counter()
    if target.startswith("from:"):  # "from:pulumi_wid:EksPodIdentity"
        _, module, attr = target.split(":")
        getattr(__import__(module), attr)
    else:
        __import__(target)
    wall = time.perf_counter() - t0
    return {"wall": wall, "sdks": sorted(s for s in (*SDKS, "pulumi_kubernetes") if s in sys.modules),
            "policy_sentry": "policy_sentry" in sys.modules}


def worker_plan(spec: dict) -> dict:
    """``pulumi-wid plan`` of a generated project in this fresh process: the command's own
    (tuned, ``main()``) or as a library caller runs it (``main([...])``, untuned)."""
    import resource

    from pulumi_wid import cli

    directory = spec["directory"]
    sys.argv = ["pulumi-wid", "plan", directory]
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115 - the plan's text is not measured
    t0 = time.perf_counter()
    code = cli.main() if spec["tuned"] else cli.main(["plan", directory])
    wall = time.perf_counter() - t0
    sys.stdout = real_stdout
    return {"wall": wall, "code": code, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def worker_verify(spec: dict) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import verify_scale

    resources, chains, seconds, peak = verify_scale.measure(spec["n"])
    return {"resources": resources, "chains": chains, "wall": seconds, "tm_peak_mib": peak}


def run_worker(spec: dict, timeout: float = 1800) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {spec} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def time_plan() -> float:
    exe = Path(sys.executable).parent / "pulumi-wid"
    cmd = [str(exe), "plan", "."] if exe.exists() else [sys.executable, "-m", "pulumi_wid.cli", "plan", "."]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"pulumi-wid plan . failed:\n{proc.stderr[-3000:]}")
    return wall


# --------------------------------------------------------------------------------
# The command at scale: `pulumi-wid plan` of generated projects
# --------------------------------------------------------------------------------

RESOURCES_PER_IDENTITY = 5  # each program registers a component and its four resources per identity

# N identities, the three clouds in turn (EKS Pod Identity, AKS, GKE), each as in the scale programs
MIXED_PROGRAM = '''\
import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity

SUB = "{sub}"
kube = k8s.Provider("k8s")
eks = pulumi.ResourceOptions(providers=[aws.Provider("aws", region="us-east-1"), kube])
aks = pulumi.ResourceOptions(providers=[azure_native.Provider("azure", subscription_id=SUB), kube])
gke = pulumi.ResourceOptions(providers=[gcp.Provider("gcp", project="{project}"), kube])
for i in range({n}):
    ident = {{"namespace": f"team{{i}}", "service_account": "api"}}
    if i % 3 == 0:
        EksPodIdentity(f"app{{i}}-eks", {{"identity": ident, "cluster_name": "prod", "policy_statements": [
            {{"Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::bucket-{{i}}/*"]}}]}}, eks)
    elif i % 3 == 1:
        AksFederatedIdentity(f"app{{i}}-aks", {{
            "identity": ident, "resource_group_name": "rg", "location": "eastus", "oidc_issuer_url": "{issuer}",
            "role_assignments": [{{"role": "Storage Blob Data Reader", "scope":
                f"/subscriptions/{{SUB}}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct{{i}}"}}]}}, aks)
    else:
        GkeWorkloadIdentity(f"app{{i}}-gke", {{
            "identity": ident, "project": "{project}", "account_id": f"team{{i}}-api",
            "bindings": [{{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                          "resource": f"bucket-{{i}}"}}]}}, gke)
'''

# The runtime's limit: as many registrations, each a bare CustomResource with no input, no
# parent, no provider and nothing wired between them.
LIMIT_PROGRAM = '''\
import pulumi

for i in range({n}):
    for j in range({per}):
        pulumi.CustomResource("bench:index:Bare", f"r{{i}}-{{j}}", {{}})
'''


def write_project(directory: Path, n: int, kind: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: bench-{kind}-{n}\nruntime: python\n")
    source = (MIXED_PROGRAM.format(n=n, sub=SUBSCRIPTION, project=PROJECT, issuer=ISSUER) if kind == "component"
              else LIMIT_PROGRAM.format(n=n, per=RESOURCES_PER_IDENTITY))
    (directory / "__main__.py").write_text(source)
    return directory


def bench_plan_scale(sizes: list[int], untuned_at: int) -> dict:
    """The command (``pulumi-wid plan``, tuned) on the mixed program at each size, with the limit
    program at the same size in the same run, and a 0-identity program for the import baseline;
    at ``untuned_at`` also the same plan as a library caller runs it (``main([...])``).

    Sizes up to 2,000 (a few seconds each, where one run moves by ±10% on a shared machine) are
    the median of 3 runs, component and limit alternating; bigger ones one run each."""
    import tempfile

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="wid-bench-") as tmp:
        def plan(kind: str, n: int, tuned: bool = True) -> dict:
            project = write_project(Path(tmp) / f"{kind}-{n}", n, kind)
            found = run_worker({"kind": "plan", "directory": str(project), "tuned": tuned})
            if found["code"] != 0:
                raise RuntimeError(f"plan of the {kind} program (N={n}) exited {found['code']}")
            _log(f"  plan {kind:9} N={n:<6} {'tuned' if tuned else 'untuned'}: {found['wall']:.2f} s, "
                 f"peak RSS {found['rss_mib']:.0f} MiB")
            return found

        def median(runs: list[dict]) -> dict:
            middle = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
            return {**middle, "runs": len(runs)}

        results["empty"] = median([plan("component", 0) for _ in range(3)])
        for n in sizes:
            found: dict[str, list[dict]] = {"component": [], "limit": []}
            for _ in range(3 if n <= 2000 else 1):
                for kind in found:
                    found[kind].append(plan(kind, n))
            results[f"component/{n}"] = median(found["component"])
            results[f"limit/{n}"] = median(found["limit"])
        if untuned_at:
            results[f"untuned/{untuned_at}"] = plan("component", untuned_at, tuned=False)
    return results


# --------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


IMPLS = ("component", "baseline", "floor")


def bench_scale(sizes: dict[int, int], clouds: tuple[str, ...], memory: bool) -> dict:
    results: dict = {}
    for n, reps in sizes.items():
        for cloud in clouds:
            runs: dict[str, list[dict]] = {impl: [] for impl in IMPLS}
            for rep in range(reps):
                # alternate, and rotate which goes first, so drift in the machine's speed
                # reaches every program alike
                order = IMPLS[rep % len(IMPLS):] + IMPLS[:rep % len(IMPLS)]
                for impl in order:
                    runs[impl].append(run_worker({"kind": "scale", "cloud": cloud, "n": n, "impl": impl}))
            entry = {}
            for impl, samples in runs.items():
                entry[impl] = {
                    "wall": _med([s["wall"] for s in samples]),
                    "walls": [round(s["wall"], 4) for s in samples],
                    "cpu": _med([s["cpu"] for s in samples]),
                    "rss_delta_mib": _med([s["rss_delta_mib"] for s in samples]),
                    "resources": samples[0]["resources"],
                    "runs": len(samples),
                }
                if memory and impl == "component" and cloud != "all":  # tracemalloc runs cost ~2x
                    entry[impl]["tm_peak_mib"] = run_worker(
                        {"kind": "scale", "cloud": cloud, "n": n, "impl": impl, "tracemalloc": True}
                    )["tm_peak_mib"]
            entry["ratio"] = entry["component"]["wall"] / entry["baseline"]["wall"]
            entry["floor_ratio"] = entry["floor"]["wall"] / entry["baseline"]["wall"]
            entry["over_floor"] = entry["component"]["wall"] / entry["floor"]["wall"]
            results[f"{cloud}/{n}"] = entry
            _log(f"  {cloud:5} N={n:<5} component {entry['component']['wall']:.3f}s  "
                 f"baseline {entry['baseline']['wall']:.3f}s  floor {entry['floor']['wall']:.3f}s  "
                 f"component/floor {entry['over_floor']:.3f}")
    return results


INSTRUCTION_SIZES = (1, 101)


def _instructions(spec: dict) -> int:
    """Instructions the worker runs for ``spec``, counted by valgrind (cachegrind, no cache model).

    The hash seed is fixed so that a run is the same work every time; the environment is
    the caller's (the IAM index cache lives under it)."""
    proc = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=3600, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if proc.returncode != 0 or not proc.stdout.strip():  # valgrind counts a crashed worker too
        raise RuntimeError(f"worker {spec} failed under valgrind ({proc.returncode}):\n{proc.stderr[-3000:]}")
    for line in proc.stderr.splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return int(line.rsplit(":", 1)[1].strip().replace(",", ""))
    raise RuntimeError(f"valgrind gave no instruction count for {spec}:\n{proc.stderr[-3000:]}")


def bench_instructions(clouds: tuple[str, ...]) -> dict:
    """Instructions per identity of each program, GC off: (I(101) - I(1)) / 100, so imports,
    providers and first-use costs cancel out. Deterministic, unlike wall time on a shared
    machine; it leaves out the garbage collector's share, which the wall figures include."""
    from concurrent.futures import ThreadPoolExecutor

    small, large = INSTRUCTION_SIZES
    specs = [{"kind": "scale", "cloud": c, "n": n, "impl": impl, "nogc": True}
             for c in clouds for impl in IMPLS for n in (small, large)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = list(pool.map(_instructions, specs))
    by = {(s["cloud"], s["impl"], s["n"]): count for s, count in zip(specs, counts, strict=True)}
    results = {}
    for c in clouds:
        per_id = {impl: (by[(c, impl, large)] - by[(c, impl, small)]) / (large - small) for impl in IMPLS}
        results[c] = {**{f"{impl}_per_id": v for impl, v in per_id.items()},
                      "ratio": per_id["component"] / per_id["baseline"],
                      "floor_ratio": per_id["floor"] / per_id["baseline"],
                      "over_floor": per_id["component"] / per_id["floor"]}
        _log(f"  {c:5} instructions/identity: component {per_id['component'] / 1e6:.2f}M  "
             f"baseline {per_id['baseline'] / 1e6:.2f}M  floor {per_id['floor'] / 1e6:.2f}M")
    return results


IMPORT_TARGETS = (
    ("import pulumi", "pulumi"),
    ("import pulumi_wid", "pulumi_wid"),
    ("from pulumi_wid import EksPodIdentity", "from:pulumi_wid:EksPodIdentity"),
    ("from pulumi_wid import AksFederatedIdentity", "from:pulumi_wid:AksFederatedIdentity"),
    ("from pulumi_wid import GkeWorkloadIdentity", "from:pulumi_wid:GkeWorkloadIdentity"),
    ("import pulumi_aws (SDK alone)", "pulumi_aws"),
    ("import pulumi_azure_native (SDK alone)", "pulumi_azure_native"),
    ("import pulumi_gcp (SDK alone)", "pulumi_gcp"),
)
# which cloud SDK each import may load (and no other)
IMPORT_ALLOWED = {
    "pulumi_wid": set(),
    "from:pulumi_wid:EksPodIdentity": {"pulumi_aws"},
    "from:pulumi_wid:AksFederatedIdentity": {"pulumi_azure_native"},
    "from:pulumi_wid:GkeWorkloadIdentity": {"pulumi_gcp"},
}


def bench_imports(reps: int) -> tuple[dict, list[str]]:
    samples: dict[str, list[dict]] = {t: [] for _, t in IMPORT_TARGETS}
    for _ in range(reps):
        for _, target in IMPORT_TARGETS:  # interleaved, so drift hits every target alike
            samples[target].append(run_worker({"kind": "import", "target": target}))
    results, failures = {}, []
    for label, target in IMPORT_TARGETS:
        loaded = set(samples[target][0]["sdks"]) & set(SDKS)
        results[label] = {"wall": _med([s["wall"] for s in samples[target]]), "sdks": sorted(loaded),
                          "policy_sentry": samples[target][0]["policy_sentry"]}
        allowed = IMPORT_ALLOWED.get(target)
        if allowed is not None and loaded - allowed:
            failures.append(f"{label} imported {sorted(loaded - allowed)}")
    return results, failures


# --------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------

OVER_FLOOR_TARGET = 1.05
DEMO_PLAN_TARGET = 1.5  # seconds
PLAN_SPEEDUP_TARGET = 1.5
VERIFY_TARGET = 1.0  # seconds for 5,000 resources
LINEAR = 1.1  # per-identity figure at the largest size over the smallest's


def _row(part: str, subject: str, n: str, value: str, per: str, reference: str, ratio: str, target: str) -> list[str]:
    return [part, subject, n, value, per, reference, ratio, target]


def table_rows(r: dict) -> list[list[str]]:
    rows: list[list[str]] = []
    for cloud, e in (r.get("instructions") or {}).items():
        met = e["over_floor"] <= OVER_FLOOR_TARGET
        rows.append(_row("instructions per identity (valgrind, GC off)", cloud, "101 - 1",
                         f"{e['component_per_id'] / 1e6:.2f} M", "",
                         f"floor {e['floor_per_id'] / 1e6:.2f} M, baseline {e['baseline_per_id'] / 1e6:.2f} M",
                         f"c/floor {e['over_floor']:.3f}",
                         f"<= {OVER_FLOOR_TARGET}: {'met' if met else 'NOT MET'}"))
    for key, e in (r.get("scale") or {}).items():
        cloud, n = key.split("/")
        ids = int(n) * (3 if cloud == "all" else 1)
        c, f, b = e["component"], e["floor"], e["baseline"]
        tm = f", tm peak {c['tm_peak_mib']:.1f} MiB" if "tm_peak_mib" in c else ""
        rows.append(_row("library under the mock runtime (wall, median)", cloud, n,
                         f"{c['wall']:.2f} s", f"{1000 * c['wall'] / ids:.2f} ms{tm}",
                         f"floor {f['wall']:.2f} s, baseline {b['wall']:.2f} s",
                         f"c/floor {e['over_floor']:.2f} ({c['runs']} run{'s' if c['runs'] > 1 else ''})", ""))
    plan = r.get("plan_scale") or {}
    sizes = sorted(int(k.split("/")[1]) for k in plan if k.startswith("component/"))
    base_rss = plan.get("empty", {}).get("rss_mib", 0.0)
    base_wall = plan.get("empty", {}).get("wall", 0.0)

    def per_id(key: str, n: int) -> float:  # seconds per identity above the 0-identity plan
        return (plan[key]["wall"] - base_wall) / n

    for n in sizes:
        c, lim = plan[f"component/{n}"], plan[f"limit/{n}"]
        runs = c.get("runs", 1)
        rows.append(_row("`pulumi-wid plan` (the command), mixed clouds", "all", str(n),
                         f"{c['wall']:.1f} s, peak {c['rss_mib']:.0f} MiB"
                         + (f" (median of {runs})" if runs > 1 else ""),
                         f"{1000 * per_id(f'component/{n}', n):.2f} ms, {1024 * (c['rss_mib'] - base_rss) / n:.0f} KiB",
                         f"limit {lim['wall']:.1f} s, {lim['rss_mib']:.0f} MiB "
                         f"({1000 * per_id(f'limit/{n}', n):.2f} ms/id)",
                         f"{c['wall'] / lim['wall']:.2f}x the limit", ""))
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        per_t = per_id(f"component/{big}", big) / per_id(f"component/{small}", small)
        per_m = ((plan[f"component/{big}"]["rss_mib"] - base_rss) / big) / (
            (plan[f"component/{small}"]["rss_mib"] - base_rss) / small)
        lim_t = per_id(f"limit/{big}", big) / per_id(f"limit/{small}", small)
        # The runtime's own limit, run beside it, grows too on a big heap (cache and page misses of a
        # process that keeps every object): time is judged against the limit's growth in the same run.
        ok = per_t / lim_t <= LINEAR and per_m <= LINEAR
        rows.append(_row("plan growth", "all", f"{small} -> {big}", f"time/id x{per_t:.2f}, memory/id x{per_m:.2f}",
                         "", f"limit time/id x{lim_t:.2f}", f"time x{per_t / lim_t:.2f} the limit's growth",
                         f"linear as the limit (<= {LINEAR}): {'met' if ok else 'NOT MET'}"))
    untuned = [k for k in plan if k.startswith("untuned/")]
    for key in untuned:
        n = int(key.split("/")[1])
        speedup = plan[key]["wall"] / plan[f"component/{n}"]["wall"]
        rows.append(_row("plan: the command's process vs a library caller's", "all", str(n),
                         f"{plan[f'component/{n}']['wall']:.1f} s", "", f"main([...]) {plan[key]['wall']:.1f} s",
                         f"{speedup:.2f}x", ""))
    demo = r.get("demo") or {}
    if demo.get("walls"):
        met = demo["wall"] < DEMO_PLAN_TARGET
        rows.append(_row("`pulumi-wid plan .` (demo, median)", "all", str(len(demo["walls"])) + " runs",
                         f"{demo['wall']:.2f} s", "", ", ".join(f"{w:.2f}" for w in demo["walls"]), "",
                         f"< {DEMO_PLAN_TARGET} s: {'met' if met else 'NOT MET'}"))
    verify = r.get("verify") or []
    for v in verify:
        target = ""
        if v is verify[0]:
            target = f"< {VERIFY_TARGET} s at 5,000: {'met' if v['wall'] < VERIFY_TARGET else 'NOT MET'}"
        rows.append(_row("`verify` of a generated export", "aws", f"{v['resources']} res / {v['chains']} chains",
                         f"{v['wall']:.2f} s", f"{1e6 * v['wall'] / v['resources']:.0f} us/res",
                         f"tm peak {v['tm_peak_mib']:.1f} MiB", "", target))
    if len(verify) >= 2:
        growth = (verify[-1]["wall"] / verify[0]["wall"]) / (verify[-1]["resources"] / verify[0]["resources"])
        rows.append(_row("verify growth", "aws", f"{verify[0]['resources']} -> {verify[-1]['resources']}",
                         f"time/resource x{growth:.2f}", "", "", "", ""))
    for label, e in (r.get("imports") or {}).items():
        loads = ", ".join(e["sdks"]) or "no cloud SDK"
        rows.append(_row("import (fresh process, median)", "", "", f"{1000 * e['wall']:.0f} ms", "", label,
                         "", f"loads {loads}" + (" + policy_sentry" if e["policy_sentry"] else "")))
    if r.get("import_failures") is not None:
        rows.append(_row("one cloud imports no other cloud's SDK", "", "", "", "", "", "",
                         "met" if not r["import_failures"] else "NOT MET: " + "; ".join(r["import_failures"])))
    return rows


def print_table(meta: dict, r: dict) -> None:
    print()
    print(f"pulumi-wid benchmark - {meta['machine']}; python {meta['python']}, pulumi {meta['pulumi']}")
    print()
    header = ["part", "cloud", "N", "measured", "per identity", "reference", "ratio", "target"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in table_rows(r):
        print("| " + " | ".join(row) + " |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each, no valgrind: under 3 minutes")
    parser.add_argument("--no-memory", action="store_true", help="skip the extra tracemalloc runs")
    parser.add_argument("--no-instructions", action="store_true", help="skip the valgrind counts (about 6 minutes)")
    parser.add_argument("--only", choices=("scale", "instructions", "plan", "verify", "imports"), action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)

    if args.worker:
        spec = json.loads(args.worker)
        worker = {"scale": worker_scale, "import": worker_import, "plan": worker_plan, "verify": worker_verify}
        result = worker[spec["kind"]](spec)
        print(json.dumps(result), flush=True)
        sys.stderr.flush()
        os._exit(0)  # skip interpreter teardown (and asyncio's noise about the mock loop)

    parts = set(args.only or ("scale", "instructions", "plan", "verify", "imports"))
    if args.quick or args.no_instructions:
        parts.discard("instructions")
    if "instructions" in parts and shutil.which("valgrind") is None:
        _log("instructions: valgrind is not installed (apt-get install valgrind); skipped")
        parts.discard("instructions")
    if args.quick:
        sizes, clouds, plan_sizes, verify_sizes, import_reps, demo_reps = {100: 1}, ("aws", "azure", "gcp"), \
            [300, 1000], [5000], 1, 3
    else:
        sizes, clouds, plan_sizes, verify_sizes, import_reps, demo_reps = {10: 3, 100: 3, 1000: 1}, CLOUDS, \
            [1000, 10000], [5000, 10000, 20000], 5, 5
    import pulumi

    meta = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "pulumi": getattr(pulumi, "__version__", "?"),
        "method": "fresh subprocess per measurement; component, baseline and floor alternated, the order rotating",
        "quick": args.quick,
    }
    try:
        from importlib.metadata import version

        meta["pulumi"] = version("pulumi")
    except Exception:  # noqa: BLE001
        pass
    started = time.perf_counter()
    r: dict = {}
    if parts & {"scale", "instructions", "plan"}:
        run_worker({"kind": "scale", "cloud": "aws", "n": 1, "impl": "component"})  # warms the IAM index cache
    if "instructions" in parts:
        _log("instructions (valgrind)")
        r["instructions"] = bench_instructions(("aws", "azure", "gcp"))
    if "scale" in parts:
        _log(f"scale: N = {list(sizes)} x {list(clouds)}")
        r["scale"] = bench_scale(sizes, clouds, memory=not args.no_memory and not args.quick)
    if "plan" in parts:
        _log("plan: the demo, then generated projects")
        walls = [time_plan() for _ in range(demo_reps)]
        r["demo"] = {"wall": _med(walls), "walls": walls}
        r["plan_scale"] = bench_plan_scale(plan_sizes, untuned_at=1000)
    if "verify" in parts:
        _log("verify")
        r["verify"] = [run_worker({"kind": "verify", "n": n}) for n in verify_sizes]
    if "imports" in parts:
        _log("imports")
        r["imports"], r["import_failures"] = bench_imports(import_reps)
    print_table(meta, r)
    print(f"(total benchmark time {time.perf_counter() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, **r}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
