/**
 * The images step (air gap only): which private registry, with which login, and whether the
 * images Velero needs are there — pushing the archives Lifeboat ships when they are not.
 */
import type { Environment, SetupImage, SetupWizard } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { RegistryNamespace } from '../../api/registryRef.js';
import { imagesLockFor } from '../../velero/imagesLock.js';
import { registryAccess } from './credentials.js';
import { checkImages, imagesDir, planImages, pushImage, type ResourceLocation } from './images.js';
import type { WizardMachine } from './machine.js';
import type { SecretKeeper } from './secrets.js';
import { requireStep } from './state.js';

export type RegistryInput = { host: string; namespace?: string; useKotsCredentials?: boolean; username?: string; password?: string; caPath?: string };

export interface RegistryStepDeps {
  m: Pick<WizardMachine, 'w' | 'save' | 'state'>;
  secrets: Pick<SecretKeeper, 'getRegistryPassword' | 'setRegistryPassword'>;
  env: () => Environment | null | undefined;
  processEnv: NodeJS.ProcessEnv;
  resources: () => ResourceLocation;
  kotsCredentials: (host: string) => Promise<{ username: string; password: string } | undefined>;
  registry?: { check: typeof checkImages; push: typeof pushImage };
}

/** host[:port] and an optional path under it, as entered (a scheme or trailing slash is dropped). */
export function parseRegistry(input: { host: string; namespace?: string }): { host: string; namespace?: string } {
  const host = input.host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host))
    throw new LifeboatError(
      'BAD_INPUT',
      `"${input.host}" is not a registry host (host or host:port).`,
      'Enter e.g. registry.internal:5000, and the path under it in "Namespace".',
    );
  const nsCheck = RegistryNamespace.safeParse(input.namespace ?? '');
  if (!nsCheck.success)
    throw new LifeboatError(
      'BAD_INPUT',
      `"${input.namespace}" is not a registry namespace.`,
      nsCheck.error.issues[0]?.message ?? 'Use path segments such as lifeboat/velero.',
    );
  return { host, namespace: nsCheck.data.replace(/^\/+|\/+$/g, '') || undefined };
}

export class RegistryStep {
  /** The push running in the background, if any (one at a time). */
  pushing?: Promise<void>;

  constructor(private readonly d: RegistryStepDeps) {}

  private get ops() {
    return this.d.registry ?? { check: checkImages, push: pushImage };
  }

  /** Prefill from KOTS (ConfigMap kotsadm-confg / Secret kotsadm-private-registry). */
  defaults(): { host: string; namespace?: string; hasKotsCredentials: boolean } | undefined {
    const r = this.d.env()?.kots.registry;
    return r ? { host: r.host, namespace: r.namespace, hasKotsCredentials: r.hasCredentials } : undefined;
  }

  async set(input: RegistryInput): Promise<SetupWizard> {
    const { m } = this.d;
    requireStep(m.w, 'images');
    const { host, namespace } = parseRegistry(input);
    let username = input.username;
    let credentials: 'kots' | 'entered' | 'none' = input.password ? 'entered' : 'none';
    if (input.useKotsCredentials) {
      const c = await this.d.kotsCredentials(host);
      if (!c)
        throw new LifeboatError(
          'BAD_INPUT',
          `KOTS has no credentials issued for ${host} (Secret kotsadm-private-registry); credentials for other hosts are never sent to it.`,
          'Enter the user name and password for this registry instead.',
        );
      username = c.username;
      this.d.secrets.setRegistryPassword(c.password);
      credentials = 'kots';
    } else {
      this.d.secrets.setRegistryPassword(input.password);
    }
    const kotsReg = this.d.env()?.kots.registry;
    const source =
      kotsReg && kotsReg.host === host && (kotsReg.namespace ?? '') === (namespace ?? '') ? 'KOTS (ConfigMap kotsadm-confg, key kotsadm-registry)' : 'entered';
    const provider = m.w.destination?.provider ?? 's3-compatible';
    const images = planImages(
      m.w.veleroVersion ?? 'v1.18.3',
      provider,
      { host, namespace },
      imagesDir(this.d.processEnv, this.d.resources()),
      imagesLockFor(this.d.processEnv),
    );
    m.save({ ...m.w, registry: { host, namespace, username, credentials, caPath: input.caPath, source }, images, step: 'images', review: undefined });
    return this.check();
  }

  async check(): Promise<SetupWizard> {
    const { m } = this.d;
    requireStep(m.w, 'images');
    const access = registryAccess(m.w, this.d.secrets.getRegistryPassword(), this.d.processEnv);
    const images = m.w.images ?? [];
    m.save({ ...m.w, images: images.map((i) => ({ ...i, state: 'checking' as const })) });
    try {
      return m.save({ ...m.w, images: await this.ops.check(access, images) });
    } catch (e) {
      const err = toErrorData(e);
      m.save({ ...m.w, images: images.map((i) => ({ ...i, state: 'error' as const, message: err.message })) });
      throw e;
    }
  }

  /** Starts pushing what is missing and returns at once; progress arrives as saved wizard states. */
  push(): SetupWizard {
    const { m } = this.d;
    requireStep(m.w, 'images');
    if (this.pushing) throw new LifeboatError('SETUP_IN_PROGRESS', 'Images are being pushed already.', 'Wait for the push to finish.');
    const access = registryAccess(m.w, this.d.secrets.getRegistryPassword(), this.d.processEnv);
    const missing = (m.w.images ?? []).filter((i) => i.state === 'missing' || i.state === 'error');
    if (!missing.length) return m.state();
    const unknown = missing.filter((i) => !i.archive);
    if (unknown.length)
      throw new LifeboatError(
        'IMAGES_MISSING',
        `Lifeboat has no archive of ${unknown.map((i) => i.upstream).join(', ')}.`,
        'Mirror them into the registry with your usual tool, then press "Check again".',
      );
    for (const img of missing) this.update(img.target, { state: 'pushing', bytesDone: 0, message: undefined });
    this.pushing = this.pushAll(access, missing).finally(() => {
      this.pushing = undefined;
    });
    return m.state();
  }

  private update(target: string, patch: Partial<SetupImage>): void {
    const { m } = this.d;
    m.save({ ...m.w, images: (m.w.images ?? []).map((i) => (i.target === target ? { ...i, ...patch } : i)) });
  }

  private async pushAll(access: ReturnType<typeof registryAccess>, images: SetupImage[]): Promise<void> {
    for (const img of images) {
      let last = 0;
      try {
        const done = await this.ops.push(access, img, (bytesDone, bytesTotal) => {
          // Progress is saved (and sent to the window) at most four times a second.
          if (Date.now() - last < 250 && bytesDone < bytesTotal) return;
          last = Date.now();
          this.update(img.target, { bytesDone, bytesTotal });
        });
        this.update(img.target, { ...done, state: 'pushed' });
      } catch (e) {
        this.update(img.target, { state: 'error', message: `${toErrorData(e).message} ${toErrorData(e).hint ?? ''}`.trim() });
      }
    }
  }
}
