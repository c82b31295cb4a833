import { Button, Group, Progress, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconPlayerPlay, IconX } from '@tabler/icons-react';
import type { RegistryJob } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScrollTable } from '../../components/ScrollTable.js';
import { ShowInFolderButton } from '../../components/ShowInFolderButton.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, bytes, duration, plural, shortDigest } from '../../format.js';
import { percent, phaseLabel, rate, stateLabel, timeLeft } from './format.js';

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
    </Stack>
  );
}

type Job = { job: RegistryJob; testId: string };

const jobTitle = (job: RegistryJob) => (job.kind === 'export' ? `Export of ${job.registry}` : `Re-seed of ${job.registry}`);

function JobHeader({ job, testId }: Job) {
  const st = stateLabel(job);
  return (
    <Group justify="space-between" wrap="nowrap">
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text size="sm" fw={600}>
          {jobTitle(job)}
        </Text>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {job.kind === 'export' ? 'To ' : 'From '}
          {job.path}
          {job.tarPath ? ` and ${job.tarPath}` : ''} · started {absoluteTime(job.startedAt)}
        </Text>
        {job.kind === 'export' && job.state === 'succeeded' && (
          <Group gap={4}>
            <ShowInFolderButton path={job.path} data-testid={`${testId}-show`} />
            {job.tarPath && <ShowInFolderButton path={job.tarPath} label="Show the .tar" data-testid={`${testId}-show-tar`} />}
          </Group>
        )}
      </Stack>
      <div style={{ flexShrink: 0 }}>
        <StatusBadge tone={st.tone} testId={`${testId}-state`}>
          {st.label}
        </StatusBadge>
      </div>
    </Group>
  );
}

/** The bar, the phase, and the numbers (data, items, rate, time left) of a job not yet done. */
function JobProgress({ job, testId, p }: Job & { p: NonNullable<RegistryJob['progress']> }) {
  const pct = percent(p);
  const running = job.state === 'running';
  return (
    <>
      <Progress.Root
        size="lg"
        role="progressbar"
        aria-label={`${jobTitle(job)}: ${phaseLabel(p.phase)}`}
        aria-valuenow={Math.round(pct)}
        aria-valuemin={0}
        aria-valuemax={100}
        data-testid={`${testId}-bar`}
      >
        <Progress.Section value={pct} color={running ? 'blue' : job.state === 'failed' ? 'red' : 'yellow'} animated={running} role="presentation" aria-hidden />
      </Progress.Root>
      <Text size="sm" data-testid={`${testId}-phase`} style={{ overflowWrap: 'anywhere' }}>
        {phaseLabel(p.phase)}
        {p.current && running ? <Text span c="dimmed" size="xs">{` — ${p.current}`}</Text> : null}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label="Data" value={p.bytesTotal ? `${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}` : bytes(p.bytesDone)} testId={`${testId}-bytes`} />
        <Stat
          label="Items"
          value={`${p.blobsDone} of ${p.blobsTotal}${p.blobsSkipped ? ` (${p.blobsSkipped} already there)` : ''}`}
          testId={`${testId}-blobs`}
        />
        <Stat label="Rate" value={running ? rate(p.bytesPerSecond) : '—'} testId={`${testId}-rate`} />
        <Stat label="Time left" value={running ? timeLeft(p.etaSeconds) : '—'} testId={`${testId}-eta`} />
      </SimpleGrid>
    </>
  );
}

