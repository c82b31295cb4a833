import { Alert, Button, Card, Checkbox, Group, PasswordInput, Radio, SimpleGrid, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconRefresh, IconUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RegistryInfo, RegistryJob } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ARCHIVE_BROWSE, CA_BROWSE, PathInput } from '../../components/PathInput.js';
import { Fact } from '../../components/Fact.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { ScrollTable } from '../../components/ScrollTable.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useLifeboat } from '../../store/index.js';
import { JobPanel } from './JobPanel.js';

const flavourName = (f: RegistryInfo['flavour']) =>
  f === 'kurl' ? 'kURL' : f === 'embedded-cluster' ? 'Embedded Cluster' : f === 'existing' ? 'Existing cluster' : 'Unknown';

function CoverageCard({ info }: { info: RegistryInfo }) {
  const problems = info.coverage.filter((c) => !c.ok).length;
  const order = { error: 0, warning: 1, ok: 2 } as const;
  const sorted = [...info.coverage].sort((a, b) => order[a.ok ? a.severity : 'error'] - order[b.ok ? b.severity : 'error']);
  return (
    <Card data-testid="registry-coverage" aria-labelledby="registry-coverage-title">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4" id="registry-coverage-title">
          Do full backups cover the registry?
        </Title>
        <StatusBadge tone={problems ? 'error' : 'ok'} testId="registry-coverage-verdict">
          {problems ? `${problems} gap${problems === 1 ? '' : 's'}` : 'Covered'}
        </StatusBadge>
      </Group>
      <CheckList checks={sorted} testId="registry-coverage-list" />
    </Card>
  );
}

/**
 * The address comes only from a backup's kots.io/embedded-registry annotation (no Secret
 * registry-creds): nothing is sent there until the operator says it is this cluster's registry
 * (and, for http://, that plain HTTP is acceptable).
 */
