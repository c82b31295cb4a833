/** Setup's Apply step: the phases as they run, what went wrong, and the verification after. */
import { Alert, Badge, Button, Card, Code, Group, List, Progress, Stack, Text, Title } from '@mantine/core';
import type { SetupPhase, SetupWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';

type Apply = NonNullable<SetupWizard['apply']>;

const PHASE_TONE: Record<SetupPhase['state'], string> = {
  pending: 'gray',
  running: 'blue',
  succeeded: 'teal',
  skipped: 'gray',
  failed: 'red',
  interrupted: 'orange',
};

function PhaseList({ phases }: { phases: SetupPhase[] }) {
  return (
    <List listStyleType="none" spacing="xs">
      {phases.map((p, i) => (
        <List.Item key={`${p.id}-${i}`} data-testid="setup-phase" data-state={p.state}>
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <Badge w={100} variant="light" color={PHASE_TONE[p.state]}>
              {p.state}
            </Badge>
            <div>
              <Text size="sm" fw={600}>
                {p.title}
              </Text>
              {p.message && (
                <Text size="xs" c="dimmed">
                  {p.message}
                </Text>
              )}
            </div>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

/** Why the run stopped: the next step to take and what the tool and the cluster said. */
function ApplyError({ a, error }: { a: Apply; error: NonNullable<Apply['error']> }) {
  return (
    <Alert color="red" variant="light" title={error.message} data-testid="setup-apply-error">
      {a.nextStep && (
        <Text size="sm">
          <Text span fw={600} size="sm">
            Next step:{' '}
          </Text>
          {a.nextStep}
        </Text>
      )}
      {a.diagnosis.length > 0 && (
        <>
          <Text size="sm" fw={600} mt="sm">
            What the tool and the cluster said
          </Text>
          <Code block data-testid="setup-diagnosis" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {a.diagnosis.join('\n')}
          </Code>
        </>
      )}
    </Alert>
  );
}

export function ApplyStep({ w, busy, onCancel, onResume, onVerify }: { w: SetupWizard; busy: boolean; onCancel(): void; onResume(): void; onVerify(): void }) {
  const a = w.apply;
  if (!a) return null;
  const done = a.phases.filter((p) => p.state === 'succeeded' || p.state === 'skipped').length;
  return (
    <Stack data-testid="setup-apply-panel" data-state={a.state}>
      <Card>
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {a.kind === 'uninstall' ? 'Removing Velero' : a.kind === 'reconfigure' ? 'Changing the destination' : 'Installing Velero'}
          </Title>
          <Badge
            color={a.state === 'succeeded' ? 'teal' : a.state === 'running' ? 'blue' : a.state === 'interrupted' || a.state === 'cancelled' ? 'orange' : 'red'}
            size="lg"
            data-testid="setup-apply-state"
          >
            {a.state}
          </Badge>
        </Group>
        <Progress value={(100 * done) / a.phases.length} mb="md" aria-label="Apply progress" animated={a.state === 'running'} />
        <PhaseList phases={a.phases} />
        <Group mt="md">
          {a.state === 'running' && (
            <Button color="red" variant="light" onClick={onCancel} data-testid="setup-cancel">
              Cancel
            </Button>
          )}
          {(a.state === 'failed' || a.state === 'interrupted' || a.state === 'cancelled') && a.kind !== 'uninstall' && (
            <Button onClick={onResume} loading={busy} data-testid="setup-resume">
              Resume
            </Button>
          )}
          {a.kind !== 'uninstall' && a.state !== 'running' && (
            <Button variant="light" onClick={onVerify} loading={busy} data-testid="setup-verify">
              Verify again
            </Button>
          )}
        </Group>
      </Card>
      {a.error && <ApplyError a={a} error={a.error} />}
      {w.verification && <VerificationCard w={w} />}
    </Stack>
  );
}

export function VerificationCard({ w }: { w: SetupWizard }) {
  const v = w.verification!;
  return (
    <Card data-testid="setup-verification" data-ok={String(v.ok)}>
      <Title order={3} size="h5" mb="sm">
        {v.ok ? 'Verified' : 'Verification'}
      </Title>
      <CheckList checks={v.checks} />
      {v.plugins.length > 0 && (
        <Text size="xs" c="dimmed" mt="sm" data-testid="setup-plugins">
          Storage plugins: {v.plugins.filter((p) => /ObjectStore|VolumeSnapshotter/.test(p)).join(', ') || 'none'}; plus{' '}
          {v.plugins.filter((p) => !/ObjectStore|VolumeSnapshotter/.test(p)).length} built-in backup and restore actions.
        </Text>
      )}
    </Card>
  );
}
