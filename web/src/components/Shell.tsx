import {
  AppShell,
  Badge,
  Burger,
  Center,
  Group,
  Loader,
  NavLink as MantineNavLink,
  SegmentedControl,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useNavigate } from "react-router";
import { shareChanges } from "../api/liveEvents";
import { useAuth } from "../auth/AuthProvider";
import { chooseLanguage, type Language } from "../i18n";
import { allowed } from "../nav";
import { NotificationBell } from "../notifications/NotificationBell";
import { SignIn } from "../pages/SignIn";
import { ScanField } from "./ScanField";

export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("shell.language")}
      value={i18n.language}
      onChange={(value) => chooseLanguage(value as Language)}
      data={[
        { value: "ru", label: "RU" },
        { value: "en", label: "EN" },
      ]}
    />
  );
}

function useLive(): boolean {
  const queries = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const stop = new AbortController();
    shareChanges(queries, stop.signal, setLive);
    return () => stop.abort();
  }, [queries]);
  return live;
}

function Signed() {
  const { t } = useTranslation();
  const { me, signOut } = useAuth();
  const [opened, { toggle, close }] = useDisclosure();
  const navigate = useNavigate();
  const live = useLive();
  if (!me) return null;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("shell.menu")} />
            <UnstyledButton onClick={() => navigate("/")}>
              <Title order={3}>Zhuchka MES</Title>
            </UnstyledButton>
            <Badge color={live ? "green" : "gray"} variant="dot" data-testid="live">
              {live ? t("shell.live") : t("shell.offline")}
            </Badge>
          </Group>
          <Group wrap="nowrap" gap="sm">
            <Group wrap="nowrap" gap="sm" visibleFrom="sm">
              <ScanField />
              <LanguageSwitch />
            </Group>
            <NotificationBell />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t("shell.menu")}>
        <Stack hiddenFrom="sm" gap="xs" mb="sm">
          <ScanField />
          <LanguageSwitch />
        </Stack>
        {allowed(me.actions).map((entry) => (
          <MantineNavLink
            key={entry.to}
            component={NavLink}
            to={entry.to}
            label={t(entry.label)}
            onClick={close}
          />
        ))}
        <MantineNavLink component={NavLink} to="/notifications" label={t("nav.notifications")} onClick={close} />
        <MantineNavLink component={NavLink} to="/account" label={t("nav.account")} onClick={close} />
        <Text size="xs" c="dimmed" mt="md">
          {me.email}
        </Text>
        <Text size="xs" c="dimmed">
          {me.roles.map((role) => t(`role.${role}`)).join(", ")}
        </Text>
        <MantineNavLink component="button" label={t("shell.signOut")} onClick={() => void signOut()} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

/** Every screen but the public ones: sign in first. */
export function Shell() {
  const { me, loading } = useAuth();
  if (loading)
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  return me ? <Signed /> : <SignIn />;
}
