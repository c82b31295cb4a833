/** Setup's Review step: the exact commands, the objects they change, and the Apply button. */
import { Badge, Button, Card, Code, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { IconCopy, IconPlayerPlay } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { SetupWizard } from '../../../electron/api/contract.js';

type Review = NonNullable<SetupWizard['review']>;

function ReviewPending({ preparing, onPrepare }: { preparing: boolean; onPrepare(): void }) {
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

/** The commands in order, copyable as a runbook, and the notes that go with them. */
function CommandsCard({ r }: { r: Review }) {
  const [copied, setCopied] = useState(false);
  return (
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
  );
}

/** Each object the commands create or change, and the dry-run manifests on demand. */
function ObjectsCard({ r }: { r: Review }) {
  const [showYaml, setShowYaml] = useState(false);
  return (
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
  // A Review step without its commands (they could not be worked out when the step opened, or the
  // wizard was saved that way): ask once per saved state; a failure shows its reason above.
  const asked = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (r || asked.current === (w.rev ?? -1)) return;
    asked.current = w.rev ?? -1;
    onPrepare();
  }, [r, w.rev, onPrepare]);
  if (!r) {
    return <ReviewPending preparing={preparing} onPrepare={onPrepare} />;
  }
  return (
    <Stack data-testid="setup-review">
      <CommandsCard r={r} />
      <ObjectsCard r={r} />
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={onApply} loading={busy} data-testid="setup-apply">
          {w.mode === 'reconfigure' ? 'Change the destination' : w.mode === 'upgrade' ? 'Upgrade Velero' : 'Install Velero'}
        </Button>
      </Group>
    </Stack>
  );
}
