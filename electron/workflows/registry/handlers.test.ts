/**
 * The registry area's handlers: every contract method of the `registry` block is mapped to the
 * service it is given, the input reaches the service, and the handler answers what the contract
 * asks (export and re-seed: the job once started; cancel: whether it was cancelled).
 */
import { describe, expect, it, vi } from 'vitest';
import { methods } from '../../api/contract.js';
import { registryHandlers } from './handlers.js';
import type { RegistryService } from './service.js';

const job = (id: string) => ({ id, kind: 'export', state: 'running' });

function fakeService() {
  return {
    detect: vi.fn(async () => ({ detected: 'info' })),
    checkDestination: vi.fn(async () => ({ ok: true })),
    startExport: vi.fn(async () => ({ job: job('export-1'), done: new Promise(() => {}) })),
    startReseed: vi.fn(async () => ({ job: job('reseed-1'), done: new Promise(() => {}) })),
    jobs: vi.fn(() => [job('a')]),
    cancel: vi.fn(async () => true),
    resume: vi.fn(async () => job('resumed')),
  };
}

function handlersOver(svc: ReturnType<typeof fakeService>) {
  return registryHandlers(svc as unknown as RegistryService) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
}

describe('registryHandlers', () => {
  it('maps every method of the registry block, and nothing else', () => {
    const contract = Object.keys(methods).filter((m) => m.startsWith('registry.'));
    expect(Object.keys(handlersOver(fakeService())).sort()).toEqual(contract.sort());
  });

  it('registry.detect hands its input to detect and answers what it found', async () => {
    const svc = fakeService();
    const input = { caPath: '/ca.pem', confirmHost: 'reg:5000' };
    expect(await handlersOver(svc)['registry.detect'](input)).toEqual({ detected: 'info' });
    expect(svc.detect).toHaveBeenCalledWith(input);
  });

  it('registry.checkDestination passes the folder and the .tar path', async () => {
    const svc = fakeService();
    expect(await handlersOver(svc)['registry.checkDestination']({ dest: '/out', tarPath: '/out.tar' })).toEqual({ ok: true });
    expect(svc.checkDestination).toHaveBeenCalledWith('/out', '/out.tar');
  });

  it('registry.export starts the export with its input and answers the started job', async () => {
    const svc = fakeService();
    const input = { dest: '/out', concurrency: 4 };
    expect(await handlersOver(svc)['registry.export'](input)).toEqual(job('export-1'));
    expect(svc.startExport).toHaveBeenCalledWith(input);
    expect(svc.startReseed).not.toHaveBeenCalled();
  });

  it('registry.reseed starts the re-seed with its input and answers the started job', async () => {
    const svc = fakeService();
    const input = { source: '/out' };
    expect(await handlersOver(svc)['registry.reseed'](input)).toEqual(job('reseed-1'));
    expect(svc.startReseed).toHaveBeenCalledWith(input);
    expect(svc.startExport).not.toHaveBeenCalled();
  });

  it('registry.jobs answers the service list', async () => {
    const svc = fakeService();
    expect(await handlersOver(svc)['registry.jobs']({})).toEqual([job('a')]);
    expect(svc.jobs).toHaveBeenCalledTimes(1);
  });

  it('registry.cancel cancels that job and says whether it did', async () => {
    const svc = fakeService();
    expect(await handlersOver(svc)['registry.cancel']({ jobId: 'export-1' })).toEqual({ cancelled: true });
    expect(svc.cancel).toHaveBeenCalledWith('export-1');
    svc.cancel.mockResolvedValueOnce(false);
    expect(await handlersOver(svc)['registry.cancel']({ jobId: 'gone' })).toEqual({ cancelled: false });
  });

  it('registry.resume hands its input (password included) to resume', async () => {
    const svc = fakeService();
    const input = { jobId: 'reseed-1', password: 'pw' };
    expect(await handlersOver(svc)['registry.resume'](input)).toEqual(job('resumed'));
    expect(svc.resume).toHaveBeenCalledWith(input);
  });

  it("a service's refusal reaches the caller", async () => {
    const svc = fakeService();
    svc.startExport.mockRejectedValueOnce(new Error('a registry job is already running'));
    await expect(handlersOver(svc)['registry.export']({ dest: '/out' })).rejects.toThrow('a registry job is already running');
  });
});
