/**
 * An OCI Distribution v2 client on Node's own http/https: one keep-alive agent with a bounded
 * number of sockets, Basic and Bearer-token auth, paginated listing, digest-verified manifests
 * and blobs, monolithic and chunked uploads with cross-repository mounts. Every failure becomes
 * a LifeboatError the operator can act on (unreachable, auth, not found, digest mismatch).
 *
 * Shared by the registry export/re-seed (archive.ts, reseed.ts) and the setup wizard's image push.
 * This class is the one entry point; each concern lives in its own module under client/:
 * transport.ts (HTTP, retries, status errors), auth.ts (challenges, Basic, Bearer tokens),
 * errors.ts (failure mapping), listing.ts (catalog, tags), manifests.ts, blobs.ts (HEAD, verified
 * stream), download.ts (to a file, resumable), upload.ts (mount, PUT, PATCH chunks).
 */
import type { Readable } from 'node:stream';
import { drain } from './client/errors.js';
import { getBlob, headBlob, type BlobInfo } from './client/blobs.js';
import { downloadBlob, type DownloadBlobOptions } from './client/download.js';
import { listCatalog, listTags, type ListOptions } from './client/listing.js';
import { deleteManifest, getManifest, headManifest, putManifest, type ManifestResult } from './client/manifests.js';
import { RegistryTransport, type RegistryClientOptions, type RegistryStats } from './client/transport.js';
import { pushBlob, type BlobSource, type PushBlobOptions } from './client/upload.js';

export { parseChallenge } from './client/auth.js';
export { parseNextLink } from './client/listing.js';
export type { BlobInfo, BlobSource, DownloadBlobOptions, ManifestResult, PushBlobOptions, RegistryClientOptions, RegistryStats };

export class RegistryClient {
  readonly base: URL;
  readonly host: string;
  readonly stats: RegistryStats;
  private readonly t: RegistryTransport;

  constructor(opts: RegistryClientOptions) {
    this.t = new RegistryTransport(opts);
    this.base = this.t.base;
    this.host = this.t.host;
    this.stats = this.t.stats;
  }

  /** Close idle sockets. The client stays usable (new sockets are opened on demand). */
  close(): void {
    this.t.close();
  }

  /** GET /v2/: checks reachability, TLS and credentials in one call. */
  async ping(signal?: AbortSignal): Promise<void> {
    const res = await this.t.request({ method: 'GET', path: '/v2/', ok: [200], signal, idempotent: true, scopes: [] });
    drain(res);
  }

  /** Every repository (GET /v2/_catalog, following Link pagination). */
  catalog(opts: ListOptions = {}): Promise<string[]> {
    return listCatalog(this.t, opts);
  }

  /** Every tag of a repository (paginated). A repository with no tags gives []. */
  tags(repo: string, opts: ListOptions = {}): Promise<string[]> {
    return listTags(this.t, repo, opts);
  }

  /** A manifest by tag or digest, byte-exact, its digest checked (manifests.ts). */
  getManifest(repo: string, ref: string, signal?: AbortSignal): Promise<ManifestResult> {
    return getManifest(this.t, repo, ref, signal);
  }

  /** HEAD a manifest: its digest and media type, or null when absent. */
  headManifest(repo: string, ref: string, signal?: AbortSignal): Promise<{ digest: string; mediaType: string; size: number } | null> {
    return headManifest(this.t, repo, ref, signal);
  }

  /** HEAD a blob: its size when present, null when absent. */
  headBlob(repo: string, digest: string, signal?: AbortSignal): Promise<BlobInfo | null> {
    return headBlob(this.t, repo, digest, signal);
  }

  /** A blob as a stream that fails with DIGEST_MISMATCH at its end when the bytes are wrong (blobs.ts). */
  getBlob(repo: string, digest: string, opts: { size?: number; signal?: AbortSignal } = {}): Promise<Readable> {
    return getBlob(this.t, repo, digest, opts);
  }

  /** Download a blob to `dest` through `<dest>.partial`, verified, resumable (download.ts). Returns the bytes fetched. */
  downloadBlob(repo: string, digest: string, size: number | null, dest: string, opts: DownloadBlobOptions = {}): Promise<number> {
    return downloadBlob(this.t, repo, digest, size, dest, opts);
  }

  /** Push a blob: mount, one PUT, or PATCH chunks (upload.ts). */
  pushBlob(repo: string, digest: string, size: number, source: BlobSource, opts: PushBlobOptions = {}): Promise<'mounted' | 'uploaded'> {
    return pushBlob(this.t, repo, digest, size, source, opts);
  }

  /** Push manifest bytes under a tag or digest; returns the digest (checked against the registry's). */
  putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    return putManifest(this.t, repo, ref, bytes, mediaType, signal);
  }

  /** Delete a manifest by digest (removes every tag pointing at it). Needs delete enabled on the registry. */
  deleteManifest(repo: string, digest: string, signal?: AbortSignal): Promise<void> {
    return deleteManifest(this.t, repo, digest, signal);
  }
}
