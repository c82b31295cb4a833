/**
 * The restore wizard's steps. Each reads the store and calls its actions; none talks to the API.
 */
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, List, Progress, Radio, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconDownload, IconRefresh, IconRestore } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { RestoreBackup, RestoreProgress, RestoreRun, RestoreRunStep, RestoreType, RestoreWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { Fact } from '../../components/Fact.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { selectableRowProps } from '../../components/selectableRow.js';
import { ShowInFolderButton } from '../../components/ShowInFolderButton.js';
import { absoluteTime, plural, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';


export const TYPE_INFO: Record<RestoreType, { label: string; what: string; consequences: string[] }> = {
  full: {
    label: 'Full restore',
    what: 'The admin console and the application, as they were when the backup was taken. Use this on a new or rebuilt cluster.',
    consequences: [
      'KOTS deletes the admin console and the application, including the application\'s persistent volume claims and their data, then restores both.',
      'Anything changed since the backup (data, configuration, releases) is lost. This cannot be undone.',
    ],
  },
  app: {
    label: 'Application only',
    what: 'Roll the application back to the backup. The admin console keeps running as it is.',
    consequences: [
      'KOTS deletes the application and its persistent volume claims (with their data) before restoring it from the backup.',
      'Data written since the backup is lost. This cannot be undone.',
    ],
  },
  'admin-console': {
    label: 'Admin console only',
    what: 'Bring back the admin console (its database, settings and releases). The application keeps running as it is.',
    consequences: ['KOTS deletes the admin console and restores it from the backup: configuration changes and releases uploaded since then are lost.'],
  },
};

function Nav({ onBack, children }: { onBack?: () => void; children?: React.ReactNode }) {
  const pending = useLifeboat((s) => s.restorePending);
  return (
    <Group justify="space-between" mt="lg">
      {onBack ? (
        <Button variant="default" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={onBack} disabled={!!pending}>
          Back
        </Button>
      ) : (
        <span />
      )}
      <Group gap="xs">{children}</Group>
    </Group>
  );
}

// ---------------------------------------------------------------------------------------------

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
          <Radio value="same-cluster" label="Roll back on this cluster" description="The cluster is healthy enough; bring the admin console or the application back to an earlier backup." data-testid="situation-same" />
          <Radio value="new-cluster" label="Recover onto a new or rebuilt cluster" description="The old cluster is gone. Velero on this cluster reads the backups from the same storage." data-testid="situation-new" />
        </Stack>
      </Radio.Group>
      {situation === 'new-cluster' && (
        <Card withBorder data-testid="restore-storage">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h5">
              Backups on this cluster
            </Title>
            <Button size="xs" variant="subtle" leftSection={<IconRefresh size={14} aria-hidden />} onClick={() => void loadStorage()} loading={pending === 'storage'}>
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
              <Fact label="Velero">{storage.veleroInstalled ? storage.veleroVersion ?? 'installed' : 'not installed'}</Fact>
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
      )}
      <Nav>
        <Button onClick={() => void choose(situation, situation === 'new-cluster' ? readOnly : undefined)} disabled={!ready} loading={pending === 'situation'} data-testid="situation-continue">
          Continue
        </Button>
      </Nav>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

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
          {backups ? `${plural(backups.length, 'backup')}, ${restorable} restorable here. Lifeboat checks each one itself before the kots CLI ever sees it.` : 'Reading the backups…'}
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

// ---------------------------------------------------------------------------------------------

export function TypeStep({ wizard }: { wizard: RestoreWizard }) {
  const [type, setType] = useState<RestoreType | undefined>(wizard.type);
  const kotsFound = useLifeboat((s) => s.environment?.kots.found ?? true);
  const select = useLifeboat((s) => s.selectRestoreType);
  const back = useLifeboat((s) => s.restoreBack);
  const pending = useLifeboat((s) => s.restorePending);
  const order: RestoreType[] = wizard.situation === 'new-cluster' ? ['full', 'app', 'admin-console'] : ['app', 'full', 'admin-console'];
  return (
    <Stack data-testid="restore-type">
      <Radio.Group value={type ?? null} onChange={(v) => setType(v)} label={`What should come back from ${wizard.backup}?`} name="restore-type">
        <Stack gap="sm" mt="xs">
          {order.map((t) => {
            const info = TYPE_INFO[t];
            const disabled = t === 'app' && !kotsFound;
            return (
              <Card key={t} withBorder padding="sm" data-testid={`type-${t}`}>
                <Radio value={t} label={info.label} description={disabled ? 'Not possible here: there is no admin console on this cluster to restore the application into.' : info.what} disabled={disabled} />
                <List size="sm" mt={6} ml={34} spacing={2} icon={<IconAlertTriangle size={14} color="var(--mantine-color-orange-6)" aria-hidden />}>
                  {info.consequences.map((c) => (
                    <List.Item key={c}>{c}</List.Item>
                  ))}
                </List>
              </Card>
            );
          })}
        </Stack>
      </Radio.Group>
      <Nav onBack={() => void back('backup')}>
        <Button onClick={() => type && void select(type)} disabled={!type} loading={pending === 'type'} data-testid="type-continue">
          Continue
        </Button>
      </Nav>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

function RefTable({ refs, label, total, testId, showExists }: { refs: Array<{ kind: string; namespace?: string; name: string; existsNow?: boolean }>; label: string; total: number; testId: string; showExists?: boolean }) {
  const shown = refs.slice(0, 60);
  return (
    <div data-testid={testId}>
      <Table striped withTableBorder fz="sm" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Namespace</Table.Th>
            <Table.Th>Name</Table.Th>
            {showExists && <Table.Th>Now</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((r) => (
            <Table.Tr key={`${r.kind}/${r.namespace}/${r.name}`}>
              <Table.Td>{r.kind}</Table.Td>
              <Table.Td>{r.namespace ?? '(cluster)'}</Table.Td>
              <Table.Td>{r.name}</Table.Td>
              {showExists && <Table.Td>{r.existsNow ? 'exists' : 'missing'}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {total > shown.length && (
        <Text size="xs" c="dimmed" mt={4}>
          …and {total - shown.length} more.
        </Text>
      )}
    </div>
  );
}

export function ConfirmStep({ wizard }: { wizard: RestoreWizard }) {
  const impact = useLifeboat((s) => s.restoreImpact);
  const loadImpact = useLifeboat((s) => s.loadRestoreImpact);
  const start = useLifeboat((s) => s.startRestore);
  const back = useLifeboat((s) => s.restoreBack);
  const pending = useLifeboat((s) => s.restorePending);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    void loadImpact();
  }, [loadImpact, wizard.backup, wizard.type]);
  const slug = wizard.appSlug ?? wizard.backup ?? '';
  const matches = typed.trim() === slug;
  const info = TYPE_INFO[wizard.type!];
  return (
    <Stack data-testid="restore-confirm">
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={20} aria-hidden />} title={`${info.label} from ${wizard.backup}: read this first`} data-testid="restore-consequences">
        <List size="sm" spacing={4}>
          {(impact?.consequences ?? info.consequences).map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
      </Alert>
      {pending === 'preview' && !impact && <Text size="sm">Reading the backup's resource list and the cluster…</Text>}
      {impact && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Deleted first: {plural(impact.toDeleteTotal, 'object')}
              {impact.namespacesCleared.length ? ` in ${impact.namespacesCleared.join(', ')}` : ''}
            </Title>
            {impact.toDeleteTotal ? <RefTable refs={impact.toDelete} total={impact.toDeleteTotal} label="Objects deleted first" testId="impact-delete" /> : <Text size="sm">Nothing to delete: it is already gone.</Text>}
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h5">
              Restored from the backup: {plural(impact.toRestoreTotal, 'object')}
            </Title>
            <RefTable refs={impact.toRestore} total={impact.toRestoreTotal} label="Objects restored" testId="impact-restore" showExists />
          </Stack>
        </SimpleGrid>
      )}
      {impact?.notes.map((n) => (
        <Text key={n} size="xs" c="dimmed">
          {n}
        </Text>
      ))}
      <Card withBorder>
        <TextInput
          label={`To restore, type the application's name: ${slug}`}
          description="This is the last step before anything is deleted."
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          data-testid="confirm-input"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches) void start(typed);
          }}
        />
      </Card>
      {wizard.registry && (
        <Text size="sm" c={wizard.registry.state === 'skipped' ? 'orange' : 'teal'} data-testid="confirm-registry">
          {wizard.registry.state === 'skipped'
            ? `Registry not re-seeded (your choice): ${wizard.registry.skippedConsequence ?? ''}`
            : `Registry ${wizard.registry.registry ?? ''} re-seeded: every tag (${wizard.registry.tagsOk ?? 0}) resolves to the archive's digest.`}
        </Text>
      )}
      <Nav onBack={() => void back(wizard.registry ? 'registry' : 'type')}>
        <Button color="red" leftSection={<IconRestore size={16} aria-hidden />} onClick={() => void start(typed)} disabled={!matches} loading={pending === 'start'} data-testid="start-restore">
          Delete and restore
        </Button>
      </Nav>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

const STEP_TONE: Record<RestoreRunStep['state'], 'ok' | 'warning' | 'error' | 'neutral' | 'progress'> = {
  pending: 'neutral',
  starting: 'progress',
  running: 'progress',
  succeeded: 'ok',
  attention: 'warning',
  failed: 'error',
  interrupted: 'warning',
};
const STEP_WORDS: Record<RestoreRunStep['state'], string> = {
  pending: 'Waiting',
  starting: 'Starting',
  running: 'Restoring',
  succeeded: 'Restored',
  attention: 'Restored with problems',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

function RestoreProgressView({ p }: { p: RestoreProgress }) {
  const pct = p.totalItems ? Math.round(((p.itemsRestored ?? 0) / p.totalItems) * 100) : p.phase === 'Completed' ? 100 : 0;
  const pv = p.podVolumeRestores;
  return (
    <Stack gap={4} data-testid={`progress-${p.name}`} data-phase={p.phase}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Velero restore {p.name}
        </Text>
        <Badge variant="light" color={p.phase === 'Completed' ? 'teal' : p.phase === 'PartiallyFailed' ? 'yellow' : p.phase === 'Failed' || p.phase === 'FailedValidation' ? 'red' : 'blue'}>
          {p.phase}
        </Badge>
      </Group>
      <Progress value={pct} animated={p.phase === 'InProgress'} aria-label={`${p.name}: ${pct}%`} />
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {p.itemsRestored ?? 0} of {p.totalItems ?? '?'} items · {plural(p.warnings, 'warning')} · {plural(p.errors, 'error')} · volumes: {pv.total ? `${pv.completed}/${pv.total}${pv.failed ? `, ${pv.failed} failed` : ''}` : 'none'}
        {p.failureReason ? ` · ${p.failureReason}` : ''}
      </Text>
    </Stack>
  );
}

export function RunStep({ wizard }: { wizard: RestoreWizard }) {
  const run = wizard.run!;
  const resume = useLifeboat((s) => s.resumeRestore);
  const pending = useLifeboat((s) => s.restorePending);
  const [typed, setTyped] = useState('');
  const active = run.state === 'running' || run.state === 'verifying';
  const stuck = run.steps.find((s) => s.state === 'interrupted' || s.state === 'failed');
  const slug = wizard.appSlug ?? wizard.backup ?? '';
  return (
    <Stack data-testid="restore-run" data-state={run.state} aria-live="polite">
      <Text size="sm">
        {TYPE_INFO[run.type].label} from <b>{run.backup}</b>, started {relativeTime(run.startedAt)}.{' '}
        {active && 'You can close Lifeboat: it picks this restore up again when it opens and never starts a second one.'}
      </Text>
      {run.readOnlyLocation && (
        <Text size="xs" c="dimmed">
          Storage location {run.readOnlyLocation.name} is {run.readOnlyLocation.restored ? `back to ${run.readOnlyLocation.previous}` : 'read-only during the restore'}.
        </Text>
      )}
      {run.steps.map((s, i) => (
        <Card key={s.component} withBorder data-testid={`run-step-${s.component}`} data-state={s.state}>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              {i + 1}. {s.component === 'app' ? `Application ${run.appSlugs.join(', ')}` : 'Admin console'}
            </Title>
            <StatusBadge tone={STEP_TONE[s.state]}>{STEP_WORDS[s.state]}</StatusBadge>
          </Group>
          {s.message && (
            <Text size="sm" mb="xs">
              {s.message}
            </Text>
          )}
          <Stack gap="sm">
            {run.restores.filter((r) => r.component === s.component).map((r) => (
              <RestoreProgressView key={r.name} p={r} />
            ))}
            {s.state === 'running' && !run.restores.some((r) => r.component === s.component) && (
              <Text size="sm" c="dimmed">
                {s.component === 'app' ? 'KOTS is removing the application before Velero restores it…' : 'KOTS is removing the admin console before Velero restores it…'}
              </Text>
            )}
          </Stack>
        </Card>
      ))}
      {run.state === 'verifying' && <Text size="sm">Velero is done. Checking that the admin console and the application are ready…</Text>}
      {!active && stuck && (
        <Card withBorder data-testid="resume-card">
          <Text size="sm" mb="xs">
            {run.error?.hint ?? 'Run the step again to continue.'}
          </Text>
          <Group align="flex-end">
            <TextInput label={`Type ${slug} to run the step again`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" data-testid="resume-input" />
            <Button color="red" disabled={typed.trim() !== slug} loading={pending === 'resume'} onClick={() => void resume(typed)} data-testid="resume-restore">
              Run the step again
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const OUTCOME: Record<RestoreRun['state'], { tone: 'ok' | 'warning' | 'error' | 'progress'; title: string }> = {
  running: { tone: 'progress', title: 'Restoring' },
  verifying: { tone: 'progress', title: 'Checking the result' },
  succeeded: { tone: 'ok', title: 'Restored and verified' },
  attention: { tone: 'warning', title: 'Restored, but something needs attention' },
  failed: { tone: 'error', title: 'The restore failed' },
  interrupted: { tone: 'warning', title: 'The restore was interrupted' },
};

export function ReportStep({ wizard }: { wizard: RestoreWizard }) {
  const run = wizard.run!;
  const v = run.verification;
  const verify = useLifeboat((s) => s.verifyRestore);
  const loadReport = useLifeboat((s) => s.loadRestoreReport);
  const report = useLifeboat((s) => s.restoreReport);
  const reset = useLifeboat((s) => s.resetRestore);
  const pending = useLifeboat((s) => s.restorePending);
  useEffect(() => {
    void loadReport();
  }, [loadReport, run.verification?.checkedAt, run.state]);
  const o = OUTCOME[run.state];
  return (
    <Stack data-testid="restore-report" data-outcome={run.state}>
      <Group justify="space-between">
        <Title order={2} size="h4" data-testid="restore-outcome">
          {o.title}
        </Title>
        <StatusBadge tone={o.tone}>{run.state}</StatusBadge>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Fact label="Backup">{run.backup}</Fact>
        <Fact label="What">{TYPE_INFO[run.type].label}</Fact>
        <Fact label="Started">{absoluteTime(run.startedAt)}</Fact>
        <Fact label="Finished">{absoluteTime(run.finishedAt)}</Fact>
      </SimpleGrid>
      {run.error && (
        <Alert color={run.state === 'failed' ? 'red' : 'yellow'} title={run.error.message} data-testid="run-error">
          {run.error.hint}
        </Alert>
      )}
      {v && (
        <Card withBorder>
          <Title order={3} size="h5" mb="sm">
            Checks ({relativeTime(v.checkedAt)})
          </Title>
          <CheckList checks={v.checks} testId="verify-checks" />
          {v.workloads.length > 0 && (
            <Table mt="md" fz="sm" aria-label="Application workloads" data-testid="verify-workloads">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Workload</Table.Th>
                  <Table.Th>Ready</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {v.workloads.map((w) => (
                  <Table.Tr key={`${w.kind}/${w.namespace}/${w.name}`}>
                    <Table.Td>
                      {w.kind} {w.namespace}/{w.name}
                    </Table.Td>
                    <Table.Td>
                      {w.ready}/{w.desired}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}
      {v && (v.errors.length > 0 || v.warnings.length > 0) && (
        <Card withBorder data-testid="verify-results">
          <Title order={3} size="h5" mb="sm">
            Velero's restore warnings and errors
          </Title>
          <List size="sm" spacing={2}>
            {[...v.errors.map((e) => ({ ...e, level: 'Error' })), ...v.warnings.map((e) => ({ ...e, level: 'Warning' }))].slice(0, 100).map((e, i) => (
              <List.Item key={i}>
                <b>{e.level}</b> in {e.restore} ({e.scope}): {e.message}
              </List.Item>
            ))}
          </List>
        </Card>
      )}
      <Group>
        <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => void verify()} loading={pending === 'verify'} data-testid="verify-again">
          Check again
        </Button>
        <Button leftSection={<IconDownload size={16} aria-hidden />} disabled={!report} onClick={() => report && download(`${report.fileName}.md`, report.markdown, 'text/markdown')} data-testid="save-report-md">
          Save report (Markdown)
        </Button>
        <Button variant="light" leftSection={<IconDownload size={16} aria-hidden />} disabled={!report} onClick={() => report && download(`${report.fileName}.json`, report.json, 'application/json')} data-testid="save-report-json">
          Save report (JSON)
        </Button>
        <Button variant="subtle" onClick={() => void reset()} loading={pending === 'reset'} data-testid="restore-new">
          Start a new restore
        </Button>
      </Group>
      {report && report.savedTo.length > 0 && (
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            Also kept in Lifeboat's data folder: {report.savedTo.join(', ')}
          </Text>
          <ShowInFolderButton path={report.savedTo.find((p) => p.endsWith('.md')) ?? report.savedTo[0]} data-testid="report-show-in-folder" />
        </Group>
      )}
    </Stack>
  );
}
