/** Manifests: byte-exact, digest-checked GET; HEAD; PUT checked against the registry's digest; DELETE. */
import { LifeboatError } from '../../api/errors.js';
import { MANIFEST_ACCEPT, detectManifestMediaType, isDigest, normaliseMediaType, sha256Digest } from '../mediaTypes.js';
import { pullScope, pushScope } from './auth.js';
import { drain, readAll } from './errors.js';
import type { RegistryTransport } from './transport.js';

export interface ManifestResult {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  size: number;
}

/**
 * A manifest by tag or digest, byte-exact, with its media type and digest. The digest is
 * computed from the bytes received and checked against the digest asked for and the
 * registry's Docker-Content-Digest header.
 */
export async function getManifest(t: RegistryTransport, repo: string, ref: string, signal?: AbortSignal): Promise<ManifestResult> {
  t.stats.manifestGets++;
  const res = await t.request({
    method: 'GET',
    path: `/v2/${repo}/manifests/${ref}`,
    headers: { accept: MANIFEST_ACCEPT.join(', ') },
    ok: [200],
    scopes: [pullScope(repo)],
    signal,
    idempotent: true,
    what: `Manifest ${repo}${isDigest(ref) ? '@' : ':'}${ref}`,
  });
  const bytes = await readAll(res, 8 << 20);
  const digest = sha256Digest(bytes);
  const claimed = String(res.headers['docker-content-digest'] ?? '');
  const expected = isDigest(ref) ? ref : claimed.startsWith('sha256:') ? claimed : null;
  if (expected && expected !== digest) {
    throw new LifeboatError(
      'DIGEST_MISMATCH',
      `Manifest ${repo}${isDigest(ref) ? '@' : ':'}${ref} hashes to ${digest}, not ${expected}.`,
      'The registry returned different bytes than it advertised; its storage may be damaged.',
      { repo, ref, expected, actual: digest },
    );
  }
  const mediaType = detectManifestMediaType(bytes, normaliseMediaType(res.headers['content-type']));
  return { bytes, mediaType, digest, size: bytes.length };
}

/** HEAD a manifest: its digest and media type, or null when absent. */
export async function headManifest(
  t: RegistryTransport,
  repo: string,
  ref: string,
  signal?: AbortSignal,
): Promise<{ digest: string; mediaType: string; size: number } | null> {
  const res = await t.request({
    method: 'HEAD',
    path: `/v2/${repo}/manifests/${ref}`,
    headers: { accept: MANIFEST_ACCEPT.join(', ') },
    ok: [200, 404],
    scopes: [pullScope(repo)],
    signal,
    idempotent: true,
  });
  drain(res);
  if (res.statusCode === 404) return null;
  return {
    digest: String(res.headers['docker-content-digest'] ?? ''),
    mediaType: normaliseMediaType(res.headers['content-type']),
    size: Number(res.headers['content-length'] ?? -1),
  };
}

/** Push manifest bytes under a tag or digest; returns the digest (checked against the registry's). */
export async function putManifest(t: RegistryTransport, repo: string, ref: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
  const digest = sha256Digest(bytes);
  if (isDigest(ref) && ref !== digest) {
    throw new LifeboatError('DIGEST_MISMATCH', `Manifest bytes hash to ${digest}, not ${ref}.`, 'The archive holds a corrupted manifest.', {
      expected: ref,
      actual: digest,
    });
  }
  const res = await t.request({
    method: 'PUT',
    path: `/v2/${repo}/manifests/${ref}`,
    body: bytes,
    headers: { 'content-type': mediaType },
    ok: [201],
    scopes: [pushScope(repo)],
    signal,
    idempotent: true,
    what: `Manifest ${repo}:${ref}`,
  });
  drain(res);
  const got = String(res.headers['docker-content-digest'] ?? digest);
  if (got.startsWith('sha256:') && got !== digest) {
    throw new LifeboatError(
      'DIGEST_MISMATCH',
      `The registry stored manifest ${repo}:${ref} as ${got}, not ${digest}.`,
      'The registry rewrote the manifest; it may not support this media type.',
      {
        expected: digest,
        actual: got,
      },
    );
  }
  return digest;
}

/** Delete a manifest by digest (removes every tag pointing at it). Needs delete enabled on the registry. */
export async function deleteManifest(t: RegistryTransport, repo: string, digest: string, signal?: AbortSignal): Promise<void> {
  const res = await t.request({
    method: 'DELETE',
    path: `/v2/${repo}/manifests/${digest}`,
    ok: [202, 200],
    scopes: [`repository:${repo}:delete`, pushScope(repo)],
    signal,
    idempotent: true,
  });
  drain(res);
}
