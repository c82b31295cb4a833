import { Card, Group, Text, Title } from '@mantine/core';
import type { Check } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { StatusBadge } from '../../components/StatusBadge.js';

/** Every problem detection found, most severe first, each with its fix. */
export function ProblemsCard({ problems }: { problems: Check[] }) {
  const order = { error: 0, warning: 1, ok: 2 } as const;
  const shown = problems.filter((p) => !p.ok || p.severity !== 'ok').sort((a, b) => order[a.severity] - order[b.severity]);
  const blocking = shown.filter((p) => !p.ok || p.severity === 'error').length;
  return (
    <Card data-testid="problems-card" aria-labelledby="problems-title">
      <Group justify="space-between" mb={shown.length ? 'md' : 0}>
        <Title order={2} size="h4" id="problems-title">
          Problems
        </Title>
        {shown.length === 0 ? (
          <StatusBadge tone="ok">None found</StatusBadge>
        ) : (
          <StatusBadge tone={blocking ? 'error' : 'warning'}>
            {blocking ? `${blocking} blocking` : ''}
            {blocking && shown.length - blocking ? ', ' : ''}
            {shown.length - blocking ? `${shown.length - blocking} to check` : ''}
          </StatusBadge>
        )}
      </Group>
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed" mt="xs">
          Lifeboat found nothing standing between this cluster and a good backup.
        </Text>
      ) : (
        <CheckList checks={shown} testId="problems-list" />
      )}
    </Card>
  );
}
