import { Button, Card, Checkbox, Group, PasswordInput, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RegistryInfo, RegistryJob } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ARCHIVE_BROWSE, CA_BROWSE, PathInput } from '../../components/PathInput.js';
import { useLifeboat } from '../../store/index.js';
import { JobPanel } from './JobPanel.js';

type Mode = 'detected' | 'other';

/** Another registry to push to, as typed (the password is kept only until the run starts). */
type Target = { registry: string; username: string; password: string; ca: string; insecure: boolean };

const NO_TARGET: Target = { registry: '', username: '', password: '', ca: '', insecure: false };

function PushTo({ info, mode, setMode }: { info: RegistryInfo | null; mode: Mode; setMode(m: Mode): void }) {
  return (
    <Radio.Group label="Push to" value={mode} onChange={(v) => setMode(v)}>
      <Group mt={4}>
        <Radio
          value="detected"
          label={`This cluster's registry${info?.host ? ` (${info.host})` : ''}`}
          disabled={!info?.reachable}
          data-testid="registry-reseed-detected"
        />
        <Radio value="other" label="Another registry" data-testid="registry-reseed-other" />
      </Group>
    </Radio.Group>
  );
}

function OtherRegistryFields({ t, set }: { t: Target; set(patch: Partial<Target>): void }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <TextInput
        label="Registry address"
        placeholder="10.96.0.11:5000"
        value={t.registry}
        onChange={(e) => set({ registry: e.currentTarget.value })}
        required
        data-testid="registry-reseed-address"
      />
      <PathInput
        label="CA certificate (PEM path, optional)"
        placeholder="/path/to/ca.pem"
        value={t.ca}
        onChange={(v) => set({ ca: v })}
        browse={CA_BROWSE}
        data-testid="registry-reseed-ca"
      />
      <TextInput
        label="User name"
        autoComplete="off"
        value={t.username}
        onChange={(e) => set({ username: e.currentTarget.value })}
        data-testid="registry-reseed-username"
      />
      <PasswordInput
        label="Password"
        autoComplete="new-password"
        value={t.password}
        onChange={(e) => set({ password: e.currentTarget.value })}
        description="Used for this run only; never stored."
        data-testid="registry-reseed-password"
      />
      <Checkbox
        label="Skip TLS verification (only for a registry you trust)"
        checked={t.insecure}
        onChange={(e) => set({ insecure: e.currentTarget.checked })}
      />
    </SimpleGrid>
  );
}

/** The re-seed form's state and its submit: the source, where to push, and the other registry's details. */
function useReseedForm(info: RegistryInfo | null, caPath: string, job: RegistryJob | undefined) {
  const start = useLifeboat((s) => s.startRegistryReseed);
  const [source, setSource] = useState('');
  const [mode, setMode] = useState<Mode>('other');
  const [t, setT] = useState<Target>(NO_TARGET);
  const set = (patch: Partial<Target>) => setT((x) => ({ ...x, ...patch }));
  const running = job?.state === 'running';
  const canStart = source.trim() !== '' && !running && (mode === 'detected' ? !!info?.reachable : t.registry.trim() !== '');
  const submit = async () => {
    const target =
      mode === 'other'
        ? {
            registry: t.registry.trim(),
            username: t.username.trim() || undefined,
            password: t.password || undefined,
            caPath: t.ca.trim() || undefined,
            skipTlsVerify: t.insecure || undefined,
          }
        : undefined;
    const started = await start({ source: source.trim(), target, caPath: mode === 'detected' ? caPath.trim() || undefined : undefined });
    // The password went to the main process with the call; the form does not keep it.
    if (started) set({ password: '' });
  };
  return { source, setSource, mode, setMode, t, set, canStart, submit };
}

/** Push an export into a registry (this cluster's or another), then verify every tag's digest. */
export function ReseedPanel({ info, caPath, job }: { info: RegistryInfo | null; caPath: string; job: RegistryJob | undefined }) {
  const { cancel, resume, action, error, dismiss } = useLifeboat(
    useShallow((s) => ({
      cancel: s.cancelRegistryJob,
      resume: s.resumeRegistryJob,
      action: s.registryAction,
      error: s.registryActionError?.kind === 'reseed' ? s.registryActionError.error : null,
      dismiss: s.dismissRegistryActionError,
    })),
  );
  const { source, setSource, mode, setMode, t, set, canStart, submit } = useReseedForm(info, caPath, job);
  return (
    <Card data-testid="registry-reseed" aria-labelledby="registry-reseed-title">
      <Title order={2} size="h4" id="registry-reseed-title" mb={4}>
        Re-seed a registry
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Pushes an export into a registry (for example the one of a rebuilt cluster), skipping layers it already has, then checks that every tag resolves to the
        same digest as in the export. Nothing is pushed if a layer in the export is damaged.
      </Text>
      <Stack gap="sm">
        <PathInput
          label="Export folder or .tar"
          placeholder="/backups/registry"
          value={source}
          onChange={setSource}
          browse={ARCHIVE_BROWSE}
          required
          data-testid="registry-reseed-source"
        />
        <PushTo info={info} mode={mode} setMode={setMode} />
        {mode === 'other' && <OtherRegistryFields t={t} set={set} />}
        {error && <ErrorAlert title="The re-seed did not start" error={error} onClose={dismiss} />}
        <Group>
          <Button
            leftSection={<IconUpload size={16} aria-hidden />}
            disabled={!canStart}
            loading={action === 'reseed'}
            onClick={() => void submit()}
            data-testid="registry-reseed-start"
          >
            Re-seed and verify
          </Button>
        </Group>
        {job && (
          <JobPanel
            job={job}
            testId="registry-reseed-job"
            busy={action === 'cancel' || action === 'resume'}
            onCancel={() => void cancel(job.id)}
            onResume={() => void resume(job.id, t.password || undefined)}
          />
        )}
      </Stack>
    </Card>
  );
}
