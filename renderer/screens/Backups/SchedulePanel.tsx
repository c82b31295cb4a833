import { Button, Card, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BackupSchedule, CronCheck } from '../../../electron/api/contract.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Fact } from '../../components/Fact.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { absoluteTime, relativeTime } from '../../format.js';
import { useLifeboat } from '../../store/index.js';
import { RETENTION_UNITS, retentionFormUnit, type RetentionFormUnit } from './format.js';

type Sched = BackupSchedule | null;

/** The form's fields, filled once from the admin console's settings, and the cron checked as typed. */
function useScheduleForm(sched: Sched, check: (cron: string) => Promise<CronCheck>) {
  const [enabled, setEnabled] = useState(false);
  const [cron, setCron] = useState('');
  const [verdict, setVerdict] = useState<CronCheck | null>(null);
  const [value, setValue] = useState<number>(1);
  const [unit, setUnit] = useState<RetentionFormUnit>('months');
  // The admin console's settings fill the form once; an edit made before they arrived is not undone.
  const filled = useRef(false);
  useEffect(() => {
    if (!sched || filled.current) return;
    filled.current = true;
    setEnabled(sched.autoEnabled);
    setCron(sched.schedule);
    setValue(Number(sched.retention.value) || 1);
    const u = retentionFormUnit(sched.retention.unit);
    if (u) setUnit(u);
  }, [sched]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () =>
        void check(cron).then(
          (v) => live && setVerdict(v),
          () => {},
        ),
      200,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [cron, check]);
  return { enabled, setEnabled, cron, setCron, verdict, value, setValue, unit, setUnit };
}

type Form = ReturnType<typeof useScheduleForm>;
type Pending = 'load' | 'schedule' | 'retention' | null;

function LastRuns({ sched }: { sched: BackupSchedule }) {
  return (
    <Stack gap={4}>
      <Fact label="Last scheduled">
        {sched.lastScheduled ? `${sched.lastScheduled.name} (${sched.lastScheduled.phase}, ${relativeTime(sched.lastScheduled.startedAt)})` : 'none yet'}
      </Fact>
      {sched.lastExpectedRun && (
        <Fact label="Last due">
          <Group gap="xs">
            {absoluteTime(sched.lastExpectedRun)}
            {sched.ranAsExpected !== undefined && (
              <StatusBadge tone={sched.ranAsExpected ? 'ok' : 'warning'} size="sm" testId="schedule-ran">
                {sched.ranAsExpected ? 'ran' : 'no backup for it'}
              </StatusBadge>
            )}
          </Group>
        </Fact>
      )}
      {sched.note && (
        <Text size="xs" c="dimmed">
          {sched.note}
        </Text>
      )}
    </Stack>
  );
}

function ScheduleCard({
  sched,
  form,
  pending,
  saveSchedule,
}: {
  sched: Sched;
  form: Form;
  pending: Pending;
  saveSchedule(enabled: boolean, cron: string): Promise<boolean>;
}) {
  const { enabled, setEnabled, cron, setCron, verdict } = form;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Automatic full backups
      </Text>
      <Text size="sm" c="dimmed" mb="sm">
        The admin console takes these itself (it checks every minute and skips a run while another backup is in progress).{' '}
        {sched ? `Read from ${sched.source}.` : ''}
      </Text>
      <Stack gap="sm">
        <Switch
          label="Take full backups on a schedule"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
          data-testid="schedule-enabled"
        />
        <TextInput
          label="Schedule (cron, 5 fields, UTC)"
          description="minute hour day-of-month month day-of-week — e.g. 0 2 * * * for every day at 02:00"
          value={cron}
          onChange={(e) => setCron(e.currentTarget.value)}
          disabled={!enabled}
          error={enabled && verdict && !verdict.ok ? `${verdict.reason} ${verdict.fix ?? ''}` : undefined}
          data-testid="schedule-cron"
        />
        {enabled && verdict?.ok && (
          <Text size="sm" data-testid="schedule-words">
            Runs {verdict.words}. Next: {verdict.nextRuns.map((r) => absoluteTime(r)).join(', ')}
          </Text>
        )}
        <Group>
          <Button
            onClick={() => void saveSchedule(enabled, cron)}
            loading={pending === 'schedule'}
            disabled={!sched || (enabled && !verdict?.ok)}
            data-testid="schedule-save"
          >
            Save schedule
          </Button>
        </Group>
        {sched && <LastRuns sched={sched} />}
      </Stack>
    </Card>
  );
}

function RetentionCard({
  sched,
  form,
  pending,
  saveRetention,
}: {
  sched: Sched;
  form: Form;
  pending: Pending;
  saveRetention(value: number, unit: RetentionFormUnit): Promise<boolean>;
}) {
  const { value, setValue, unit, setUnit } = form;
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Retention
      </Text>
      <Text size="sm" c="dimmed" mb="sm">
        How long Velero keeps each new full backup before deleting it (written to the Backup's TTL). {sched ? `Now: ${sched.retention.words}.` : ''}
      </Text>
      <Group align="flex-end">
        <NumberInput label="Keep for" min={1} max={100000} value={value} onChange={(v) => setValue(Number(v) || 1)} w={120} data-testid="retention-value" />
        <Select
          label="Unit"
          value={unit}
          onChange={(u) => u && setUnit(u)}
          data={RETENTION_UNITS.map((u) => ({ value: u, label: u }))}
          w={140}
          allowDeselect={false}
          data-testid="retention-unit"
        />
        <Button onClick={() => void saveRetention(value, unit)} loading={pending === 'retention'} disabled={!sched} data-testid="retention-save">
          Save retention
        </Button>
      </Group>
    </Card>
  );
}

/** The admin console's automatic full backups: schedule (cron) and retention, as KOTS keeps them. */
export function SchedulePanel() {
  const { sched, error, pending, load, check, saveSchedule, saveRetention } = useLifeboat(
    useShallow((s) => ({
      sched: s.backupSchedule,
      error: s.backupScheduleError,
      pending: s.backupSchedulePending,
      load: s.loadBackupSchedule,
      check: s.checkCron,
      saveSchedule: s.saveBackupSchedule,
      saveRetention: s.saveBackupRetention,
    })),
  );
  useEffect(() => void load(), [load]);
  const form = useScheduleForm(sched, check);
  return (
    <Stack data-testid="schedule-panel">
      {error && <ErrorAlert title="Schedule and retention" error={error} />}
      <ScheduleCard sched={sched} form={form} pending={pending} saveSchedule={saveSchedule} />
      <RetentionCard sched={sched} form={form} pending={pending} saveRetention={saveRetention} />
    </Stack>
  );
}
