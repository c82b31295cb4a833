/**
 * How the registry client turns what went wrong into something the operator can act on: network
 * and TLS failures as REGISTRY_UNREACHABLE naming host and cause, the registry's own error text,
 * cancellation. Plus the small body helpers every request uses.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../api/errors.js';
import { abortableSleep } from '../../abortableSleep.js';

const TLS_UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

/** Socket errors worth sending an idempotent request again for. */
export const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

export function cancelled(): LifeboatError {
  return new LifeboatError('CANCELLED', 'The registry operation was cancelled.', 'Start it again to continue where it stopped.');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal, cancelled);
}

/** A small document's body, refused beyond `limit` bytes. */
export async function readAll(res: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new LifeboatError('REGISTRY_FAILED', `The registry sent more than ${limit} bytes where a small document was expected.`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Discard a body nobody needs (frees the keep-alive socket). */
export function drain(res: IncomingMessage): void {
  res.resume();
}

/** The registry's own error text ({"errors":[{code,message,detail}]}) if it sent one. */
export function registryErrorText(body: Buffer): string {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    if (Array.isArray(doc.errors) && doc.errors.length) {
      return doc.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    /* not JSON */
  }
  return body.toString('utf8').slice(0, 300).trim();
}

/** The message and hint for a TLS failure, or null when the error is not about TLS. */
function tlsFailure(err: NodeJS.ErrnoException, url: URL): [string, string] | null {
  const code = err.code ?? '';
  const host = url.host;
  if (TLS_UNKNOWN_CA.has(code)) {
    return [
      `Cannot reach the registry at ${host}: its TLS certificate is signed by an unknown authority (${code}).`,
      'Give Lifeboat the CA certificate that signed the registry certificate (the cluster CA for kURL and Embedded Cluster registries).',
    ];
  }
  if (code === 'CERT_HAS_EXPIRED') return [`Cannot reach the registry at ${host}: its TLS certificate has expired.`, 'Renew the registry certificate.'];
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return [
      `Cannot reach the registry at ${host}: its TLS certificate is not valid for "${url.hostname}".`,
      'Use the address the certificate was issued for (its subject alternative names).',
    ];
  }
  if (code === 'EPROTO' || /wrong version number|ssl3_get_record|packet length too long/i.test(err.message)) {
    return [`Cannot reach the registry at ${host}: the TLS handshake failed (${err.message}).`, 'The registry may serve plain HTTP: try http://' + host + '.'];
  }
  return null;
}

/** A failed connection to `url` as REGISTRY_UNREACHABLE, saying why and what to check. */
export function unreachableError(err: NodeJS.ErrnoException, url: URL): LifeboatError {
  const code = err.code ?? '';
  const host = url.host;
  const details = { host, cause: code || err.message };
  const fail = (message: string, hint: string) => new LifeboatError('REGISTRY_UNREACHABLE', message, hint, details);
  if (code === 'ECONNREFUSED') {
    return fail(
      `Cannot reach the registry at ${host}: connection refused.`,
      'Check that the registry is running and that the address and port are right (kURL: service "registry" in namespace "kurl"; Embedded Cluster: namespace "registry").',
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return fail(
      `Cannot reach the registry at ${host}: the name "${url.hostname}" does not resolve (${code}).`,
      'Check the registry address, or use its IP address if this machine has no DNS for the cluster.',
    );
  }
  const tls = tlsFailure(err, url);
  if (tls) return fail(tls[0], tls[1]);
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return fail(`The registry at ${host} stopped answering (timed out).`, 'Check the network path to the registry and retry.');
  }
  return fail(
    `Lost the connection to the registry at ${host}: ${err.message}${code ? ` (${code})` : ''}.`,
    'Check that the registry is running and reachable, then retry; an export or re-seed resumes where it stopped.',
  );
}
