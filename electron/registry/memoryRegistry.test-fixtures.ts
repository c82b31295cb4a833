/**
 * For archive.test.ts and reseed.test.ts: a registry held in memory behind the RegistryClient
 * methods the export and the re-seed call, and a small image to put in it.
 */
import { writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../api/errors.js';
import type { RegistryClient } from './client.js';
import { MediaTypes, sha256Digest } from './mediaTypes.js';

export interface MemoryRegistry {
  client: RegistryClient;
  /** repo → tag → manifest digest. */
  tags: Map<string, Map<string, string>>;
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  /** repo → blob digest → bytes. */
  blobs: Map<string, Map<string, Buffer>>;
  calls: string[];
}

const notFound = (what: string) => new LifeboatError('REGISTRY_NOT_FOUND', `${what} not found.`);

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function memoryRegistry(host = 'registry.test:5000'): MemoryRegistry {
  const r: MemoryRegistry = { client: undefined as unknown as RegistryClient, tags: new Map(), manifests: new Map(), blobs: new Map(), calls: [] };
  const manifestOf = (repo: string, ref: string) => {
    const digest = ref.startsWith('sha256:') ? ref : r.tags.get(repo)?.get(ref);
    const m = digest ? r.manifests.get(digest) : undefined;
    return digest && m ? { digest, ...m } : undefined;
  };
  const blobsOf = (repo: string) => r.blobs.get(repo) ?? r.blobs.set(repo, new Map()).get(repo)!;
  const client = {
    host,
    catalog: async () => [...new Set([...r.tags.keys(), ...r.blobs.keys()])].sort(),
    tags: async (repo: string) => {
      const t = r.tags.get(repo);
      if (!t) throw notFound(`Repository ${repo}`);
      return [...t.keys()];
    },
    getManifest: async (repo: string, ref: string) => {
      const m = manifestOf(repo, ref);
      if (!m) throw notFound(`Manifest ${repo}:${ref}`);
      return { bytes: m.bytes, mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    },
    headManifest: async (repo: string, ref: string) => {
      const m = manifestOf(repo, ref);
      return m ? { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length } : null;
    },
    headBlob: async (repo: string, digest: string) => {
      const b = r.blobs.get(repo)?.get(digest);
      return b ? { size: b.length } : null;
    },
    downloadBlob: async (repo: string, digest: string, _size: number | null, dest: string, opts: { onBytes?: (n: number) => void } = {}) => {
      r.calls.push(`download ${repo}@${digest}`);
      const b = r.blobs.get(repo)?.get(digest);
      if (!b) throw notFound(`Blob ${digest}`);
      writeFileSync(dest, b);
      opts.onBytes?.(b.length);
      return b.length;
    },
    pushBlob: async (repo: string, digest: string, size: number, source: Buffer | ((a: number, b: number) => Readable), opts: { mountFrom?: string } = {}) => {
      const mounted = opts.mountFrom ? r.blobs.get(opts.mountFrom)?.get(digest) : undefined;
      if (mounted) {
        r.calls.push(`mount ${repo}@${digest}`);
        blobsOf(repo).set(digest, mounted);
        return 'mounted';
      }
      const bytes = Buffer.isBuffer(source) ? source : await readAll(source(0, size));
      // As a registry does: the bytes must hash to the digest they are pushed as.
      if (sha256Digest(bytes) !== digest) throw new LifeboatError('DIGEST_MISMATCH', `Pushed bytes are not ${digest}.`);
      r.calls.push(`upload ${repo}@${digest}`);
      blobsOf(repo).set(digest, bytes);
      return 'uploaded';
    },
    putManifest: async (repo: string, ref: string, bytes: Buffer, mediaType: string) => {
      const digest = sha256Digest(bytes);
      r.calls.push(`manifest ${repo}:${ref}`);
      r.manifests.set(digest, { bytes, mediaType });
      if (!ref.startsWith('sha256:')) (r.tags.get(repo) ?? r.tags.set(repo, new Map()).get(repo)!).set(ref, digest);
      return digest;
    },
  };
  r.client = client as unknown as RegistryClient;
  return r;
}

/** Puts a one-layer image at repo:tag; answers its manifest digest and its blobs (config, layer). */
export function pushImage(r: MemoryRegistry, repo: string, tag: string, layerText: string): { digest: string; blobs: Buffer[] } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, layer: layerText }));
  const layer = Buffer.from(layerText.repeat(100));
  const desc = (mediaType: string, b: Buffer) => ({ mediaType, digest: sha256Digest(b), size: b.length });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: desc('application/vnd.oci.image.config.v1+json', config),
      layers: [desc('application/vnd.oci.image.layer.v1.tar+gzip', layer)],
    }),
  );
  const digest = sha256Digest(manifest);
  r.manifests.set(digest, { bytes: manifest, mediaType: MediaTypes.ociManifest });
  (r.tags.get(repo) ?? r.tags.set(repo, new Map()).get(repo)!).set(tag, digest);
  const blobs = r.blobs.get(repo) ?? r.blobs.set(repo, new Map()).get(repo)!;
  for (const b of [config, layer]) blobs.set(sha256Digest(b), b);
  return { digest, blobs: [config, layer] };
}
