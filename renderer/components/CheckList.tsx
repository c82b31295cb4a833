import { Group, List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconX } from '@tabler/icons-react';
import type { Check } from '../../electron/api/contract.js';
import { RichText } from './RichText.js';

function CheckIcon({ check }: { check: Check }) {
  if (check.severity === 'error' || !check.ok) {
    return (
      <ThemeIcon color="red" variant="light" radius="xl" size={26} aria-label="Blocking problem">
        <IconX size={16} />
      </ThemeIcon>
    );
  }
  if (check.severity === 'warning') {
    return (
      <ThemeIcon color="yellow" variant="light" radius="xl" size={26} aria-label="Needs attention">
        <IconAlertTriangle size={16} />
      </ThemeIcon>
    );
  }
  return (
    <ThemeIcon color="teal" variant="light" radius="xl" size={26} aria-label="OK">
      <IconCheck size={16} />
    </ThemeIcon>
  );
}

/** Checks with their reasons and, where something is wrong, the fix. */
export function CheckList({ checks, testId }: { checks: Check[]; testId?: string }) {
  return (
    <List listStyleType="none" spacing="sm" data-testid={testId} styles={{ itemWrapper: { width: '100%' }, itemLabel: { width: '100%' } }}>
      {checks.map((c, i) => (
        <List.Item key={`${c.title}-${i}`} data-severity={c.ok ? c.severity : 'error'}>
          <Group align="flex-start" gap="sm" wrap="nowrap">
            <CheckIcon check={c} />
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Text fw={600} size="sm">
                {c.title}
              </Text>
              {c.reason && (
                <Text size="sm" c="dimmed">
                  <RichText text={c.reason} />
                </Text>
              )}
              {c.fix && c.severity !== 'ok' && (
                <Text size="sm">
                  <Text span fw={600} size="sm">
                    Fix:{' '}
                  </Text>
                  <RichText text={c.fix} />
                </Text>
              )}
            </Stack>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}
