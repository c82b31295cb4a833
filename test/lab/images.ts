/**
 * Tiny synthetic OCI images for the lab registry, and a check whether an image exists in a
 * registry over the Distribution v2 API. The lab needs images to exist for real (air-gap flavours
 * pull only from the lab registry), but never runs them, so each image is one small layer.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { gzipSync } from 'node:zlib';

export interface RegistryAuth {
  host: string;
  username?: string;
  password?: string;
  ca?: Buffer;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function registryRequest(auth: RegistryAuth, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<HttpReply> {
  const url = path.startsWith('https://') ? new URL(path) : new URL(`https://${auth.host}${path}`);
  const h: Record<string, string> = { ...headers };
  if (auth.username) h.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  if (body) h['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: h, ca: auth.ca, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    if (body) req.write(body);
    req.end();
  });
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(auth: RegistryAuth, repo: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob);
  const head = await registryRequest(auth, 'HEAD', `/v2/${repo}/blobs/${digest}`);
  if (head.status === 200) return digest;
  const start = await registryRequest(auth, 'POST', `/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`registry refused upload to ${repo}: HTTP ${start.status} ${start.body.toString()}`);
  const location = String(start.headers.location);
  const sep = location.includes('?') ? '&' : '?';
  const put = await registryRequest(auth, 'PUT', `${location}${sep}digest=${encodeURIComponent(digest)}`, blob, { 'content-type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`registry refused blob ${digest}: HTTP ${put.status} ${put.body.toString()}`);
  return digest;
}

/** A minimal tar holding one file: enough for a real, valid image layer. */
function tarWithFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

/** Pushes a one-layer OCI image `repo:tag` (content made from `seed`); returns its manifest digest. */
export async function pushSyntheticImage(auth: RegistryAuth, repo: string, tag: string, seed = `${repo}:${tag}`): Promise<string> {
  const layer = gzipSync(tarWithFile('lab-image.txt', Buffer.from(`synthetic lab image ${seed}\n`)));
  const layerDigest = await pushBlob(auth, repo, layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'dev.lifeboat.lab': seed } },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const configDigest = await pushBlob(auth, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const put = await registryRequest(auth, 'PUT', `/v2/${repo}/manifests/${tag}`, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
  if (put.status !== 201) throw new Error(`registry refused manifest ${repo}:${tag}: HTTP ${put.status} ${put.body.toString()}`);
  return sha256(manifest);
}

export interface ImageRef {
  registry: string;
  repository: string;
  reference: string;
}

/** Parses an image reference the way container runtimes do (docker.io and library/ defaults). */
export function parseImage(image: string): ImageRef {
  let rest = image;
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > 0) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return { registry, repository: rest, reference };
}

export type ImageCheck = { present: true } | { present: false; reason: 'ErrImagePull'; message: string };

/** Whether the registry serves the image's manifest to these credentials, as a pull would need. */
export async function checkImage(image: string, auth: RegistryAuth): Promise<ImageCheck> {
  const ref = parseImage(image);
  try {
    const res = await registryRequest(auth, 'HEAD', `/v2/${ref.repository}/manifests/${ref.reference}`, undefined, {
      accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ].join(', '),
    });
    if (res.status === 200) return { present: true };
    const what =
      res.status === 401
        ? `failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://${ref.registry}/v2/: 401 Unauthorized`
        : res.status === 404
          ? `${image}: not found`
          : `unexpected status from HEAD request to https://${ref.registry}/v2/${ref.repository}/manifests/${ref.reference}: ${res.status}`;
    return { present: false, reason: 'ErrImagePull', message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${what}` };
  } catch (e) {
    return { present: false, reason: 'ErrImagePull', message: `failed to pull and unpack image "${image}": failed to do request: ${(e as Error).message}` };
  }
}
