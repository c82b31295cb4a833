/** The restore wizard's last step before anything is deleted: what goes, what comes back, and the typed name. */
import { Alert, Button, Card, List, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconRestore } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { RestoreImpact, RestoreWizard } from '../../../electron/api/contract.js';
import { plural } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { Nav } from './Nav.js';
import { TYPE_INFO } from './typeInfo.js';

function RefTable({
  refs,
  label,
  total,
  testId,
  showExists,
}: {
  refs: Array<{ kind: string; namespace?: string; name: string; existsNow?: boolean }>;
  label: string;
  total: number;
  testId: string;
  showExists?: boolean;
}) {
  const shown = refs.slice(0, 60);
  return (
    <div data-testid={testId}>
      <Table striped withTableBorder fz="sm" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Namespace</Table.Th>
            <Table.Th>Name</Table.Th>
            {showExists && <Table.Th>Now</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((r) => (
            <Table.Tr key={`${r.kind}/${r.namespace}/${r.name}`}>
              <Table.Td>{r.kind}</Table.Td>
              <Table.Td>{r.namespace ?? '(cluster)'}</Table.Td>
              <Table.Td>{r.name}</Table.Td>
              {showExists && <Table.Td>{r.existsNow ? 'exists' : 'missing'}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {total > shown.length && (
        <Text size="xs" c="dimmed" mt={4}>
          …and {total - shown.length} more.
        </Text>
      )}
    </div>
  );
}

/** What the restore deletes first and what it brings back from the backup. */
function ImpactTables({ impact }: { impact: RestoreImpact }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Deleted first: {plural(impact.toDeleteTotal, 'object')}
          {impact.namespacesCleared.length ? ` in ${impact.namespacesCleared.join(', ')}` : ''}
        </Title>
        {impact.toDeleteTotal ? (
          <RefTable refs={impact.toDelete} total={impact.toDeleteTotal} label="Objects deleted first" testId="impact-delete" />
        ) : (
          <Text size="sm">Nothing to delete: it is already gone.</Text>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Restored from the backup: {plural(impact.toRestoreTotal, 'object')}
        </Title>
        <RefTable refs={impact.toRestore} total={impact.toRestoreTotal} label="Objects restored" testId="impact-restore" showExists />
      </Stack>
    </SimpleGrid>
  );
}

export function ConfirmStep({ wizard }: { wizard: RestoreWizard }) {
  const impact = useLifeboat((s) => s.restoreImpact);
  const loadImpact = useLifeboat((s) => s.loadRestoreImpact);
  const start = useLifeboat((s) => s.startRestore);
  const back = useLifeboat((s) => s.restoreBack);
  const pending = useLifeboat((s) => s.restorePending);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    void loadImpact();
  }, [loadImpact, wizard.backup, wizard.type]);
  const slug = wizard.appSlug ?? wizard.backup ?? '';
  const matches = typed.trim() === slug;
  const info = TYPE_INFO[wizard.type!];
  return (
    <Stack data-testid="restore-confirm">
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle size={20} aria-hidden />}
        title={`${info.label} from ${wizard.backup}: read this first`}
        data-testid="restore-consequences"
      >
        <List size="sm" spacing={4}>
          {(impact?.consequences ?? info.consequences).map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
      </Alert>
      {pending === 'preview' && !impact && <Text size="sm">Reading the backup's resource list and the cluster…</Text>}
      {impact && <ImpactTables impact={impact} />}
      {impact?.notes.map((n) => (
        <Text key={n} size="xs" c="dimmed">
          {n}
        </Text>
      ))}
      <Card withBorder>
        <TextInput
          label={`To restore, type the application's name: ${slug}`}
          description="This is the last step before anything is deleted."
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          data-testid="confirm-input"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches) void start(typed);
          }}
        />
      </Card>
      {wizard.registry && (
        <Text size="sm" c={wizard.registry.state === 'skipped' ? 'orange' : 'teal'} data-testid="confirm-registry">
          {wizard.registry.state === 'skipped'
            ? `Registry not re-seeded (your choice): ${wizard.registry.skippedConsequence ?? ''}`
            : `Registry ${wizard.registry.registry ?? ''} re-seeded: every tag (${wizard.registry.tagsOk ?? 0}) resolves to the archive's digest.`}
        </Text>
      )}
      <Nav onBack={() => void back(wizard.registry ? 'registry' : 'type')}>
        <Button
          color="red"
          leftSection={<IconRestore size={16} aria-hidden />}
          onClick={() => void start(typed)}
          disabled={!matches}
          loading={pending === 'start'}
          data-testid="start-restore"
        >
          Delete and restore
        </Button>
      </Nav>
    </Stack>
  );
}
