import { Anchor, Badge, Button, Checkbox, Group, Loader, Paper, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";
import { when } from "../format";
import { useChoices, useChoose, useInboxPages, useMarkRead, type Notice } from "../notifications/inbox";

const PAGE = 50;

function NoticeRow({ notice, onRead }: { notice: Notice; onRead: (id: number) => void }) {
  const { t } = useTranslation();
  return (
    <Table.Tr>
      <Table.Td w={1}>
        <Badge size="sm" variant={notice.read_at ? "outline" : "filled"} color={notice.read_at ? "gray" : "red"} style={{ minWidth: "max-content" }}>
          {notice.read_at ? t("notifications.read") : t("notifications.new")}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={notice.link} size="sm" fw={notice.read_at ? 400 : 600} lang="en" onClick={() => !notice.read_at && onRead(notice.id)}>
          {notice.title}
        </Anchor>
        <Text size="xs" c="dimmed" style={{ whiteSpace: "pre-line" }} lang="en">
          {notice.body}
        </Text>
      </Table.Td>
      <Table.Td>{t(`notifications.kind.${notice.kind}`)}</Table.Td>
      <Table.Td>{when(notice.created_at)}</Table.Td>
      <Table.Td w={1} style={{ whiteSpace: "nowrap" }}>
        {!notice.read_at && (
          <Button size="compact-xs" variant="light" onClick={() => onRead(notice.id)} aria-label={t("notifications.markReadOf", { title: notice.title })}>
            {t("notifications.markRead")}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function Inbox() {
  const { t } = useTranslation();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const markRead = useMarkRead();
  const pages = useInboxPages(unreadOnly, PAGE);
  const notices = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = pages.data?.pages[0]?.unread ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <Switch label={t("notifications.unreadOnly")} checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />
        <Group>
          <Text size="sm" role="status">
            {t("notifications.unread", { count: unread })}
          </Text>
          <Button variant="light" disabled={!unread} onClick={() => markRead.mutate(undefined)}>
            {t("notifications.markAllRead")}
          </Button>
        </Group>
      </Group>
      <Problem error={pages.error ?? markRead.error} />
      {pages.isPending && <Loader />}
      {pages.isSuccess && notices.length === 0 && <Text c="dimmed">{t("notifications.none")}</Text>}
      {notices.length > 0 && (
        <Table withTableBorder aria-label={t("notifications.title")}>
          <TableHead columns={["", t("notifications.what"), t("notifications.kindColumn"), t("notifications.when"), ""]} />
          <Table.Tbody>
            {notices.map((notice) => (
              <NoticeRow key={notice.id} notice={notice} onRead={(id) => markRead.mutate([id])} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {pages.hasNextPage && (
        <Button variant="subtle" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {t("notifications.older")}
        </Button>
      )}
    </Stack>
  );
}

function Choices() {
  const { t } = useTranslation();
  const choices = useChoices();
  const choose = useChoose();
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          {t("notifications.choicesTitle")}
        </Title>
        <Problem error={choices.error ?? choose.error} />
        {choices.data?.choices.length === 0 && <Text c="dimmed">{t("notifications.noKinds")}</Text>}
        {!!choices.data?.choices.length && (
          <Table aria-label={t("notifications.choicesTitle")}>
            <TableHead columns={[t("notifications.kindColumn"), t("notifications.forRoles"), t("notifications.inApp"), t("notifications.email")]} />
            <Table.Tbody>
              {choices.data.choices.map((choice) => {
                const kind = t(`notifications.kind.${choice.kind}`);
                const set = (change: { in_app?: boolean; email?: boolean }) =>
                  choose.mutate({ kind: choice.kind, in_app: choice.in_app, email: choice.email, ...change });
                return (
                  <Table.Tr key={choice.kind}>
                    <Table.Td>{kind}</Table.Td>
                    <Table.Td>{choice.roles.map((role) => t(`role.${role}`)).join(", ")}</Table.Td>
                    <Table.Td>
                      <Checkbox
                        aria-label={t("notifications.inAppOf", { kind })}
                        checked={choice.in_app}
                        onChange={(e) => set({ in_app: e.currentTarget.checked })}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Checkbox
                        aria-label={t("notifications.emailOf", { kind })}
                        checked={choice.email}
                        onChange={(e) => set({ email: e.currentTarget.checked })}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
        {choices.data && (
          <Text size="sm" c="dimmed">
            {choices.data.team_webhook ? t("notifications.teamOn") : t("notifications.teamOff")}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

export function Notifications() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("notifications.title")}
      </Title>
      <Inbox />
      <Choices />
    </Stack>
  );
}
