import { Alert, Badge, Button, Card, Code, Group, List, Modal, Progress, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconCopy, IconPlayerPlay, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { SetupMode, SetupPhase, SetupWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';

/** Same rule as the main process (state.ts upgradeOffer): an unknown version may be upgraded. */
function olderThanBundled(existing: string | undefined, bundled: string | undefined): boolean {
  const p = (v: string | undefined) =>
    /^v?(\d+)\.(\d+)(?:\.(\d+))?/
      .exec(v ?? '')
      ?.slice(1)
      .map((x) => Number(x ?? 0));
  const a = p(existing);
  const b = p(bundled);
  if (!b) return false;
  if (!a) return true;
  const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return cmp < 0;
}

export function PreflightStep({ w, busy, onCheck, onMode }: { w: SetupWizard; busy: boolean; onCheck(): void; onMode(m: SetupMode): void }) {
  const pf = w.preflight;
  const [mode, setMode] = useState<SetupMode>(pf?.existingVelero ? 'reconfigure' : 'install');
  const blocking = pf?.checks.filter((c) => !c.ok && c.title !== 'KOTS ↔ Velero compatibility') ?? [];
  return (
    <Card data-testid="setup-preflight">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          Preflight
        </Title>
        <Button variant="light" leftSection={<IconRefresh size={16} />} onClick={onCheck} loading={busy} data-testid="setup-preflight-run">
          {pf ? 'Check again' : 'Run checks'}
        </Button>
      </Group>
      {!pf && (
        <Text size="sm" c="dimmed">
          Lifeboat checks the cluster, your permissions, KOTS, the air gap, any Velero already there and the versions before it changes anything.
        </Text>
      )}
      {pf && <CheckList checks={pf.checks} testId="setup-preflight-checks" />}
      {pf && !blocking.length && (
        <Stack mt="lg">
          {pf.existingVelero ? (
            <Radio.Group
              label={`Velero ${pf.existingVelero.version ?? ''} is already installed in ${pf.existingVelero.namespace}. What should Lifeboat do?`}
              value={mode}
              onChange={(v) => setMode(v)}
            >
              <Stack gap={6} mt={6}>
                <Radio value="keep" label="Keep it as it is" description="Nothing in the cluster changes." data-testid="setup-mode-keep" />
                <Radio
                  value="reconfigure"
                  label="Keep it, change its storage destination"
                  description="KOTS reconfigures the destination and restarts Velero; no install runs."
                  data-testid="setup-mode-reconfigure"
                />
                <Radio
                  value="upgrade"
                  label={`Upgrade it to the bundled Velero ${w.veleroVersion ?? ''}`}
                  disabled={!olderThanBundled(pf.existingVelero.version, w.veleroVersion)}
                  description={
                    olderThanBundled(pf.existingVelero.version, w.veleroVersion)
                      ? 'velero install --apply with the new images; the review shows every change first.'
                      : `Not offered: Velero ${pf.existingVelero.version} is not older than the bundled ${w.veleroVersion ?? ''}.`
                  }
                  data-testid="setup-mode-upgrade"
                />
              </Stack>
            </Radio.Group>
          ) : (
            <Text size="sm">
              Lifeboat will install Velero {w.veleroVersion} into namespace <Code>{w.veleroNamespace}</Code>
              {pf.airgap ? ', from your private registry' : ''}.
            </Text>
          )}
          <Group>
            <Button onClick={() => onMode(pf.existingVelero ? mode : 'install')} loading={busy} data-testid="setup-preflight-next">
              Continue
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

export function ReviewStep({
  w,
  busy,
  preparing,
  onPrepare,
  onApply,
}: {
  w: SetupWizard;
  busy: boolean;
  preparing: boolean;
  onPrepare(): void;
  onApply(): void;
}) {
  const r = w.review;
  const [copied, setCopied] = useState(false);
  const [showYaml, setShowYaml] = useState(false);
  // A Review step without its commands (they could not be worked out when the step opened, or the
  // wizard was saved that way): ask once per saved state; a failure shows its reason above.
  const asked = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (r || asked.current === (w.rev ?? -1)) return;
    asked.current = w.rev ?? -1;
    onPrepare();
  }, [r, w.rev, onPrepare]);
  if (!r) {
    return (
      <Card data-testid="setup-review-pending">
        <Text size="sm" mb="sm">
          {preparing ? 'Working out exactly what will run…' : 'The exact commands are not worked out yet.'}
        </Text>
        <Button variant="light" onClick={onPrepare} loading={preparing} data-testid="setup-prepare-review">
          Prepare the review
        </Button>
      </Card>
    );
  }
  return (
    <Stack data-testid="setup-review">
      <Card>
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            Exactly what will run
          </Title>
          <Button
            variant="light"
            leftSection={<IconCopy size={16} />}
            onClick={() => {
              void navigator.clipboard?.writeText(r.runbook).then(
                () => setCopied(true),
                () => setCopied(false),
              );
              setCopied(true);
            }}
            data-testid="setup-copy-runbook"
          >
            {copied ? 'Runbook copied' : 'Copy as runbook'}
          </Button>
        </Group>
        <Stack>
          {r.commands.map((c, i) => (
            <div key={i}>
              <Text fw={600} size="sm">
                {i + 1}. {c.title}
              </Text>
              <Code block data-testid="setup-command" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {c.command}
              </Code>
              {c.note && (
                <Text size="xs" c="dimmed" mt={4}>
                  {c.note}
                </Text>
              )}
            </div>
          ))}
        </Stack>
        {r.notes.length > 0 && (
          <List size="sm" mt="md">
            {r.notes.map((n) => (
              <List.Item key={n}>{n}</List.Item>
            ))}
          </List>
        )}
      </Card>
      <Card>
        <Title order={3} size="h5" mb="sm">
          What changes in the cluster
        </Title>
        <Table withTableBorder fz="sm" aria-label="Objects" data-testid="setup-objects">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Object</Table.Th>
              <Table.Th>Namespace</Table.Th>
              <Table.Th>Will be</Table.Th>
              <Table.Th>By</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.objects.map((o, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  {o.kind}/{o.name}
                </Table.Td>
                <Table.Td>{o.namespace ?? '(cluster)'}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={o.action === 'create' ? 'teal' : o.action === 'change' ? 'orange' : 'gray'}>
                    {o.action === 'create' ? 'created' : o.action === 'change' ? 'changed' : 'left as is (exists)'}
                  </Badge>
                </Table.Td>
                <Table.Td>{o.by}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {r.manifests && (
          <>
            <Button variant="subtle" size="xs" mt="sm" onClick={() => setShowYaml(!showYaml)} aria-expanded={showYaml}>
              {showYaml ? 'Hide' : 'Show'} the velero install --dry-run -o yaml manifests
            </Button>
            {showYaml && (
              <Code block mah={360} style={{ overflow: 'auto' }}>
                {r.manifests}
              </Code>
            )}
          </>
        )}
      </Card>
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={onApply} loading={busy} data-testid="setup-apply">
          {w.mode === 'reconfigure' ? 'Change the destination' : w.mode === 'upgrade' ? 'Upgrade Velero' : 'Install Velero'}
        </Button>
      </Group>
    </Stack>
  );
}

const PHASE_TONE: Record<SetupPhase['state'], string> = {
  pending: 'gray',
  running: 'blue',
  succeeded: 'teal',
  skipped: 'gray',
  failed: 'red',
  interrupted: 'orange',
};

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
        <List listStyleType="none" spacing="xs">
          {a.phases.map((p, i) => (
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
      {a.error && (
        <Alert color="red" variant="light" title={a.error.message} data-testid="setup-apply-error">
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
      )}
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

export function DoneStep({
  w,
  busy,
  onChange,
  onUninstall,
  onReset,
  onVerify,
}: {
  w: SetupWizard;
  busy: boolean;
  onChange(): void;
  onUninstall(confirm: string): void;
  onReset(): void;
  onVerify(): void;
}) {
  const [warn, setWarn] = useState(false);
  const [remove, setRemove] = useState(false);
  const [typed, setTyped] = useState('');
  return (
    <Stack data-testid="setup-done">
      <Alert color={w.mode === 'keep' ? 'blue' : 'teal'} variant="light" title={w.mode === 'keep' ? 'Velero was kept as it is' : 'Velero is ready for backups'}>
        {w.mode === 'keep'
          ? 'Nothing was changed.'
          : 'The storage location is Available and synced, and the Velero server answers. Continue on the Backups screen.'}
      </Alert>
      {w.verification && <VerificationCard w={w} />}
      <Card>
        <Title order={2} size="h4" mb="sm">
          Change or remove
        </Title>
        <Group>
          <Button variant="light" onClick={onVerify} loading={busy}>
            Verify again
          </Button>
          <Button variant="light" onClick={() => setWarn(true)} data-testid="setup-change">
            Change destination
          </Button>
          <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setRemove(true)} data-testid="setup-uninstall-open">
            Uninstall Velero
          </Button>
          <Button variant="subtle" color="gray" onClick={onReset}>
            Start over
          </Button>
        </Group>
      </Card>
      <Modal opened={warn} onClose={() => setWarn(false)} title="Change the storage destination?">
        <Text size="sm">
          KOTS restarts Velero when its destination changes: backups running at that moment fail. Backups already in the old destination stay there, but Velero
          will no longer list them.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setWarn(false)}>
            Keep it
          </Button>
          <Button
            onClick={() => {
              setWarn(false);
              onChange();
            }}
            data-testid="setup-change-confirm"
          >
            Choose a new destination
          </Button>
        </Group>
      </Modal>
      <Modal opened={remove} onClose={() => setRemove(false)} title="Uninstall Velero">
        <Stack>
          <Text size="sm">
            This runs <Code>velero uninstall</Code>: it deletes the namespace <Code>{w.veleroNamespace}</Code>, Velero&apos;s CRDs (every Backup, Restore and
            Schedule object) and its cluster role binding. The backup data in storage is not deleted. The admin console&apos;s snapshots stop working.
          </Text>
          <TextInput
            label={`Type ${w.veleroNamespace} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-testid="setup-uninstall-confirm"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemove(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              disabled={typed !== w.veleroNamespace}
              loading={busy}
              onClick={() => {
                onUninstall(typed);
                setRemove(false);
                setTyped('');
              }}
              data-testid="setup-uninstall"
            >
              Uninstall
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
