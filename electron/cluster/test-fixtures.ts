/** Test fixtures for cluster tests (never imported by shipped code). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function kubeconfigYaml(opts: { server?: string; contexts?: string[]; cert?: string; key?: string; token?: string; ca?: string } = {}): string {
  const ctxs = opts.contexts ?? ['lab'];
  const user = opts.cert
    ? `    client-certificate-data: ${Buffer.from(opts.cert).toString('base64')}\n    client-key-data: ${Buffer.from(opts.key ?? '').toString('base64')}`
    : `    token: ${opts.token ?? 'abc'}`;
  return `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: ${opts.server ?? 'https://127.0.0.1:6443'}
${opts.ca ? `    certificate-authority-data: ${Buffer.from(opts.ca).toString('base64')}` : '    insecure-skip-tls-verify: true'}
users:
- name: u1
  user:
${user}
contexts:
${ctxs.map((c) => `- name: ${c}\n  context:\n    cluster: c1\n    user: u1\n    namespace: default`).join('\n')}
current-context: ${ctxs[0]}
`;
}

/** An already-expired self-signed certificate (openssl ca lets us set the dates). */
export function expiredCert(): { cert: string; key: string } {
  const d = mkdtempSync(join(tmpdir(), 'lb-cert-'));
  writeFileSync(join(d, 'index.txt'), '');
  writeFileSync(join(d, 'serial'), '01\n');
  writeFileSync(
    join(d, 'ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndir=${d}\ndatabase=${d}/index.txt\nserial=${d}/serial\nnew_certs_dir=${d}\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=localhost\n[ext]\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:TRUE\n`,
  );
  execFileSync(
    'openssl',
    ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(d, 'key.pem'), '-out', join(d, 'req.csr'), '-config', join(d, 'ca.cnf')],
    { stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    [
      'ca',
      '-batch',
      '-selfsign',
      '-config',
      join(d, 'ca.cnf'),
      '-keyfile',
      join(d, 'key.pem'),
      '-in',
      join(d, 'req.csr'),
      '-out',
      join(d, 'cert.pem'),
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
      '-extensions',
      'ext',
      '-notext',
    ],
    { stdio: 'pipe' },
  );
  return { cert: readFileSync(join(d, 'cert.pem'), 'utf8'), key: readFileSync(join(d, 'key.pem'), 'utf8') };
}

/** For unit tests: a tiny plain-HTTP server answering /version and SelfSubjectAccessReview. */
export async function fakeApiServer(allowed: (attrs: Record<string, string>) => boolean = () => true) {
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/version')) return res.end(JSON.stringify({ major: '1', minor: '36', gitVersion: 'v1.36.3' }));
      if (req.url?.startsWith('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')) {
        const review = JSON.parse(body);
        return res.end(JSON.stringify({ ...review, status: { allowed: allowed(review.spec.resourceAttributes) } }));
      }
      res.statusCode = 404;
      res.end('{"kind":"Status","code":404}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(r)) };
}
