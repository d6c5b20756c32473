import { Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { api, unwrap } from "../api/client";
import { Problem } from "../components/Problem";

/** Ask for a reset token by mail, then set a new password with it (the mail's link fills the
 * token in). */
export function ResetPassword() {
  const { t } = useTranslation();
  // The token from the mail's link: after `#`, so it never reaches a server's log.
  const linked = new URLSearchParams(useLocation().hash.slice(1)).get("token") ?? "";
  const [email, setEmail] = useState("");
  const [typed, setToken] = useState<string | null>(null);
  const token = typed ?? linked;
  // Out of the address bar and the history once read (the page keeps it).
  useEffect(() => {
    if (linked) window.history.replaceState(null, "", window.location.pathname);
  }, [linked]);
  const [password, setPassword] = useState("");
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run(call: () => Promise<string>) {
    setError(null);
    try {
      setSaid(await call());
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={420} component="main">
        <Stack>
          <Title order={1} size="h3">
            {t("reset.title")}
          </Title>
          {(!linked || error !== null) && (
            <>
              <TextInput label={t("signIn.email")} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              <Button
                variant="light"
                onClick={() =>
                  void run(async () => {
                    await unwrap(api.POST("/api/user/password/reset/request", { body: { email } }));
                    return t("reset.sent");
                  })
                }
              >
                {t("reset.send")}
              </Button>
            </>
          )}
          <TextInput label={t("reset.token")} value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          <PasswordInput
            label={t("reset.newPassword")}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button
            onClick={() =>
              void run(async () => {
                await unwrap(
                  api.POST("/api/user/password/reset/confirm", { body: { token, new_password: password } }),
                );
                return t("reset.done");
              })
            }
          >
            {t("reset.confirm")}
          </Button>
          {said && <Text role="status">{said}</Text>}
          <Problem error={error} />
          <Anchor component={Link} to="/">
            {t("reset.back")}
          </Anchor>
        </Stack>
      </Paper>
    </Center>
  );
}
