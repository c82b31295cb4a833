/**
 * Calling a Lifeboat app the way the renderer does — through the contract's dispatch, errors as
 * data — for suites that build their own app on their own lab. A failed call throws an Error that
 * carries the error's code, hint and data, so a test can assert on what the operator would see.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../electron/api/contract.js';
import { join } from 'node:path';
import { createApp, type App } from '../../electron/app.js';
import { dispatch } from '../../electron/transport/dispatch.js';
import type { Services } from '../../electron/workflows/services.js';
import { stopLab } from '../lab/lab.js';
import type { LabState } from '../lab/state.js';
import { waitUntil } from './lab.js';

export type Call = <M extends MethodName>(m: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/** `call(method, input)` on the app `app()` returns when called (suites assign it in beforeAll). */
export function callerFor(app: () => App): Call {
  return async (m, input) => {
    const r = await dispatch(app().handlers, m, input);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { data: r.error, code: r.error.code, hint: r.error.hint });
    return r.result as MethodOutput<typeof m>;
  };
}

/** The followed backup once it is no longer starting or running. */
export function followedToEnd(call: Call, timeoutMs = 240_000): Promise<NonNullable<MethodOutput<'backups.followed'>>> {
  return waitUntil(
    'the backup to finish',
    async () => {
      const f = await call('backups.followed', {});
      return f && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
    },
    timeoutMs,
    500,
  );
}

/** A Lifeboat app in web mode on `lab`, its data and HOME under `home`, started. */
export async function startAppOn(lab: LabState, home: string, env: NodeJS.ProcessEnv = {}): Promise<App> {
  const app = createApp({
    dataDir: join(home, 'data'),
    mode: 'web',
    version: 'test',
    toolsDir: lab.toolsDir,
    kubeconfig: lab.kubeconfig,
    env: { ...process.env, HOME: home, ...env },
  });
  await app.start();
  return app;
}

/** The services a workflow area gets from `app` (as electron/app.ts hands them out), with its own data folder and environment. */
export function servicesOf(app: App, dataDir: string, env: NodeJS.ProcessEnv): Services {
  const { bus, cluster, detector, binaries, runner, tools, journal } = app;
  return { bus, cluster, detector, binaries, runner, tools, journal, dataDir, env };
}

/** afterAll: the app disposed, and its lab stopped unless LIFEBOAT_LAB_KEEP asks to keep it. */
export async function closeAppAndLab(app: App | undefined, labDir: string): Promise<void> {
  await Promise.resolve(app?.cluster.disconnect()).catch(() => {});
  await app?.dispose().catch(() => {});
  if (!process.env.LIFEBOAT_LAB_KEEP) await stopLab(labDir).catch(() => {});
}
