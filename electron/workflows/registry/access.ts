/**
 * Reaching a registry: the CA to trust, the operator's confirmation of an address only a backup
 * annotation names, and logging in to the detected registry (credentials issued for exactly its
 * host, in turn) or to one the operator entered.
 */
import path from 'node:path';
import type { RegistryTarget } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { readCaFile } from '../../localFile.js';
import { RegistryClient } from '../../registry/client.js';
import { normaliseRegistryHost } from '../../registry/credentials.js';
import { registryAddress, registryCredentials, type RegistryAddress, type RegistryCredential, type RegistrySnapshot } from './detect.js';

/** The operator's confirmation of an address taken from a backup annotation (contract RegistryConfirm). */
export interface HostConfirm {
  confirmHost?: string;
  confirmPlainHttp?: boolean;
}

/** The detected registry as Lifeboat reached it. */
export interface Access {
  host: string;
  hostSource?: string;
  credential?: RegistryCredential;
  caPem?: string;
  caSource: string;
}

export interface CaChoice {
  caPem?: string;
  caSource: string;
}

export async function readCa(file: string, what: string): Promise<string> {
  if (!path.isAbsolute(file)) throw new LifeboatError('BAD_INPUT', `The CA path "${file}" is not absolute.`, 'Give the full path of the PEM file.');
  // Only a regular file of PEM size whose certificates parse (localFile.ts): /dev/zero or a FIFO
  // would otherwise be read until memory ran out, and a garbled PEM failed later inside TLS.
  return readCaFile(file, what);
}

/** The CA for the detected registry: the path given, else LIFEBOAT_REGISTRY_CA, else the system roots. */
export async function chooseCa(env: Record<string, string | undefined>, caPath?: string): Promise<CaChoice> {
  if (caPath) return { caPem: await readCa(caPath, 'chosen CA'), caSource: caPath };
  const envCa = env.LIFEBOAT_REGISTRY_CA;
  if (envCa) return { caPem: await readCa(envCa, 'LIFEBOAT_REGISTRY_CA'), caSource: `LIFEBOAT_REGISTRY_CA (${envCa})` };
  return { caSource: 'system roots' };
}

/**
 * Annotation addresses the operator confirmed in this session, per cluster ("cluster|scheme://host"):
 * in memory only. An address only a backup annotation names gets nothing until the operator
 * confirms it: the host (`confirmHost` equal to it) and, for http://, plain HTTP (`confirmPlainHttp`).
 */
export class HostConfirmations {
  private readonly confirmed = new Set<string>();

  require(clusterKey: string, addr: RegistryAddress, confirm: HostConfirm = {}): void {
    if (!addr.unconfirmed || !addr.host) return;
    const key = `${clusterKey}|${addr.plainHttp ? 'http' : 'https'}://${addr.host}`;
    if (this.confirmed.has(key)) return;
    const details = { host: addr.host, source: addr.source, plainHttp: !!addr.plainHttp };
    if (!confirm.confirmHost || normaliseRegistryHost(confirm.confirmHost) !== normaliseRegistryHost(addr.host)) {
      throw new LifeboatError(
        'CONFIRMATION_MISMATCH',
        `Lifeboat found no Secret registry-creds, so the registry address ${addr.host} comes only from the kots.io/embedded-registry annotation of the newest backup; no credential is sent to it until you confirm it${confirm.confirmHost ? ` (the confirmation named ${confirm.confirmHost})` : ''}.`,
        `Check that ${addr.host} is this cluster's registry, then confirm it on the Registry screen ("Use this registry (from backup annotation)"). Or restore Secret registry-creds, or re-seed into an address you enter.`,
        details,
      );
    }
    if (addr.plainHttp && !confirm.confirmPlainHttp) {
      throw new LifeboatError(
        'CONFIRMATION_MISMATCH',
        `The backup annotation names ${addr.host} over plain HTTP (http://): the registry credentials would cross the network unencrypted, so Lifeboat sends nothing there until you confirm plain HTTP too.`,
        `Confirm plain HTTP for ${addr.host} on the Registry screen only if the network to it is trusted; otherwise make the registry serve https.`,
        details,
      );
    }
    this.confirmed.add(key);
  }
}