function ExportSummary({ summary, testId }: { summary: NonNullable<RegistryJob['exportSummary']>; testId: string }) {
  return (
    <Stack gap={4} data-testid={`${testId}-summary`}>
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
        <Stat label="Repositories" value={String(summary.repositories)} />
        <Stat label="Tags" value={String(summary.tags)} testId={`${testId}-tags`} />
        <Stat label="Layers" value={String(summary.blobs)} />
        <Stat label="Size" value={bytes(summary.bytes)} />
        <Stat label="Took" value={duration(summary.durationMs)} />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Downloaded {plural(summary.blobsFetched, 'layer')} ({bytes(summary.bytesFetched)}); {summary.blobsReused} already in the export. Every layer's digest
        was verified.
      </Text>
      {summary.warnings.map((w) => (
        <Text key={w} size="sm" c="yellow.8">
          Warning: {w}
        </Text>
      ))}
    </Stack>
  );
}

function ReseedReport({ job, report, testId }: Job & { report: NonNullable<RegistryJob['reseedReport']> }) {
  return (
    <Stack gap={4} data-testid={`${testId}-report`}>
      <Text size="sm">
        {report.ok
          ? `Every tag (${report.tags.length}) resolves on ${job.registry} to the same digest as in the archive.`
          : `${report.tags.filter((t) => !t.ok).length} of ${report.tags.length} tags do not match.`}{' '}
        Uploaded {plural(report.blobsUploaded, 'layer')} ({bytes(report.bytesUploaded)}), mounted {report.blobsMounted}, {report.blobsSkipped} already there.
      </Text>
      <ScrollTable
        minWidth={420}
        mah={320}
        striped
        withTableBorder
        aria-label="Per-tag verification"
        fz="xs"
        headers={['Image', 'In the archive', 'In the registry', 'Result']}
      >
        {report.tags.map((t) => (
          <Table.Tr key={`${t.repo}:${t.tag}`} data-ok={t.ok}>
            <Table.Td>
              {t.repo}:{t.tag}
            </Table.Td>
            <Table.Td ff="monospace" title={t.expected}>
              {shortDigest(t.expected)}
            </Table.Td>
            <Table.Td ff="monospace" title={t.actual ?? undefined}>
              {t.actual ? shortDigest(t.actual) : 'missing'}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Text span size="xs" fw={600} c={t.ok ? 'teal' : 'red'}>
                {t.ok ? '✓ Same' : '✗ Differs'}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
    </Stack>
  );
}

type JobPanelProps = { job: RegistryJob; onCancel(): void; onResume(): void; busy: boolean; testId: string };

function JobButtons({ job, onCancel, onResume, busy, testId }: JobPanelProps) {
  const running = job.state === 'running';
  const resumable = job.state === 'interrupted' || job.state === 'failed' || job.state === 'cancelled';
  return (
    <Group gap="xs">
      {running && (
        <Button variant="default" color="red" leftSection={<IconX size={16} aria-hidden />} onClick={onCancel} loading={busy} data-testid={`${testId}-cancel`}>
          Cancel
        </Button>
      )}
      {resumable && (
        <Button variant="light" leftSection={<IconPlayerPlay size={16} aria-hidden />} onClick={onResume} loading={busy} data-testid={`${testId}-resume`}>
          Resume
        </Button>
      )}
    </Group>
  );
}

/** A job's live progress (bar, bytes, blobs, rate, time left), its cancel/resume, and its result. */
export function JobPanel(props: JobPanelProps) {
  const { job, testId } = props;
  const p = job.progress;
  return (
    <Stack gap="sm" data-testid={testId} data-state={job.state} aria-live="polite">
      <JobHeader job={job} testId={testId} />
      {p && (job.state === 'running' || job.state !== 'succeeded') && <JobProgress job={job} testId={testId} p={p} />}
      {job.error && job.state !== 'running' && (
        <ErrorAlert title={job.state === 'cancelled' ? 'Cancelled' : job.kind === 'export' ? 'The export failed' : 'The re-seed failed'} error={job.error} />
      )}
      {job.exportSummary && job.state === 'succeeded' && <ExportSummary summary={job.exportSummary} testId={testId} />}
      {job.reseedReport && <ReseedReport job={job} report={job.reseedReport} testId={testId} />}
      <JobButtons {...props} />
    </Stack>
  );
}
