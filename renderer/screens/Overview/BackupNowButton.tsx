import { Button, Tooltip } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLifeboat } from '../../store/index.js';
import { navigate } from '../../useRoute.js';

/**
 * "Back up now": one click starts a full (instance) backup through KOTS and opens the Backups
 * screen, where it is followed to the end. Disabled, with the reason, when a backup cannot start.
 */
export function BackupNowButton({ stay = false }: { stay?: boolean }) {
  const { readiness, creating, followed, connected, load, create } = useLifeboat(
    useShallow((s) => ({ readiness: s.backupReadiness, creating: s.backupCreating, followed: s.followedBackup, connected: s.cluster?.state === 'connected', load: s.loadBackupReadiness, create: s.createBackup })),
  );
  const envKey = useLifeboat((s) => s.environment?.detectedAt);
  useEffect(() => {
    if (connected) void load();
  }, [connected, envKey, load]);
  const blocking = readiness?.checks.find((c) => !c.ok && c.severity === 'error');
  const running = followed?.state === 'starting' || followed?.state === 'running';
  const disabled = !connected || !readiness?.ok || running;
  const why = !connected ? 'Connect to a cluster first.' : running ? `A backup is running (${followed?.backupName ?? 'starting'}).` : blocking ? `${blocking.title}. ${blocking.fix ?? ''}` : !readiness ? 'Checking whether a backup can start…' : undefined;
  const button = (
    <Button
      leftSection={<IconCloudUpload size={16} aria-hidden />}
      loading={creating}
      disabled={disabled}
      onClick={async () => {
        const f = await create({ kind: 'full' });
        if (f && !stay) navigate('backups');
      }}
      data-testid="backup-now"
    >
      Back up now
    </Button>
  );
  return why && disabled ? (
    <Tooltip label={why} multiline w={320} withArrow>
      <span tabIndex={0} aria-label={`Back up now is unavailable: ${why}`}>
        {button}
      </span>
    </Tooltip>
  ) : (
    button
  );
}
