import { Card, Code, Table, Text } from '@mantine/core';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { useLifeboat } from '../../store/index.js';

/** Which pre/post hooks a full backup will run now, and where each one was read. */
export function HooksPanel() {
  const { plan, error, load } = useLifeboat(useShallow((s) => ({ plan: s.hookPlan, error: s.hookPlanError, load: s.loadHookPlan })));
  useEffect(() => void load(), [load]);
  return (
    <Card withBorder data-testid="hooks-panel">
      <Text fw={600} mb="xs">
        Hooks the next full backup will run
      </Text>
      {error && <ErrorAlert title="Could not read the hooks" error={error} />}
      {plan && (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            Namespaces backed up: {plan.namespaces.join(', ')}
          </Text>
          {plan.hooks.length > 0 && (
            <Table mb="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Pod / container</Table.Th>
                  <Table.Th>Command</Table.Th>
                  <Table.Th>On error</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plan.hooks.map((h, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{h.phase === 'pre' ? 'before' : 'after'}</Table.Td>
                    <Table.Td>
                      {h.pod ? `${h.namespace}/${h.pod}` : 'no matching pod'} {h.container ? `(${h.container})` : ''}
                    </Table.Td>
                    <Table.Td>
                      <Code>{h.command.join(' ')}</Code>
                    </Table.Td>
                    <Table.Td>
                      {h.onError}, timeout {h.timeout}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{h.origin}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {plan.notes.map((n) => (
            <Text key={n} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
        </>
      )}
    </Card>
  );
}
