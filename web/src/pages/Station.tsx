import {
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap, type QueueEntry, type Schemas, type Stage } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { Checklist } from "../components/Checklist";
import { useWorkers } from "../api/lists";
import { Problem } from "../components/Problem";
import { done } from "../notify";
import { PRIORITY_COLOR } from "./Board";

const INSPECTIONS: Stage[] = ["testing", "qc"];

/** The kind of equipment a stage needs (null: none) and every piece of that kind. */
function useStageEquipment(stage: Stage, enabled: boolean) {
  const needs = useQuery({
    queryKey: ["stage-requirements"],
    queryFn: () => unwrap(api.GET("/api/production/stages")),
    enabled,
  });
  const kind = needs.data?.find((r) => r.stage === stage)?.equipment_type ?? null;
  const pieces = useQuery({
    queryKey: ["equipment", kind],
    queryFn: () => unwrap(api.GET("/api/production/equipment", { params: { query: { equipment_type: kind! } } })),
    enabled: enabled && kind !== null,
  });
  return { kind, pieces: pieces.data ?? [], error: needs.error ?? pieces.error };
}

function StartButton({ entry, stage }: { entry: QueueEntry; stage: Stage }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [worker, setWorker] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const workers = useWorkers(stage, open);
  const { kind, pieces, error } = useStageEquipment(stage, open);
  const free = pieces.filter((e) => e.status === "available");
  // The first free piece unless the worker picks another.
  const equipment = kind === null ? null : (free.find((e) => e.id === chosen) ?? free[0] ?? null);
  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/production/orders/{order_id}/stages/{stage}/start", {
          params: { path: { order_id: entry.order_id, stage } },
          body: { worker_id: worker!, equipment_id: equipment?.id ?? null },
        }),
      ),
    onSuccess: () => {
      setOpen(false);
      done(t("station.started", { number: entry.number }));
      void queries.invalidateQueries({ queryKey: ["queue"] });
    },
    // Taken or refused (someone else took the piece meanwhile): what is free now.
    onSettled: () => void queries.invalidateQueries({ queryKey: ["equipment"] }),
  });
  const state = (e: (typeof pieces)[number]) =>
    e.status === "available"
      ? t("station.free")
      : e.held_by_order
        ? t("station.inUseBy", { order: e.held_by_order })
        : t(`station.equipmentStatus.${e.status}`, { defaultValue: e.status });
  return (
    <>
      <Button size="lg" variant="light" onClick={() => setOpen(true)}>
        {t("station.start")}
      </Button>
      <Modal closeButtonProps={{ "aria-label": t("common.close") }} opened={open} onClose={() => setOpen(false)} title={t("station.startTitle", { number: entry.number })}>
        <Stack>
          <Select
            label={t("station.worker")}
            size="md"
            value={worker}
            onChange={setWorker}
            data={(workers.data ?? []).map((w) => ({
              value: w.id,
              label: w.available ? w.name : `${w.name} (${t("station.busy")})`,
            }))}
          />
          {kind !== null && (
            <Select
              label={t("station.equipment")}
              size="md"
              value={equipment?.id ?? null}
              onChange={setChosen}
              allowDeselect={false}
              data={pieces.map((e) => ({
                value: e.id,
                label: `${e.name}${e.station ? ` (${e.station})` : ""}: ${state(e)}`,
                disabled: e.status !== "available",
              }))}
              error={pieces.length > 0 && free.length === 0 ? t("station.noneFree") : undefined}
            />
          )}
          <Problem error={start.error ?? workers.error ?? error} />
          <Button
            size="lg"
            disabled={!worker || (kind !== null && !equipment)}
            loading={start.isPending}
            onClick={() => start.mutate()}
          >
            {t("station.start")}
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

function CompleteButton({ entry, stage }: { entry: QueueEntry; stage: Stage }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [open, setOpen] = useState(false);
  const [notes, setNotes] = useState("");
  // Who did the work: whoever started it, unless someone else is named.
  const [worker, setWorker] = useState<string | null>(entry.started_by);
  const workers = useWorkers(stage, open);
  const inspection = INSPECTIONS.includes(stage);
  const templates = useQuery({
    queryKey: ["templates", stage, entry.product_sku],
    queryFn: () => unwrap(api.GET("/api/quality/templates", { params: { query: { stage, active: true } } })),
    enabled: open && inspection,
  });
  // The product's own checklist wins over the stage's general one.
  const template =
    templates.data?.find((x) => x.product_sku === entry.product_sku) ??
    templates.data?.find((x) => x.product_sku === null);
  const complete = useMutation({
    mutationFn: (verdict: Pick<Schemas["StageCompletionIn"], "passed" | "inspection">) =>
      unwrap(
        api.POST("/api/production/orders/{order_id}/stages/{stage}/complete", {
          params: { path: { order_id: entry.order_id, stage } },
          body: { notes: notes.trim() || null, worker, ...verdict },
        }),
      ),
    onSuccess: (order) => {
      setOpen(false);
      setNotes("");
      // A failed inspection sends the order back: say so, not "done".
      done(
        order.rework_count > entry.rework_count
          ? t("station.failed", {
              number: entry.number,
              stage: t(`stage.${stage}`),
              back: t(`stage.${order.stage}`),
              count: order.rework_count,
            })
          : t("station.completed", { number: entry.number, stage: t(`stage.${stage}`) }),
      );
      void queries.invalidateQueries({ queryKey: ["queue"] });
    },
  });
  return (
    <>
      <Button size="lg" onClick={() => setOpen(true)}>
        {t("station.complete")}
      </Button>
      <Modal
        closeButtonProps={{ "aria-label": t("common.close") }}
        opened={open}
        onClose={() => setOpen(false)}
        title={t("station.completeTitle", { number: entry.number, stage: t(`stage.${stage}`) })}
        size={inspection ? "xl" : "md"}
      >
        <Stack>
          <Select
            label={t("station.worker")}
            size="md"
            clearable
            value={worker}
            onChange={setWorker}
            data={[...new Set([...(worker ? [worker] : []), ...(workers.data ?? []).map((w) => w.name)])]}
          />
          <Textarea label={t("order.notes")} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
          {inspection && templates.isPending && <Loader />}
          {inspection && template && (
            <Checklist
              items={template.items}
              busy={complete.isPending}
              onSubmit={(results) => complete.mutate({ inspection: { results } })}
            />
          )}
          {inspection && templates.data && !template && (
            <Group grow>
              <Button size="lg" color="green" onClick={() => complete.mutate({ passed: true })}>
                {t("inspection.pass")}
              </Button>
              <Button size="lg" color="red" onClick={() => complete.mutate({ passed: false })}>
                {t("inspection.fail")}
              </Button>
            </Group>
          )}
          {!inspection && (
            <Button size="lg" loading={complete.isPending} onClick={() => complete.mutate({})}>
              {t("station.complete")}
            </Button>
          )}
          <Problem error={complete.error ?? templates.error} />
        </Stack>
      </Modal>
    </>
  );
}

function QueueCard({ entry, stage }: { entry: QueueEntry; stage: Stage }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" data-testid={`queue-${entry.number}`} component="article">
      <Group justify="space-between" wrap="wrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={700} size="lg" component={Link} to={`/orders/${entry.number}`}>
              {entry.number}
            </Text>
            <Badge color={PRIORITY_COLOR[entry.priority]}>{t(`priority.${entry.priority}`)}</Badge>
            <Badge variant="outline">{t(`queueState.${entry.state}`)}</Badge>
            {entry.escalated && <Badge color="red">{t("order.escalated")}</Badge>}
            {entry.rework_count > 0 && <Badge color="grape">{t("badge.rework", { count: entry.rework_count })}</Badge>}
          </Group>
          <Text>
            {entry.quantity} × {entry.product_sku} · {t("board.due", { date: entry.due_date })}
          </Text>
          {entry.started_by && (
            <Text size="sm" c="dimmed">
              {entry.started_by}
              {entry.equipment ? ` · ${entry.equipment}` : ""}
            </Text>
          )}
          {entry.rework_items.length > 0 && (
            <Text size="sm" c="grape.9" data-testid="rework-items">
              {t("station.reworkItems", { items: entry.rework_items.join(", ") })}
            </Text>
          )}
        </Stack>
        <Group>
          {entry.state === "waiting" && stage !== "design" && <StartButton entry={entry} stage={stage} />}
          {entry.state !== "on_hold" && <CompleteButton entry={entry} stage={stage} />}
        </Group>
      </Group>
    </Card>
  );
}

export function Station() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const stages = me?.stages ?? [];
  const { stage: chosen } = useParams();
  const stage = (stages.includes(chosen as Stage) ? chosen : stages[0]) as Stage | undefined;
  const queue = useQuery({
    queryKey: ["queue", stage],
    queryFn: () => unwrap(api.GET("/api/production/queue", { params: { query: { stage: stage! } } })),
    enabled: !!stage,
  });
  if (!stage) return <Problem error={new Error(t("station.noStages"))} />;
  return (
    <Stack maw={1000}>
      <Title order={1} size="h2">
        {t("station.title", { stage: t(`stage.${stage}`) })}
      </Title>
      <ScrollArea type="auto" offsetScrollbars>
      <SegmentedControl
        size="md"
        aria-label={t("station.choose")}
        value={stage}
        onChange={(value) => navigate(`/station/${value}`)}
        data={stages.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
      />
      </ScrollArea>
      <Problem error={queue.error} />
      {queue.isPending && <Loader />}
      {queue.data?.length === 0 && <Text c="dimmed">{t("station.empty")}</Text>}
      {queue.data?.map((entry) => <QueueCard key={entry.order_id} entry={entry} stage={stage} />)}
    </Stack>
  );
}
