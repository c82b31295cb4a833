/**
 * The restore wizard's "Re-seed the registry" step (rebuilt kURL / Embedded Cluster): choose the
 * registry export, see what the cluster registry lacks, push it with live progress (the registry
 * job's panel: bytes, layers, rate, time left, cancel/resume), see every tag verified — and only
 * then go on to restore the application. Skipping is an explicit choice with its consequence.
 */
import { Alert, Button, Card, Checkbox, Group, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconArrowRight, IconSearch, IconUpload } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RestoreRegistryArchive, RestoreRegistryPlan, RestoreWizard } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollTable } from '../../components/ScrollTable.js';
import { ARCHIVE_BROWSE, CA_BROWSE, PathInput } from '../../components/PathInput.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, bytes, plural, shortDigest } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { JobPanel } from '../Registry/JobPanel.js';

type Registry = NonNullable<RestoreWizard['registry']>;

const STATE_WORDS: Record<NonNullable<RestoreWizard['registry']>['state'], { label: string; tone: 'ok' | 'warning' | 'error' | 'neutral' | 'progress' }> = {
  pending: { label: 'Not re-seeded yet', tone: 'neutral' },
  running: { label: 'Re-seeding', tone: 'progress' },
  succeeded: { label: 'Re-seeded and verified', tone: 'ok' },
  failed: { label: 'Re-seed failed', tone: 'error' },
  cancelled: { label: 'Re-seed cancelled', tone: 'warning' },
  interrupted: { label: 'Re-seed interrupted', tone: 'warning' },
  skipped: { label: 'Skipped', tone: 'warning' },
};

/** The archive chosen (one of the exports listed, or a path typed) and the CA, with the list loaded. */
function useArchiveChoice(r: Registry) {
  const archives = useLifeboat((s) => s.restoreArchives);
  const loadArchives = useLifeboat((s) => s.loadRestoreArchives);
  const loadJobs = useLifeboat((s) => s.loadRegistryJobs);
  const [choice, setChoice] = useState<string>(r.source ?? '');
  const [typed, setTyped] = useState('');
  const [caPath, setCaPath] = useState(r.caPath ?? '');
  const source = choice === '__other' ? typed.trim() : choice;

  useEffect(() => {
    void loadArchives();
    void loadJobs();
  }, [loadArchives, loadJobs]);
  // Preselect the newest export once the list arrives (unless one was chosen before).
  useEffect(() => {
    if (!choice && archives?.length) setChoice(archives[0].path);
    else if (!choice && archives && !archives.length) setChoice('__other');
  }, [archives, choice]);
  return { archives, choice, setChoice, typed, setTyped, caPath, setCaPath, source };
}

/** The comparison shown was made before the push: once the re-seed is verified, compare again so
 * the table says what the registry holds now, not what it lacked. */
function usePlanAgainWhenVerified(r: Registry, source: string, caPath: string) {
  const plan = useLifeboat((s) => s.restoreRegistryPlan);
  const planIt = useLifeboat((s) => s.planRestoreRegistry);
  const prevState = useRef(r.state);
  useEffect(() => {
    const was = prevState.current;
    prevState.current = r.state;
    if (r.state === 'succeeded' && was !== 'succeeded' && plan && plan.source === (r.source ?? source))
      void planIt(plan.source, r.caPath ?? (caPath.trim() || undefined));
  }, [r.state, r.source, r.caPath, plan, source, caPath, planIt]);
}

const archiveDescription = (a: RestoreRegistryArchive) =>
  `Exported from ${a.registry}${a.finishedAt ? ` on ${absoluteTime(a.finishedAt)}` : ''}${a.origin === 'backup' ? ' with a full backup' : ''}${a.tags !== undefined ? ` · ${plural(a.tags, 'tag')}` : ''}${a.bytes !== undefined ? ` · ${bytes(a.bytes)}` : ''}`;

