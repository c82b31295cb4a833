import { Button, Card, Code, Group, Loader, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JournalEntry } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { LogView } from '../../components/LogView.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, commandLine, entryDuration, outcomeTone, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import classes from './Activity.module.css';

const outcomeLabel: Record<JournalEntry['outcome'], string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  'timed-out': 'Timed out',
};

/** Re-renders every second while something runs, so running durations tick. */
function useTick(active: boolean) {
  const [, setN] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setN((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [active]);
}

function CancelButton({ entry }: { entry: JournalEntry }) {
  const cancelling = useLifeboat((s) => !!s.cancelling[entry.id]);
  const cancel = useLifeboat((s) => s.cancelRun);
  if (entry.outcome !== 'running') return null;
  return (
    <Button
      size="xs"
      color="red"
      variant="light"
      leftSection={<IconPlayerStop size={14} aria-hidden />}
      loading={cancelling}
      onClick={(e) => {
        e.stopPropagation();
        void cancel(entry.id);
      }}
      aria-label={`Cancel ${entry.tool} started ${absoluteTime(entry.startedAt)}`}
      data-testid="cancel-run"
    >
      Cancel
    </Button>
  );
}

function JournalTable({ entries, selected, onSelect }: { entries: JournalEntry[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table highlightOnHover verticalSpacing="xs" fz="sm" data-testid="journal-table" aria-label="Operation journal">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={130}>Started</Table.Th>
            <Table.Th>Command</Table.Th>
            <Table.Th w={130}>Outcome</Table.Th>
            <Table.Th w={110}>Duration</Table.Th>
            <Table.Th w={70}>Exit</Table.Th>
            <Table.Th w={100}>
              <span className={classes.srOnly}>Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr
              key={e.id}
              className={classes.row}
              data-selected={selected === e.id || undefined}
              aria-selected={selected === e.id}
              tabIndex={0}
              onClick={() => onSelect(e.id)}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' || ev.key === ' ') {
                  ev.preventDefault();
                  onSelect(e.id);
                }
              }}
              data-testid="journal-row"
              data-outcome={e.outcome}
            >
              <Table.Td>
                <Tooltip label={absoluteTime(e.startedAt)} withArrow>
                  <span>{relativeTime(e.startedAt)}</span>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace" lineClamp={1} title={commandLine(e.tool, e.args)}>
                  {commandLine(e.tool, e.args)}
                </Text>
                {e.summary && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {e.summary}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge tone={outcomeTone(e.outcome)} size="sm">
                  {outcomeLabel[e.outcome]}
                </StatusBadge>
              </Table.Td>
              <Table.Td>{entryDuration(e)}</Table.Td>
              <Table.Td>{e.exitCode ?? '—'}</Table.Td>
              <Table.Td>
                <CancelButton entry={e} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RunDetail({ entry }: { entry: JournalEntry }) {
  const lines = useLifeboat((s) => s.output[entry.id]);
  const pending = useLifeboat((s) => s.outputPending);
  return (
    <Card aria-labelledby="run-title" data-testid="run-detail">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Group gap="sm">
          <Title order={2} size="h4" id="run-title">
            Output
          </Title>
          <StatusBadge tone={outcomeTone(entry.outcome)} size="sm">
            {outcomeLabel[entry.outcome]}
          </StatusBadge>
          {pending && <Loader size="xs" aria-label="Loading output" />}
        </Group>
        <CancelButton entry={entry} />
      </Group>
      <Code block mb="sm" className={classes.command}>
        {commandLine(entry.tool, entry.args)}
      </Code>
      {entry.summary && (
        <Text size="sm" mb="sm">
          {entry.summary}
        </Text>
      )}
      {entry.tool === 'kubernetes-api' ? (
        <Text size="sm" c="dimmed" data-testid="api-change-note">
          A change Lifeboat made itself through the Kubernetes API (no tool ran, so there is no output).
        </Text>
      ) : (
        <LogView lines={lines ?? []} label={`Output of ${entry.tool}`} />
      )}
    </Card>
  );
}

export function ActivityScreen() {
  const { entries, loaded, error, selectedRunId, selectRun, load } = useLifeboat(
    useShallow((s) => ({
      entries: s.entries,
      loaded: s.activityLoaded,
      error: s.activityError,
      selectedRunId: s.selectedRunId,
      selectRun: s.selectRun,
      load: s.loadActivity,
    })),
  );
  const running = entries.some((e) => e.outcome === 'running');
  useTick(running);
  const selected = entries.find((e) => e.id === selectedRunId) ?? null;

  return (
    <>
      <ScreenHeader
        title="Activity"
        description="Every command Lifeboat ran against the cluster, with its arguments (secrets removed), outcome and output. Select a row to read its output."
        actions={
          <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => void load()}>
            Reload
          </Button>
        }
      />
      <Stack gap="lg">
        {error && <ErrorAlert title="Activity" error={error} />}
        <Card aria-labelledby="journal-title" p={0}>
          <Group p="lg" pb="sm" justify="space-between">
            <Title order={2} size="h4" id="journal-title">
              Journal
            </Title>
            <Text size="sm" c="dimmed">
              {entries.length} {entries.length === 1 ? 'entry' : 'entries'}
            </Text>
          </Group>
          {!loaded ? (
            <Group p="lg" pt={0}>
              <Loader size="sm" aria-label="Loading the journal" />
            </Group>
          ) : entries.length === 0 ? (
            <Text size="sm" c="dimmed" p="lg" pt={0} data-testid="journal-empty">
              Lifeboat has not run any commands yet. Backups, restores and setup steps will appear here as they run.
            </Text>
          ) : (
            <JournalTable entries={entries} selected={selectedRunId} onSelect={(id) => void selectRun(id)} />
          )}
        </Card>
        {selected && <RunDetail entry={selected} />}
      </Stack>
    </>
  );
}
