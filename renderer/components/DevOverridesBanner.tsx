import { Alert, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useLifeboat } from '../store/index.js';

/** A packaged build started with --allow-dev-overrides: every screen says which LIFEBOAT_* overrides are in effect. */
export function DevOverridesBanner() {
  const info = useLifeboat((s) => s.appInfo);
  const active = info?.devOverrides ?? [];
  if (!active.length) return null;
  const notice = `Development overrides active: ${active.join(', ')}`;
  return (
    <Alert
      color="orange"
      variant="light"
      mb="md"
      role="status"
      icon={<IconAlertTriangle size={20} aria-hidden />}
      title="Development overrides active"
      data-testid="dev-overrides"
    >
      <Text size="sm">
        {notice}. This Lifeboat was started with --allow-dev-overrides: the tools, images, CA or data it uses may not be the ones it shipped. Restart it without
        that flag for normal use.
      </Text>
    </Alert>
  );
}
