import { Badge, Table, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api/client";
import { when } from "../format";
import { TableHead } from "./TableHead";

export function minutes(seconds: number | null | undefined, t: TFunction): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return t("duration.seconds", { n: Math.round(seconds) });
  if (seconds < 3600) return t("duration.minutes", { n: Math.round(seconds / 60) });
  return t("duration.hours", { n: (seconds / 3600).toFixed(1) });
}

/** Each pass through each stage: who, with what, when, how long it queued and took. */
export function StageTimeline({ stages }: { stages: Schemas["StageOut"][] }) {
  const { t } = useTranslation();
  return (
      <Table.ScrollContainer minWidth={800}>
        <Table striped withTableBorder data-testid="timeline">
          <TableHead
            columns={[
              t("order.stage"),
              t("order.state"),
              t("order.who"),
              t("order.equipment"),
              t("order.entered"),
              t("order.completed"),
              t("order.queueTime"),
              t("order.workTime"),
              t("order.notes"),
            ]}
          />
          <Table.Tbody>
            {stages.map((s) => (
              <Table.Tr key={s.seq}>
                <Table.Td>
                  {t(`stage.${s.stage}`)}
                  {s.rework_from && (
                    <Text size="xs" c="grape.9">
                      {t("order.reworkAfter", { stage: t(`stage.${s.rework_from}`) })}: {s.rework_items.join(", ")}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {s.passed === false
                    ? t("order.failed")
                    : s.passed === true
                      ? t("order.passed")
                      : t(`stageState.${s.status}`, { defaultValue: s.status })}
                  {s.escalated_at && (
                    <Badge color="red" size="xs" ml={4}>
                      {t("order.escalated")}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {s.started_by ?? s.worker ?? "—"}
                  {s.completed_by && s.completed_by !== (s.started_by ?? s.worker) && (
                    <Text size="xs" c="dimmed">
                      {t("order.reportedBy", { who: s.completed_by })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{s.equipment ?? "—"}</Table.Td>
                <Table.Td>{when(s.started_at)}</Table.Td>
                <Table.Td>{when(s.completed_at)}</Table.Td>
                <Table.Td>{minutes(s.queue_seconds, t)}</Table.Td>
                <Table.Td>{minutes(s.work_seconds, t)}</Table.Td>
                <Table.Td>{s.notes ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
  );
}
