/**
 * Backup logs, read from the store through a DownloadRequest as they stream in: a page can be
 * shown as soon as its lines have arrived, before the whole file is read. The last three logs are
 * kept, so paging through one downloads it once.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BackupLogPage } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { UrlSource } from '../../velero/downloadRequests.js';
import { openDownload } from '../../velero/downloads.js';
import { isTerminalBackup } from '../../velero/types.js';
import { memberType } from '../../kots/replicatedBackups.js';
import { combineLogs } from './replicated.js';
import { downloadTarget, type BackupScope } from './scope.js';

interface CachedLog {
  key: string;
  lines: string[];
  complete: boolean;
  /** Why the download stopped before the end. */
  error?: LifeboatError;
  /** Resolves when more lines arrived (or the download ended). */
  more: () => Promise<void>;
}

export interface LogsDeps {
  scope: BackupScope;
  /** Where downloads come from (a new DownloadRequests on the connected cluster). */
  source: () => UrlSource;
}

export class BackupLogs {
  private cache: CachedLog[] = [];

  constructor(private readonly deps: LogsDeps) {}

  /** Every line (waits for the whole download). */
  async lines(name: string): Promise<string[]> {
    const log = await this.open(name);
    while (!log.complete) await log.more();
    if (log.error) throw log.error;
    return log.lines;
  }

  async page(name: string, offset: number, limit: number): Promise<BackupLogPage> {
    const members = this.deps.scope.members(name);
    if (members) {
      // A replicated backup: its Velero Backups' logs one after the other, each under its name.
      const lines = combineLogs(
        await Promise.all(members.map(async (m) => ({ name: m.metadata.name, type: memberType(m), lines: await this.lines(m.metadata.name) }))),
      );
      return { name, total: lines.length, complete: true, offset, lines: lines.slice(offset, offset + limit) };
    }
    const log = await this.open(name);
    while (!log.complete && log.lines.length < offset + limit) await log.more();
    // Lines read before a broken download are still shown; the error only when none are left.
    if (log.error && log.lines.length <= offset) throw log.error;
    return { name, total: log.lines.length, complete: log.complete, offset, lines: log.lines.slice(offset, offset + limit) };
  }

  private async open(name: string): Promise<CachedLog> {
    const b = this.deps.scope.mustFind(name);
    if (!isTerminalBackup(b.status?.phase) && b.status?.phase !== 'Deleting') {
      throw new LifeboatError(
        'BACKUP_IN_PROGRESS',
        `The log of ${name} is not available yet: Velero uploads it when the backup finishes (it is ${b.status?.phase || 'New'}).`,
        'Follow the progress here; open the log once it has finished.',
      );
    }
    // By uid too: a Backup deleted and taken again under the same name has another log.
    const key = `${b.metadata.namespace}/${name}/${b.metadata.uid ?? ''}`;
    const hit = this.cache.find((l) => l.key === key && !l.error);
    if (hit) return hit;
    const stream = await openDownload(this.deps.source(), downloadTarget(b, 'BackupLog'));
    const log = readLines(key, name, stream!);
    this.cache = [log, ...this.cache.filter((l) => l.key !== key)].slice(0, 3);
    return log;
  }
}

/** Collects the stream's lines, waking readers every 2000 lines and at the end. */
function readLines(key: string, name: string, stream: Readable): CachedLog {
  let wake: () => void = () => {};
  let next = new Promise<void>((r) => (wake = r));
  const log: CachedLog = { key, lines: [], complete: false, more: () => next };
  const bump = () => {
    const w = wake;
    next = new Promise<void>((r) => (wake = r));
    w();
  };
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let pending = 0;
  rl.on('line', (l) => {
    log.lines.push(l);
    if (++pending >= 2000) {
      pending = 0;
      bump();
    }
  });
  rl.on('close', () => {
    log.complete = true;
    bump();
  });
  stream.on('error', (err) => {
    log.error = new LifeboatError(
      'STORAGE_UNREACHABLE',
      `The backup log of ${name} could not be read to the end: ${err.message}.`,
      'The file in the store may be damaged or the connection dropped. Try again.',
    );
    log.complete = true;
    bump();
  });
  return log;
}
