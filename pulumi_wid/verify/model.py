"""What verify works on (resources from a plan or a state file) and what it reports.

A chain has three verdicts: PASS when every link is proven from the stack (or from
facts pinned on the command line), FAIL when a link is proven wrong, UNVERIFIED
when a link cannot be seen. UNVERIFIED never counts as passing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

PASS, FAIL, UNVERIFIED = "PASS", "FAIL", "UNVERIFIED"
OK = "ok"
_PLACEHOLDER = re.compile(r"<[^<>]*known after deploy>")


class Secret:
    """A value the file holds encrypted: verify cannot read it."""

    _instance: Optional[Secret] = None

    def __new__(cls) -> Secret:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<secret: encrypted in this file>"

    __str__ = __repr__


SECRET = Secret()


def is_placeholder(value: Any) -> bool:
    """A value ``pulumi-wid plan`` shows as known only after deploy."""
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None


def unreadable(value: Any, placeholder_ok: bool = False) -> Optional[str]:
    """Why a value cannot be judged (encrypted, known only after deploy), or None.

    ``placeholder_ok``: the value is only compared with the same output elsewhere (an ARN
    or client id looked up by equality), so a plan's placeholder, which names the resource
    it comes from, identifies it as well as the value would.
    """
    if value is SECRET or (isinstance(value, (list, tuple)) and SECRET in value):
        return "is encrypted in this file (export with --show-secrets to check it)"
    if is_placeholder(value) and not placeholder_ok:
        return "is known only after deploy"
    return None


@dataclass
class Res:
    """One resource, as recorded by the mock runtime or exported by ``pulumi stack export``."""

    type: str
    """Type token by meaning (versioned azure-native modules folded into their module)."""
    name: str
    urn: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str = ""
    custom: bool = True
    provider: str = ""
    """Reference (``urn::id``) of the resource's provider; "" for the default provider."""
    dependencies: tuple[str, ...] = ()
    pending_delete: bool = False
    """Marked ``delete: true``: replaced, but still in the cloud until Pulumi deletes it."""
    raw_type: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        """What is deployed (the output), else the input.

        A custom resource's output recorded as null is what is deployed (a setting turned off,
        as after ``pulumi refresh``): the program's input does not stand in for it.
        """
        value = self.outputs.get(key)
        if value is None and not (self.custom and key in self.outputs):
            value = self.inputs.get(key)
        return default if value is None else value

    def drifted(self, key: str) -> bool:
        """Whether the deployed value differs from the program's input (after ``pulumi refresh``)."""
        if key not in self.inputs or key not in self.outputs:
            return False
        given, deployed = self.inputs[key], self.outputs[key]
        if given is None or (deployed is None and not self.custom):
            return False
        return parse_json_field(given) != parse_json_field(deployed)

    @property
    def label(self) -> str:
        return f"{self.type.rsplit(':', 1)[-1]} {self.name!r}" + (" (pending deletion)" if self.pending_delete else "")


@dataclass
class Facts:
    """What the stack may not hold but the cluster is: given on the command line."""

    issuers: list[str] = field(default_factory=list)
    """OIDC issuer URLs of the clusters (compared character for character)."""
    workload_pools: list[str] = field(default_factory=list)
    """GKE workload pools (<cluster project id>.svc.id.goog)."""
    project_numbers: list[str] = field(default_factory=list)
    """GKE cluster project numbers (for direct principal:// identifiers)."""


@dataclass
class Check:
    name: str
    status: str
    """"ok", "FAIL" or "UNVERIFIED"."""
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass
class Probe:
    """A token that must be refused, and what (if anything) would accept it."""

    description: str
    accepted: Optional[bool]
    """True: accepted (the chain fails); False: refused; None: cannot tell offline."""
    by: str = ""


@dataclass
class Chain:
    cloud: str
    kind: str
    name: str
    subject: str
    checks: list[Check] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if any(c.status == FAIL for c in self.checks) or any(p.accepted for p in self.probes):
            return FAIL
        if any(c.status == UNVERIFIED for c in self.checks) or any(p.accepted is None for p in self.probes):
            return UNVERIFIED
        return PASS

    @property
    def ok(self) -> bool:
        return self.status == PASS

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(name, OK if ok else FAIL, detail))
        return ok

    def unverified(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, UNVERIFIED, detail))

    def readable(self, name: str, value: Any, what: str, placeholder_ok: bool = False) -> bool:
        """False (with an UNVERIFIED check) when ``value`` cannot be read offline."""
        why = unreadable(value, placeholder_ok)
        if why:
            self.unverified(name, f"{what} {why}")
        return why is None

    def uses(self, res: Optional[Res], *keys: str) -> None:
        """Note what verify read of ``res`` that a reviewer must know: drift, pending deletion."""
        if res is None:
            return
        for key in keys:
            if res.drifted(key):
                note = (f"{res.label}: the deployed {key} differs from the program's input (drift, as after "
                        "`pulumi refresh`); verified what is deployed")
                if note not in self.notes:
                    self.notes.append(note)

    def reasons(self) -> list[str]:
        out = [f"{c.name}: {c.detail}" for c in self.checks if c.status != OK]
        out += [f"probe '{p.description}' is accepted by {p.by}" for p in self.probes if p.accepted]
        out += [f"probe '{p.description}': {p.by}" for p in self.probes if p.accepted is None]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "cloud": self.cloud,
            "kind": self.kind,
            "name": self.name,
            "subject": self.subject,
            "status": self.status,
            "checks": [{"name": c.name, "status": c.status, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "probes": [{"description": p.description,
                        "status": "accepted" if p.accepted else "refused" if p.accepted is False else "unknown",
                        "accepted": p.accepted, "by": p.by} for p in self.probes],
            "notes": list(self.notes),
        }


def parse_json_field(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class StateError(Exception):
    """A state file that cannot be read: one line naming the file or resource and what is wrong."""


class Resources(list):
    """Resources of one stack, with notes on the stack as a whole (pending operations)."""

    notes: list[str]

    def __init__(self, items: Any = (), notes: Optional[list[str]] = None) -> None:
        super().__init__(items)
        self.notes = list(notes or [])


def from_plan(plan: Any) -> Resources:
    """Resources recorded by ``pulumi-wid plan`` (component outputs attached)."""
    from .kinds import canonical

    out = []
    for r in sorted(plan.resources, key=lambda r: r.urn):  # registration order is asynchronous
        outputs = plan.component_outputs.get(r.urn, {}) if not r.custom else dict(r.outputs)
        out.append(Res(canonical(r.type), r.name, r.urn, dict(r.inputs), outputs, r.parent, r.custom,
                       getattr(r, "provider", "") or "", tuple(getattr(r, "depends_on", ()) or ()), raw_type=r.type))
    return Resources(out)
