import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CheckItem } from "../api/client";
import { outOfRange, results, verdict, type Answer } from "../checklist";

type Props = {
  items: readonly CheckItem[];
  busy?: boolean;
  onSubmit: (inspection: ReturnType<typeof results>) => void;
};

/** "40 – 60 gf": the bounds as people write them (the API sends decimals as text). */
function bounds(item: CheckItem): string {
  const unit = item.unit ?? "";
  const min = item.min === null ? null : String(Number(item.min));
  const max = item.max === null ? null : String(Number(item.max));
  if (min !== null && max !== null) return `${min} – ${max} ${unit}`;
  if (min !== null) return `≥ ${min} ${unit}`;
  if (max !== null) return `≤ ${max} ${unit}`;
  return unit;
}

/** PASS/FAIL toggles and measurements, marked out of range as they are typed; the verdict is
 * shown before anything is sent. */
export function Checklist({ items, busy, onSubmit }: Props) {
  const { t } = useTranslation();
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const set = (id: string, change: Answer) =>
    setAnswers((current) => ({ ...current, [id]: { ...current[id], ...change } }));
  const judged = verdict(items, answers);
  const sorted = [...items].sort((a, b) => a.position - b.position);

  return (
    <Stack>
      <Table.ScrollContainer minWidth={620}>
      <Table withTableBorder verticalSpacing="sm">
        <Table.Tbody>
          {sorted.map((item) => {
            const answer = answers[item.id] ?? {};
            const wrong = outOfRange(item, answer.value);
            return (
              <Table.Tr key={item.id} data-testid={`check-${item.position}`}>
                <Table.Td>
                  <Text fw={500}>
                    {item.description}
                    {item.required && (
                      <Text span c="red.9" aria-hidden>
                        {" "}
                        *
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td w={260}>
                  {item.kind === "PASS_FAIL" ? (
                    <SegmentedControl
                      fullWidth
                      size="md"
                      aria-label={item.description}
                      value={answer.passed === undefined ? "" : answer.passed ? "pass" : "fail"}
                      onChange={(value) => set(item.id, { passed: value === "pass" })}
                      data={[
                        { value: "pass", label: t("inspection.pass") },
                        { value: "fail", label: t("inspection.fail") },
                      ]}
                      color={answer.passed === false ? "red" : answer.passed ? "green" : "gray"}
                    />
                  ) : (
                    <TextInput
                      aria-label={item.description}
                      inputMode="decimal"
                      value={answer.value ?? ""}
                      onChange={(e) => set(item.id, { value: e.currentTarget.value })}
                      rightSection={<Text size="xs">{item.unit ?? ""}</Text>}
                      description={bounds(item)}
                      error={wrong ? t("inspection.outOfRange", { bounds: bounds(item) }) : undefined}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={t("inspection.comment", { item: item.description })}
                    placeholder={t("inspection.commentPlaceholder")}
                    value={answer.comment ?? ""}
                    onChange={(e) => set(item.id, { comment: e.currentTarget.value })}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Badge
          size="xl"
          data-testid="verdict"
          color={judged === "pass" ? "green" : judged === "fail" ? "red" : "gray"}
        >
          {t(`inspection.verdict.${judged}`)}
        </Badge>
        <Button size="lg" loading={busy} disabled={judged === "incomplete"} onClick={() => onSubmit(results(items, answers))}>
          {t("inspection.submit")}
        </Button>
      </Group>
    </Stack>
  );
}
