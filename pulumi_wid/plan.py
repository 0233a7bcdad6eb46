"""Run a Pulumi Python program offline under the mock runtime and describe what it creates.

``load_project`` reads Pulumi.yaml and the stack's config; ``run_plan`` runs the
program with ``WidMocks`` in placeholder mode (values only the cloud knows are
shown as ``<... known after deploy>``) and returns a ``Plan``: the resources,
grouped under their components, and the stack's exports.
"""

from __future__ import annotations

import functools
import json
import os
import runpy
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from . import _process
from .aws import facts as aws
from .azure import facts as azure
from .gcp import facts as gcp

SECRET_PLACEHOLDER = "<secret: not decrypted offline>"


class PlanError(Exception):
    """A one-line, user-facing failure of ``plan``/``verify``."""


class ProgramError(PlanError):
    """The user's program itself failed (raised, exited) under the mocks."""


@dataclass
class Project:
    directory: Path
    name: str
    main: Path
    stack: str
    config: dict[str, str]
    secret_keys: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    project: Project
    resources: list[Any]  # RecordedResource
    component_outputs: dict[str, dict[str, Any]]
    exports: dict[str, Any]

    # Registration order is asynchronous; every listing is sorted so the same program
    # always prints the same plan, byte for byte.
    def components(self) -> list[Any]:
        return sorted((r for r in self.resources if not r.custom), key=lambda r: (r.name, r.type))

    def children(self, component: Any) -> list[Any]:
        return sorted(self._by_parent.get(component.urn, ()), key=_chain_order)

    @functools.cached_property
    def _by_parent(self) -> dict[str, list[Any]]:
        """The resources by parent URN, built once (a plan of thousands of components asks for each one's)."""
        found: dict[str, list[Any]] = {}
        for resource in self.resources:
            found.setdefault(resource.parent, []).append(resource)
        return found

    def top_level(self) -> list[Any]:
        urns = {r.urn for r in self.resources if not r.custom}
        return sorted((r for r in self.resources if r.custom and r.parent not in urns), key=lambda r: (r.type, r.name))


# The links of a chain, by type token, with the words the renderers use for them.
IDENTITY_TYPES = {
    aws.ROLE: "IAM role",
    azure.USER_ASSIGNED_IDENTITY: "managed identity",
    gcp.SERVICE_ACCOUNT: "Google service account",
}
TRUST_TYPES = {
    aws.POD_IDENTITY_ASSOCIATION: "Pod Identity association",
    azure.FEDERATED_IDENTITY_CREDENTIAL: "federated credential",
    gcp.SERVICE_ACCOUNT_IAM_MEMBER: "workloadIdentityUser",
}


def _chain_order(resource: Any) -> tuple[int, str, str]:
    """Identity, then its trust, then grants, then the Kubernetes side: the order of the chain."""
    if resource.type in IDENTITY_TYPES:
        rank = 0
    elif resource.type in TRUST_TYPES:
        rank = 1
    elif resource.type.startswith("kubernetes:"):
        rank = 3
    else:
        rank = 2
    return rank, resource.type, resource.name


