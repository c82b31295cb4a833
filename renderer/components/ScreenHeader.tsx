import { Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';

/**
 * The screen's title. It takes focus when the screen opens, so keyboard and screen-reader users
 * land on the new screen rather than staying in the navigation.
 */
export function ScreenHeader({ title, description, actions }: { title: string; description: React.ReactNode; actions?: React.ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="nowrap">
      <Stack gap={4}>
        <Title order={1} size="h2" ref={ref} tabIndex={-1} style={{ outline: 'none' }}>
          {title}
        </Title>
        <Text c="dimmed" size="sm" maw={720}>
          {description}
        </Text>
      </Stack>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
