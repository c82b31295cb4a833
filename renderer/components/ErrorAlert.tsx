import { Alert, Badge, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ErrorView } from '../store/index.js';
import { RichText } from './RichText.js';

/** An error the way operators should see it: what happened, then what to do. Never a stack. */
export function ErrorAlert({ title, error, onClose }: { title: string; error: ErrorView; onClose?: () => void }) {
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      icon={<IconAlertTriangle size={20} aria-hidden />}
      withCloseButton={!!onClose}
      closeButtonLabel="Dismiss this error"
      onClose={onClose}
      title={
        <Group gap="xs" wrap="nowrap">
          <span>{title}</span>
          <Badge size="xs" variant="outline" color="red" data-testid="error-code">
            {error.code}
          </Badge>
        </Group>
      }
      data-testid="error-alert"
    >
      <Text size="sm" data-testid="error-message">
        <RichText text={error.message} />
      </Text>
      {error.hint && (
        <Text size="sm" mt={6} data-testid="error-hint">
          <Text span fw={600} size="sm">
            What to do:{' '}
          </Text>
          <RichText text={error.hint} />
        </Text>
      )}
    </Alert>
  );
}
