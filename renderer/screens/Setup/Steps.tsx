import { Button, Card, Code, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import type { SetupMode, SetupWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';

// The later steps, each in its own file; SetupScreen takes them all from here.
export { ApplyStep } from './ApplyStep.js';
export { DoneStep } from './DoneStep.js';
export { ReviewStep } from './ReviewStep.js';

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