/** The error to report when no credential worked (or the connection failed), with what to do. */
function accessFailure(lastErr: unknown, host: string, credentials: RegistryCredential[], caSource: string): unknown {
  if (lastErr instanceof LifeboatError && lastErr.code === 'REGISTRY_AUTH_FAILED') {
    return new LifeboatError(
      'REGISTRY_AUTH_FAILED',
      credentials.length
        ? `The registry ${host} refused the credentials issued for it in ${[...new Set(credentials.map((c) => c.source))].join(', ')}.`
        : `The registry ${host} asks for a login, and no Secret holds credentials issued for ${host} (credentials for other hosts are never sent to it).`,
      `Check Secret registry-creds; it must hold the user and password the registry accepts, under the key ${host}.`,
    );
  }
  if (lastErr instanceof LifeboatError && lastErr.code === 'REGISTRY_UNREACHABLE' && caSource === 'system roots' && /certificate|CA/i.test(lastErr.message)) {
    return new LifeboatError(
      'REGISTRY_UNREACHABLE',
      lastErr.message,
      'Give the registry CA certificate (a PEM path here, or LIFEBOAT_REGISTRY_CA) and try again.',
      lastErr.details,
    );
  }
  return lastErr;
}

/**
 * Log in to the detected registry with the credentials issued for exactly its host, in turn
 * (registry-creds first, then KOTS's own registry Secrets), keeping the first it accepts.
 * `confirm` refuses an unconfirmed address before anything is sent; `ca` is asked only after.
 */
export async function openDetected(
  snap: RegistrySnapshot,
  confirm: (addr: RegistryAddress) => void,
  ca: () => Promise<CaChoice>,
): Promise<{ access: Access; client: RegistryClient }> {
  const addr = registryAddress(snap);
  if (!addr.host) {
    throw new LifeboatError(
      'REGISTRY_NOT_FOUND',
      snap.flavour === 'kurl' || snap.flavour === 'embedded-cluster'
        ? 'Lifeboat found no address for the cluster registry (no Secret registry-creds, backup annotation or Service).'
        : 'This cluster has no kURL or Embedded Cluster registry.',
      'Check Secret registry-creds in the admin console namespace, or re-seed/export with an address you enter.',
    );
  }
  confirm(addr);
  const { caPem, caSource } = await ca();
  const credentials = registryCredentials(snap, addr.host);
  const tries: Array<RegistryCredential | undefined> = credentials.length ? credentials : [undefined];
  // http:// only when the annotation says so and the operator confirmed it (HostConfirmations).
  const registry = addr.unconfirmed && addr.plainHttp ? `http://${addr.host}` : addr.host;
  let lastErr: unknown;
  for (const credential of tries) {
    const client = new RegistryClient({ registry, username: credential?.username, password: credential?.password, caPem });
    try {
      await client.ping();
      return { access: { host: addr.host, hostSource: addr.source, credential, caPem, caSource }, client };
    } catch (e) {
      client.close();
      lastErr = e;
      if (!(e instanceof LifeboatError && e.code === 'REGISTRY_AUTH_FAILED')) break;
    }
  }
  throw accessFailure(lastErr, addr.host, credentials, caSource);
}

/** A registry the operator entered, logged in to (its CA read from the path given). */
export async function openTarget(target: RegistryTarget): Promise<RegistryClient> {
  const caPem = target.caPath ? await readCa(target.caPath, 'target registry CA') : undefined;
  if (target.password && !target.username)
    throw new LifeboatError('BAD_INPUT', 'A password was given without a user name.', 'Enter the registry user name too.');
  const client = new RegistryClient({
    registry: target.registry,
    username: target.username || undefined,
    password: target.password,
    caPem,
    skipTlsVerify: target.skipTlsVerify,
  });
  try {
    await client.ping();
  } catch (e) {
    client.close();
    throw e;
  }
  return client;
}
