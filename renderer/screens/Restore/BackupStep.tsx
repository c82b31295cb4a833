/** The restore wizard's backup choice: every backup, with whether it can be restored here and why. */
import { Alert, Button, Group, Radio, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { RestoreBackup, RestoreWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { selectableRowProps } from '../../components/selectableRow.js';
import { absoluteTime, plural, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { Nav } from './Nav.js';

function BackupRow({ b, selected, onSelect }: { b: RestoreBackup; selected: boolean; onSelect(): void }) {
  const blocking = b.checks.filter((c) => c.severity === 'error');
  const warnings = b.checks.filter((c) => c.severity === 'warning');
  return (
    // The whole row chooses the backup (click, Enter or Space); the radio shows and tells the choice.
    <Table.Tr data-testid={`backup-${b.name}`} data-restorable={b.restorable} {...selectableRowProps({ selected, disabled: !b.restorable, onSelect })}>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Radio
          checked={selected}
          onChange={onSelect}
          disabled={!b.restorable}
          aria-label={b.restorable ? `Restore from ${b.name}` : `${b.name} cannot be restored`}
          name="restore-backup"
          tabIndex={-1}
        />
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text fw={600} size="sm">
          {b.name}
        </Text>
        <Text size="xs" c="dimmed" title={absoluteTime(b.startedAt)}>
          {b.startedAt ? `taken ${relativeTime(b.startedAt)} (${absoluteTime(b.startedAt)})` : 'not started'}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">{b.apps.map((a) => `${a.slug}${a.version ? ` ${a.version}` : ''}`).join(', ') || '—'}</Text>
        <Text size="xs" c="dimmed">
          {b.kotsVersion ? `KOTS ${b.kotsVersion}` : 'KOTS version unknown'}
          {b.airgap !== undefined ? (b.airgap ? ' · air gap' : ' · online') : ''}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top', maxWidth: 520 }}>
        <StatusBadge tone={b.restorable ? (warnings.length ? 'warning' : 'ok') : 'error'} testId="backup-verdict">
          {b.restorable ? (warnings.length ? 'Restorable, with warnings' : 'Restorable') : 'Not restorable'}
        </StatusBadge>
        {(blocking.length > 0 || warnings.length > 0) && (
          <div style={{ marginTop: 8 }}>
            <CheckList checks={[...blocking, ...warnings]} testId="backup-reasons" />
          </div>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function BackupStep({ wizard }: { wizard: RestoreWizard }) {
  const backups = useLifeboat((s) => s.restoreBackups);
  const load = useLifeboat((s) => s.loadRestoreBackups);
  const select = useLifeboat((s) => s.selectRestoreBackup);
  const back = useLifeboat((s) => s.restoreBack);
  const pending = useLifeboat((s) => s.restorePending);
  const [chosen, setChosen] = useState<string | undefined>(wizard.backup);
  useEffect(() => {
    void load();
  }, [load]);
  const restorable = backups?.filter((b) => b.restorable).length ?? 0;
  return (
    <Stack data-testid="restore-backups">
      <Group justify="space-between">
        <Text size="sm">
          {backups
            ? `${plural(backups.length, 'backup')}, ${restorable} restorable here. Lifeboat checks each one itself before the kots CLI ever sees it.`
            : 'Reading the backups…'}
        </Text>
        <Button size="xs" variant="subtle" leftSection={<IconRefresh size={14} aria-hidden />} onClick={() => void load()} loading={pending === 'backups'}>
          Refresh
        </Button>
      </Group>
      {backups && backups.length > 0 && (
        <Table verticalSpacing="sm" aria-label="Backups">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <span className="visually-hidden">Choose</span>
              </Table.Th>
              <Table.Th>Backup</Table.Th>
              <Table.Th>Application</Table.Th>
              <Table.Th>Can it be restored here?</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {backups.map((b) => (
              <BackupRow key={b.name} b={b} selected={chosen === b.name} onSelect={() => setChosen(b.name)} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {backups && backups.length === 0 && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} aria-hidden />} title="No backups">
          Velero on this cluster has no backups. Take one on the Backups screen, or on a new cluster check that Velero uses the same storage.
        </Alert>
      )}
      <Nav onBack={() => void back('situation')}>
        <Button onClick={() => chosen && void select(chosen)} disabled={!chosen} loading={pending === 'select'} data-testid="backup-continue">
          Continue with {chosen ?? 'a backup'}
        </Button>
      </Nav>
    </Stack>
  );
}
