import { ActionIcon, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { locale } from "../../format";
import { hhmm, weekdays } from "./zoned";

export type Shift = Schemas["ShiftIn"];

/** Hours in a week of shifts (one ending at or before its start runs into the next day). */
export function weekHours(shifts: Shift[]): number {
  const minutes = (time: string) => {
    const [hours, mins] = hhmm(time).split(":").map(Number);
    return hours! * 60 + mins!;
  };
  return shifts.reduce((sum, s) => {
    const length = minutes(s.end) - minutes(s.start);
    return sum + (length > 0 ? length : length + 24 * 60) / 60;
  }, 0);
}

/** A week of shifts, a row a day: change a shift's times, add one to a day, take one away;
 * nothing is kept until saved. */
export function WeekEditor({
  shifts,
  saving,
  onSave,
}: {
  shifts: Shift[];
  saving: boolean;
  onSave: (shifts: Shift[]) => void;
}) {
  const { t } = useTranslation();
  const [saved] = useState(() => shifts.map((s) => ({ ...s, start: hhmm(s.start), end: hhmm(s.end) })));
  const [draft, setDraft] = useState(saved);
  const changed = JSON.stringify(draft) !== JSON.stringify(saved);
  const days = weekdays(locale());
  const change = (index: number, what: Partial<Shift>) =>
    setDraft((all) => all.map((s, i) => (i === index ? { ...s, ...what } : s)));
  return (
    <Stack gap="xs">
      <Table withTableBorder aria-label={t("calendars.week")}>
        <Table.Tbody>
          {days.map((name, weekday) => (
            <Table.Tr key={name}>
              <Table.Th scope="row" w={140}>
                {name}
              </Table.Th>
              <Table.Td>
                <Group gap="xs">
                  {draft.map((shift, index) =>
                    shift.weekday !== weekday ? null : (
                      <Group key={index} gap={4} wrap="nowrap">
                        <TextInput
                          type="time"
                          size="xs"
                          aria-label={t("calendars.starts", { day: name })}
                          value={shift.start}
                          onChange={(e) => change(index, { start: e.currentTarget.value })}
                        />
                        <Text size="xs">–</Text>
                        <TextInput
                          type="time"
                          size="xs"
                          aria-label={t("calendars.ends", { day: name })}
                          value={shift.end}
                          onChange={(e) => change(index, { end: e.currentTarget.value })}
                        />
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t("calendars.removeShift", { day: name, start: shift.start })}
                          onClick={() => setDraft((all) => all.filter((_, i) => i !== index))}
                        >
                          ×
                        </ActionIcon>
                      </Group>
                    ),
                  )}
                  <Button
                    size="compact-xs"
                    variant="light"
                    aria-label={t("calendars.addShiftOn", { day: name })}
                    onClick={() => setDraft((all) => [...all, { weekday, start: "08:00", end: "16:30" }])}
                  >
                    {t("calendars.addShift")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button size="xs" loading={saving} disabled={!changed} onClick={() => onSave(draft)}>
          {t("calendars.saveWeek")}
        </Button>
        <Text size="sm" c="dimmed">
          {t("calendars.hoursPerWeek", { hours: weekHours(draft) })}
        </Text>
        {changed && (
          <Text size="sm" c="orange" role="status">
            {t("calendars.unsaved")}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
