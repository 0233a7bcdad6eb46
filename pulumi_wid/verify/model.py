"""What verify works on (resources from a plan or a state file) and what it reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional


@dataclass
class Res:
    """One resource, as recorded by the mock runtime or exported by ``pulumi stack export``."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str = ""
    custom: bool = True

    def get(self, key: str, default: Any = None) -> Any:
        """An input, else the same-named output (state files carry both)."""
        if key in self.inputs and self.inputs[key] is not None:
            return self.inputs[key]
        return self.outputs.get(key, default)


@dataclass
class Facts:
    """What the stack may not hold but the cluster is: given on the command line."""

    issuers: list[str] = field(default_factory=list)
    """OIDC issuer URLs of the clusters (AKS: compared character for character)."""
    workload_pools: list[str] = field(default_factory=list)
    """GKE workload pools (<cluster project id>.svc.id.goog)."""
    project_numbers: list[str] = field(default_factory=list)
    """GKE cluster project numbers (for direct principal:// identifiers)."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Probe:
    """A token that must be refused, and what (if anything) would accept it."""

    description: str
    accepted: bool
    by: str = ""


@dataclass
class Chain:
    cloud: str
    kind: str
    name: str
    subject: str
    checks: list[Check] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and not any(p.accepted for p in self.probes)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    def reasons(self) -> list[str]:
        out = [f"{c.name}: {c.detail}" for c in self.checks if not c.ok]
        out += [f"probe '{p.description}' is accepted by {p.by}" for p in self.probes if p.accepted]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "cloud": self.cloud,
            "kind": self.kind,
            "name": self.name,
            "subject": self.subject,
            "status": "PASS" if self.ok else "FAIL",
            "checks": [c.__dict__ for c in self.checks],
            "probes": [p.__dict__ for p in self.probes],
        }


def parse_json_field(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def from_plan(plan: Any) -> list[Res]:
    """Resources recorded by ``pulumi-wid plan`` (component outputs attached)."""
    out = []
    for r in sorted(plan.resources, key=lambda r: r.urn):  # registration order is asynchronous
        outputs = plan.component_outputs.get(r.urn, {}) if not r.custom else dict(r.outputs)
        out.append(Res(r.type, r.name, r.urn, dict(r.inputs), outputs, r.parent, r.custom))
    return out


class StateError(Exception):
    pass


def load_state(path: str | Path) -> list[Res]:
    """Resources of a ``pulumi stack export`` file (version 3 deployments)."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise StateError(f"{path}: cannot read ({error.strerror})") from None
    except ValueError as error:
        raise StateError(f"{path}: not JSON ({error})") from None
    deployment = data.get("deployment", data) if isinstance(data, dict) else None
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list):
        raise StateError(f"{path}: no deployment.resources: expected the output of `pulumi stack export`")
    out = []
    for item in resources:
        urn = item.get("urn", "")
        typ = item.get("type", "")
        if typ.startswith("pulumi:providers:") or typ == "pulumi:pulumi:Stack":
            continue
        name = urn.rsplit("::", 1)[-1] if urn else typ
        out.append(
            Res(typ, name, urn, dict(item.get("inputs") or {}), dict(item.get("outputs") or {}),
                item.get("parent", ""), bool(item.get("custom", True)))
        )
    return out


def component_of(resources: list[Res], res: Optional[Res]) -> Optional[Res]:
    if res is None:
        return None
    by_urn = {r.urn: r for r in resources}
    parent = by_urn.get(res.parent)
    while parent is not None and parent.custom:
        parent = by_urn.get(parent.parent)
    return parent
