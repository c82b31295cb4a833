import { Table, type TableProps, type TableScrollContainerProps } from '@mantine/core';

/** A column heading: its text, or its text aligned right (a number column). */
export type ScrollTableHeader = string | { label: string; ta: 'right' };

/**
 * A table that scrolls sideways below `minWidth` (and down past `mah`): one header row, then the
 * rows given as children. Other props (aria-label, data-testid, striped, fz, …) go to the table.
 */
export function ScrollTable({
  minWidth,
  mah,
  mt,
  headers,
  children,
  ...table
}: {
  minWidth: number;
  mah?: TableScrollContainerProps['mah'];
  mt?: TableScrollContainerProps['mt'];
  headers: readonly ScrollTableHeader[];
  children: React.ReactNode;
} & Omit<TableProps, 'children'> & {
    'data-testid'?: string;
  }) {
  return (
    <Table.ScrollContainer minWidth={minWidth} mah={mah} mt={mt}>
      <Table {...table}>
        <Table.Thead>
          <Table.Tr>
            {headers.map((h) =>
              typeof h === 'string' ? (
                <Table.Th key={h}>{h}</Table.Th>
              ) : (
                <Table.Th key={h.label} ta={h.ta}>
                  {h.label}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