function ArchiveSection({ r, form }: { r: Registry; form: ReturnType<typeof useArchiveChoice> }) {
  const { archives, choice, setChoice, typed, setTyped, caPath, setCaPath } = form;
  const running = r.state === 'running';
  const st = STATE_WORDS[r.state];
  return (
    <>
      <Group justify="space-between">
        <Title order={3} size="h5">
          1. Choose the registry export
        </Title>
        <StatusBadge tone={st.tone} testId="registry-step-state">
          {st.label}
        </StatusBadge>
      </Group>
      <Radio.Group value={choice} onChange={setChoice} name="registry-archive" label="Archive to push (a directory or .tar written by a registry export)">
        <Stack gap="xs" mt="xs">
          {(archives ?? []).map((a) => (
            <Radio
              key={a.path}
              value={a.path}
              disabled={running}
              label={
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {a.path}
                </Text>
              }
              description={archiveDescription(a)}
              data-testid="registry-archive-option"
            />
          ))}
          <Radio value="__other" label="Another archive on this machine" disabled={running} data-testid="registry-archive-other" />
        </Stack>
      </Radio.Group>
      {archives && !archives.length && (
        <Text size="xs" c="dimmed">
          Lifeboat has made no registry export on this machine yet. Give the path of one copied here (for example from the backup store, next to the backup).
        </Text>
      )}
      {choice === '__other' && (
        <PathInput
          label="Path of the export"
          description="Absolute path of the export directory or its .tar."
          value={typed}
          onChange={setTyped}
          browse={ARCHIVE_BROWSE}
          disabled={running}
          data-testid="registry-archive-path"
        />
      )}
      <PathInput
        label="Registry CA certificate (optional)"
        description="PEM file of the CA that signed the cluster registry's certificate, if this machine does not trust it already."
        value={caPath}
        onChange={setCaPath}
        browse={CA_BROWSE}
        disabled={running}
        data-testid="registry-ca"
      />
    </>
  );
}

