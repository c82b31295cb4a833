import { Button, Card, Group, Menu, Stack, Tabs, Text } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Check } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { ScreenHeader } from '../../components/ScreenHeader.js';
import { useLifeboat } from '../../store/index.js';
import { BackupNowButton } from '../Overview/BackupNowButton.js';
import { BackupList } from './BackupList.js';
import { FollowedCard } from './FollowedCard.js';

// What the list's first paint does not show (the detail drawer, the other two tabs) is its own
// chunk, loaded once the list is up (or at once when asked for first).
const loadDetail = () => import('./BackupDetail.js');
const loadSchedule = () => import('./SchedulePanel.js');
const loadHooks = () => import('./HooksPanel.js');
const BackupDetail = lazy(() => loadDetail().then((m) => ({ default: m.BackupDetail })));
const SchedulePanel = lazy(() => loadSchedule().then((m) => ({ default: m.SchedulePanel })));
const HooksPanel = lazy(() => loadHooks().then((m) => ({ default: m.HooksPanel })));

function PanelLoading() {
  return (
    <Text size="sm" c="dimmed" role="status" aria-busy="true">
      Loading…
    </Text>
  );
}

/** The detail drawer, mounted from the first time a backup is opened (and kept, so it can animate closed). */
function Detail() {
  const opened = useLifeboat((s) => !!s.backupDetail);
  const [wanted, setWanted] = useState(opened);
  if (opened && !wanted) setWanted(true);
  return wanted ? (
    <Suspense fallback={null}>
      <BackupDetail />
    </Suspense>
  ) : null;
}

function PartialBackupMenu() {
  const { readiness, create, creating } = useLifeboat(
    useShallow((s) => ({ readiness: s.backupReadiness, create: s.createBackup, creating: s.backupCreating })),
  );
  if (!readiness?.partialAllowed) return null;
  return (
    <Menu position="bottom-end" withArrow>
      <Menu.Target>
        <Button variant="default" rightSection={<IconChevronDown size={14} aria-hidden />} disabled={!readiness.ok || creating} data-testid="partial-backup">
          Partial backup
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>One application only — legacy, not for disaster recovery</Menu.Label>
        {readiness.apps.map((slug) => (
          <Menu.Item key={slug} onClick={() => void create({ kind: 'partial', appSlug: slug })}>
            Back up {slug} only
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Why a backup cannot start (blocking checks), else what to know before one (warnings). */
function ReadinessCards({ blocking, warnings }: { blocking: Check[]; warnings: Check[] }) {
  return (
    <>
      {blocking.length > 0 && (
        <Card withBorder data-testid="backup-readiness">
          <Text fw={600} mb="xs">
            A backup cannot start right now
          </Text>
          <CheckList checks={blocking} />
        </Card>
      )}
      {blocking.length === 0 && warnings.length > 0 && (
        <Card withBorder data-testid="backup-warnings">
          <Text fw={600} mb="xs">
            Before you back up
          </Text>
          <CheckList checks={warnings} />
        </Card>
      )}
    </>
  );
}

export function BackupsScreen() {
  const { followed, readiness, createError, dismiss, open, connected, listError } = useLifeboat(
    useShallow((s) => ({
      followed: s.followedBackup,
      readiness: s.backupReadiness,
      createError: s.backupCreateError,
      dismiss: s.dismissBackupErrors,
      open: s.openBackup,
      connected: s.cluster?.state === 'connected',
      listError: s.backupsError,
    })),
  );
  const [tab, setTab] = useState<string | null>('list');
  useEffect(() => {
    // After the first paint, quietly fetch the code the list does not need yet.
    const t = setTimeout(() => void Promise.all([loadDetail(), loadSchedule(), loadHooks()]).catch(() => {}), 500);
    return () => clearTimeout(t);
  }, []);
  const blocking = readiness?.checks.filter((c) => !c.ok) ?? [];
  // Warnings do not stop "Back up now" (e.g. another backup in progress: KOTS starts one anyway).
  const warnings = readiness?.checks.filter((c) => c.ok && c.severity === 'warning') ?? [];
  const ownRunning = !!followed && (followed.state === 'starting' || followed.state === 'running');
  return (
    <>
      <ScreenHeader
        title="Backups"
        description="Full backups of the admin console and the application through KOTS and Velero: take one now, follow it to the end, read what went wrong, and set the schedule."
        actions={
          <Group gap="xs" wrap="nowrap">
            <PartialBackupMenu />
            <BackupNowButton stay />
          </Group>
        }
      />
      <Stack gap="lg" data-testid="backups-screen">
        {createError && <ErrorAlert title="The backup did not start" error={createError} onClose={dismiss} />}
        {listError && <ErrorAlert title="Could not list the backups" error={listError} />}
        {/* While Lifeboat's own backup starts or runs, its card says so; "cannot start" is for the other cases. */}
        <ReadinessCards blocking={connected && !ownRunning ? blocking : []} warnings={connected && !ownRunning ? warnings : []} />
        {followed && <FollowedCard f={followed} onOpen={(n) => void open(n)} />}
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List>
            <Tabs.Tab value="list">All backups</Tabs.Tab>
            <Tabs.Tab value="schedule" data-testid="tab-schedule">
              Schedule and retention
            </Tabs.Tab>
            <Tabs.Tab value="hooks" data-testid="tab-hooks">
              Hooks
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="list" pt="md">
            <BackupList onOpen={(n) => void open(n)} />
          </Tabs.Panel>
          <Tabs.Panel value="schedule" pt="md">
            {tab === 'schedule' && (
              <Suspense fallback={<PanelLoading />}>
                <SchedulePanel />
              </Suspense>
            )}
          </Tabs.Panel>
          <Tabs.Panel value="hooks" pt="md">
            {tab === 'hooks' && (
              <Suspense fallback={<PanelLoading />}>
                <HooksPanel />
              </Suspense>
            )}
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <Detail />
    </>
  );
}
