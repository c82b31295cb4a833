/** The tabs of a backup's detail drawer: summary, Velero's results, resources, hook outcomes, log. */
import { Badge, Code, ScrollArea, Stack, Table, Text } from '@mantine/core';
import type { BackupDetail, BackupSummary } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Fact } from '../../components/Fact.js';
import { LogViewer } from '../../components/LogViewer.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, bytes, duration } from '../../format.js';
import type { BackupLogState } from '../../store/backups.js';
import { backupDurationMs, selectsText, sizeText, veleroBackupsText } from './format.js';

type Panel = { b: BackupSummary; data: BackupDetail };

function PodVolumes({ data }: { data: BackupDetail }) {
  return data.podVolumeBackups.length === 0 ? (
    <Text size="sm" c="dimmed">
      No pod volume was backed up (volumes are opt-in with backup.velero.io/backup-volumes).
    </Text>
  ) : (
    <Table>
      <Table.Tbody>
        {data.podVolumeBackups.map((p) => (
          <Table.Tr key={p.name}>
            <Table.Td>{p.pod}</Table.Td>
            <Table.Td>{p.volume}</Table.Td>
            <Table.Td>{p.phase}</Table.Td>
            <Table.Td>
              {bytes(p.bytesDone)} / {bytes(p.totalBytes)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function SummaryPanel({ b, data }: Panel) {
  return (
    <Stack gap={6}>
      <Fact label="Started">{absoluteTime(b.startedAt)}</Fact>
      <Fact label="Completed">{absoluteTime(b.completedAt)}</Fact>
      <Fact label="Duration">{duration(backupDurationMs(b))}</Fact>
      <Fact label="Expires">{absoluteTime(b.expiresAt)}</Fact>
      <Fact label="Trigger">{b.trigger ?? '—'}</Fact>
      {/* Improved disaster recovery: one backup made of several Velero Backups (the log tab shows each in turn). */}
      {b.veleroBackups && <Fact label="Velero Backups">{veleroBackupsText(b)}</Fact>}
      <Fact label="Apps">{b.apps.map((a) => `${a.slug} ${a.version ?? ''}`).join(', ') || '—'}</Fact>
      <Fact label="Items">{`${b.itemsBackedUp ?? '—'} backed up of ${b.totalItems ?? '—'}`}</Fact>
      <Fact label="Errors / warnings">{`${b.errors} / ${b.warnings}`}</Fact>
      <Fact label="Hooks">{`${b.hooksAttempted ?? 0} run, ${b.hooksFailed ?? 0} failed`}</Fact>
      <Fact label="Storage location">{data.spec.storageLocation ?? 'default'}</Fact>
      <Fact label="Size in the store">{sizeText(b)}</Fact>
      <Fact label="Namespaces">{data.spec.includedNamespaces.join(', ')}</Fact>
      {data.spec.excludedNamespaces.length > 0 && <Fact label="Excluded">{data.spec.excludedNamespaces.join(', ')}</Fact>}
      <Fact label="Selects">{selectsText(data.spec)}</Fact>
      <Fact label="Retention (TTL)">{data.spec.ttl ?? 'Velero default'}</Fact>
      {b.failureReason && <Fact label="Failure">{b.failureReason}</Fact>}
      {b.validationErrors?.map((e) => (
        <Text key={e} size="sm" c="red">
          {e}
        </Text>
      ))}
      <Text fw={600} size="sm" mt="sm">
        Pod volumes
      </Text>
      <PodVolumes data={data} />
      {data.notes.map((n) => (
        <Text key={n} size="xs" c="dimmed">
          {n}
        </Text>
      ))}
    </Stack>
  );
}

export function ResultsPanel({ data, finished }: { data: BackupDetail; finished: boolean }) {
  return data.results.length === 0 ? (
    <Text size="sm" c="dimmed">
      {finished ? 'Velero reported no errors or warnings.' : 'Available once the backup has finished.'}
    </Text>
  ) : (
    <Table striped>
      <Table.Tbody>
        {data.results.map((r, i) => (
          <Table.Tr key={i}>
            <Table.Td>
              <Badge color={r.kind === 'error' ? 'red' : 'yellow'} variant="light">
                {r.kind}
              </Badge>
            </Table.Td>
            <Table.Td>{r.scope}</Table.Td>
            <Table.Td>{r.message}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ResourcesPanel({ data, finished }: { data: BackupDetail; finished: boolean }) {
  return (
    <ScrollArea h={480}>
      {Object.entries(data.resources).map(([kind, items]) => (
        <Stack key={kind} gap={2} mb="sm">
          <Text size="sm" fw={600}>
            {kind} ({items.length})
          </Text>
          <Code block>{items.join('\n')}</Code>
        </Stack>
      ))}
      {Object.keys(data.resources).length === 0 && (
        <Text size="sm" c="dimmed">
          No resource list{finished ? '' : ' yet'}.
        </Text>
      )}
    </ScrollArea>
  );
}

export function HookOutcomesPanel({ b, data }: Panel) {
  if (data.hooks.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {b.hooksAttempted ? 'Hook outcomes could not be read from the log.' : 'Velero recorded no hook run for this backup, and its log has none.'}
      </Text>
    );
  }
  return (
    <Table data-testid="hook-outcomes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Phase</Table.Th>
          <Table.Th>Pod (container)</Table.Th>
          <Table.Th>Command</Table.Th>
          <Table.Th>Outcome</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {data.hooks.map((h, i) => (
          <Table.Tr key={i}>
            <Table.Td>{h.phase}</Table.Td>
            <Table.Td>
              {h.pod ? `${h.namespace ?? '?'}/${h.pod}` : 'pod not named in the log'} ({h.container ?? '?'})
            </Table.Td>
            <Table.Td>
              <Code>{h.command}</Code>
            </Table.Td>
            <Table.Td>
              <StatusBadge tone={h.ok ? 'ok' : 'error'} size="sm">
                {h.ok ? 'ran' : 'failed'}
              </StatusBadge>
              {h.error && (
                <Text size="xs" c="red">
                  {h.error}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function LogPanel({ b, log, finished }: { b: BackupSummary; log: BackupLogState | null; finished: boolean }) {
  if (!finished) {
    return (
      <Text size="sm" c="dimmed">
        Velero uploads the log when the backup finishes.
      </Text>
    );
  }
  if (log?.error) return <ErrorAlert title="Could not read the log" error={log.error} />;
  return (
    <LogViewer
      lines={log?.lines ?? []}
      total={log?.total}
      loading={!log || log.loading}
      fileName={`${b.name}-backup.log`}
      label={`Velero log of backup ${b.name}`}
      height={480}
    />
  );
}
