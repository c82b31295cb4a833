/**
 * Stopping one of a lab's daemons (MinIO, the registry) as a crash would, and starting it again
 * exactly as the lab ran it (same binary, arguments, storage; the environment given), with its new
 * pid recorded where the lab keeps pids (pids.json, lab.json) so that stopping the lab stops it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, portOpen, startDaemon, stopGroup } from '../lab/processes.js';
import type { LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';

export class LabDaemon {
  private argv: string[] = [];

  constructor(
    private readonly labDir: string,
    readonly name: string,
    private readonly port: number,
    /** When it is serving again (default: its port accepts connections). */
    private readonly ready: () => Promise<boolean> = () => portOpen(port),
  ) {}

  private pids(): Record<string, number> {
    return JSON.parse(readFileSync(join(this.labDir, 'pids.json'), 'utf8')) as Record<string, number>;
  }

  /** Its running pid (e.g. to pause it with SIGSTOP). */
  pid(): number {
    const pid = this.pids()[this.name];
    if (!pid) throw new Error(`the lab in ${this.labDir} records no pid for ${this.name}`);
    return pid;
  }

  /** Whether stop() ran (afterAll starts it again then). */
  get stopped(): boolean {
    return this.argv.length > 0;
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    this.argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    await stopGroup(pid);
    await waitUntil(`${this.name} gone`, async () => !isAlive(pid) && !(await portOpen(this.port)), 30_000, 200);
  }

  async start(env?: NodeJS.ProcessEnv): Promise<void> {
    if (!this.argv.length || (await portOpen(this.port))) return;
    const s = startDaemon(this.labDir, this.name, this.argv[0]!, this.argv.slice(1), env ? { env } : {});
    writeFileSync(join(this.labDir, 'pids.json'), JSON.stringify({ ...this.pids(), [this.name]: s.pid }));
    const state = JSON.parse(readFileSync(join(this.labDir, 'lab.json'), 'utf8')) as LabState;
    state.pids = { ...state.pids, [this.name]: s.pid };
    writeFileSync(join(this.labDir, 'lab.json'), JSON.stringify(state, null, 2), { mode: 0o600 });
    await waitUntil(`${this.name} serving again`, this.ready, 60_000, 250);
  }
}
