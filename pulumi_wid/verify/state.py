"""Read Pulumi state as users have it: ``pulumi stack export`` (versions 1-4), file-backend
checkpoints, empty stacks, BOM and UTF-16 files, secrets decrypted or not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .kinds import canonical, kubernetes_kind
from .model import SECRET, Res, Resources, StateError

SECRET_SIG = "4dabf18193072939515e22adb298388d"
"""The key Pulumi marks a secret envelope with (``{sig: "1b47...", "ciphertext"|"plaintext": ...}``)."""
_VERSIONS = (1, 2, 3, 4)


def decode(raw: bytes) -> str:
    """Text of a state file, whatever wrote it (UTF-8 with or without BOM, PowerShell's UTF-16)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if len(raw) >= 2 and raw[0] == 0 and raw[1] != 0:
        return raw.decode("utf-16-be")
    if len(raw) >= 2 and raw[1] == 0 and raw[0] != 0:
        return raw.decode("utf-16-le")
    return raw.decode("utf-8-sig")


def unwrap_secrets(value: Any) -> Any:
    """Secret envelopes replaced by their plaintext (``--show-secrets``) or by ``SECRET``."""
    if isinstance(value, dict):
        if SECRET_SIG in value:
            if "plaintext" in value:
                text = value["plaintext"]
                try:
                    return unwrap_secrets(json.loads(text)) if isinstance(text, str) else unwrap_secrets(text)
                except ValueError:
                    return text
            return SECRET
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(v) for v in value]
    return value


def deployment_of(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise StateError(f"{where}: expected a JSON object (the output of `pulumi stack export`), found "
                         f"{type(data).__name__}")
    version = data.get("version")
    if version is not None and version not in _VERSIONS:
        raise StateError(f"{where}: state version {version!r} is not one verify reads (1-4)")
    if "deployment" in data:
        deployment = data["deployment"]
    elif "checkpoint" in data:  # the file backend's own file: {"version":3,"checkpoint":{"latest":...}}
        checkpoint = data["checkpoint"]
        deployment = checkpoint.get("latest") if isinstance(checkpoint, dict) else checkpoint
    elif "resources" in data or "manifest" in data:
        deployment = data
    else:
        raise StateError(f"{where}: no 'deployment' or 'checkpoint': expected the output of `pulumi stack export` "
                         "or a file-backend checkpoint")
    if deployment is None:  # a stack that was never deployed
        return {}
    if not isinstance(deployment, dict):
        raise StateError(f"{where}: 'deployment' is a {type(deployment).__name__}, expected an object")
    return deployment


def load_state(path: str | Path) -> Resources:
    """Resources of a state file, with stack-wide notes (pending operations)."""
    try:
        text = decode(Path(path).read_bytes())
    except OSError as error:
        raise StateError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise StateError(f"{path}: not text ({error.reason})") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise StateError(f"{path}: not JSON ({error})") from None
    return parse_deployment(deployment_of(data, str(path)), str(path))


def parse_deployment(deployment: dict[str, Any], where: str) -> Resources:
    items = deployment.get("resources")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise StateError(f"{where}: 'resources' is a {type(items).__name__}, expected a list")
    notes = _pending_notes(deployment.get("pending_operations"), where)
    out = []
    for index, item in enumerate(items):
        res = _resource(item, index, where)
        if res is not None:
            out.append(res)
    return Resources(out, notes)


def _pending_notes(pending: Any, where: str) -> list[str]:
    notes = []
    for op in pending or []:
        if not isinstance(op, dict):
            raise StateError(f"{where}: a pending operation is a {type(op).__name__}, expected an object")
        resource = op.get("resource") if isinstance(op.get("resource"), dict) else {}
        urn = str(resource.get("urn", "?"))
        notes.append(f"pending operation '{op.get('type', '?')}' on {urn.rsplit('::', 1)[-1]} ({resource.get('type', '?')}) "
                     "was interrupted: whether it exists in the cloud is unknown; run `pulumi refresh`")
    return notes


def _resource(item: Any, index: int, where: str) -> Res | None:
    if not isinstance(item, dict):
        raise StateError(f"{where}: resource #{index} is a {type(item).__name__}, expected an object")
    urn, typ = item.get("urn"), item.get("type")
    if not isinstance(urn, str) or not isinstance(typ, str):
        raise StateError(f"{where}: resource #{index} has no string 'urn' and 'type'")
    if typ == "pulumi:pulumi:Stack":
        return None
    name = urn.rsplit("::", 1)[-1]
    fields = {}
    for key in ("inputs", "outputs"):
        value = item.get(key)
        if value is not None and not isinstance(value, dict):
            raise StateError(f"{where}: resource {name} ({typ}): '{key}' is a {type(value).__name__}, expected an object")
        fields[key] = unwrap_secrets(dict(value or {}))
    deps = item.get("dependencies") or []
    for keyed in (item.get("propertyDependencies") or {}).values():
        deps = [*deps, *(keyed or [])]
    res = Res(canonical(typ), name, urn, fields["inputs"], fields["outputs"], str(item.get("parent") or ""),
              bool(item.get("custom", True)), str(item.get("provider") or ""),
              tuple(dict.fromkeys(d for d in deps if isinstance(d, str))), bool(item.get("delete")), typ)
    check_shape(res, where)
    return res


def check_shape(res: Res, where: str) -> None:
    """Kubernetes metadata of the shape the API server keeps, else a one-line error."""
    if not kubernetes_kind(res.type):
        return
    for side in (res.inputs, res.outputs):
        meta = side.get("metadata")
        if meta is None or meta is SECRET:
            continue
        if not isinstance(meta, dict):
            raise StateError(f"{where}: resource {res.name} ({res.type}): metadata is a {type(meta).__name__}, "
                             "expected an object")
        for key in ("annotations", "labels"):
            value = meta.get(key)
            if value is not None and value is not SECRET and not isinstance(value, dict):
                raise StateError(f"{where}: resource {res.name} ({res.type}): metadata.{key} is a "
                                 f"{type(value).__name__}, expected an object")
