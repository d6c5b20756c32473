import { Table } from "@mantine/core";
import type { ReactNode } from "react";

/** A table's header row: one title a column, in order ("" for a column without one). */
export function TableHead({ columns }: { columns: ReactNode[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((title, column) => (
          <Table.Th key={column}>{title}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
