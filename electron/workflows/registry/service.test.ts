import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../events.js';
import { RegistryService, type RegistryServiceDeps } from './service.js';

function service(): { svc: RegistryService; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lb-reg-svc-'));
  const deps = {
    bus: new EventBus(),
    dataDir: join(dir, 'data'),
    env: {},
    cluster: {} as never,
    detector: { get: () => null } as never,
  } as RegistryServiceDeps;
  return { svc: new RegistryService(deps), dir };
}

describe('RegistryService.checkDestination', () => {
  it('accepts a new folder under a writable one, and an earlier export as resumable', async () => {
    const { svc, dir } = service();
    expect(await svc.checkDestination(join(dir, 'a', 'b'))).toEqual({ ok: true, resumable: false, reason: undefined });
    mkdirSync(join(dir, 'prev'));
    writeFileSync(join(dir, 'prev', 'oci-layout'), '{}');
    expect(await svc.checkDestination(join(dir, 'prev'))).toMatchObject({ ok: true, resumable: true });
    expect(await svc.checkDestination(join(dir, 'new'), join(dir, 'out.tar'))).toMatchObject({ ok: true });
  });

  it('refuses relative paths, files, foreign folders, a .tar inside the folder or not named .tar', async () => {
    const { svc, dir } = service();
    expect(await svc.checkDestination('rel')).toMatchObject({ ok: false, reason: expect.stringMatching(/absolute/) });
    writeFileSync(join(dir, 'file'), 'x');
    expect(await svc.checkDestination(join(dir, 'file'))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a directory/) });
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'notes'), 'x');
    expect(await svc.checkDestination(join(dir, 'mine'))).toMatchObject({ ok: false, reason: expect.stringMatching(/other files/) });
    expect(await svc.checkDestination(join(dir, 'x'), join(dir, 'x', 'a.tar'))).toMatchObject({ ok: false, reason: expect.stringMatching(/inside/) });
    expect(await svc.checkDestination(join(dir, 'x'), join(dir, 'a.zip'))).toMatchObject({ ok: false, reason: expect.stringMatching(/\.tar/) });
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder this user cannot write', async () => {
    const { svc, dir } = service();
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o500);
    expect(await svc.checkDestination(join(dir, 'ro', 'x'))).toMatchObject({ ok: false, reason: expect.stringMatching(/not writable/) });
  });

  it('re-seed refuses a source that is not a finished export, before contacting any registry', async () => {
    const { svc, dir } = service();
    await expect(svc.startReseed({ source: join(dir, 'missing') })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' });
    mkdirSync(join(dir, 'half'));
    await expect(svc.startReseed({ source: join(dir, 'half') })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringMatching(/index\.json/),
    });
    expect(svc.jobs()).toEqual([]);
  });
});
