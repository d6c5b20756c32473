"""The deployment and monitoring files hang together: the compose stack, the Prometheus configs
and alert rules, the Grafana dashboard and Promtail. No network, no Docker; promtool runs the
rule checks and unit tests when it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
COMPOSE = ROOT / "docker-compose.yaml"
ALERTS = PROMETHEUS / "alerts.yml"
ALERTS_TEST = PROMETHEUS / "alerts_test.yml"
DASHBOARDS = MONITORING / "grafana" / "dashboards"

OUR_IMAGE = "zhuchka-mes"
READY_CONDITIONS = {"service_healthy", "service_completed_successfully"}


def load_yaml(path: Path) -> dict[str, Any]:
    loaded: object = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path} is not a mapping"
    return loaded


def compose_services() -> dict[str, dict[str, Any]]:
    services = load_yaml(COMPOSE)["services"]
    assert isinstance(services, dict)
    return services


def uses_our_image(service: dict[str, Any]) -> bool:
    image = str(service.get("image", ""))
    return "build" in service or image.split(":", 1)[0] == OUR_IMAGE


def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(ALERTS)["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool is not None
    return subprocess.run(
        [promtool, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_our_services_share_the_env_anchor_and_wait_for_ready_dependencies() -> None:
    document = load_yaml(COMPOSE)
    shared = document["x-zhuchka-env"]
    assert shared["ZHUCHKA_ENV"] == "prod"
    assert shared["LOG_FORMAT"] == "json"
    services = compose_services()
    ours = {name: service for name, service in services.items() if uses_our_image(service)}
    assert set(ours) == {"migrate", "worker", "api"}
    for name, service in ours.items():
        environment = service["environment"]
        assert isinstance(environment, dict), f"{name}: environment must be a mapping"
        assert shared.items() <= environment.items(), f"{name} lacks the x-zhuchka-env values"
        depends_on = service["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for dependency, rule in depends_on.items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert rule["condition"] in READY_CONDITIONS, f"{name} -> {dependency}"
    for name in ("worker", "api"):
        conditions = {dep: rule["condition"] for dep, rule in ours[name]["depends_on"].items()}
        assert conditions["temporal"] == "service_healthy"
        assert conditions["migrate"] == "service_completed_successfully"
        assert conditions["temporal-search-attributes"] == "service_completed_successfully"
    assert ours["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_dependencies_that_are_waited_for_have_healthchecks() -> None:
    services = compose_services()
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        if isinstance(depends_on, list):  # the short form only waits for the start
            continue
        for dependency, rule in depends_on.items():
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}"


def test_workers_can_be_scaled() -> None:
    worker = compose_services()["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker


def test_monitoring_services_are_behind_the_profile() -> None:
    services = compose_services()
    for name in ("prometheus", "grafana", "loki", "promtail"):
        assert services[name]["profiles"] == ["monitoring"]
    for name in ("postgres", "redis", "temporal", "migrate", "worker", "api"):
        assert "profiles" not in services[name]
    for mount in services["prometheus"]["volumes"][:2]:
        source = mount.split(":", 1)[0]
        assert (ROOT / source).is_file(), f"prometheus mounts missing {source}"


def test_every_alert_has_for_severity_and_summary() -> None:
    rules = alert_rules()
    assert len(rules) >= 6
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names repeat"
    for rule in rules:
        assert rule.get("for"), f"{rule['alert']} has no `for`"
        assert rule.get("labels", {}).get("severity"), f"{rule['alert']} has no severity"
        assert rule.get("annotations", {}).get("summary"), f"{rule['alert']} has no summary"
    assert {"ZhuchkaApiDown", "ZhuchkaApiHighErrorRate", "ZhuchkaWorkerDown"} <= set(names)


def test_the_rule_tests_cover_every_alert_on_healthy_input() -> None:
    tests = load_yaml(ALERTS_TEST)
    assert tests["rule_files"] == [ALERTS.name]
    healthy = tests["tests"][0]["alert_rule_test"]
    quiet = {case["alertname"] for case in healthy if case["exp_alerts"] == []}
    assert quiet == {rule["alert"] for rule in alert_rules()}


def test_both_prometheus_configs_load_the_rules_and_scrape_api_and_worker() -> None:
    for name in ("prometheus.yml", "prometheus.local.yml"):
        config = load_yaml(PROMETHEUS / name)
        assert config["rule_files"] == [ALERTS.name], name
        jobs = {job["job_name"] for job in config["scrape_configs"]}
        assert {"api", "worker"} <= jobs, name


def test_the_dashboard_has_a_unique_uid_and_enough_panels() -> None:
    uids: list[str] = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        uids.append(dashboard["uid"])
    assert len(uids) == len(set(uids)), f"dashboard uids repeat: {uids}"
    dashboard = json.loads((DASHBOARDS / "zhuchka-mes.json").read_text(encoding="utf-8"))
    assert dashboard["uid"] == "zhuchka-mes"
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert len(panels) >= 8
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    assert any(panel["type"] == "logs" for panel in panels)
    for panel in panels:
        assert panel["targets"], f"panel {panel['title']!r} has no query"
        assert all(target["expr"] for target in panel["targets"]), panel["title"]


def test_grafana_provisioning_points_at_prometheus_loki_and_the_dashboards() -> None:
    provisioning = MONITORING / "grafana" / "provisioning"
    sources = load_yaml(provisioning / "datasources" / "datasources.yml")["datasources"]
    by_type = {source["type"]: source for source in sources}
    assert by_type["prometheus"]["url"] == "http://prometheus:9090"
    assert by_type["prometheus"]["isDefault"] is True
    assert by_type["loki"]["url"] == "http://loki:3100"
    providers = load_yaml(provisioning / "dashboards" / "dashboards.yml")["providers"]
    assert providers[0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_promtail_pushes_to_loki_with_few_labels() -> None:
    config = load_yaml(MONITORING / "loki" / "promtail.yml")
    assert config["clients"] == [{"url": "http://loki:3100/loki/api/v1/push"}]
    (job,) = config["scrape_configs"]
    assert job["docker_sd_configs"][0]["host"] == "unix:///var/run/docker.sock"
    targets = {rule.get("target_label") for rule in job["relabel_configs"]} - {None}
    assert targets == {"container"}
    stages = job["pipeline_stages"][0]["match"]["stages"]
    labels = next(stage["labels"] for stage in stages if "labels" in stage)
    assert set(labels) == {"level"}


def test_promtool_accepts_the_rules_and_their_unit_tests() -> None:
    if shutil.which("promtool") is None:
        # promtool is optional on a developer's machine; the YAML checks above still ran.
        assert alert_rules()
        return
    checked = run_promtool("check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run_promtool("test", "rules", str(ALERTS_TEST))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    for name in ("prometheus.yml", "prometheus.local.yml"):
        config = run_promtool("check", "config", str(PROMETHEUS / name))
        assert config.returncode == 0, config.stdout + config.stderr
