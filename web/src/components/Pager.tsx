import { Group, Pagination, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Pages of a list the server pages: shown only when there is more than one. */
export function Pager({ page, size, total, onChange }: { page: number; size: number; total: number; onChange: (page: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.ceil(total / size);
  if (pages <= 1) return null;
  return (
    <Group>
      <Pagination total={pages} value={page} onChange={onChange} getControlProps={(control) => ({ "aria-label": t(`pager.${control}`) })} />
      <Text size="sm">{t("common.total", { count: total })}</Text>
    </Group>
  );
}
