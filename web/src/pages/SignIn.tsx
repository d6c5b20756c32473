import { Anchor, Button, Center, Group, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { LanguageSwitch } from "../components/Shell";
import { Problem } from "../components/Problem";

export function SignIn() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={380} component="main">
        <form onSubmit={submit}>
          <Stack>
            <Group justify="space-between">
              <Title order={1} size="h2">
                Zhuchka MES
              </Title>
              <LanguageSwitch />
            </Group>
            <TextInput
              label={t("signIn.email")}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label={t("signIn.password")}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Problem error={error} />
            <Button type="submit" loading={busy} size="md">
              {t("signIn.submit")}
            </Button>
            <Anchor component={Link} to="/reset-password" size="sm">
              {t("signIn.forgot")}
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
