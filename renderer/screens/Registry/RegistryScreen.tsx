import { Alert, Button, Card, Checkbox, Group, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RegistryInfo } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { CA_BROWSE, PathInput } from '../../components/PathInput.js';
import { Fact } from '../../components/Fact.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { ScrollTable } from '../../components/ScrollTable.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useLifeboat } from '../../store/index.js';
import { ExportPanel } from './ExportPanel.js';
import { ReseedPanel } from './ReseedPanel.js';

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
