"""The manifests under ``deploy/kubernetes/`` as a test reads them: each file's resources, and
what ``kubectl kustomize`` builds of an overlay when kubectl is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

KUBERNETES = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
OVERLAYS = ("nightly", "watch")
# The newest Kubernetes release kubernetes-validate ships schemas for (it validates offline).
KUBERNETES_VERSION = "1.37.0"

Resource = dict[str, Any]


def manifest_files() -> list[Path]:
    return sorted(p for p in KUBERNETES.rglob("*.yaml") if p.name != "kustomization.yaml")


def resources_in(path: Path) -> list[Resource]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


def kustomization(folder: str) -> Resource:
    loaded: Resource = yaml.safe_load(
        (KUBERNETES / folder / "kustomization.yaml").read_text(encoding="utf-8")
    )
    return loaded


def built(overlay: str) -> list[Resource] | None:
    """``kubectl kustomize`` of an overlay (offline), or None without kubectl."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    out = subprocess.run(  # noqa: S603 (kubectl found on PATH, no shell)
        [kubectl, "kustomize", str(KUBERNETES / overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc is not None]


def one(resources: list[Resource], kind: str) -> Resource:
    (found,) = [r for r in resources if r["kind"] == kind]
    return found


def pod_spec(workload: Resource) -> Resource:
    spec: Resource = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: Resource = spec["template"]["spec"]
    return pod


def container(workload: Resource) -> Resource:
    (only,) = pod_spec(workload)["containers"]
    found: Resource = only
    return found


def mount_of(workload: Resource, volume_kind: str) -> tuple[Resource, Resource]:
    """The volume of that kind (``persistentVolumeClaim``, ``configMap``...) and where it is mounted."""
    (volume,) = [v for v in pod_spec(workload)["volumes"] if volume_kind in v]
    (mount,) = [m for m in container(workload)["volumeMounts"] if m["name"] == volume["name"]]
    return volume, mount


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]
