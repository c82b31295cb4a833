/** The restore wizard's report: the outcome, the checks, Velero's warnings and errors, and the saved report. */
import { Alert, Button, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload, IconRefresh } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { RestoreRun, RestoreVerification, RestoreWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { downloadText } from '../../components/download.js';
import { Fact } from '../../components/Fact.js';
import { ShowInFolderButton } from '../../components/ShowInFolderButton.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { veleroMessages } from './format.js';
import { TYPE_INFO } from './typeInfo.js';

const OUTCOME: Record<RestoreRun['state'], { tone: 'ok' | 'warning' | 'error' | 'progress'; title: string }> = {
  running: { tone: 'progress', title: 'Restoring' },
  verifying: { tone: 'progress', title: 'Checking the result' },
  succeeded: { tone: 'ok', title: 'Restored and verified' },
  attention: { tone: 'warning', title: 'Restored, but something needs attention' },
  failed: { tone: 'error', title: 'The restore failed' },
  interrupted: { tone: 'warning', title: 'The restore was interrupted' },
};

function ChecksCard({ v }: { v: RestoreVerification }) {
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="sm">
        Checks ({relativeTime(v.checkedAt)})
      </Title>
      <CheckList checks={v.checks} testId="verify-checks" />
      {v.workloads.length > 0 && (
        <Table mt="md" fz="sm" aria-label="Application workloads" data-testid="verify-workloads">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Workload</Table.Th>
              <Table.Th>Ready</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {v.workloads.map((w) => (
              <Table.Tr key={`${w.kind}/${w.namespace}/${w.name}`}>
                <Table.Td>
                  {w.kind} {w.namespace}/{w.name}
                </Table.Td>
                <Table.Td>
                  {w.ready}/{w.desired}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function VeleroResultsCard({ v }: { v: RestoreVerification }) {
  return (
    <Card withBorder data-testid="verify-results">
      <Title order={3} size="h5" mb="sm">
        Velero's restore warnings and errors
      </Title>
      <List size="sm" spacing={2}>
        {veleroMessages(v).map((e, i) => (
          <List.Item key={i}>
            <b>{e.level}</b> in {e.restore} ({e.scope}): {e.message}
          </List.Item>
        ))}
      </List>
    </Card>
  );
}

function ReportActions() {
  const verify = useLifeboat((s) => s.verifyRestore);
  const report = useLifeboat((s) => s.restoreReport);
  const reset = useLifeboat((s) => s.resetRestore);
  const pending = useLifeboat((s) => s.restorePending);
  return (
    <>
      <Group>
        <Button
          variant="default"
          leftSection={<IconRefresh size={16} aria-hidden />}
          onClick={() => void verify()}
          loading={pending === 'verify'}
          data-testid="verify-again"
        >
          Check again
        </Button>
        <Button
          leftSection={<IconDownload size={16} aria-hidden />}
          disabled={!report}
          onClick={() => report && downloadText(`${report.fileName}.md`, report.markdown, 'text/markdown')}
          data-testid="save-report-md"
        >
          Save report (Markdown)
        </Button>
        <Button
          variant="light"
          leftSection={<IconDownload size={16} aria-hidden />}
          disabled={!report}
          onClick={() => report && downloadText(`${report.fileName}.json`, report.json, 'application/json')}
          data-testid="save-report-json"
        >
          Save report (JSON)
        </Button>
        <Button variant="subtle" onClick={() => void reset()} loading={pending === 'reset'} data-testid="restore-new">
          Start a new restore
        </Button>
      </Group>
      {report && report.savedTo.length > 0 && (
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            Also kept in Lifeboat's data folder: {report.savedTo.join(', ')}
          </Text>
          <ShowInFolderButton path={report.savedTo.find((p) => p.endsWith('.md')) ?? report.savedTo[0]} data-testid="report-show-in-folder" />
        </Group>
      )}
    </>
  );
}

export function ReportStep({ wizard }: { wizard: RestoreWizard }) {
  const run = wizard.run!;
  const v = run.verification;
  const loadReport = useLifeboat((s) => s.loadRestoreReport);
  useEffect(() => {
    void loadReport();
  }, [loadReport, run.verification?.checkedAt, run.state]);
  const o = OUTCOME[run.state];
  return (
    <Stack data-testid="restore-report" data-outcome={run.state}>
      <Group justify="space-between">
        <Title order={2} size="h4" data-testid="restore-outcome">
          {o.title}
        </Title>
        <StatusBadge tone={o.tone}>{run.state}</StatusBadge>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Fact label="Backup">{run.backup}</Fact>
        <Fact label="What">{TYPE_INFO[run.type].label}</Fact>
        <Fact label="Started">{absoluteTime(run.startedAt)}</Fact>
        <Fact label="Finished">{absoluteTime(run.finishedAt)}</Fact>
      </SimpleGrid>
      {run.error && (
        <Alert color={run.state === 'failed' ? 'red' : 'yellow'} title={run.error.message} data-testid="run-error">
          {run.error.hint}
        </Alert>
      )}
      {v && <ChecksCard v={v} />}
      {v && (v.errors.length > 0 || v.warnings.length > 0) && <VeleroResultsCard v={v} />}
      <ReportActions />
    </Stack>
  );
}
