import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { Problem } from "../../components/Problem";
import { TableHead } from "../../components/TableHead";
import { instantOf, wallClock } from "./zoned";

/** The holidays, maintenance windows and extra shifts to come, typed and shown in the
 * calendar's own time zone. */
export function Exceptions({ calendar, canEdit }: { calendar: Schemas["CalendarOut"]; canEdit: boolean }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const path = { params: { path: { calendar_id: calendar.id } } };
  const key = ["calendars", calendar.id, "exceptions"];
  // The past year's as well: a closure entered for the past changes the past's planned time.
  const [opened] = useState(() => Date.now());
  const since = new Date(opened - 365 * 86_400_000).toISOString();
  const exceptions = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(
        api.GET("/api/production/calendars/{calendar_id}/exceptions", {
          params: { path: { calendar_id: calendar.id }, query: { since } },
        }),
      ),
  });
  const [starts, setStarts] = useState("");
  const [ends, setEnds] = useState("");
  const [kind, setKind] = useState<"closed" | "working">("closed");
  const [note, setNote] = useState("");
  const refresh = () => void queries.invalidateQueries({ queryKey: ["calendars", calendar.id] });
  const add = useMutation({
    mutationFn: (body: Schemas["ExceptionIn"]) =>
      unwrap(api.POST("/api/production/calendars/{calendar_id}/exceptions", { ...path, body })),
    onSuccess: () => {
      setStarts("");
      setEnds("");
      setNote("");
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE("/api/production/calendars/{calendar_id}/exceptions/{exception_id}", {
          params: { path: { calendar_id: calendar.id, exception_id: id } },
        }),
      ),
    onSuccess: refresh,
  });
  const shown = (at: string) => wallClock(new Date(at), calendar.zone).replace("T", " ");
  return (
    <Stack gap="xs">
      <Problem error={exceptions.error ?? add.error ?? remove.error} />
      {exceptions.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("calendars.noExceptions")}
        </Text>
      )}
      {!!exceptions.data?.length && (
        <Table withTableBorder aria-label={t("calendars.exceptions")}>
          <TableHead columns={[t("calendars.from"), t("calendars.to"), t("calendars.kind"), t("calendars.note"), ""]} />
          <Table.Tbody>
            {exceptions.data.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{shown(e.starts_at)}</Table.Td>
                <Table.Td>{shown(e.ends_at)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge color={e.working ? "green" : "gray"} variant="light">
                      {e.working ? t("calendars.working") : t("calendars.closed")}
                    </Badge>
                    {Date.parse(e.ends_at) <= opened && (
                      <Badge color="gray" variant="outline">
                        {t("calendars.past")}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{e.note}</Table.Td>
                <Table.Td>
                  {canEdit && (
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(e.id)}>
                      {t("calendars.remove")}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canEdit && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({
              starts_at: instantOf(starts, calendar.zone),
              ends_at: instantOf(ends, calendar.zone),
              working: kind === "working",
              note,
            });
          }}
        >
          <Group align="flex-end" gap="xs">
            <TextInput
              type="datetime-local"
              size="xs"
              required
              label={t("calendars.fromIn", { zone: calendar.zone })}
              value={starts}
              onChange={(e) => setStarts(e.currentTarget.value)}
            />
            <TextInput
              type="datetime-local"
              size="xs"
              required
              label={t("calendars.toIn", { zone: calendar.zone })}
              value={ends}
              onChange={(e) => setEnds(e.currentTarget.value)}
            />
            <SegmentedControl
              size="xs"
              aria-label={t("calendars.kind")}
              value={kind}
              onChange={(value) => setKind(value as "closed" | "working")}
              data={[
                { value: "closed", label: t("calendars.closed") },
                { value: "working", label: t("calendars.working") },
              ]}
            />
            <TextInput size="xs" label={t("calendars.note")} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Button size="xs" type="submit" loading={add.isPending}>
              {t("calendars.addException")}
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}