function PlanResult({ plan }: { plan: RestoreRegistryPlan }) {
  return (
    <Stack gap={4} data-testid="registry-plan-result">
      <Text size="sm" data-testid="registry-plan-summary">
        {plan.missing
          ? `${plural(plan.missing, 'image')} of ${plan.tags.length} in the archive ${plan.missing === 1 ? 'is' : 'are'} missing from ${plan.registry} (or differ${plan.missing === 1 ? 's' : ''}).`
          : `Every image of the archive (${plan.tags.length}) is already in ${plan.registry} with the same digest.`}{' '}
        The archive holds {plural(plan.blobs, 'layer')} ({bytes(plan.bytes)}){plan.exportedFrom ? `, exported from ${plan.exportedFrom}` : ''}
        {plan.exportedAt ? ` on ${absoluteTime(plan.exportedAt)}` : ''}.
      </Text>
      {plan.registrySource && (
        <Text size="xs" c="dimmed">
          Registry found through {plan.registrySource}.
        </Text>
      )}
      <ScrollTable
        minWidth={420}
        mah={260}
        striped
        withTableBorder
        aria-label="Images of the archive in the cluster registry"
        fz="xs"
        headers={['Image', 'Digest in the archive', 'In the registry now']}
      >
        {plan.tags.map((t) => (
          <Table.Tr key={`${t.repo}:${t.tag}`} data-present={t.present}>
            <Table.Td>
              {t.repo}:{t.tag}
            </Table.Td>
            <Table.Td ff="monospace" title={t.digest}>
              {shortDigest(t.digest)}
            </Table.Td>
            <Table.Td>
              <Text span size="xs" fw={600} c={t.present ? 'teal' : 'red'}>
                {t.present ? '✓ Same digest' : t.actual ? `✗ Differs (${shortDigest(t.actual)})` : '✗ Missing'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
    </Stack>
  );
}

function PlanSection({ r, source, caPath }: { r: Registry; source: string; caPath: string }) {
  const plan = useLifeboat((s) => s.restoreRegistryPlan);
  const pending = useLifeboat((s) => s.restorePending);
  const error = useLifeboat((s) => s.restoreError);
  const planIt = useLifeboat((s) => s.planRestoreRegistry);
  return (
    <>
      <Group justify="space-between" mt="sm">
        <Title order={3} size="h5">
          2. What the cluster registry lacks
        </Title>
        <Button
          variant="default"
          leftSection={<IconSearch size={16} aria-hidden />}
          onClick={() => void planIt(source, caPath.trim() || undefined)}
          disabled={!source || r.state === 'running'}
          loading={pending === 'plan'}
          data-testid="registry-plan"
        >
          Compare with the registry
        </Button>
      </Group>
      {error?.action === 'plan' && <ErrorAlert title="Could not compare the archive with the registry" error={error.error} />}
      {plan && plan.source === source && <PlanResult plan={plan} />}
    </>
  );
}

function PushSection({ r, source }: { r: Registry; source: string }) {
  const error = useLifeboat((s) => s.restoreError);
  const reseed = useLifeboat((s) => s.reseedRestoreRegistry);
  const jobs = useLifeboat((s) => s.registryJobs);
  const cancelJob = useLifeboat((s) => s.cancelRegistryJob);
  const registryAction = useLifeboat((s) => s.registryAction);
  const job = useMemo(() => jobs.find((j) => j.id === r.jobId), [jobs, r.jobId]);
  return (
    <>
      <Title order={3} size="h5" mt="sm">
        3. Push and verify
      </Title>
      <Text size="sm" c="dimmed">
        Every layer of the archive is verified before anything is pushed (a damaged archive pushes nothing); layers the registry has are skipped; afterwards
        every tag must resolve to the archive's digest.
      </Text>
      {error?.action === 'reseed' && <ErrorAlert title="The re-seed did not start" error={error.error} />}
      {job ? (
        <Card withBorder>
          <JobPanel
            job={job}
            testId="registry-step-job"
            busy={registryAction === 'cancel'}
            onCancel={() => void cancelJob(job.id)}
            onResume={() => void reseed(r.source ?? source, r.caPath)}
          />
        </Card>
      ) : (
        r.error && r.state !== 'running' && <ErrorAlert title={STATE_WORDS[r.state].label} error={r.error} />
      )}
      {r.state === 'succeeded' && (
        <Alert color="teal" variant="light" title={`Registry ${r.registry} re-seeded`} data-testid="registry-step-done">
          {`Every tag (${r.tagsOk} of ${r.tagsTotal}) resolves to the archive's digest. Uploaded ${plural(r.blobsUploaded ?? 0, 'layer')} (${bytes(r.bytesUploaded ?? 0)}), ${r.blobsSkipped ?? 0} already there, ${r.blobsMounted ?? 0} mounted.`}
        </Alert>
      )}
    </>
  );
}

function SkipCard({ accept, setAccept, running }: { accept: boolean; setAccept(v: boolean): void; running: boolean }) {
  return (
    <Card withBorder data-testid="registry-skip">
      <Stack gap="xs">
        <Group gap="xs">
          <IconAlertTriangle size={18} aria-hidden color="var(--mantine-color-orange-6)" />
          <Text size="sm" fw={600}>
            Restore without re-seeding?
          </Text>
        </Group>
        <Text size="sm">
          Only if the images are already in this cluster's registry or pushed another way. On an air-gapped cluster, pods whose images are missing cannot start:
          they stay in ErrImagePull, then ImagePullBackOff, until the images are pushed — while the restore itself reports the objects as restored.
        </Text>
        <Checkbox
          label="I understand; restore the application without re-seeding the registry"
          checked={accept}
          onChange={(e) => setAccept(e.currentTarget.checked)}
          disabled={running}
          data-testid="registry-skip-accept"
        />
      </Stack>
    </Card>
  );
}

function RegistryNav({ r, source, caPath, accept }: { r: Registry; source: string; caPath: string; accept: boolean }) {
  const pending = useLifeboat((s) => s.restorePending);
  const reseed = useLifeboat((s) => s.reseedRestoreRegistry);
  const skip = useLifeboat((s) => s.skipRestoreRegistry);
  const go = useLifeboat((s) => s.continueRestoreRegistry);
  const back = useLifeboat((s) => s.restoreBack);
  const running = r.state === 'running';
  const canPush = !!source && !running && r.state !== 'succeeded';
  return (
    <Group justify="space-between" mt="lg">
      <Button variant="default" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={() => void back('type')} disabled={!!pending || running}>
        Back
      </Button>
      <Group gap="xs">
        {r.state !== 'succeeded' && (
          <Button
            variant="default"
            color="orange"
            onClick={() => void skip()}
            disabled={!accept || running}
            loading={pending === 'skip'}
            data-testid="registry-skip-button"
          >
            Skip re-seeding
          </Button>
        )}
        {r.state === 'succeeded' ? (
          <Button
            rightSection={<IconArrowRight size={16} aria-hidden />}
            onClick={() => void go()}
            loading={pending === 'continue'}
            data-testid="registry-continue"
          >
            Continue to the restore
          </Button>
        ) : (
          <Button
            leftSection={<IconUpload size={16} aria-hidden />}
            onClick={() => void reseed(source, caPath.trim() || undefined)}
            disabled={!canPush}
            loading={pending === 'reseed' || running}
            data-testid="registry-reseed"
          >
            {r.state === 'pending' ? 'Re-seed the registry' : 'Re-seed again (pushes what is missing)'}
          </Button>
        )}
      </Group>
    </Group>
  );
}

export function RegistryStep({ wizard }: { wizard: RestoreWizard }) {
  const r = wizard.registry!;
  const form = useArchiveChoice(r);
  const { source, caPath } = form;
  const [accept, setAccept] = useState(false);
  usePlanAgainWhenVerified(r, source, caPath);
  return (
    <Stack data-testid="restore-registry" data-state={r.state}>
      <Alert color="blue" variant="light" title="Re-seed the cluster registry before the application" data-testid="registry-reason">
        <Text size="sm">{r.reason}</Text>
      </Alert>
      <ArchiveSection r={r} form={form} />
      <PlanSection r={r} source={source} caPath={caPath} />
      <PushSection r={r} source={source} />
      {r.state !== 'succeeded' && <SkipCard accept={accept} setAccept={setAccept} running={r.state === 'running'} />}
      <RegistryNav r={r} source={source} caPath={caPath} accept={accept} />
    </Stack>
  );
}
