import { Alert, Badge, Button, Code, Drawer, Group, Loader, Modal, ScrollArea, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Fact } from '../../components/Fact.js';
import { LogViewer } from '../../components/LogViewer.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, duration } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { backupDurationMs, bytes, isRunningPhase, phaseTone, typeLabel } from './format.js';

function DeleteButton({ name, phase }: { name: string; phase: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { del, deleting, error } = useLifeboat(useShallow((s) => ({ del: s.deleteBackup, deleting: s.backupDeleting, error: s.backupDeleteError })));
  const running = isRunningPhase(phase);
  return (
    <>
      <Button color="red" variant="light" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => setOpen(true)} disabled={running || phase === 'Deleting'} title={running ? 'A backup still in progress cannot be deleted.' : undefined} data-testid="backup-delete">
        {phase === 'Deleting' ? 'Deleting…' : 'Delete'}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete backup ${name}?`} centered>
        <Stack>
          <Text size="sm">Velero deletes the backup from the storage location and the cluster (a DeleteBackupRequest). This cannot be undone; a restore from it is no longer possible.</Text>
          <TextInput label={`Type ${name} to confirm`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} data-testid="backup-delete-confirm" data-autofocus />
          {error && <ErrorAlert title="Not deleted" error={error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button
              color="red"
              disabled={typed !== name}
              loading={deleting === name}
              onClick={async () => {
                if (await del(name, typed)) {
                  setOpen(false);
                  setTyped('');
                }
              }}
              data-testid="backup-delete-submit"
            >
              Delete backup
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Describe-level detail of one backup: summary, spec, results, resources, volumes, hooks, log. */
export function BackupDetail() {
  const { detail, log, open, loadLog, summary } = useLifeboat(
    useShallow((s) => ({ detail: s.backupDetail, log: s.backupLog, open: s.openBackup, loadLog: s.loadBackupLog, summary: s.backupDetail ? s.backupsByName.get(s.backupDetail.name) : undefined })),
  );
  const [tab, setTab] = useState<string | null>('summary');
  const name = detail?.name;
  useEffect(() => setTab('summary'), [name]);
  const b = summary ?? detail?.data?.summary;
  const gone = detail && !summary && !detail.loading && detail.data;
  const finished = b && !isRunningPhase(b.phase) && b.phase !== 'FailedValidation';
  return (
    <Drawer opened={!!detail} onClose={() => void open(null)} position="right" size="xl" title={<Text fw={600}>Backup {name}</Text>} data-testid="backup-detail">
      {detail?.loading && <Loader size="sm" aria-label="Loading the backup" />}
      {detail?.error && <ErrorAlert title="Could not read this backup" error={detail.error} />}
      {gone && (
        <Alert color="gray" mb="sm" data-testid="backup-gone">
          This backup no longer exists.
        </Alert>
      )}
      {b && detail?.data && (
        <Stack>
          <Group justify="space-between">
            <Group gap="xs">
              <StatusBadge tone={phaseTone(b.phase)} testId="detail-phase">
                {b.phase}
              </StatusBadge>
              <Badge variant="outline">{typeLabel[b.type]}</Badge>
              {b.type === 'partial' && <Badge color="yellow" variant="light">Legacy: not for disaster recovery</Badge>}
            </Group>
            <DeleteButton name={b.name} phase={b.phase} />
          </Group>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="summary">Summary</Tabs.Tab>
              <Tabs.Tab value="results">Errors and warnings ({detail.data.results.length})</Tabs.Tab>
              <Tabs.Tab value="resources">Resources ({Object.values(detail.data.resources).reduce((n, x) => n + x.length, 0)})</Tabs.Tab>
              <Tabs.Tab value="hooks" data-testid="tab-detail-hooks">
                Hooks ({detail.data.hooks.length})
              </Tabs.Tab>
              <Tabs.Tab value="log" onClick={() => name && log?.name !== name && void loadLog(name)} data-testid="tab-log">
                Log
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="summary" pt="md">
              <Stack gap={6}>
                <Fact label="Started">{absoluteTime(b.startedAt)}</Fact>
                <Fact label="Completed">{absoluteTime(b.completedAt)}</Fact>
                <Fact label="Duration">{duration(backupDurationMs(b))}</Fact>
                <Fact label="Expires">{absoluteTime(b.expiresAt)}</Fact>
                <Fact label="Trigger">{b.trigger ?? '—'}</Fact>
                {/* Improved disaster recovery: one backup made of several Velero Backups (the log tab shows each in turn). */}
                {b.veleroBackups && <Fact label="Velero Backups">{b.veleroBackups.map((v) => `${v.name} (${v.type}, ${v.phase})`).join(', ') + (b.expectedBackups && b.expectedBackups > b.veleroBackups.length ? ` · ${b.expectedBackups - b.veleroBackups.length} of ${b.expectedBackups} missing` : '')}</Fact>}
                <Fact label="Apps">{b.apps.map((a) => `${a.slug} ${a.version ?? ''}`).join(', ') || '—'}</Fact>
                <Fact label="Items">{`${b.itemsBackedUp ?? '—'} backed up of ${b.totalItems ?? '—'}`}</Fact>
                <Fact label="Errors / warnings">{`${b.errors} / ${b.warnings}`}</Fact>
                <Fact label="Hooks">{`${b.hooksAttempted ?? 0} run, ${b.hooksFailed ?? 0} failed`}</Fact>
                <Fact label="Storage location">{detail.data.spec.storageLocation ?? 'default'}</Fact>
                <Fact label="Size in the store">{b.sizeBytes === undefined ? `— ${b.sizeNote ? `(${b.sizeNote})` : ''}` : `${bytes(b.sizeBytes)}${b.sizeNote ? ` · ${b.sizeNote}` : ''}`}</Fact>
                <Fact label="Namespaces">{detail.data.spec.includedNamespaces.join(', ')}</Fact>
                {detail.data.spec.excludedNamespaces.length > 0 && <Fact label="Excluded">{detail.data.spec.excludedNamespaces.join(', ')}</Fact>}
                <Fact label="Selects">{[detail.data.spec.labelSelector, ...detail.data.spec.orLabelSelectors].filter(Boolean).join(' or ') || 'everything'}</Fact>
                <Fact label="Retention (TTL)">{detail.data.spec.ttl ?? 'Velero default'}</Fact>
                {b.failureReason && <Fact label="Failure">{b.failureReason}</Fact>}
                {b.validationErrors?.map((e) => (
                  <Text key={e} size="sm" c="red">
                    {e}
                  </Text>
                ))}
                <Text fw={600} size="sm" mt="sm">
                  Pod volumes
                </Text>
                {detail.data.podVolumeBackups.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    No pod volume was backed up (volumes are opt-in with backup.velero.io/backup-volumes).
                  </Text>
                ) : (
                  <Table>
                    <Table.Tbody>
                      {detail.data.podVolumeBackups.map((p) => (
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
                )}
                {detail.data.notes.map((n) => (
                  <Text key={n} size="xs" c="dimmed">
                    {n}
                  </Text>
                ))}
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="results" pt="md">
              {detail.data.results.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {finished ? 'Velero reported no errors or warnings.' : 'Available once the backup has finished.'}
                </Text>
              ) : (
                <Table striped>
                  <Table.Tbody>
                    {detail.data.results.map((r, i) => (
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
              )}
            </Tabs.Panel>
            <Tabs.Panel value="resources" pt="md">
              <ScrollArea h={480}>
                {Object.entries(detail.data.resources).map(([kind, items]) => (
                  <Stack key={kind} gap={2} mb="sm">
                    <Text size="sm" fw={600}>
                      {kind} ({items.length})
                    </Text>
                    <Code block>{items.join('\n')}</Code>
                  </Stack>
                ))}
                {Object.keys(detail.data.resources).length === 0 && (
                  <Text size="sm" c="dimmed">
                    No resource list{finished ? '' : ' yet'}.
                  </Text>
                )}
              </ScrollArea>
            </Tabs.Panel>
            <Tabs.Panel value="hooks" pt="md">
              {detail.data.hooks.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {b.hooksAttempted ? 'Hook outcomes could not be read from the log.' : 'Velero recorded no hook run for this backup, and its log has none.'}
                </Text>
              ) : (
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
                    {detail.data.hooks.map((h, i) => (
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
              )}
            </Tabs.Panel>
            <Tabs.Panel value="log" pt="md">
              {!finished ? (
                <Text size="sm" c="dimmed">
                  Velero uploads the log when the backup finishes.
                </Text>
              ) : log?.error ? (
                <ErrorAlert title="Could not read the log" error={log.error} />
              ) : (
                <LogViewer lines={log?.lines ?? []} total={log?.total} loading={!log || log.loading} fileName={`${b.name}-backup.log`} label={`Velero log of backup ${b.name}`} height={480} />
              )}
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
