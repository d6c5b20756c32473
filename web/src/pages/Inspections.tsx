import { Badge, Card, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Inspection } from "../api/client";
import { Problem } from "../components/Problem";
import { when } from "../format";

/** Every inspection of an order, with each item's result. */
export function InspectionHistory({ orderId }: { orderId: string }) {
  const inspections = useQuery({
    queryKey: ["inspections", orderId],
    queryFn: () => unwrap(api.GET("/api/quality/inspections", { params: { query: { order_id: orderId } } })),
  });
  if (inspections.error) return <Problem error={inspections.error} />;
  return <InspectionList done={inspections.data ?? []} />;
}

/** Inspections (of an order or a unit), newest last, each item with its result. */
export function InspectionList({ done }: { done: Inspection[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="inspections">
      <Title order={2} size="h4">
        {t("inspection.history")}
      </Title>
      {done.length === 0 && <Text c="dimmed">{t("inspection.none")}</Text>}
      {done.map((inspection) => (
        <Card key={`${inspection.stage}-${inspection.seq}`} withBorder padding="sm">
          <Text fw={600}>
            {t(`stage.${inspection.stage}`)} #{inspection.seq ?? "—"}{" "}
            <Badge color={inspection.status === "failed" ? "red" : inspection.status === "passed" ? "green" : "gray"}>
              {t(`inspection.${inspection.status}`)}
            </Badge>{" "}
            <Text span size="sm" c="dimmed">
              {inspection.inspector ?? ""} {inspection.completed_at ? when(inspection.completed_at) : ""}
            </Text>
          </Text>
          {inspection.results.length > 0 && (
            <Table>
              <Table.Tbody>
                {inspection.results.map((result, index) => (
                  <Table.Tr key={result.item_id ?? index} c={result.ok === false ? "red.9" : undefined}>
                    <Table.Td>{result.description}</Table.Td>
                    <Table.Td>
                      {result.kind === "MEASURE"
                        ? `${result.value === null ? "—" : Number(result.value)} ${result.unit ?? ""}`
                        : result.passed === null
                          ? "—"
                          : result.passed
                            ? t("inspection.pass")
                            : t("inspection.fail")}
                    </Table.Td>
                    <Table.Td>{result.ok === false ? t("inspection.notOk") : ""}</Table.Td>
                    <Table.Td>{result.comment ?? ""}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      ))}
    </Stack>
  );
}
