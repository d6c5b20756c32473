import { Alert, Button, FileInput, Group, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorMessage, type Schemas } from "../api/client";
import { downloadFile } from "../download";
import { Problem } from "../components/Problem";

type Target = "items" | "stock";

/** Export: the file, fetched with the session's token. */
function download(name: string) {
  return downloadFile(`/api/inventory/export/${name}`, name);
}

/** Import with a dry run first: every row checked, nothing written until the preview is clean. */
export function CsvFiles() {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Target>("stock");
  const [file, setFile] = useState<File | null>(null);
  const run = useMutation({
    mutationFn: async (dryRun: boolean) => {
      const body = await file!.text();
      const options = {
        params: { query: { dry_run: dryRun } },
        body: body as never,
        bodySerializer: (text: unknown) => text as string,
        headers: { "Content-Type": "text/csv" },
      };
      const { data, error, response } = await (target === "stock"
        ? api.POST("/api/inventory/import/stock", options)
        : api.POST("/api/inventory/import/items", options));
      if (data) return data;
      // 422 with the report: the bad rows, each with its line.
      if (response.status === 422 && error && "rows" in error) return error as Schemas["ImportOut"];
      throw errorMessage(response.status, error);
    },
  });
  const exporting = useMutation({ mutationFn: download });
  const result = run.data;
  return (
    <Stack maw={720}>
      <Title order={2} size="h4">
        {t("csv.import")}
      </Title>
      <SegmentedControl
        aria-label={t("csv.what")}
        value={target}
        onChange={(value) => setTarget(value as Target)}
        data={[
          { value: "stock", label: t("csv.stock") },
          { value: "items", label: t("csv.items") },
        ]}
      />
      <FileInput
        label={t("csv.file")}
        accept=".csv,text/csv"
        value={file}
        onChange={setFile}
        clearable
        clearButtonProps={{ "aria-label": t("common.clear") }}
      />
      <Group>
        <Button variant="light" disabled={!file} loading={run.isPending} onClick={() => run.mutate(true)}>
          {t("csv.check")}
        </Button>
        <Button disabled={!file || !result?.dry_run || !result.valid} onClick={() => run.mutate(false)}>
          {t("csv.write")}
        </Button>
      </Group>
      <Problem error={run.error} />
      {result && (
        <Alert color={result.valid ? "green" : "orange"} data-testid="import-result">
          {result.dry_run
            ? result.valid
              ? t("csv.clean", { rows: result.rows })
              : t("csv.errors", { count: result.errors.length })
            : t("csv.written", { rows: result.written })}
        </Alert>
      )}
      {!!result?.errors.length && (
        <Table withTableBorder>
          <Table.Tbody>
            {result.errors.map((error) => (
              <Table.Tr key={`${error.line}-${error.field}`}>
                <Table.Td>{t("csv.line", { line: error.line })}</Table.Td>
                <Table.Td>{error.field ?? ""}</Table.Td>
                <Table.Td>{error.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={2} size="h4">
        {t("csv.export")}
      </Title>
      <Group>
        {["items.csv", "stock.csv", "movements.csv"].map((name) => (
          <Button key={name} variant="default" onClick={() => exporting.mutate(name)}>
            {name}
          </Button>
        ))}
      </Group>
      <Problem error={exporting.error} />
      <Text size="sm" c="dimmed">
        {t("csv.columns")}
      </Text>
    </Stack>
  );
}
