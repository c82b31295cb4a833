import type { JournalEntry, ToolOutputLine } from '../../electron/api/contract.js';
import type { ActivitySlice, GetState, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

/** A run's output beyond this many lines keeps only the newest; the log view stays responsive. */
export const MAX_OUTPUT_LINES = 20_000;
/** The journal kept in memory, newest first. */
export const MAX_ENTRIES = 1000;

const byNewest = (a: JournalEntry, b: JournalEntry) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);

/** Inserts or replaces an entry by id, keeping newest-first order. */
export function upsertEntry(entries: JournalEntry[], entry: JournalEntry, max = MAX_ENTRIES): JournalEntry[] {
  const i = entries.findIndex((e) => e.id === entry.id);
  const next = i === -1 ? [entry, ...entries] : entries.map((e, j) => (j === i ? entry : e));
  next.sort(byNewest);
  return next.length > max ? next.slice(0, max) : next;
}

/** Merges a freshly listed journal with entries that arrived live while it was being fetched. */
export function mergeEntries(listed: JournalEntry[], current: JournalEntry[], max = MAX_ENTRIES): JournalEntry[] {
  const byId = new Map<string, JournalEntry>();
  for (const e of listed) byId.set(e.id, e);
  for (const e of current) {
    const l = byId.get(e.id);
    // A live entry that is already finished is newer than a listed one still running.
    if (!l || (l.outcome === 'running' && e.outcome !== 'running')) byId.set(e.id, e);
  }
  return [...byId.values()].sort(byNewest).slice(0, max);
}

export function appendLine(lines: ToolOutputLine[] | undefined, line: ToolOutputLine, max = MAX_OUTPUT_LINES): ToolOutputLine[] {
  const next = lines ? [...lines, line] : [line];
  return next.length > max ? next.slice(next.length - max) : next;
}

const lineKey = (l: ToolOutputLine) => `${l.at}\u0000${l.stream}\u0000${l.line}`;

/** The fetched output of a run, plus any live lines that arrived during the fetch and are not in it. */
export function mergeOutput(fetched: ToolOutputLine[], live: ToolOutputLine[] | undefined, max = MAX_OUTPUT_LINES): ToolOutputLine[] {
  if (!live?.length) return fetched.length > max ? fetched.slice(fetched.length - max) : fetched;
  const seen = new Set(fetched.map(lineKey));
  const merged = [...fetched, ...live.filter((l) => !seen.has(lineKey(l)))];
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

export function createActivitySlice(set: SetState, get: GetState, deps: StoreDeps): ActivitySlice {
  const { api, notify } = deps;
  return {
    entries: [],
    activityLoaded: false,
    activityError: null,
    output: {},
    selectedRunId: null,
    outputPending: false,
    cancelling: {},

    async loadActivity() {
      set({ activityError: null });
      try {
        const listed = await api.call('activity.list', { limit: 500 });
        set((s) => ({ entries: mergeEntries(listed, s.entries), activityLoaded: true }));
      } catch (err) {
        const view = toErrorView(err);
        set({ activityError: view, activityLoaded: true });
        notify?.('Could not read the activity journal', view);
      }
    },

    async selectRun(runId) {
      set({ selectedRunId: runId });
      if (!runId) return;
      set({ outputPending: true });
      try {
        const fetched = await api.call('activity.output', { runId });
        set((s) => ({ output: { ...s.output, [runId]: mergeOutput(fetched, s.output[runId]) } }));
      } catch (err) {
        const view = toErrorView(err);
        set({ activityError: view });
        notify?.('Could not read the tool output', view);
      } finally {
        if (get().selectedRunId === runId) set({ outputPending: false });
      }
    },

    async cancelRun(runId) {
      set((s) => ({ cancelling: { ...s.cancelling, [runId]: true } }));
      try {
        const { cancelled } = await api.call('activity.cancel', { runId });
        if (!cancelled) {
          notify?.('Nothing to cancel', {
            code: 'CANCELLED',
            message: 'That operation had already finished.',
            hint: 'Its final outcome is in the journal.',
          });
        }
      } catch (err) {
        const view = toErrorView(err);
        set({ activityError: view });
        notify?.('Could not cancel the operation', view);
      } finally {
        set((s) => {
          const { [runId]: _done, ...rest } = s.cancelling;
          return { cancelling: rest };
        });
      }
    },
  };
}
