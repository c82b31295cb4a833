/**
 * When a long job ends (a backup Lifeboat follows, a restore run, a registry export or re-seed),
 * what the OS notification says, and whether to show one at all: only for a job seen running in
 * this session (not one found finished at start) and only while Lifeboat's window is not focused.
 * Pure: electron/desktop/index.ts shows what this decides.
 */
import type { EventName, FollowedBackup, RegistryJob, RestoreWizard } from '../api/contract.js';

export interface DesktopNotice {
  title: string;
  body: string;
}

interface JobState {
  key: string;
  active: boolean;
  /** The notice for a job that is over, given how it ended. */
  notice?: DesktopNotice;
}

const MAX_BODY = 240;
const clip = (s: string) => (s.length > MAX_BODY ? `${s.slice(0, MAX_BODY - 1)}…` : s);

function backupState(f: FollowedBackup | null): JobState | undefined {
  if (!f) return undefined;
  const name = f.backupName ?? f.kotsName ?? (f.kind === 'partial' && f.appSlug ? `${f.appSlug} (partial)` : 'full backup');
  const titles: Partial<Record<FollowedBackup['state'], string>> = {
    succeeded: 'Backup completed',
    attention: 'Backup completed with warnings',
    failed: 'Backup failed',
    lost: 'Backup no longer found',
  };
  const title = titles[f.state];
  const said = f.message ?? f.error?.message;
  return {
    key: `backup:${f.id}`,
    active: f.state === 'starting' || f.state === 'running',
    notice: title ? { title, body: clip(said ? `${name}: ${said}` : name) } : undefined,
  };
}

function restoreState(w: RestoreWizard): JobState | undefined {
  const run = w.run;
  if (!run) return undefined;
  const titles: Partial<Record<typeof run.state, string>> = {
    succeeded: 'Restore completed',
    attention: 'Restore completed: needs attention',
    failed: 'Restore failed',
  };
  const title = titles[run.state];
  const detail = run.error?.message ?? (run.state === 'attention' ? 'Check the report for warnings.' : undefined);
  const body = `From backup ${run.backup}${detail ? `: ${detail}` : '.'}`;
  return { key: `restore:${run.id}`, active: run.state === 'running' || run.state === 'verifying', notice: title ? { title, body: clip(body) } : undefined };
}

function registryState(j: RegistryJob): JobState {
  const what = j.kind === 'export' ? 'Registry export' : 'Registry re-seed';
  const outcome: Partial<Record<RegistryJob['state'], string>> = { succeeded: 'completed', failed: 'failed', cancelled: 'cancelled' };
  const where = j.kind === 'export' ? `${j.registry} → ${j.tarPath ?? j.path}` : `${j.path} → ${j.registry}`;
  const ended = outcome[j.state];
  return {
    key: `registry:${j.id}`,
    active: j.state === 'running',
    notice: ended ? { title: `${what} ${ended}`, body: clip(j.error ? `${where}: ${j.error.message}` : where) } : undefined,
  };
}

function jobState(event: EventName, payload: unknown): JobState | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  if (event === 'backups.followed') return backupState(payload as FollowedBackup);
  if (event === 'restore.changed') return restoreState(payload as RestoreWizard);
  if (event === 'registry.job') return registryState(payload as RegistryJob);
  return undefined;
}

/** Follows the bus's events; `ended` answers the notice for a job that has just finished. */
export class FinishedJobs {
  private readonly running = new Set<string>();

  /** The notice when this event ends a job seen running earlier in this session, else undefined. */
  ended(event: EventName, payload: unknown): DesktopNotice | undefined {
    const s = jobState(event, payload);
    if (!s) return undefined;
    if (s.active) {
      this.running.add(s.key);
      return undefined;
    }
    if (!this.running.delete(s.key)) return undefined; // found finished, or already told
    return s.notice;
  }
}

/** Whether to show it: only when the window is not focused (an operator looking at it sees the screen change). */
export function noticeToShow(notice: DesktopNotice | undefined, windowFocused: boolean): DesktopNotice | undefined {
  return notice && !windowFocused ? notice : undefined;
}
