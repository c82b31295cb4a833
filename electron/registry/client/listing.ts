/** Listing a registry: the repository catalog and a repository's tags, following Link pagination. */
import { pullScope } from './auth.js';
import { readAll } from './errors.js';
import type { RegistryTransport } from './transport.js';

export interface ListOptions {
  pageSize?: number;
  signal?: AbortSignal;
}

/** The `rel="next"` target of a Link header, if any. */
export function parseNextLink(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header.join(',') : header;
  if (!h) return null;
  for (const part of h.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part);
    if (m && /rel\s*=\s*"?next"?/i.test(m[2])) return m[1];
  }
  return null;
}

/** Every page from `first` on (a page seen before ends it), the `key` list of each concatenated. */
export async function paginate<T>(
  t: RegistryTransport,
  first: string,
  key: 'repositories' | 'tags',
  scopes: string[],
  what: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let next: string | null = first;
  const seen = new Set<string>();
  while (next && !seen.has(next)) {
    seen.add(next);
    const res = await t.request({ method: 'GET', path: next, ok: [200], scopes, signal, idempotent: true, what, headers: { accept: 'application/json' } });
    const body = await readAll(res, 64 << 20);
    const doc = JSON.parse(body.toString('utf8')) as Record<string, T[] | null>;
    out.push(...(doc[key] ?? []));
    const link = parseNextLink(res.headers.link);
    next = link ? (link.startsWith('/') || /^https?:/i.test(link) ? link : `/${link}`) : null;
  }
  return out;
}

/** Every repository (GET /v2/_catalog, following Link pagination). */
export function listCatalog(t: RegistryTransport, opts: ListOptions = {}): Promise<string[]> {
  return paginate<string>(t, `/v2/_catalog?n=${opts.pageSize ?? 100}`, 'repositories', ['registry:catalog:*'], 'The repository catalog', opts.signal);
}

/** Every tag of a repository (paginated). A repository with no tags gives []. */
export function listTags(t: RegistryTransport, repo: string, opts: ListOptions = {}): Promise<string[]> {
  return paginate<string>(t, `/v2/${repo}/tags/list?n=${opts.pageSize ?? 1000}`, 'tags', [pullScope(repo)], `Repository "${repo}"`, opts.signal);
}
