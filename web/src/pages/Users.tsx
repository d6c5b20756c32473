import { Badge, Button, Loader, MultiSelect, Stack, Table, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { Pager } from "../components/Pager";
import { Problem } from "../components/Problem";
import { TableHead } from "../components/TableHead";

const ROLES: Schemas["Role"][] = ["admin", "planner", "floor_worker", "inspector", "buyer", "storekeeper", "viewer"];

const PAGE = 50;

export function Users() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const users = useQuery({
    queryKey: ["users", search, page],
    queryFn: () => unwrap(api.GET("/api/users", { params: { query: { search: search || undefined, page, size: PAGE } } })),
  });
  const change = useMutation({
    mutationFn: (what: { id: string; roles?: Schemas["Role"][]; active?: boolean }) => {
      const path = { params: { path: { user_id: what.id } } };
      if (what.roles) return unwrap(api.PUT("/api/users/{user_id}/roles", { ...path, body: { roles: what.roles } }));
      return unwrap(
        what.active
          ? api.POST("/api/users/{user_id}/activate", path)
          : api.POST("/api/users/{user_id}/deactivate", path),
      );
    },
    onSuccess: () => void queries.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("users.title")}
      </Title>
      <TextInput aria-label={t("users.search")} placeholder={t("users.search")} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1); }} maw={360} />
      <Problem error={users.error ?? change.error} />
      {users.isPending && <Loader />}
      <Table withTableBorder>
        <TableHead columns={[t("signIn.email"), t("users.roles"), t("users.state"), ""]} />
        <Table.Tbody>
          {users.data?.items.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td miw={300}>
                <MultiSelect
                  aria-label={t("users.rolesOf", { email: user.email })}
                  value={user.roles}
                  onChange={(roles) => roles.length && change.mutate({ id: user.id, roles: roles as Schemas["Role"][] })}
                  data={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
                />
              </Table.Td>
              <Table.Td>
                <Badge color={user.is_active ? "green" : "gray"}>{user.is_active ? t("users.active") : t("users.inactive")}</Badge>
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="light" onClick={() => change.mutate({ id: user.id, active: !user.is_active })}>
                  {user.is_active ? t("users.deactivate") : t("users.activate")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={page} size={PAGE} total={users.data?.total ?? 0} onChange={setPage} />
    </Stack>
  );
}
