import { Card, Group, Progress, Stack, Text, Timeline } from '@mantine/core';
import type { BackupRegistryExport, FollowedBackup } from '../../../electron/api/contract.js';
import { ShowInFolderButton } from '../../components/ShowInFolderButton.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, bytes, duration, relativeTime } from '../../format.js';
import { followedTone } from './format.js';

const STATE_WORDS: Record<FollowedBackup['state'], string> = {
  starting: 'Starting',
  running: 'Running',
  succeeded: 'Completed',
  attention: 'Needs attention',
  failed: 'Failed',
  lost: 'Lost track',
};

const REG_WORDS: Record<BackupRegistryExport['state'], string> = {
  pending: 'Waiting',
  running: 'Exporting',
  succeeded: 'Exported',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** The registry export made with a full backup (kURL / Embedded Cluster): live bytes and blobs. */
function RegistryPart({ r }: { r: BackupRegistryExport }) {
  const pct = r.bytesTotal ? Math.min(100, ((r.bytesDone ?? 0) / r.bytesTotal) * 100) : r.state === 'succeeded' ? 100 : 0;
  const tone = r.state === 'succeeded' ? (r.verified ? 'ok' : 'warning') : r.state === 'running' || r.state === 'pending' ? 'progress' : 'error';
  return (
    <Stack gap={6} mb="sm" data-testid="followed-registry" data-state={r.state}>
      <Group justify="space-between">
        <Text size="sm">
          Registry export{r.registry ? ` of ${r.registry}` : ''}
          {r.phase && r.state === 'running' ? ` · ${r.phase}` : ''}
        </Text>
        <StatusBadge tone={tone} size="sm" testId="followed-registry-state">
          {REG_WORDS[r.state]}
          {r.state === 'succeeded' ? (r.verified ? ' · verified' : ' · not verified') : ''}
        </StatusBadge>
      </Group>
      <Progress value={pct} animated={r.state === 'running'} color={tone === 'error' ? 'red' : undefined} aria-label="Registry export" />
      <Text size="xs" c="dimmed" data-testid="followed-registry-progress">
        {bytes(r.bytesDone ?? 0)} of {r.bytesTotal ? bytes(r.bytesTotal) : '?'} · blobs {r.blobsDone ?? 0} of {r.blobsTotal ?? '?'}
        {r.tags !== undefined ? ` · ${r.tags} tags` : ''} · to {r.dest}
      </Text>
      {r.state === 'succeeded' && <ShowInFolderButton path={r.dest} style={{ alignSelf: 'flex-start' }} data-testid="followed-registry-show" />}
      {r.error && (
        <Text size="xs" c="red">
          {r.error.message}
          {r.error.hint ? ` ${r.error.hint}` : ''}
        </Text>
      )}
    </Stack>
  );
}

/** Items, pod volume bytes, hooks and errors of the followed backup, while it runs and after. */
function ItemsProgress({ s, active, items }: { s: FollowedBackup['summary']; active: boolean; items: number }) {
  return (
    <Stack gap={6} mb="sm">
      <Group justify="space-between">
        <Text size="sm">Items backed up</Text>
        <Text size="sm" data-testid="followed-items">
          {s?.itemsBackedUp ?? 0} of {s?.totalItems ?? '?'}
        </Text>
      </Group>
      <Progress value={items} animated={active} aria-label="Items backed up" />
      <Group gap="lg">
        <Text size="xs" c="dimmed">
          Pod volumes:{' '}
          {s?.volumes.total ? `${s.volumes.completed}/${s.volumes.total} · ${bytes(s.volumes.bytesDone)} of ${bytes(s.volumes.totalBytes)}` : 'none opted in'}
        </Text>
        <Text size="xs" c={s?.hooksFailed ? 'red' : 'dimmed'}>
          Hooks: {s?.hooksAttempted ?? 0} run{s?.hooksFailed ? `, ${s.hooksFailed} failed` : ''}
        </Text>
        {s && (s.errors > 0 || s.warnings > 0) && (
          <Text size="xs" c={s.errors ? 'red' : 'yellow'}>
            {s.errors} errors · {s.warnings} warnings
          </Text>
        )}
      </Group>
    </Stack>
  );
}

/** The backup Lifeboat started and follows: phase timeline, items, volume bytes, hooks, outcome. */
export function FollowedCard({ f, onOpen }: { f: FollowedBackup; onOpen: (name: string) => void }) {
  const s = f.summary;
  const items = s?.totalItems ? Math.min(100, ((s.itemsBackedUp ?? 0) / s.totalItems) * 100) : f.state === 'succeeded' ? 100 : 0;
  const active = f.state === 'starting' || f.state === 'running';
  return (
    <Card withBorder data-testid="followed-backup" data-state={f.state} aria-live="polite">
      <Group justify="space-between" mb="sm">
        <Stack gap={2}>
          <Text fw={600}>
            {f.kind === 'full' ? 'Full backup' : `Partial backup of ${f.appSlug} (legacy, not for disaster recovery)`}{' '}
            {f.backupName && (
              <Text
                span
                c="blue"
                style={{ cursor: 'pointer' }}
                onClick={() => onOpen(f.backupName!)}
                role="link"
                tabIndex={0}
                onKeyDown={(e) => e.key === 'Enter' && onOpen(f.backupName!)}
              >
                {f.backupName}
              </Text>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            Requested {relativeTime(f.requestedAt)} ({absoluteTime(f.requestedAt)})
            {f.kotsName && f.kotsName !== f.backupName ? ` · KOTS name ${f.kotsName}` : ''}
            {f.finishedAt ? ` · took ${duration(Date.parse(f.finishedAt) - Date.parse(f.requestedAt))}` : ''}
          </Text>
        </Stack>
        <StatusBadge tone={followedTone(f)} testId="followed-state">
          {STATE_WORDS[f.state]}
          {s && active ? ` · ${s.phase}` : ''}
        </StatusBadge>
      </Group>
      {(active || s) && <ItemsProgress s={s} active={active} items={items} />}
      {f.registry && <RegistryPart r={f.registry} />}
      {f.timeline.length > 0 && (
        <Timeline active={f.timeline.length - 1} bulletSize={14} lineWidth={2} mb="sm" data-testid="followed-timeline">
          {f.timeline.map((t) => (
            <Timeline.Item key={`${t.phase}-${t.at}`} title={<Text size="sm">{t.phase}</Text>}>
              <Text size="xs" c="dimmed">
                {absoluteTime(t.at)}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {f.message && (
        <Text size="sm" c={f.state === 'failed' || f.state === 'lost' ? 'red' : undefined} data-testid="followed-message">
          {f.message}
        </Text>
      )}
      {f.error?.hint && (
        <Text size="sm" mt={4}>
          <Text span fw={600} size="sm">
            What to do:{' '}
          </Text>
          {f.error.hint}
        </Text>
      )}
    </Card>
  );
}
