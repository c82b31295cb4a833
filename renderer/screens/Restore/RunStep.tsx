/** The restore wizard's live run: each component's Velero restores, and running a stuck step again. */
import { Badge, Button, Card, Group, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { RestoreProgress, RestoreRunStep, RestoreWizard } from '../../../electron/api/contract.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { plural, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { restorePercent, restorePhaseColor, volumesText } from './format.js';
import { TYPE_INFO } from './typeInfo.js';

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
  const pct = restorePercent(p);
  return (
    <Stack gap={4} data-testid={`progress-${p.name}`} data-phase={p.phase}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Velero restore {p.name}
        </Text>
        <Badge variant="light" color={restorePhaseColor(p.phase)}>
          {p.phase}
        </Badge>
      </Group>
      <Progress value={pct} animated={p.phase === 'InProgress'} aria-label={`${p.name}: ${pct}%`} />
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {p.itemsRestored ?? 0} of {p.totalItems ?? '?'} items · {plural(p.warnings, 'warning')} · {plural(p.errors, 'error')} · volumes:{' '}
        {volumesText(p.podVolumeRestores)}
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
          Storage location {run.readOnlyLocation.name} is{' '}
          {run.readOnlyLocation.restored ? `back to ${run.readOnlyLocation.previous}` : 'read-only during the restore'}.
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
            {run.restores
              .filter((r) => r.component === s.component)
              .map((r) => (
                <RestoreProgressView key={r.name} p={r} />
              ))}
            {s.state === 'running' && !run.restores.some((r) => r.component === s.component) && (
              <Text size="sm" c="dimmed">
                {s.component === 'app'
                  ? 'KOTS is removing the application before Velero restores it…'
                  : 'KOTS is removing the admin console before Velero restores it…'}
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
            <TextInput
              label={`Type ${slug} to run the step again`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              data-testid="resume-input"
            />
            <Button color="red" disabled={typed.trim() !== slug} loading={pending === 'resume'} onClick={() => void resume(typed)} data-testid="resume-restore">
              Run the step again
            </Button>
          </Group>
        </Card>
      )}
    </Stack>
  );
}
