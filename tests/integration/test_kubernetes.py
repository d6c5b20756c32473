"""The Kubernetes manifests, offline: the production overlay rendered by `kubectl kustomize`,
every object valid against the Kubernetes API's schemas (strict: no unknown fields), and what
running it for real needs — probes on the endpoints that exist, resources, non-root containers,
autoscaling and disruption budgets for the API and the worker, the worker's time to stop,
secrets only by reference, settings the application knows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
VERSION = "1.30.0"  # the oldest Kubernetes the manifests are meant for


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl 1.21 or later is needed (its kustomize renders the overlay)"
    done = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES / "production")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not done.stderr.strip(), done.stderr  # no deprecated fields either
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def _one(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def test_every_object_is_valid_against_the_api_schemas(rendered: list[dict[str, Any]]) -> None:
    kinds = sorted({o["kind"] for o in rendered})
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "Job",
        "Namespace",
        "PodDisruptionBudget",
        "Service",
    ]
    for document in rendered:
        kubernetes_validate.validate(document, VERSION, strict=True)
    assert {o["metadata"].get("namespace", "zhuchka") for o in rendered} == {"zhuchka"}


@pytest.mark.parametrize(
    ("name", "live", "ready"),
    [
        ("zhuchka-api", "/api/health", "/api/health/readiness"),
        ("zhuchka-worker", "/metrics", "/metrics"),
    ],
)
def test_the_processes_are_probed_bounded_unprivileged_and_scaled(
    rendered: list[dict[str, Any]], name: str, live: str, ready: str
) -> None:
    deployment = _one(rendered, "Deployment", name)
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == "registry.example.com/zhuchka-mes:0.1.0"
    assert container["livenessProbe"]["httpGet"]["path"] == live
    assert container["readinessProbe"]["httpGet"]["path"] == ready
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's own user
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert "replicas" not in deployment["spec"]  # the autoscaler's to set
    autoscaler = _one(rendered, "HorizontalPodAutoscaler", name)
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == name
    assert autoscaler["spec"]["minReplicas"] >= 2
    budget = _one(rendered, "PodDisruptionBudget", name)
    assert budget["spec"]["minAvailable"] == 1
    selector = budget["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_the_worker_has_time_to_finish_its_tasks(rendered: list[dict[str, Any]]) -> None:
    pod = _one(rendered, "Deployment", "zhuchka-worker")["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= 30
    assert pod["containers"][0]["command"] == ["zhuchka", "worker"]


def test_settings_are_the_applications_and_secrets_stay_out(
    rendered: list[dict[str, Any]],
) -> None:
    known = {field.alias for field in Settings.model_fields.values()}
    config = _one(rendered, "ConfigMap", "zhuchka-config")["data"]
    assert set(config) <= known, set(config) - known
    assert config["ZHUCHKA_ENV"] == "prod"
    for secret in ("JWT_SECRET", "POSTGRES_PASSWORD", "SMTP_PASSWORD", "API_DOCS_PASSWORD"):
        assert secret not in config
    assert not [o for o in rendered if o["kind"] == "Secret"]  # made by hand, never committed
    for kind, name in (("Deployment", "zhuchka-api"), ("Deployment", "zhuchka-worker")):
        container = _one(rendered, kind, name)["spec"]["template"]["spec"]["containers"][0]
        sources = [next(iter(s.values()))["name"] for s in container["envFrom"]]
        assert sources == ["zhuchka-config", "zhuchka-secrets"]
    migrate = _one(rendered, "Job", "zhuchka-migrate")["spec"]["template"]["spec"]
    assert migrate["containers"][0]["command"] == ["zhuchka", "migrate"]


def test_the_ingress_serves_https_to_the_api(rendered: list[dict[str, Any]]) -> None:
    ingress = _one(rendered, "Ingress", "zhuchka")["spec"]
    assert ingress["tls"][0]["hosts"] == [ingress["rules"][0]["host"]]
    backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = _one(rendered, "Service", backend["name"])
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_temporal_comes_from_its_chart_on_the_same_postgresql() -> None:
    values = yaml.safe_load((KUBERNETES / "temporal" / "values.yaml").read_text())
    persistence = values["server"]["config"]["persistence"]
    for store, database in (("default", "temporal"), ("visibility", "temporal_visibility")):
        sql = persistence[store]["sql"]
        assert (persistence[store]["driver"], sql["driver"]) == ("sql", "postgres12")
        assert sql["database"] == database
        assert "password" not in sql
        assert sql["existingSecret"]
    config = yaml.safe_load((KUBERNETES / "base" / "config.yaml").read_text())["data"]
    assert config["TEMPORAL_ADDRESS"].startswith("temporal-frontend.")
    assert not values["elasticsearch"]["enabled"]
