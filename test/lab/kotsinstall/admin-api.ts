/**
 * Reads the real admin console's API the way the kots CLI reaches it (cmd/kots/cli/util.go: a
 * port-forward to the kotsadm pod's :3000, Secret kotsadm-authstring as the Authorization header).
 * In the lab the kubelet gives each kotsadm pod's :3000 its own 4-digit host port (containers.ts,
 * fixedPort) and records it as the pod's patched copy of /kotsadm, `kotsadm-port-<port>`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kube } from '../kube.js';
import type { LabState } from '../state.js';

/** The host port of a kotsadm pod's :3000. */
export function kotsadmPortOf(lab: LabState, podUid: string): number {
  const copy = readdirSync(join(lab.dir, 'kubelet', 'pods', podUid)).find((f) => /^kotsadm-port-\d{4}$/.test(f));
  if (!copy) throw new Error(`lab: no kotsadm port recorded for pod ${podUid}`);
  return Number(copy.slice('kotsadm-port-'.length));
}

/** A request to the running kotsadm pod's API, authorized as the kots CLI is; the raw answer. */
export async function adminApiRequest(lab: LabState, path: string, init: { method?: string } = {}): Promise<Response> {
  const kube = new Kube(lab.kubeconfig);
  const secret = await kube.get(`/api/v1/namespaces/${lab.kotsNamespace}/secrets/kotsadm-authstring`);
  const auth = Buffer.from(secret.data['kotsadm-authstring'], 'base64').toString();
  const pods = await kube.get(`/api/v1/namespaces/${lab.kotsNamespace}/pods?labelSelector=app%3Dkotsadm`);
  const pod = pods.items.find((p: any) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  if (!pod) throw new Error(`lab: no running kotsadm pod in namespace ${lab.kotsNamespace}`);
  return fetch(`http://127.0.0.1:${kotsadmPortOf(lab, pod.metadata.uid)}${path}`, { method: init.method ?? 'GET', headers: { Authorization: auth } });
}

/** GET `path` on the running kotsadm pod's API; the parsed JSON answer. */
export async function adminApi(lab: LabState, path: string): Promise<any> {
  const r = await adminApiRequest(lab, path);
  if (!r.ok) throw new Error(`lab: kotsadm answered ${r.status} to GET ${path}: ${(await r.text()).slice(0, 300)}`);
  return r.json();
}
