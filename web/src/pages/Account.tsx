import { Button, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { Problem } from "../components/Problem";

export function Account() {
  const { t } = useTranslation();
  const [old, setOld] = useState("");
  const [fresh, setFresh] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function change(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await unwrap(api.PATCH("/api/user/password/change", { body: { old_password: old, new_password: fresh } }));
      setDone(true);
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <Paper withBorder p="lg" maw={420}>
      <form onSubmit={change}>
        <Stack>
          <Title order={1} size="h3">
            {t("account.title")}
          </Title>
          <PasswordInput label={t("account.old")} autoComplete="current-password" value={old} onChange={(e) => setOld(e.currentTarget.value)} />
          <PasswordInput label={t("account.new")} autoComplete="new-password" value={fresh} onChange={(e) => setFresh(e.currentTarget.value)} />
          <Button type="submit">{t("account.change")}</Button>
          {done && <Text role="status">{t("account.changed")}</Text>}
          <Problem error={error} />
        </Stack>
      </form>
    </Paper>
  );
}
