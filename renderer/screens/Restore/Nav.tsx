/** The wizard's Back button and a step's own buttons, in one row. */
import { Button, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useLifeboat } from '../../store/index.js';

export function Nav({ onBack, children }: { onBack?: () => void; children?: React.ReactNode }) {
  const pending = useLifeboat((s) => s.restorePending);
  return (
    <Group justify="space-between" mt="lg">
      {onBack ? (
        <Button variant="default" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={onBack} disabled={!!pending}>
          Back
        </Button>
      ) : (
        <span />
      )}
      <Group gap="xs">{children}</Group>
    </Group>
  );
}
