import { Alert, Badge, Button, Drawer, Group, Loader, Modal, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BackupSummary } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useLifeboat } from '../../store/index.js';
import { HookOutcomesPanel, LogPanel, ResourcesPanel, ResultsPanel, SummaryPanel } from './BackupDetailPanels.js';
import { isRunningPhase, phaseTone, resourceCount, typeLabel } from './format.js';

function DeleteButton({ name, phase }: { name: string; phase: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { del, deleting, error } = useLifeboat(useShallow((s) => ({ del: s.deleteBackup, deleting: s.backupDeleting, error: s.backupDeleteError })));
  const running = isRunningPhase(phase);
  return (
    <>
      <Button
        color="red"
        variant="light"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={() => setOpen(true)}
        disabled={running || phase === 'Deleting'}
        title={running ? 'A backup still in progress cannot be deleted.' : undefined}
        data-testid="backup-delete"
      >
        {phase === 'Deleting' ? 'Deleting…' : 'Delete'}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete backup ${name}?`} centered>
        <Stack>
          <Text size="sm">
            Velero deletes the backup from the storage location and the cluster (a DeleteBackupRequest). This cannot be undone; a restore from it is no longer
            possible.
          </Text>
          <TextInput
            label={`Type ${name} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-testid="backup-delete-confirm"
            data-autofocus
          />
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

function DetailHeader({ b }: { b: BackupSummary }) {
  return (
    <Group justify="space-between">
      <Group gap="xs">
        <StatusBadge tone={phaseTone(b.phase)} testId="detail-phase">
          {b.phase}
        </StatusBadge>
        <Badge variant="outline">{typeLabel[b.type]}</Badge>
        {b.type === 'partial' && (
          <Badge color="yellow" variant="light">
            Legacy: not for disaster recovery
          </Badge>
        )}
      </Group>
      <DeleteButton name={b.name} phase={b.phase} />
    </Group>
  );
}

/** Describe-level detail of one backup: summary, spec, results, resources, volumes, hooks, log. */
export function BackupDetail() {
  const { detail, log, open, loadLog, summary } = useLifeboat(
    useShallow((s) => ({
      detail: s.backupDetail,
      log: s.backupLog,
      open: s.openBackup,
      loadLog: s.loadBackupLog,
      summary: s.backupDetail ? s.backupsByName.get(s.backupDetail.name) : undefined,
    })),
  );
  const [tab, setTab] = useState<string | null>('summary');
  const name = detail?.name;
  useEffect(() => setTab('summary'), [name]);
  const b = summary ?? detail?.data?.summary;
  const gone = detail && !summary && !detail.loading && detail.data;
  const finished = !!b && !isRunningPhase(b.phase) && b.phase !== 'FailedValidation';
  const data = detail?.data;
  return (
    <Drawer
      opened={!!detail}
      onClose={() => void open(null)}
      position="right"
      size="xl"
      title={<Text fw={600}>Backup {name}</Text>}
      data-testid="backup-detail"
    >
      {detail?.loading && <Loader size="sm" aria-label="Loading the backup" />}
      {detail?.error && <ErrorAlert title="Could not read this backup" error={detail.error} />}
      {gone && (
        <Alert color="gray" mb="sm" data-testid="backup-gone">
          This backup no longer exists.
        </Alert>
      )}
      {b && data && (
        <Stack>
          <DetailHeader b={b} />
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="summary">Summary</Tabs.Tab>
              <Tabs.Tab value="results">Errors and warnings ({data.results.length})</Tabs.Tab>
              <Tabs.Tab value="resources">Resources ({resourceCount(data.resources)})</Tabs.Tab>
              <Tabs.Tab value="hooks" data-testid="tab-detail-hooks">
                Hooks ({data.hooks.length})
              </Tabs.Tab>
              <Tabs.Tab value="log" onClick={() => name && log?.name !== name && void loadLog(name)} data-testid="tab-log">
                Log
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="summary" pt="md">
              <SummaryPanel b={b} data={data} />
            </Tabs.Panel>
            <Tabs.Panel value="results" pt="md">
              <ResultsPanel data={data} finished={finished} />
            </Tabs.Panel>
            <Tabs.Panel value="resources" pt="md">
              <ResourcesPanel data={data} finished={finished} />
            </Tabs.Panel>
            <Tabs.Panel value="hooks" pt="md">
              <HookOutcomesPanel b={b} data={data} />
            </Tabs.Panel>
            <Tabs.Panel value="log" pt="md">
              <LogPanel b={b} log={log} finished={finished} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
