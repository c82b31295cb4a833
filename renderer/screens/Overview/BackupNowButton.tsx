import { Button, Checkbox, Group, Tooltip } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { IdleTooltip } from '../../components/IdleTooltip.js';
import { useLifeboat } from '../../store/index.js';
import { navigate } from '../../useRoute.js';

/** What "Back up now" needs: readiness (loaded when connected), whether it can start and why not. */
function useBackupNow() {
  const { readiness, creating, followed, connected, load, create } = useLifeboat(
    useShallow((s) => ({
      readiness: s.backupReadiness,
      creating: s.backupCreating,
      followed: s.followedBackup,
      connected: s.cluster?.state === 'connected',
      load: s.loadBackupReadiness,
      create: s.createBackup,
    })),
  );
  const envKey = useLifeboat((s) => s.environment?.detectedAt);
  const includeRegistry = useLifeboat((s) => s.backupIncludeRegistry);
  const setIncludeRegistry = useLifeboat((s) => s.setBackupIncludeRegistry);
  useEffect(() => {
    if (connected) void load();
  }, [connected, envKey, load]);
  const blocking = readiness?.checks.find((c) => !c.ok && c.severity === 'error');
  // Does not disable the button (e.g. another backup in progress: KOTS starts one anyway); said on hover.
  const warning = readiness?.checks.find((c) => c.ok && c.severity === 'warning');
  const running = followed?.state === 'starting' || followed?.state === 'running';
  const disabled = !connected || !readiness?.ok || running;
  const why = !connected
    ? 'Connect to a cluster first.'
    : running
      ? `A backup is running (${followed?.backupName ?? 'starting'}).`
      : blocking
        ? `${blocking.title}. ${blocking.fix ?? ''}`
        : !readiness
          ? 'Checking whether a backup can start…'
          : undefined;
  return { readiness, creating, create, includeRegistry, setIncludeRegistry, warning, running, disabled, why };
}

/**
 * "Back up now": one click starts a full (instance) backup through KOTS and opens the Backups
 * screen, where it is followed to the end. Disabled, with the reason, when a backup cannot start;
 * enabled with the warning on hover when it can but something deserves a look.
 */
export function BackupNowButton({ stay = false }: { stay?: boolean }) {
  const { readiness, creating, create, includeRegistry, setIncludeRegistry, warning, running, disabled, why } = useBackupNow();
  const button = (
    <Button
      leftSection={<IconCloudUpload size={16} aria-hidden />}
      loading={creating}
      disabled={disabled}
      onClick={async () => {
        const f = await create({ kind: 'full', ...(readiness?.registryExport?.offered ? { exportRegistry: includeRegistry } : {}) });
        if (f && !stay) navigate('backups');
      }}
      data-testid="backup-now"
      style={{ flexShrink: 0 }}
    >
      Back up now
    </Button>
  );
  // kURL / Embedded Cluster: the full backup also exports the cluster registry (ticked by default).
  const registryBox = readiness?.registryExport?.offered ? (
    <Tooltip
      label={`Also copies every image of the cluster's registry into ${readiness.registryExport.defaultDest ?? 'a folder on this computer'}, so a rebuilt cluster can pull them. The backup counts as complete only when both are verified.`}
      multiline
      w={320}
      withArrow
    >
      <Checkbox
        label="Also export the registry"
        style={{ maxWidth: 160 }}
        checked={includeRegistry}
        onChange={(e) => setIncludeRegistry(e.currentTarget.checked)}
        disabled={creating || running}
        data-testid="backup-include-registry"
      />
    </Tooltip>
  ) : null;
  const withBox = (node: React.ReactNode) =>
    registryBox ? (
      <Group gap="sm" wrap="nowrap">
        {registryBox}
        {node}
      </Group>
    ) : (
      node
    );
  // The reason and the warning are tooltips mounted after the first paint (IdleTooltip); the
  // reason is also the wrapper's accessible name from the start.
  if (why && disabled) {
    return withBox(
      <IdleTooltip label={why} multiline w={320} withArrow>
        <span tabIndex={0} aria-label={`Back up now is unavailable: ${why}`}>
          {button}
        </span>
      </IdleTooltip>,
    );
  }
  return warning
    ? withBox(
        <IdleTooltip label={`${warning.title}: ${warning.reason ?? ''}`} multiline w={320} withArrow>
          {button}
        </IdleTooltip>,
      )
    : withBox(button);
}
