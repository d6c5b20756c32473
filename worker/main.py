"""Run the worker: order workflows and activities on the configured task queue, with the
Temporal SDK's metrics exposed for Prometheus."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

import structlog
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError
from temporalio.worker import Worker

from activities.email_delivery import EmailActivities
from activities.floor_activities import FloorActivities
from activities.order_activities import OrderActivities
from activities.purchasing_activities import PurchasingActivities
from activities.webhook_delivery import WebhookActivities
from contracts.email import MailSweep
from core.settings import Settings
from persistence.database import SessionFactory, create_engine, create_session_factory
from workflow_client.connect import connect
from workflow_client.schedules import ensure_reorder_schedule, ensure_schedule
from workflow_client.search_attributes import ensure_registered
from workflows.email_delivery import SWEEP_SCHEDULE_ID, DeliverEmailWorkflow, MailSweepWorkflow
from workflows.order_workflow import OrderWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow
from workflows.reorder_scan import ReorderScanWorkflow
from workflows.webhook_delivery import DeliverWebhookWorkflow

log = structlog.get_logger(__name__)


def build_worker(client: Client, sessions: SessionFactory, settings: Settings) -> Worker:
    mail = EmailActivities(sessions, client, settings)
    posts = WebhookActivities(sessions, client, settings)
    orders = OrderActivities(sessions, client, settings)
    buying = PurchasingActivities(sessions, client, settings)
    floor = FloorActivities(sessions)
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[
            OrderWorkflow,
            PurchaseOrderWorkflow,
            ReorderScanWorkflow,
            DeliverEmailWorkflow,
            MailSweepWorkflow,
            DeliverWebhookWorkflow,
        ],
        activities=[
            *orders.all(),
            *floor.all(),
            *buying.all(),
            mail.deliver_email,
            mail.start_undelivered,
            *posts.all(),
        ],
        max_concurrent_activities=50,
        # After a worker dies, its cached workflows move to another worker after this long.
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=3),
    )


async def run_worker(settings: Settings) -> None:
    runtime = Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=f"{settings.worker_metrics_host}:{settings.worker_metrics_port}"
            )
        )
    )
    client = await connect(settings, runtime=runtime)
    try:
        added = await ensure_registered(client, settings.temporal_namespace)
        if added:
            log.info("temporal.search_attributes_added", names=added)
    except RPCError as refused:  # e.g. a managed namespace where this client may not add them
        log.warning("temporal.search_attributes_unchecked", error=str(refused))
    await ensure_reorder_schedule(
        client,
        settings.temporal_task_queue,
        timedelta(minutes=settings.reorder_scan_interval_minutes),
    )
    await ensure_schedule(  # deliveries whose start was lost (Temporal down at the time)
        client,
        SWEEP_SCHEDULE_ID,
        MailSweepWorkflow.run,
        MailSweep(),
        task_queue=settings.temporal_task_queue,
        every=timedelta(minutes=5),
    )
    engine = create_engine(settings)
    worker = build_worker(client, create_session_factory(engine), settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker.started",
        task_queue=settings.temporal_task_queue,
        temporal=settings.temporal_address,
        metrics=f"http://{settings.worker_metrics_host}:{settings.worker_metrics_port}/metrics",
    )
    async with worker:
        await stop.wait()
        log.info("worker.stopping")
    await engine.dispose()
