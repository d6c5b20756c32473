import { Accordion, Badge, Button, Group, Loader, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { useAuth } from "../auth/AuthProvider";
import { ConfirmButton } from "../components/ConfirmButton";
import { Problem } from "../components/Problem";
import { Exceptions } from "./calendars/Exceptions";
import { WeekEditor, type Shift } from "./calendars/WeekEditor";
import { zones } from "./calendars/zoned";

type Calendar = Schemas["CalendarOut"];

const WEEK_MS = 7 * 86_400_000;

/** Working hours: the plant's calendars (a week of shifts in a time zone, holidays and
 * maintenance, extra shifts), which OEE, utilisation and the stage targets count by. */
export function Calendars() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canEdit = me?.actions.includes("floor:manage") ?? false;
  const calendars = useQuery({
    queryKey: ["calendars"],
    queryFn: () => unwrap(api.GET("/api/production/calendars")),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("calendars.title")}
      </Title>
      <Text size="sm" c="dimmed" maw={760}>
        {t("calendars.explain")}
      </Text>
      <Problem error={calendars.error} />
      {calendars.isPending && <Loader />}
      {calendars.data && (
        <Accordion variant="separated" multiple defaultValue={calendars.data.filter((c) => c.is_default).map((c) => c.id)}>
        {calendars.data.map((calendar) => (
          <Accordion.Item key={calendar.id} value={calendar.id}>
            <Accordion.Control>
              <Group>
                <Text fw={600}>{calendar.name}</Text>
                <Text size="sm" c="dimmed">
                  {calendar.zone}
                </Text>
                {calendar.is_default && <Badge variant="light">{t("calendars.default")}</Badge>}
                <Text size="sm">{t("calendars.hoursPerWeek", { hours: calendar.hours_per_week })}</Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <CalendarPanel calendar={calendar} canEdit={canEdit} />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      )}
      {canEdit && <NewCalendar />}
    </Stack>
  );
}

function CalendarPanel({ calendar, canEdit }: { calendar: Calendar; canEdit: boolean }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const path = { params: { path: { calendar_id: calendar.id } } };
  const refresh = () => void queries.invalidateQueries({ queryKey: ["calendars"] });
  const replace = useMutation({
    mutationFn: (change: { shifts?: Shift[]; is_default?: boolean }) =>
      unwrap(
        api.PUT("/api/production/calendars/{calendar_id}", {
          ...path,
          body: {
            name: calendar.name,
            zone: calendar.zone,
            is_default: change.is_default ?? calendar.is_default,
            shifts: change.shifts ?? calendar.shifts,
          },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/production/calendars/{calendar_id}", path)),
    onSuccess: refresh,
  });
  const [since] = useState(() => new Date());
  const nextWeek = useQuery({
    queryKey: ["calendars", calendar.id, "next-week", calendar.shifts],
    queryFn: () =>
      unwrap(
        api.GET("/api/production/calendars/{calendar_id}/working-time", {
          params: {
            path: { calendar_id: calendar.id },
            query: { since: since.toISOString(), until: new Date(since.getTime() + WEEK_MS).toISOString() },
          },
        }),
      ),
  });
  return (
    <Stack gap="md">
      <Problem error={replace.error ?? remove.error} />
      {canEdit ? (
        <WeekEditor
          key={JSON.stringify(calendar.shifts)}
          shifts={calendar.shifts}
          saving={replace.isPending}
          onSave={(shifts) => replace.mutate({ shifts })}
        />
      ) : (
        <Text size="sm">{t("calendars.hoursPerWeek", { hours: calendar.hours_per_week })}</Text>
      )}
      {nextWeek.data && (
        <Text size="sm" data-testid="next-week">
          {t("calendars.nextWeek", { hours: Math.round((nextWeek.data.working_seconds / 3600) * 10) / 10 })}
        </Text>
      )}
      <Title order={3} size="h5">
        {t("calendars.exceptions")}
      </Title>
      <Exceptions calendar={calendar} canEdit={canEdit} />
      {canEdit && (
        <Group>
          {!calendar.is_default && (
            <Button size="xs" variant="light" onClick={() => replace.mutate({ is_default: true })}>
              {t("calendars.makeDefault")}
            </Button>
          )}
          <ConfirmButton
            size="xs"
            variant="subtle"
            color="red"
            label={t("calendars.delete")}
            question={t("calendars.deleteQuestion", { name: calendar.name })}
            onConfirm={() => remove.mutate()}
          />
        </Group>
      )}
    </Stack>
  );
}

function NewCalendar() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [zone, setZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/production/calendars", {
          body: {
            name,
            zone,
            is_default: false,
            shifts: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start: "08:00", end: "16:30" })),
          },
        }),
      ),
    onSuccess: () => {
      setName("");
      void queries.invalidateQueries({ queryKey: ["calendars"] });
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("calendars.new")}
        </Title>
        <Problem error={create.error} />
        <Group align="flex-end">
          <TextInput required label={t("calendars.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select searchable label={t("calendars.zone")} data={zones()} value={zone} onChange={(value) => value && setZone(value)} />
          <Button type="submit" loading={create.isPending}>
            {t("calendars.create")}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t("calendars.newHint")}
        </Text>
      </Stack>
    </form>
  );
}