function ConfirmHost({ info, onConfirm, pending }: { info: RegistryInfo; onConfirm(confirmPlainHttp: boolean): void; pending: boolean }) {
  const c = info.hostConfirmation!;
  const [useIt, setUseIt] = useState(false);
  const [http, setHttp] = useState(false);
  return (
    <Alert color="yellow" variant="light" mt="md" title="Confirm the registry address" data-testid="registry-confirm">
      <Stack gap="xs">
        <Text size="sm">
          Lifeboat found no Secret registry-creds. The address <b data-testid="registry-confirm-host">{c.plainHttp ? `http://${c.host}` : c.host}</b> comes from{' '}
          {c.source}. No credential is sent to it until you confirm it is this cluster's registry.
        </Text>
        {info.error && (
          <Text size="sm" c="dimmed">
            {info.error.hint ?? info.error.message}
          </Text>
        )}
        <Checkbox
          label="Use this registry (from backup annotation)"
          checked={useIt}
          onChange={(e) => setUseIt(e.currentTarget.checked)}
          data-testid="registry-confirm-use"
        />
        {c.plainHttp && (
          <Checkbox
            label="Allow plain HTTP: the registry credentials cross the network unencrypted"
            checked={http}
            onChange={(e) => setHttp(e.currentTarget.checked)}
            data-testid="registry-confirm-http"
          />
        )}
        <Group>
          <Button
            size="xs"
            disabled={!useIt || (c.plainHttp && !http)}
            loading={pending}
            onClick={() => onConfirm(c.plainHttp && http)}
            data-testid="registry-confirm-submit"
          >
            Confirm and sign in
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function RegistryFacts({ info }: { info: RegistryInfo }) {
  return (
    <Stack gap={6}>
      <Fact label="Install type">{flavourName(info.flavour)}</Fact>
      {info.namespace && <Fact label="Namespace">{info.namespace}</Fact>}
      <Fact label="Address" testId="registry-host">
        {info.host ?? '—'}
      </Fact>
      {info.hostSource && <Fact label="Address from">{info.hostSource}</Fact>}
      {info.credentialsSource && <Fact label="Credentials from">{info.credentialsSource}</Fact>}
      {info.caSource && <Fact label="TLS trust">{info.caSource}</Fact>}
      <Fact label="Repositories" testId="registry-repo-count">
        {info.reachable ? info.repositories.length : '—'}
      </Fact>
      <Fact label="Tags" testId="registry-tag-count">
        {info.reachable ? info.tagCount : '—'}
      </Fact>
    </Stack>
  );
}

function CaPathRow({ caPath, setCaPath, onDetect, pending }: { caPath: string; setCaPath(v: string): void; onDetect(): void; pending: boolean }) {
  return (
    <Group align="flex-end" mt="md" wrap="nowrap">
      <PathInput
        style={{ flex: 1 }}
        label="Registry CA certificate (optional)"
        description="Full path of a PEM file. Without it: LIFEBOAT_REGISTRY_CA, else the system roots."
        placeholder="/path/to/registry-ca.pem"
        value={caPath}
        onChange={setCaPath}
        browse={CA_BROWSE}
        data-testid="registry-ca"
      />
      <Button variant="default" onClick={onDetect} loading={pending}>
        Use
      </Button>
    </Group>
  );
}

function DetailsCard({
  info,
  caPath,
  setCaPath,
  onDetect,
  onConfirm,
  pending,
}: {
  info: RegistryInfo;
  caPath: string;
  setCaPath(v: string): void;
  onDetect(): void;
  onConfirm(confirmPlainHttp: boolean): void;
  pending: boolean;
}) {
  return (
    <Card data-testid="registry-details" aria-labelledby="registry-details-title">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4" id="registry-details-title">
          Registry
        </Title>
        <StatusBadge tone={!info.found ? 'neutral' : info.reachable ? 'ok' : 'error'} testId="registry-reachable">
          {!info.found ? 'None found' : info.reachable ? 'Signed in' : 'Not reachable'}
        </StatusBadge>
      </Group>
      <RegistryFacts info={info} />
      {info.reachable && info.repositories.length > 0 && (
        <ScrollTable
          minWidth={300}
          mah={220}
          mt="md"
          striped
          withTableBorder
          fz="sm"
          aria-label="Repositories"
          data-testid="registry-repos"
          headers={['Repository', { label: 'Tags', ta: 'right' }]}
        >
          {info.repositories.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Td>{r.name}</Table.Td>
              <Table.Td ta="right">{r.tags}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
      {info.hostConfirmation ? (
        <ConfirmHost key={info.hostConfirmation.host} info={info} onConfirm={onConfirm} pending={pending} />
      ) : (
        info.error && <ErrorAlert title="Lifeboat cannot read the registry" error={info.error} />
      )}
      <CaPathRow caPath={caPath} setCaPath={setCaPath} onDetect={onDetect} pending={pending} />
    </Card>
  );
}

function ExportPanel({ info, caPath, job }: { info: RegistryInfo | null; caPath: string; job: RegistryJob | undefined }) {
  const { check, doCheck, start, cancel, resume, action, error, dismiss } = useLifeboat(
    useShallow((s) => ({
      check: s.registryDestCheck,
      doCheck: s.checkRegistryDestination,
      start: s.startRegistryExport,
      cancel: s.cancelRegistryJob,
      resume: s.resumeRegistryJob,
      action: s.registryAction,
      error: s.registryActionError?.kind === 'export' ? s.registryActionError.error : null,
      dismiss: s.dismissRegistryActionError,
    })),
  );
  const [dest, setDest] = useState('');
  const [tar, setTar] = useState('');
  const running = job?.state === 'running';
  const canStart = !!info?.reachable && dest.trim() !== '' && check?.ok !== false && !running;
  return (
    <Card data-testid="registry-export" aria-labelledby="registry-export-title">
      <Title order={2} size="h4" id="registry-export-title" mb={4}>
        Export to this machine
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Copies every repository, tag and layer into an OCI image layout (optionally also a single .tar), verifying each digest. Running it again into the same
        folder continues where it stopped and adds only what changed.
      </Text>
      <Stack gap="sm">
        <PathInput
          label="Export folder"
          description="A new or empty folder, or the folder of an earlier export."
          placeholder="/backups/registry"
          value={dest}
          onChange={setDest}
          onChosen={(d) => void doCheck(d, tar)}
          browse={[{ kind: 'open-folder', title: 'Choose the export folder' }]}
          onBlur={() => void doCheck(dest, tar)}
          required
          error={check && !check.ok ? `${check.reason ?? ''} ${check.fix ?? ''}` : undefined}
          data-testid="registry-export-dest"
        />
        <PathInput
          label="Also write a .tar (optional)"
          placeholder="/backups/registry.tar"
          value={tar}
          onChange={setTar}
          onChosen={(t) => void doCheck(dest, t)}
          browse={[{ kind: 'save-file', title: 'Write the export .tar as', filters: [{ name: 'Registry export (.tar)', extensions: ['tar'] }] }]}
          onBlur={() => void doCheck(dest, tar)}
          data-testid="registry-export-tar"
        />
        {check?.ok && check.resumable && (
          <Text size="sm" c="dimmed" data-testid="registry-export-resumable">
            {check.reason}
          </Text>
        )}
        {error && <ErrorAlert title="The export did not start" error={error} onClose={dismiss} />}
        <Group>
          <Button
            leftSection={<IconDownload size={16} aria-hidden />}
            disabled={!canStart}
            loading={action === 'export'}
            onClick={() => void start({ dest: dest.trim(), tarPath: tar.trim() || undefined, caPath: caPath.trim() || undefined })}
            data-testid="registry-export-start"
          >
            Export registry
          </Button>
          {!info?.reachable && (
            <Text size="sm" c="dimmed">
              Needs a reachable registry (above).
            </Text>
          )}
        </Group>
        {job && (
          <JobPanel
            job={job}
            testId="registry-export-job"
            busy={action === 'cancel' || action === 'resume'}
            onCancel={() => void cancel(job.id)}
            onResume={() => void resume(job.id)}
          />
        )}
      </Stack>
    </Card>
  );
}

function ReseedPanel({ info, caPath, job }: { info: RegistryInfo | null; caPath: string; job: RegistryJob | undefined }) {
  const { start, cancel, resume, action, error, dismiss } = useLifeboat(
    useShallow((s) => ({
      start: s.startRegistryReseed,
      cancel: s.cancelRegistryJob,
      resume: s.resumeRegistryJob,
      action: s.registryAction,
      error: s.registryActionError?.kind === 'reseed' ? s.registryActionError.error : null,
      dismiss: s.dismissRegistryActionError,
    })),
  );
  const [source, setSource] = useState('');
  const [mode, setMode] = useState<'detected' | 'other'>('other');
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [targetCa, setTargetCa] = useState('');
  const [insecure, setInsecure] = useState(false);
  const running = job?.state === 'running';
  const canStart = source.trim() !== '' && !running && (mode === 'detected' ? !!info?.reachable : registry.trim() !== '');
  const submit = async () => {
    const target =
      mode === 'other'
        ? {
            registry: registry.trim(),
            username: username.trim() || undefined,
            password: password || undefined,
            caPath: targetCa.trim() || undefined,
            skipTlsVerify: insecure || undefined,
          }
        : undefined;
    const started = await start({ source: source.trim(), target, caPath: mode === 'detected' ? caPath.trim() || undefined : undefined });
    // The password went to the main process with the call; the form does not keep it.
    if (started) setPassword('');
  };
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
        {mode === 'other' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Registry address"
              placeholder="10.96.0.11:5000"
              value={registry}
              onChange={(e) => setRegistry(e.currentTarget.value)}
              required
              data-testid="registry-reseed-address"
            />
            <PathInput
              label="CA certificate (PEM path, optional)"
              placeholder="/path/to/ca.pem"
              value={targetCa}
              onChange={setTargetCa}
              browse={CA_BROWSE}
              data-testid="registry-reseed-ca"
            />
            <TextInput
              label="User name"
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-testid="registry-reseed-username"
            />
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              description="Used for this run only; never stored."
              data-testid="registry-reseed-password"
            />
            <Checkbox label="Skip TLS verification (only for a registry you trust)" checked={insecure} onChange={(e) => setInsecure(e.currentTarget.checked)} />
          </SimpleGrid>
        )}
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
            onResume={() => void resume(job.id, password || undefined)}
          />
        )}
      </Stack>
    </Card>
  );
}

export function RegistryScreen() {
  const { info, pending, error, detect, jobs, connected } = useLifeboat(
    useShallow((s) => ({
      info: s.registryInfo,
      pending: s.registryPending,
      error: s.registryError,
      detect: s.detectRegistry,
      jobs: s.registryJobs,
      connected: s.cluster?.state === 'connected',
    })),
  );
  const [caPath, setCaPath] = useState('');
  const flavour = useLifeboat((s) => s.environment?.flavour);
  useEffect(() => {
    if (connected) void detect(caPath.trim() || undefined);
    // Detect again when the connection or the detected install type changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connected, flavour]);
  const exportJob = jobs.find((j) => j.kind === 'export');
  const reseedJob = jobs.find((j) => j.kind === 'reseed');

  return (
    <div data-testid="registry-screen">
      <ScreenHeader
        title="Registry"
        description="The cluster's own image registry (kURL or Embedded Cluster): whether full backups hold its images, an export of every image to this machine, and a verified re-seed into a new registry."
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={() => void detect(caPath.trim() || undefined)}
            loading={pending === 'detect'}
            disabled={!connected}
            data-testid="registry-detect"
          >
            Detect again
          </Button>
        }
      />
      <Stack gap="lg">
        {!connected && (
          <Alert color="gray" variant="light" title="Not connected">
            Connect to a cluster on the Overview screen to find its registry. Re-seeding into a registry you enter works without a cluster.
          </Alert>
        )}
        {error && <ErrorAlert title="Registry detection failed" error={error} />}
        {info ? (
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" style={{ alignItems: 'start' }}>
            <CoverageCard info={info} />
            <DetailsCard
              info={info}
              caPath={caPath}
              setCaPath={setCaPath}
              onDetect={() => void detect(caPath.trim() || undefined)}
              onConfirm={(confirmPlainHttp) =>
                info.hostConfirmation &&
                void detect(caPath.trim() || undefined, { confirmHost: info.hostConfirmation.host, confirmPlainHttp: confirmPlainHttp || undefined })
              }
              pending={pending === 'detect'}
            />
          </SimpleGrid>
        ) : (
          connected &&
          pending && (
            <Card aria-busy aria-label="Looking for the registry">
              <Skeleton height={18} width="40%" mb="md" />
              <Skeleton height={12} mb={8} />
              <Skeleton height={12} width="70%" />
            </Card>
          )
        )}
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" style={{ alignItems: 'start' }}>
          <ExportPanel info={info} caPath={caPath} job={exportJob} />
          <ReseedPanel info={info} caPath={caPath} job={reseedJob} />
        </SimpleGrid>
      </Stack>
    </div>
  );
}
