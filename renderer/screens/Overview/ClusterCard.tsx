import { Button, Card, Divider, Group, List, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconLock, IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterStatus } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PathInput } from '../../components/PathInput.js';
import { Fact } from '../../components/Fact.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, groupByPurpose, kubeconfigOriginLabel, relativeTime, type Tone } from '../../format.js';
import { useLifeboat, useLifeboatGetter } from '../../store/index.js';

const stateTone: Record<ClusterStatus['state'], Tone> = {
  connected: 'ok',
  connecting: 'progress',
  disconnected: 'neutral',
  error: 'error',
};
const stateLabel: Record<ClusterStatus['state'], string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  disconnected: 'Not connected',
  error: 'Cannot connect',
};

const OTHER = '__other__';

function KubeconfigChooser() {
  const { cluster, kubeconfigs, pending, connect } = useLifeboat(
    useShallow((s) => ({ cluster: s.cluster, kubeconfigs: s.kubeconfigs, pending: s.clusterPending, connect: s.connect })),
  );
  const getCluster = useLifeboatGetter((s) => s.cluster);
  const current = cluster?.kubeconfigPath;
  const [choice, setChoice] = useState<string | null>(null);
  const [otherPath, setOtherPath] = useState('');
  // With nothing found, start on "Another file…" so the path field is right there.
  const selected = choice ?? current ?? kubeconfigs.find((k) => k.exists)?.path ?? OTHER;

  const data = [
    ...kubeconfigs.map((k) => ({
      value: k.path,
      label: `${k.path} — ${kubeconfigOriginLabel[k.origin] ?? k.origin}${k.exists ? '' : ' (file not found)'}`,
      disabled: !k.exists,
    })),
    ...(current && !kubeconfigs.some((k) => k.path === current) ? [{ value: current, label: current, disabled: false }] : []),
    { value: OTHER, label: 'Another file…', disabled: false },
  ];
  const path = selected === OTHER ? otherPath.trim() : selected;
  const isCurrent = !!path && path === current && cluster?.state === 'connected';

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!path) return;
        void connect({ kubeconfigPath: path }).then(() => {
          // Connected: the chooser shows the file in use again rather than the typed path.
          if (getCluster()?.kubeconfigPath === path) {
            setChoice(null);
            setOtherPath('');
          }
        });
      }}
    >
      <Stack gap="xs">
        <Select
          label="Kubeconfig"
          description="Found in $KUBECONFIG, ~/.kube/config and on kURL or Embedded Cluster hosts."
          data={data}
          value={selected}
          onChange={setChoice}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="kubeconfig-select"
        />
        {selected === OTHER && (
          <PathInput
            label="Path to a kubeconfig file"
            placeholder="/etc/kubernetes/admin.conf"
            value={otherPath}
            onChange={setOtherPath}
            browse={[{ kind: 'open-file', title: 'Choose a kubeconfig file' }]}
            data-testid="kubeconfig-path"
          />
        )}
        {!isCurrent && (
          <Group>
            <Button
              type="submit"
              leftSection={<IconPlugConnected size={16} aria-hidden />}
              loading={pending === 'connect'}
              disabled={!path || (pending !== null && pending !== 'connect')}
              data-testid="connect-button"
            >
              {cluster?.state === 'connected' ? 'Connect with this file instead' : 'Connect'}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function ContextSwitcher({ cluster }: { cluster: ClusterStatus }) {
  const pending = useLifeboat((s) => s.clusterPending);
  const switchContext = useLifeboat((s) => s.switchContext);
  if (cluster.contexts.length === 0) return null;
  return (
    <Select
      label="Context"
      description={cluster.contexts.length > 1 ? 'Switching reconnects and detects the environment again.' : undefined}
      data={cluster.contexts.map((c) => ({ value: c.name, label: `${c.name}${c.namespace ? ` (namespace ${c.namespace})` : ''}` }))}
      value={cluster.context ?? null}
      onChange={(v) => v && v !== cluster.context && void switchContext(v)}
      allowDeselect={false}
      disabled={pending !== null}
      rightSection={pending === 'context' ? <Text size="xs">…</Text> : undefined}
      data-testid="context-select"
    />
  );
}

const SHOWN_GROUPS = 4;

function Permissions({ cluster }: { cluster: ClusterStatus }) {
  const [all, setAll] = useState(false);
  if (cluster.state !== 'connected') return null;
  const missing = cluster.missingPermissions;
  const total = cluster.permissions.length;
  if (missing.length === 0) {
    return (
      <Group gap="xs">
        <StatusBadge tone="ok" testId="permissions-ok">
          {total > 0 ? `All ${total} permissions granted` : 'Permissions not checked yet'}
        </StatusBadge>
      </Group>
    );
  }
  const groups = groupByPurpose(missing);
  const shown = all ? groups : groups.slice(0, SHOWN_GROUPS);
  return (
    <Stack gap="xs" data-testid="missing-permissions">
      <Group gap="xs">
        <IconLock size={18} aria-hidden />
        <Title order={3} size="h5">
          {missing.length} of {total} permissions missing
        </Title>
      </Group>
      <Text size="sm" c="dimmed">
        Lifeboat can still show what it can read. Ask your cluster admin to grant these to the user of this context:
      </Text>
      <List size="sm" spacing="sm" id="missing-permissions-list">
        {shown.map((g) => (
          <List.Item key={g.purpose}>
            <Text size="sm">Needed to {g.purpose.replace(/^./, (c) => c.toLowerCase())}:</Text>
            {g.labels.map((l) => (
              <Text key={l} size="xs" ff="monospace" c="dimmed">
                {l}
              </Text>
            ))}
          </List.Item>
        ))}
      </List>
      {groups.length > SHOWN_GROUPS && (
        <Group>
          <Button variant="subtle" size="xs" onClick={() => setAll((v) => !v)} aria-expanded={all} aria-controls="missing-permissions-list">
            {all ? 'Show fewer' : `Show all ${groups.length} reasons`}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function ClusterCard() {
  const { cluster, clusterError, pending, disconnect, dismiss } = useLifeboat(
    useShallow((s) => ({
      cluster: s.cluster,
      clusterError: s.clusterError,
      pending: s.clusterPending,
      disconnect: s.disconnect,
      dismiss: s.dismissClusterError,
    })),
  );
  const state = cluster?.state ?? 'disconnected';

  return (
    <Card data-testid="cluster-card" aria-labelledby="cluster-card-title">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4" id="cluster-card-title">
          Cluster
        </Title>
        <StatusBadge tone={pending === 'load' && !cluster ? 'progress' : stateTone[state]} testId="cluster-state">
          {pending === 'load' && !cluster ? 'Checking…' : stateLabel[state]}
        </StatusBadge>
      </Group>

      <Stack gap="md">
        {clusterError && <ErrorAlert title="The last cluster action failed" error={clusterError} onClose={dismiss} />}
        {cluster?.state === 'error' && cluster.error && <ErrorAlert title="Why Lifeboat is not connected" error={cluster.error} />}

        <KubeconfigChooser />
        {cluster && <ContextSwitcher cluster={cluster} />}

        {cluster && (cluster.state === 'connected' || cluster.state === 'connecting' || !!cluster.server) && (
          <>
            <Divider />
            <Stack gap={6}>
              <Fact label="Server" testId="cluster-server">
                {cluster.server ?? '—'}
              </Fact>
              <Fact label="Kubernetes" testId="cluster-version">
                {cluster.kubernetesVersion ?? '—'}
              </Fact>
              <Fact label="User">{cluster.user ?? '—'}</Fact>
              <Fact label="Kubeconfig">{cluster.kubeconfigPath ?? '—'}</Fact>
              <Fact label="Checked">
                <Tooltip label={absoluteTime(cluster.checkedAt)} withArrow>
                  <span tabIndex={0}>{relativeTime(cluster.checkedAt)}</span>
                </Tooltip>
              </Fact>
            </Stack>
            <Permissions cluster={cluster} />
          </>
        )}

        {cluster?.state === 'connected' && (
          <Group>
            <Button
              variant="default"
              leftSection={<IconPlugConnectedX size={16} aria-hidden />}
              onClick={() => void disconnect()}
              loading={pending === 'disconnect'}
              disabled={pending !== null && pending !== 'disconnect'}
            >
              Disconnect
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
