/**
 * The operation journal: an append-only JSON-lines file in the data dir with one line per state
 * change of a tool run (started, then finished). Lines are never rewritten; reading folds them by
 * id, the last line winning. Entries are redacted before they get here (tools/runner.ts).
 *
 * A run still "running" in the file when Lifeboat starts was cut off by a quit or crash: it is
 * reported as failed with that reason, and the correction is appended, so the file stays the truth.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalEntry } from './api/contract.js';
import type { EventBus } from './events.js';

export const JOURNAL_FILE = 'journal.jsonl';

export class Journal {
  readonly file: string;
  private readonly entries = new Map<string, JournalEntry>();

  constructor(
    dataDir: string,
    private readonly bus?: EventBus,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, JOURNAL_FILE);
    this.load();
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const text = readFileSync(this.file, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = JournalEntry.safeParse(JSON.parse(line));
        if (parsed.success) {
          this.entries.delete(parsed.data.id); // re-insert so Map order follows latest write
          this.entries.set(parsed.data.id, parsed.data);
        }
      } catch {
        // a torn last line (power loss mid-write) is skipped, never fatal
      }
    }
    for (const e of [...this.entries.values()]) {
      if (e.outcome === 'running') {
        this.write(
          {
            ...e,
            outcome: 'failed',
            finishedAt: e.finishedAt ?? new Date().toISOString(),
            summary: 'Lifeboat stopped before this operation finished; check the cluster for its result.',
          },
          false,
        );
      }
    }
  }

  /** Appends an entry (new or updated) and announces it. */
  record(entry: JournalEntry): JournalEntry {
    return this.write(JournalEntry.parse(entry), true);
  }

  private write(entry: JournalEntry, announce: boolean): JournalEntry {
    appendFileSync(this.file, JSON.stringify(entry) + '\n', { mode: 0o600 });
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    if (announce) this.bus?.emit('activity.entry', entry);
    return entry;
  }

  get(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  /** The latest `limit` entries, newest first (by start time). */
  list(limit = 200): JournalEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0)).slice(0, limit);
  }
}
