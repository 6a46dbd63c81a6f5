"""The Kubernetes manifests are valid for Kubernetes 1.37 and keep their promises: one nightly run
at a time, no retry of a config or token to fix, non-root on a read-only root filesystem, the token
from a Secret, and state on the volume where the config says it is."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
from dockerfile_parse import DockerfileParser
from kubernetes_manifests import (
    KUBERNETES,
    KUBERNETES_VERSION,
    OVERLAYS,
    Resource,
    built,
    container,
    kustomization,
    manifest_files,
    mount_of,
    one,
    option,
    pod_spec,
    resources_in,
)

from ingest.config import load_settings

CONFIG = KUBERNETES / "base" / "ingest.toml"
DOCKERFILE = KUBERNETES.parents[1] / "Dockerfile"


def workload(overlay: str) -> Resource:
    (name,) = [r for r in kustomization(overlay)["resources"] if r.endswith(".yaml")]
    (resource,) = resources_in(KUBERNETES / overlay / name)
    return resource


def workloads() -> list[Resource]:
    return [workload(overlay) for overlay in OVERLAYS]


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: str(p.relative_to(KUBERNETES)))
def test_each_manifest_is_valid_against_the_kubernetes_schema(path: Path) -> None:
    """Strict: a misspelt or misplaced field fails as an unknown property."""
    for resource in resources_in(path):
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_what_kustomize_builds_is_valid_and_wired_together(overlay: str) -> None:
    """The overlay's build: every resource valid, the generated ConfigMap (its name suffixed with a
    digest of the config) and the claim named by the workload exist in the same build."""
    resources = built(overlay)
    if resources is None:
        pytest.skip("kubectl is not installed")
    for resource in resources:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    kinds = sorted(r["kind"] for r in resources)
    expected = {"nightly": "CronJob", "watch": "Deployment"}[overlay]
    assert kinds == sorted(["ConfigMap", "PersistentVolumeClaim", expected])
    workload = one(resources, expected)
    config_volume, _ = mount_of(workload, "configMap")
    assert config_volume["configMap"]["name"] == one(resources, "ConfigMap")["metadata"]["name"]
    claim, _ = mount_of(workload, "persistentVolumeClaim")
    assert (
        claim["persistentVolumeClaim"]["claimName"]
        == one(resources, "PersistentVolumeClaim")["metadata"]["name"]
    )
    assert "ingest.toml" in one(resources, "ConfigMap")["data"]


def test_the_configmaps_config_is_a_valid_fin_ingest_config() -> None:
    """What the pods read is accepted by fin-ingest itself, token aside (it comes from the Secret).
    It names its conversion processes: the default (the process's CPU affinity) is the whole
    node in most clusters, whatever the container's CPU limit."""
    settings = load_settings(CONFIG)
    assert settings.sources
    assert settings.run.jobs is not None


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_state_and_git_clones_live_on_the_volume_and_the_config_where_the_command_reads_it(
    overlay: str,
) -> None:
    """The claim is mounted where the config's state.path (and a git source's cache_dir) points,
    so pending work survives the pod; --config names the file the ConfigMap is mounted as."""
    resource = workload(overlay)
    raw = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    _, state_mount = mount_of(resource, "persistentVolumeClaim")
    state_path = Path(raw["state"]["path"])
    assert state_path.parent == Path(state_mount["mountPath"])
    assert not state_mount.get("readOnly", False)
    for source in raw["sources"].values():
        if "cache_dir" in source:
            assert Path(source["cache_dir"]).is_relative_to(state_mount["mountPath"])
    _, config_mount = mount_of(resource, "configMap")
    assert config_mount["readOnly"] is True
    args = container(resource)["args"]
    assert Path(option(args, "--config")) == Path(config_mount["mountPath"]) / CONFIG.name
    if "--report" in args:
        assert Path(option(args, "--report")).parent == state_path.parent


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_token_comes_from_the_secret_and_nothing_secret_is_in_the_manifests(overlay: str) -> None:
    env = {e["name"]: e for e in container(workload(overlay))["env"]}
    token = env["INTERCOM_ACCESS_TOKEN"]
    assert "value" not in token
    assert token["valueFrom"]["secretKeyRef"] == {"name": "fin-ingest-token", "key": "INTERCOM_ACCESS_TOKEN"}
    assert not [r for path in manifest_files() for r in resources_in(path) if r["kind"] == "Secret"]
    assert "token" not in {k.lower() for k in tomllib.loads(CONFIG.read_text(encoding="utf-8"))["intercom"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_it_runs_as_non_root_on_a_read_only_root_with_every_written_folder_a_volume(overlay: str) -> None:
    """Everything fin-ingest writes is a mounted volume: state (the claim), $XDG_CACHE_HOME (the
    language model) and /tmp (the conversion workers' fork server)."""
    resource = workload(overlay)
    pod = pod_spec(resource)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    ingest = container(resource)
    assert ingest["securityContext"]["readOnlyRootFilesystem"] is True
    assert ingest["securityContext"]["allowPrivilegeEscalation"] is False
    assert ingest["securityContext"]["capabilities"]["drop"] == ["ALL"]
    mounted = {m["mountPath"] for m in ingest["volumeMounts"] if not m.get("readOnly", False)}
    env = {e["name"]: e.get("value") for e in ingest["env"]}
    assert env["XDG_CACHE_HOME"] in mounted
    assert "/tmp" in mounted
    assert ingest["resources"]["requests"] and ingest["resources"]["limits"]["memory"]


def test_the_nightly_run_never_overlaps_and_never_retries_a_config_or_token_to_fix() -> None:
    cron = workload("nightly")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["startingDeadlineSeconds"] > 0
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    fail_job = [r for r in job["podFailurePolicy"]["rules"] if r["action"] == "FailJob"]
    assert fail_job == [
        {"action": "FailJob", "onExitCodes": {"containerName": "ingest", "operator": "In", "values": [2]}}
    ]
    assert job["backoffLimit"] >= 1  # exit 1 (a document or source failed) is worth one more try
    assert job["activeDeadlineSeconds"] > 0
    args = container(cron)["args"]
    assert args[args.index("run") :][:2] == ["run", "--all"]


def test_the_daemon_is_one_process_replaced_never_doubled() -> None:
    deployment = workload("watch")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    assert "watch" in container(deployment)["args"]


def test_the_daemons_probes_ask_the_port_its_environment_configures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Liveness asks /healthz and readiness /readyz on the named port `metrics`; the ConfigMap's config
    read with the container's environment serves exactly that port, on every interface; the scrape
    annotations name it too."""
    deployment = workload("watch")
    ingest = container(deployment)
    (port,) = ingest["ports"]
    assert port["name"] == "metrics"
    probes = {name: ingest[name]["httpGet"] for name in ("livenessProbe", "readinessProbe")}
    assert probes == {
        "livenessProbe": {"path": "/healthz", "port": "metrics"},
        "readinessProbe": {"path": "/readyz", "port": "metrics"},
    }
    for variable in ingest["env"]:
        if variable["name"].startswith("INGEST_WATCH__"):
            monkeypatch.setenv(variable["name"], variable["value"])
    watch = load_settings(CONFIG).watch
    assert (watch.metrics_port, watch.metrics_address) == (port["containerPort"], "0.0.0.0")  # noqa: S104
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port["containerPort"])
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_image_entrypoint_stays_so_tini_is_pid_1(overlay: str) -> None:
    """A ``command:`` replaces the image's ENTRYPOINT (``tini -- ingest``): ingest would run as
    PID 1, where the kernel drops a SIGTERM that has no handler, so ``ingest run`` would ignore
    the CronJob's deadline and the pod's stop until the grace period's SIGKILL. Only ``args``."""
    entrypoint = DockerfileParser(str(DOCKERFILE)).structure
    (instruction,) = [i for i in entrypoint if i["instruction"] == "ENTRYPOINT"]
    assert json.loads(instruction["value"]) == ["tini", "--", "ingest"]
    assert "command" not in container(workload(overlay))
