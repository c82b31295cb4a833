import { Badge, Card, Group, List, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import type { Environment } from '../../../electron/api/contract.js';
import { Fact } from '../../components/Fact.js';
import { ScrollTable } from '../../components/ScrollTable.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, bslPhaseTone, flavourLabel, relativeTime, type Tone } from '../../format.js';

function CardTitle({ id, children, status }: { id: string; children: React.ReactNode; status?: React.ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="nowrap">
      <Title order={2} size="h4" id={id}>
        {children}
      </Title>
      {status}
    </Group>
  );
}

export function KotsCard({ env }: { env: Environment }) {
  const k = env.kots;
  const tone: Tone = !k.found ? 'error' : k.ready === false ? 'warning' : 'ok';
  return (
    <Card data-testid="kots-card" aria-labelledby="kots-title">
      <CardTitle id="kots-title" status={<StatusBadge tone={tone}>{!k.found ? 'Not found' : k.ready === false ? 'Not ready' : 'Running'}</StatusBadge>}>
        KOTS admin console
      </CardTitle>
      {!k.found ? (
        <Text size="sm" c="dimmed">
          No admin console was found with this context. Check that this is the cluster the application runs on.
        </Text>
      ) : (
        <Stack gap={6}>
          <Fact label="Namespace" testId="kots-namespace">
            {k.namespace ?? '—'}
          </Fact>
          <Fact label="Version" testId="kots-version">
            {k.version ?? 'unknown'}
          </Fact>
          <Fact label="Applications" testId="kots-apps">
            {k.apps.length === 0 ? (
              'none installed'
            ) : (
              <Group gap={6}>
                {k.apps.map((a) => (
                  <Badge key={a.slug} variant="outline" color="gray" styles={{ label: { textTransform: 'none' } }}>
                    {a.slug}
                    {a.namespace ? ` · ${a.namespace}` : ''}
                  </Badge>
                ))}
              </Group>
            )}
          </Fact>
          {k.registry && (
            <Fact label="Private registry">
              {k.registry.host}
              {k.registry.namespace ? `/${k.registry.namespace}` : ''}
              {k.registry.hasCredentials ? '' : ' (no credentials)'}
            </Fact>
          )}
          {k.minimalRbac !== undefined && <Fact label="RBAC">{k.minimalRbac ? 'Minimal (namespace-scoped)' : 'Cluster-scoped'}</Fact>}
        </Stack>
      )}
    </Card>
  );
}

export function InstallCard({ env }: { env: Environment }) {
  return (
    <Card data-testid="install-card" aria-labelledby="install-title">
      <CardTitle
        id="install-title"
        status={
          <StatusBadge tone={env.airgap.airgapped ? 'warning' : 'neutral'} testId="airgap-badge">
            {env.airgap.airgapped ? 'Air-gapped' : 'Online'}
          </StatusBadge>
        }
      >
        Installation
      </CardTitle>
      <Stack gap={6}>
        <Fact label="Type" testId="flavour">
          {flavourLabel[env.flavour] ?? env.flavour}
        </Fact>
        <Fact label="Because">{env.flavourReason}</Fact>
        <Fact label="Air gap">{env.airgap.reason}</Fact>
        <Fact label="Detected">
          <Tooltip label={absoluteTime(env.detectedAt)} withArrow>
            <span tabIndex={0}>{relativeTime(env.detectedAt)}</span>
          </Tooltip>
        </Fact>
      </Stack>
    </Card>
  );
}

const verdictTone: Record<Environment['compatibility']['verdict'], Tone> = {
  compatible: 'ok',
  warning: 'warning',
  incompatible: 'error',
  unknown: 'neutral',
};
const verdictLabel: Record<Environment['compatibility']['verdict'], string> = {
  compatible: 'Compatible',
  warning: 'Check',
  incompatible: 'Incompatible',
  unknown: 'Unknown',
};

export function CompatibilityCard({ env }: { env: Environment }) {
  const c = env.compatibility;
  return (
    <Card data-testid="compat-card" aria-labelledby="compat-title">
      <CardTitle
        id="compat-title"
        status={
          <StatusBadge tone={verdictTone[c.verdict]} testId="compat-verdict">
            {verdictLabel[c.verdict]}
          </StatusBadge>
        }
      >
        Compatibility
      </CardTitle>
      <Stack gap="xs">
        <Text size="sm">{c.reason}</Text>
        {c.fix && c.verdict !== 'compatible' && (
          <Text size="sm">
            <Text span fw={600} size="sm">
              Fix:{' '}
            </Text>
            {c.fix}
          </Text>
        )}
        <Group gap="lg" mt={4}>
          <Text size="xs" c="dimmed">
            KOTS {c.kotsVersion ?? '—'}
          </Text>
          <Text size="xs" c="dimmed">
            Velero {c.veleroVersion ?? '—'}
          </Text>
          <Text size="xs" c="dimmed">
            Kubernetes {c.kubernetesVersion ?? '—'}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}

const versionSourceLabel = { server: 'reported by the server', image: 'from the image tag', unknown: 'source unknown' } as const;

type Velero = Environment['velero'];

function VeleroFacts({ v }: { v: Velero }) {
  const fsb = v.fileSystemBackup;
  return (
    <Stack gap={6}>
      <Fact label="Namespace" testId="velero-namespace">
        {v.namespace ?? '—'}
      </Fact>
      <Fact label="Version" testId="velero-version">
        {v.version ?? 'unknown'}
        {v.versionSource && (
          <Text span size="xs" c="dimmed">
            {' '}
            ({versionSourceLabel[v.versionSource]})
          </Text>
        )}
      </Fact>
      <Fact label="Plugins" testId="velero-plugins">
        {v.plugins.length === 0 ? (
          'none'
        ) : (
          <List size="sm" spacing={2}>
            {v.plugins.map((p) => (
              <List.Item key={p.name}>
                {p.name}{' '}
                <Text span size="xs" c="dimmed" ff="monospace">
                  {p.image}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Fact>
      <Fact label="File system backup" testId="velero-node-agent">
        {fsb ? (
          <StatusBadge tone={fsb.ready ? 'ok' : 'error'} size="sm">
            {fsb.kind}: {fsb.available}/{fsb.desired} ready
          </StatusBadge>
        ) : (
          <StatusBadge tone="warning" size="sm">
            No node agent
          </StatusBadge>
        )}
      </Fact>
    </Stack>
  );
}

function StorageLocationRow({ l }: { l: Velero['storageLocations'][number] }) {
  return (
    <Table.Tr data-testid={`bsl-${l.name}`}>
      <Table.Td>
        {l.name}
        {l.isDefault && (
          <Badge size="xs" variant="light" ml={6}>
            default
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{l.provider}</Text>
        {l.bucket && (
          <Text size="xs" c="dimmed" ff="monospace">
            {l.bucket}
            {l.prefix ? `/${l.prefix}` : ''}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <StatusBadge tone={bslPhaseTone(l.phase)} size="sm">
          {l.phase ?? 'Unknown'}
        </StatusBadge>
        {l.message && (
          <Text size="xs" c="dimmed" mt={2}>
            {l.message}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Tooltip label={absoluteTime(l.lastSyncedTime)} withArrow disabled={!l.lastSyncedTime}>
          <span tabIndex={0}>{relativeTime(l.lastSyncedTime)}</span>
        </Tooltip>
      </Table.Td>
    </Table.Tr>
  );
}

function StorageLocations({ v }: { v: Velero }) {
  return (
    <Stack gap={6}>
      <Title order={3} size="h6">
        Backup storage locations
      </Title>
      {v.storageLocations.length === 0 ? (
        <Text size="sm" c="dimmed">
          None configured. Backups need one; the Setup screen will create it.
        </Text>
      ) : (
        <ScrollTable minWidth={520} verticalSpacing={6} fz="sm" data-testid="bsl-table" headers={['Name', 'Where', 'Phase', 'Last sync']}>
          {v.storageLocations.map((l) => (
            <StorageLocationRow key={l.name} l={l} />
          ))}
        </ScrollTable>
      )}
    </Stack>
  );
}

export function VeleroCard({ env }: { env: Environment }) {
  const v = env.velero;
  const tone: Tone = !v.installed ? 'error' : v.ready === false ? 'error' : 'ok';
  return (
    <Card data-testid="velero-card" aria-labelledby="velero-title">
      <CardTitle
        id="velero-title"
        status={
          <StatusBadge tone={tone} testId="velero-state">
            {!v.installed ? 'Not installed' : v.ready === false ? 'Not ready' : 'Running'}
          </StatusBadge>
        }
      >
        Velero
      </CardTitle>
      {!v.installed ? (
        <Text size="sm" c="dimmed">
          Velero is not installed in this cluster. Backups need it; the Setup screen will install the version Lifeboat bundles.
        </Text>
      ) : (
        <Stack gap="md">
          <VeleroFacts v={v} />
          <StorageLocations v={v} />
        </Stack>
      )}
    </Card>
  );
}
