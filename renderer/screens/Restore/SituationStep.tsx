/** The restore wizard's first step: roll back on this cluster, or recover onto a new one. */
import { Anchor, Button, Card, Checkbox, Group, Radio, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { RestoreStorage, RestoreWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { Fact } from '../../components/Fact.js';
import { relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { Nav } from './Nav.js';

/** A new cluster: Velero's storage as seen from here, the backups found there, and the read-only choice. */
function StorageCard({
  storage,
  refresh,
  refreshing,
  readOnly,
  setReadOnly,
}: {
  storage: RestoreStorage | null;
  refresh(): void;
  refreshing: boolean;
  readOnly: boolean;
  setReadOnly(v: boolean): void;
}) {
  return (
    <Card withBorder data-testid="restore-storage">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          Backups on this cluster
        </Title>
        <Button size="xs" variant="subtle" leftSection={<IconRefresh size={14} aria-hidden />} onClick={refresh} loading={refreshing}>
          Refresh
        </Button>
      </Group>
      <Text size="sm" mb="sm">
        Install Velero here against the <b>same storage</b> (bucket and prefix) the old cluster used:{' '}
        <Anchor href="#/setup" data-testid="link-setup">
          open Setup
        </Anchor>
        . Lifeboat notices when it is done and waits for Velero to read the backups.
      </Text>
      {storage && (
        <SimpleGrid cols={{ base: 2, md: 4 }} mb="sm">
          <Fact label="Velero">{storage.veleroInstalled ? (storage.veleroVersion ?? 'installed') : 'not installed'}</Fact>
          <Fact label="Storage">{storage.location ? `${storage.location.name} (${storage.location.phase ?? 'unknown'})` : '—'}</Fact>
          <Fact label="Last read">{storage.location?.lastSyncedTime ? relativeTime(storage.location.lastSyncedTime) : 'not yet'}</Fact>
          <Fact label="Backups found" testId="storage-backup-count">
            {String(storage.backupCount)}
          </Fact>
        </SimpleGrid>
      )}
      {storage && <CheckList checks={storage.checks} testId="storage-checks" />}
      <Checkbox
        mt="md"
        checked={readOnly}
        onChange={(e) => setReadOnly(e.currentTarget.checked)}
        label="Keep the backup storage read-only while restoring (recommended)"
        description="Velero then cannot write to or delete from the old cluster's backups during the restore. Lifeboat sets it back afterwards."
        data-testid="readonly-toggle"
      />
    </Card>
  );
}

export function SituationStep({ wizard }: { wizard: RestoreWizard }) {
  const [situation, setSituation] = useState<'same-cluster' | 'new-cluster'>(wizard.situation ?? 'same-cluster');
  const [readOnly, setReadOnly] = useState(wizard.situation === 'new-cluster' ? wizard.readOnlyDuringRestore : true);
  const storage = useLifeboat((s) => s.restoreStorage);
  const loadStorage = useLifeboat((s) => s.loadRestoreStorage);
  const choose = useLifeboat((s) => s.chooseRestoreSituation);
  const pending = useLifeboat((s) => s.restorePending);

  useEffect(() => {
    if (situation !== 'new-cluster') return;
    void loadStorage();
    const t = setInterval(() => void loadStorage(), 5000);
    return () => clearInterval(t);
  }, [situation, loadStorage]);

  const ready = situation === 'same-cluster' || (!!storage?.ready && storage.backupCount > 0);
  return (
    <Stack data-testid="restore-situation">
      <Radio.Group value={situation} onChange={(v) => setSituation(v)} label="Where are you restoring?" name="restore-situation">
        <Stack gap="sm" mt="xs">
          <Radio
            value="same-cluster"
            label="Roll back on this cluster"
            description="The cluster is healthy enough; bring the admin console or the application back to an earlier backup."
            data-testid="situation-same"
          />
          <Radio
            value="new-cluster"
            label="Recover onto a new or rebuilt cluster"
            description="The old cluster is gone. Velero on this cluster reads the backups from the same storage."
            data-testid="situation-new"
          />
        </Stack>
      </Radio.Group>
      {situation === 'new-cluster' && (
        <StorageCard storage={storage} refresh={() => void loadStorage()} refreshing={pending === 'storage'} readOnly={readOnly} setReadOnly={setReadOnly} />
      )}
      <Nav>
        <Button
          onClick={() => void choose(situation, situation === 'new-cluster' ? readOnly : undefined)}
          disabled={!ready}
          loading={pending === 'situation'}
          data-testid="situation-continue"
        >
          Continue
        </Button>
      </Nav>
    </Stack>
  );
}
