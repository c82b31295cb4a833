import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCatalog, listTags, parseNextLink } from './listing.js';
import { startServer, type TestServer } from './testServer.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

describe('parseNextLink', () => {
  it('finds rel="next" among several links, quoted or bare', () => {
    expect(parseNextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(parseNextLink('<https://x/prev>; rel="prev", <https://x/next>; rel=next')).toBe('https://x/next');
    expect(parseNextLink(['<a>; rel="prev"', '<b>; rel="next"'])).toBe('b');
    expect(parseNextLink('<a>; rel="prev"')).toBeNull();
    expect(parseNextLink(undefined)).toBeNull();
  });
});

describe('listing', () => {
  it('follows pages (a link without a leading slash too) and asks for the page size', async () => {
    s.handle((q, res) => {
      const u = new URL(q.url, 'http://x');
      const last = u.searchParams.get('last');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!last) headers.link = '<v2/_catalog?last=b&n=2>; rel="next"';
      else if (last === 'b') headers.link = '</v2/_catalog?last=d&n=2>; rel="next"';
      res.writeHead(200, headers);
      res.end(JSON.stringify({ repositories: !last ? ['a', 'b'] : last === 'b' ? ['c', 'd'] : ['e'] }));
    });
    expect(await listCatalog(s.transport(), { pageSize: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.seen.map((x) => x.url)).toEqual(['/v2/_catalog?n=2', '/v2/_catalog?last=b&n=2', '/v2/_catalog?last=d&n=2']);
  });

  it('stops at a page seen before; a repository with null tags lists []', async () => {
    s.handle((q, res) => {
      res.writeHead(200, { link: `<${q.url}>; rel="next"` });
      res.end(JSON.stringify({ name: 'app', tags: q.url.includes('/empty/') ? null : ['v1'] }));
    });
    expect(await listTags(s.transport(), 'app')).toEqual(['v1']);
    expect(s.seen.map((x) => x.url)).toEqual(['/v2/app/tags/list?n=1000']);
    expect(await listTags(s.transport(), 'empty')).toEqual([]);
  });

  it('a missing repository is REGISTRY_NOT_FOUND naming it', async () => {
    s.handle((_q, res) => {
      res.writeHead(404);
      res.end();
    });
    await expect(listTags(s.transport(), 'gone')).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND', message: expect.stringContaining('Repository "gone"') });
  });
});
