/**
 * On the shared lab (Velero installed by ensureVelero(); only backups are made):
 * - a partial (application) backup on the existing flavour: offered, marked legacy (type partial),
 *   and the Velero Backup it creates completes (checked on the Velero object);
 * - backup sizes read from the store: the list shows the sum of the objects under
 *   backups/<name>/ in the lab's MinIO bucket (compared with our own listing), read with the
 *   storage location's config and its credential Secret; a backup Velero refused shows "—" with
 *   the reason, not an error; the credentials never appear in anything the window receives.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../electron/app.js';
import { callerFor } from './app-calls.js';
import { adminKube, ensureVelero, lab, waitUntil } from './lab.js';

let app: App;
const home = mkdtempSync(join(tmpdir(), 'lb-backups-store-'));

const call = callerFor(() => app);

async function storeBytes(name: string): Promise<number> {
  const l = lab();
  const s3 = new S3Client({
    endpoint: l.minio.endpoint,
    region: l.minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: l.minio.accessKey, secretAccessKey: l.minio.secretKey },
  });
  let total = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: l.minio.bucket, Prefix: `backups/${name}/`, ContinuationToken: token }));
    for (const o of page.Contents ?? []) total += o.Size ?? 0;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  s3.destroy();
  return total;
}

beforeAll(async () => {
  await ensureVelero();
  const l = lab();
  app = createApp({
    dataDir: join(home, 'data'),
    mode: 'web',
    version: 'test',
    toolsDir: l.toolsDir,
    kubeconfig: l.kubeconfig,
    env: { ...process.env, HOME: join(l.dir, 'home') },
  });
  await app.start();
  await waitUntil('environment with Velero', async () => app.detector.get()?.velero.ready && app.detector.get()?.kots.found, 60_000);
}, 600_000);

afterAll(async () => {
  await Promise.resolve(app?.cluster.disconnect()).catch(() => {});
  await app?.dispose().catch(() => {});
});

describe('partial backup and sizes', () => {
  let name = '';

  it('a partial (application) backup is offered, marked legacy, and its Velero Backup completes', async () => {
    const slug = lab().app.slug;
    const r = await waitUntil(
      'no other backup running',
      async () => {
        const x = await call('backups.readiness', {});
        // Only a warning now (KOTS starts another backup anyway): wait until none is in progress.
        return x.ok && !x.checks.some((c) => c.title === 'Another backup is in progress') ? x : undefined;
      },
      180_000,
    );
    expect(r.partialAllowed).toBe(true);
    expect(r.apps).toContain(slug);
    const started = await call('backups.create', { kind: 'partial', appSlug: slug });
    expect(started).toMatchObject({ kind: 'partial', appSlug: slug, state: 'running' });
    name = started.backupName!;
    const done = await waitUntil(
      'the partial backup to finish',
      async () => {
        const f = await call('backups.followed', {});
        return f && f.state !== 'running' && f.state !== 'starting' ? f : undefined;
      },
      180_000,
    );
    expect(done.state, done.message).toBe('succeeded');
    expect(done.summary?.type).toBe('partial');
    const b = await adminKube().get(`/apis/velero.io/v1/namespaces/velero/backups/${name}`);
    expect(b.status.phase).toBe('Completed');
    expect(b.metadata.annotations['kots.io/instance']).not.toBe('true');
    const row = (await call('backups.list', {})).find((x) => x.name === name);
    expect(row?.type).toBe('partial');
    // No version label on a partial backup: the app from its selector, KOTS's sequence instead.
    expect(row?.apps).toEqual([{ slug, version: `sequence ${b.metadata.annotations['kots.io/app-sequence']}` }]);
  }, 300_000);

  it('the list shows its size as read from the store (the sum under backups/<name>/), credentials kept in the main process', async () => {
    const expected = await storeBytes(name);
    expect(expected).toBeGreaterThan(0);
    const row = await waitUntil(
      'the size to be read',
      async () => (await call('backups.list', {})).find((x) => x.name === name && x.sizeBytes !== undefined),
      60_000,
    );
    expect(row.sizeBytes).toBe(expected);
    expect(row.sizeNote).toMatch(/this backup's folder of the store \(backups\/<its name>\/\)/);
    // The compact form the window loads carries the same, and no secret.
    const wire = await call('backups.rows', {});
    const text = JSON.stringify(wire);
    expect(text).not.toContain(lab().minio.secretKey);
    expect(text).not.toContain(lab().minio.accessKey);
  }, 120_000);

  it('a backup Velero refused has no size and says why ("—" with the reason), never an error', async () => {
    const kube = adminKube();
    const refused = `lb-size-refused-${Date.now().toString(36)}`;
    await kube.post('/apis/velero.io/v1/namespaces/velero/backups', {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: refused, namespace: 'velero' },
      spec: { storageLocation: 'no-such-location', includedNamespaces: ['lifeboat-none'] },
    });
    try {
      const row = await waitUntil(
        'Velero to refuse it',
        async () => (await call('backups.list', {})).find((x) => x.name === refused && x.phase === 'FailedValidation'),
        60_000,
      );
      expect(row.sizeBytes).toBeUndefined();
      expect(row.sizeNote).toMatch(/refused this backup before writing anything/);
    } finally {
      await kube.delete(`/apis/velero.io/v1/namespaces/velero/backups/${refused}`).catch(() => {});
    }
  }, 90_000);
});
