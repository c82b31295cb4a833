/**
 * How the restore modules reach the cluster: a fresh REST client per use (the connection may have
 * changed to another kubeconfig since the last call), with every write recorded in the operation
 * journal, and Velero read in the namespace the run uses (a run keeps the namespace it started in
 * even if detection later finds Velero elsewhere).
 */
import type { RestoreWizard } from '../../api/contract.js';
import { storeFetch } from '../../velero/storeFetch.js';
import type { Services } from '../services.js';
import { kubeJson, type KubeJson } from '../../cluster/rest.js';
import { VeleroReader } from './velero.js';

export interface RestoreCluster {
  kube(): KubeJson;
  velero(ns?: string): VeleroReader;
  veleroNamespace(): string;
}

export function restoreCluster(s: Pick<Services, 'cluster' | 'detector' | 'journal'>, wizard: () => RestoreWizard): RestoreCluster {
  const veleroNamespace = () => wizard().run?.veleroNamespace ?? s.detector.get()?.velero.namespace ?? 'velero';
  const kube = () => kubeJson(s.cluster.kubeConfig(), 30_000, s.journal);
  return {
    kube,
    veleroNamespace,
    velero: (ns = veleroNamespace()) => new VeleroReader(kube(), ns, storeFetch(s.cluster.kubeConfig())),
  };
}
