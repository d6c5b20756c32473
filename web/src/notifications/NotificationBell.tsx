import { ActionIcon, Anchor, Badge, Button, Group, Indicator, Popover, Stack, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { when } from "../format";
import { useInbox, useMarkRead, type Notice } from "./inbox";

const SHOWN = 8;

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** The header's bell: how many notices are unread, and the newest of them a click away. */
export function NotificationBell() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const navigate = useNavigate();
  const inbox = useInbox({ limit: SHOWN });
  const markRead = useMarkRead();
  const unread = inbox.data?.unread ?? 0;

  function open(notice: Notice) {
    if (!notice.read_at) markRead.mutate([notice.id]);
    close();
    void navigate(notice.link);
  }

  return (
    <Indicator label={unread} size={16} disabled={!unread} offset={4} color="red">
    <Popover opened={opened} onChange={(now) => (now ? undefined : close())} position="bottom-end" width={360} shadow="md">
      <Popover.Target>
        <ActionIcon variant="subtle" size="lg" onClick={toggle} aria-label={t("notifications.bell", { count: unread })}>
          <BellIcon />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" role="region" aria-label={t("notifications.title")}>
          <Group justify="space-between">
            <Text fw={600}>{t("notifications.title")}</Text>
            <Button size="compact-xs" variant="subtle" disabled={!unread} onClick={() => markRead.mutate(undefined)}>
              {t("notifications.markAllRead")}
            </Button>
          </Group>
          {inbox.data?.items.length === 0 && <Text c="dimmed" size="sm">{t("notifications.none")}</Text>}
          {inbox.data?.items.map((notice) => (
            <UnstyledButton key={notice.id} onClick={() => open(notice)}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Badge size="xs" variant={notice.read_at ? "outline" : "filled"} color={notice.read_at ? "gray" : "red"} mt={3} style={{ flexShrink: 0, minWidth: "max-content" }}>
                  {notice.read_at ? t("notifications.read") : t("notifications.new")}
                </Badge>
                <div>
                  <Text size="sm" fw={notice.read_at ? 400 : 600} lang="en">
                    {notice.title}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t(`notifications.kind.${notice.kind}`)} · {when(notice.created_at)}
                  </Text>
                </div>
              </Group>
            </UnstyledButton>
          ))}
          <Anchor component={Link} to="/notifications" size="sm" onClick={close}>
            {t("notifications.all")}
          </Anchor>
        </Stack>
      </Popover.Dropdown>
    </Popover>
    </Indicator>
  );
}
