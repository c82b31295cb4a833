/**
 * Test fixtures (never imported by shipped code): a backup store behind a fake DownloadRequest
 * source, serving gzipped files by kind and Backup name; anything else answers 404.
 */
import { gzipSync } from 'node:zlib';
import type { UrlSource } from '../../velero/downloadRequests.js';

export function fakeStore(files: Record<string, string> = {}) {
  const fetched: string[] = [];
  const source: UrlSource = {
    presignedUrl: async (t) => `http://store.test/${t.kind}/${t.name}`,
    fetch: (async (url: string) => {
      const key = url.slice('http://store.test/'.length);
      fetched.push(key);
      return key in files ? new Response(gzipSync(files[key]!)) : new Response(null, { status: 404 });
    }) as typeof fetch,
  };
  return { files, fetched, source };
}
