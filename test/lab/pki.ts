/**
 * The lab's certificate authority and keys, made with the openssl CLI (Debian's, always present)
 * so the lab needs no crypto code of its own. Everything is made once per lab directory and reused
 * by later `lab:up` runs, so kubeconfigs handed out earlier stay valid.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  apiserverCert: string;
  apiserverKey: string;
  /** Client certificate the API server presents to the lab kubelet (exec/logs would use it). */
  apiserverKubeletClientCert: string;
  apiserverKubeletClientKey: string;
  registryCert: string;
  registryKey: string;
  kubeletCert: string;
  kubeletKey: string;
  client(name: string): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A leaf certificate signed by the lab CA; `san` is an openssl subjectAltName value or undefined. */
function leaf(dir: string, name: string, subject: string, usage: 'server' | 'client', san?: string): void {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  if (existsSync(cert) && existsSync(key)) return;
  openssl(['genrsa', '-out', key, '2048'], dir);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', `${name}.csr`], dir);
  const ext = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
    ...(san ? [`subjectAltName=${san}`] : []),
  ].join('\n');
  writeFileSync(join(dir, `${name}.ext`), ext + '\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '825',
      '-sha256',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export function ensurePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, 'ca.crt'))) {
    openssl(['genrsa', '-out', 'ca.key', '2048'], dir);
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=lifeboat-lab-ca', '-days', '3650', '-sha256', '-out', 'ca.crt'], dir);
  }
  if (!existsSync(join(dir, 'sa.key'))) {
    openssl(['genrsa', '-out', 'sa.key', '2048'], dir);
    openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  }
  const loopback = 'IP:127.0.0.1,DNS:localhost';
  leaf(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    'server',
    `${loopback},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1`,
  );
  leaf(dir, 'apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', 'client');
  leaf(dir, 'registry', '/CN=lab-registry', 'server', loopback);
  leaf(dir, 'kubelet', '/CN=lab-node', 'server', loopback);
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    apiserverKubeletClientCert: join(dir, 'apiserver-kubelet-client.crt'),
    apiserverKubeletClientKey: join(dir, 'apiserver-kubelet-client.key'),
    registryCert: join(dir, 'registry.crt'),
    registryKey: join(dir, 'registry.key'),
    kubeletCert: join(dir, 'kubelet.crt'),
    kubeletKey: join(dir, 'kubelet.key'),
    client(name: string) {
      // The subject decides the identity: O=system:masters is cluster-admin, others get RBAC'd.
      const subjects: Record<string, string> = {
        admin: '/O=system:masters/CN=lab-admin',
        'kube-controller-manager': '/CN=system:kube-controller-manager',
        restricted: '/CN=restricted',
        kubelet: '/O=system:masters/CN=lab-process-kubelet',
      };
      leaf(dir, `client-${name}`, subjects[name] ?? `/CN=${name}`, 'client');
      return { cert: join(dir, `client-${name}.crt`), key: join(dir, `client-${name}.key`) };
    },
  };
}

/** Writes a kubeconfig with embedded certificates, as `kubeadm`/kURL admin.conf files are. */
export function writeKubeconfig(
  file: string,
  opts: {
    server: string;
    caCert: string;
    clientCert: string;
    clientKey: string;
    user: string;
    cluster?: string;
    context?: string;
    namespace?: string;
  },
): void {
  const b64 = (p: string) => readFileSync(p).toString('base64');
  const cluster = opts.cluster ?? 'lifeboat-lab';
  const context = opts.context ?? `${opts.user}@${cluster}`;
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${b64(opts.caCert)}`,
    'users:',
    `- name: ${opts.user}`,
    '  user:',
    `    client-certificate-data: ${b64(opts.clientCert)}`,
    `    client-key-data: ${b64(opts.clientKey)}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${cluster}`,
    `    user: ${opts.user}`,
    ...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
    `current-context: ${context}`,
    '',
  ].join('\n');
  writeFileSync(file, yaml, { mode: 0o600 });
}