def load_project(directory: str | os.PathLike, stack: Optional[str] = None,
                 overrides: Optional[list[str]] = None) -> Project:
    root = Path(directory).resolve()
    if not root.is_dir():
        raise PlanError(f"{directory}: not a directory")
    spec_path = next((root / n for n in ("Pulumi.yaml", "Pulumi.yml") if (root / n).is_file()), None)
    if spec_path is None:
        raise PlanError(f"{root}: no Pulumi.yaml here; pass the directory of a Pulumi project")
    try:
        spec = yaml.safe_load(spec_path.read_text()) or {}
    except yaml.YAMLError as error:
        raise PlanError(f"{spec_path}: not valid YAML ({str(error).splitlines()[0]})") from None
    name = spec.get("name")
    if not name:
        raise PlanError(f"{spec_path}: the project has no 'name'")
    runtime = spec.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise PlanError(f"{spec_path}: runtime is {runtime_name!r}; pulumi-wid plan runs Python programs only")
    main = root / (spec.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise PlanError(f"{spec_path}: the program {main} does not exist")

    config: dict[str, str] = {}
    secret_keys: list[str] = []
    notes: list[str] = []
    for key, decl in (spec.get("config") or {}).items():
        full = key if ":" in key else f"{name}:{key}"
        if isinstance(decl, dict):
            if "value" in decl:
                config[full] = _config_value(decl["value"])
            elif "default" in decl:
                config[full] = _config_value(decl["default"])
        elif decl is not None:
            config[full] = _config_value(decl)
    stack_name = stack or "dev"
    if stack:
        stack_file = next((root / f"Pulumi.{stack}.{ext}" for ext in ("yaml", "yml")
                           if (root / f"Pulumi.{stack}.{ext}").is_file()), None)
        if stack_file is None:
            raise PlanError(f"{root}: unknown stack {stack!r} (no Pulumi.{stack}.yaml)")
        stack_spec = yaml.safe_load(stack_file.read_text()) or {}
        for key, value in (stack_spec.get("config") or {}).items():
            full = key if ":" in key else f"{name}:{key}"
            if isinstance(value, dict) and set(value) == {"secure"}:
                config[full] = SECRET_PLACEHOLDER
                secret_keys.append(full)
                notes.append(f"config {full} is a secret that cannot be decrypted offline; shown as a placeholder")
            else:
                config[full] = _config_value(value)
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise PlanError(f"--config {item!r}: expected KEY=VALUE")
        config[key if ":" in key else f"{name}:{key}"] = value
    return Project(root, name, main, stack_name, config, secret_keys, notes)


def _config_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def run_plan(project: Project, mocks: Any = None) -> Plan:
    """Run the project's program under placeholder mocks; raise PlanError on failure."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    from .testing import WidMocks, install

    mocks = mocks or WidMocks(placeholders=True)
    install(mocks, project=project.name, stack=project.stack)
    runtime_config.set_all_config(dict(project.config), list(project.secret_keys))
    exports: dict[str, Any] = {}
    real_export = pulumi.export

    def export(name: str, value: Any) -> None:
        exports[name] = value

    _process.before_program()  # only in the command's own process (pulumi-wid plan|verify)
    program_dir = str(project.main.parent)
    old_cwd, old_path = os.getcwd(), list(sys.path)
    pulumi.export = export  # the mock stack does not keep exports: capture them here
    try:
        os.chdir(project.directory)
        sys.path.insert(0, program_dir)
        resolved = mocks.run(lambda: (runpy.run_path(str(project.main), run_name="__main__"), exports)[1])
    except SystemExit as error:
        raise ProgramError(f"the program exited ({error.code})") from None
    except Exception as error:  # noqa: BLE001 - any program failure is reported
        raise ProgramError(_program_error(error, project)) from None
    finally:
        pulumi.export = real_export
        os.chdir(old_cwd)
        sys.path[:] = old_path
    return Plan(project, list(mocks.resources), dict(mocks.component_outputs), resolved or {})


def _program_error(error: BaseException, project: Project) -> str:
    """The error, pointing at the user's own lines (not the SDK's)."""
    root = str(project.directory)
    site = os.sep + "site-packages" + os.sep
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith(root) and site not in f.filename and ".venv" not in f.filename]
    message = _root_message(error)
    where = ""
    if frames:
        last = frames[-1]
        where = f"{os.path.relpath(last.filename, root)}:{last.lineno}: "
        code = (last.line or "").strip()
        if code:
            message += f"\n    {code}"
    return f"{where}error: {message}"


def _root_message(error: BaseException) -> str:
    from .errors import ValidationError

    seen: BaseException | None = error
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:  # exception chains can loop
        if isinstance(seen, ValidationError):
            return f"{type(seen).__name__}: {seen}"
        visited.add(id(seen))
        seen = seen.__cause__ or seen.__context__
    text = str(error)
    # Pulumi wraps apply errors: "... has risen: <the real error>"
    if "has risen:" in text:
        text = text.rsplit("has risen:", 1)[1].strip()
    return f"{type(error).__name__}: {text}"
