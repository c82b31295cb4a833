import { Alert, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useLifeboat } from '../store/index.js';

/** Shown while the window has lost its event stream to the main process (web mode). */
export function ConnectionBanner() {
  const link = useLifeboat((s) => s.link);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (link.status !== 'lost') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [link.status]);
  if (link.status !== 'lost') return null;
  const secs = Math.max(0, Math.ceil((link.retryAt - now) / 1000));
  return (
    <Alert
      color="red"
      variant="filled"
      mb="md"
      role="status"
      icon={<IconPlugConnectedX size={20} aria-hidden />}
      title="Connection to Lifeboat lost"
      data-testid="connection-lost"
    >
      <Text size="sm">
        The window cannot hear Lifeboat's background service, so what you see may be out of date. {secs > 0 ? `Trying again in ${secs} s` : 'Trying again now'}{' '}
        (attempt {link.attempt}). If you closed the terminal running `lifeboat web`, start it again.
      </Text>
    </Alert>
  );
}
