/**
 * Backup hooks (velero internal/hook/item_hook_handler.go at v1.18.3; kots
 * pkg/kotsadmsnapshot/backup.go mergeAppBackupSpec and pkg/kotsadmsnapshot/logparser.go at v1.131.4):
 * - before a backup: which pre/post exec hooks will run — pod annotations
 *   (pre|post.hook.backup.velero.io/{container,command,on-error,timeout}, the unprefixed
 *   hook.backup.velero.io/* read as pre when no pre.* key exists) on pods in the included
 *   namespaces, plus the vendor Backup's spec.hooks.resources;
 * - after it: their outcome, parsed from the backup log's logfmt lines the way the admin console
 *   does ("running exec hook" begins one, "stdout: "/"stderr: " messages carry output, level=error
 *   lines with hook fields mark a failure).
 */
import type { BackupHook, HookOutcome } from '../../api/contract.js';
import type { BackupHookSpec, LabelSelector } from '../../velero/types.js';

export interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Array<{ name: string }> };
}

function parseCommand(raw: string): string[] {
  const t = raw.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) return v.map(String);
    } catch {
      // not JSON: Velero takes it as one string
    }
  }
  return [t];
}

/** Hooks from one pod's annotations. */
export function podAnnotationHooks(pod: PodLike): BackupHook[] {
  const a = pod.metadata?.annotations ?? {};
  const out: BackupHook[] = [];
  const firstContainer = pod.spec?.containers?.[0]?.name;
  for (const phase of ['pre', 'post'] as const) {
    let prefix = `${phase}.hook.backup.velero.io/`;
    if (phase === 'pre' && !a[`${prefix}command`] && a['hook.backup.velero.io/command']) prefix = 'hook.backup.velero.io/';
    const cmd = a[`${prefix}command`];
    if (!cmd) continue;
    out.push({
      phase,
      source: 'pod-annotation',
      origin: `annotation on pod ${pod.metadata?.namespace}/${pod.metadata?.name}`,
      namespace: pod.metadata?.namespace,
      pod: pod.metadata?.name,
      container: a[`${prefix}container`] || firstContainer,
      command: parseCommand(cmd),
      onError: a[`${prefix}on-error`] || 'Fail',
      timeout: a[`${prefix}timeout`] || '30s',
    });
  }
  return out;
}

export function matchesSelector(labels: Record<string, string> | undefined, sel: LabelSelector | undefined): boolean {
  if (!sel) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = k(e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
  function k(key: string) {
    return Object.prototype.hasOwnProperty.call(l, key);
  }
}

/** Hooks from a vendor Backup's spec.hooks.resources, applied to the pods they select. */
export function specHooks(resources: BackupHookSpec[], pods: PodLike[], origin: string): BackupHook[] {
  const out: BackupHook[] = [];
  for (const r of resources) {
    const targets = pods.filter((p) => {
      const ns = p.metadata?.namespace ?? '';
      if (r.includedNamespaces?.length && !r.includedNamespaces.includes('*') && !r.includedNamespaces.includes(ns)) return false;
      if (r.excludedNamespaces?.includes(ns)) return false;
      return matchesSelector(p.metadata?.labels, r.labelSelector);
    });
    for (const phase of ['pre', 'post'] as const) {
      for (const h of r[phase] ?? []) {
        if (!h.exec) continue;
        const base = {
          phase,
          source: 'vendor-spec' as const,
          origin,
          name: r.name,
          command: h.exec.command ?? [],
          onError: h.exec.onError || 'Fail',
          timeout: h.exec.timeout || '30s',
        };
        if (!targets.length) out.push({ ...base, container: h.exec.container });
        for (const p of targets) {
          // Annotation hooks take priority over spec hooks for the same pod and phase (velero
          // internal/hook/item_hook_handler.go HandleHooks at v1.18.3).
          if (podAnnotationHooks(p).some((a) => a.phase === phase)) continue;
          out.push({ ...base, namespace: p.metadata?.namespace, pod: p.metadata?.name, container: h.exec.container || p.spec?.containers?.[0]?.name });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Log parsing

/** One logfmt line → key/value pairs (quoted values with \" escapes). */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w.\-/]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const m of line.matchAll(re)) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        v = v.slice(1, -1);
      }
    }
    out[m[1]] = v;
  }
  return out;
}

/** The level of a log line (for the viewer's filter): info, warning, error, debug, or undefined. */
export function logLevel(line: string): string | undefined {
  const m = /\blevel=(\w+)/.exec(line);
  if (!m) return undefined;
  const l = m[1].toLowerCase();
  return l === 'warn' ? 'warning' : l;
}

/**
 * Hook outcomes from a Velero backup log. Velero 1.18 logs each hook as "running exec hook"
 * (command, container, name, phase, source), then "stdout: …" / "stderr: …", then on failure a
 * level=error "Error executing hook" that carries only phase and source (and an error text that
 * may be empty) — so lines are matched to the hook that is running, in order. Older/other
 * versions put the pod's name and namespace on the hook lines; 1.18 does not, and the pod is the
 * next Pod item the log reports backed up ("Backed up … kind=Pod name=… namespace=…").
 */
export function parseHookOutcomes(lines: Iterable<string>): HookOutcome[] {
  const out: HookOutcome[] = [];
  let current: HookOutcome | undefined;
  const awaitingPod: HookOutcome[] = [];
  for (const line of lines) {
    const hasHook = line.includes('hook');
    if (!hasHook && awaitingPod.length && line.includes('kind=Pod')) {
      const f = parseLogfmt(line);
      if (f.kind === 'Pod' && f.name) {
        for (const h of awaitingPod.splice(0)) Object.assign(h, { pod: f.name, ...(f.namespace ? { namespace: f.namespace } : {}) });
      }
      continue;
    }
    if (!hasHook) continue;
    const f = parseLogfmt(line);
    const msg = f.msg ?? '';
    const isHookLine = f.hookPhase !== undefined || f.hookName !== undefined || f.hookCommand !== undefined;
    if (!isHookLine) continue;
    const same = (h: HookOutcome | undefined) =>
      !!h &&
      (!f.hookCommand || h.command === f.hookCommand) &&
      (!f.hookContainer || h.container === f.hookContainer) &&
      (!f.hookPhase || h.phase === f.hookPhase) &&
      (!f.name || !h.pod || h.pod === f.name);
    if (msg === 'running exec hook' || !same(current)) {
      current = {
        ok: true,
        ...(f.namespace ? { namespace: f.namespace } : {}),
        ...(f.name ? { pod: f.name } : {}),
        ...(f.hookContainer ? { container: f.hookContainer } : {}),
        ...(f.hookName ? { name: f.hookName } : {}),
        ...(f.hookPhase ? { phase: f.hookPhase } : {}),
        ...(f.hookCommand ? { command: f.hookCommand } : {}),
        ...(f.time ? { startedAt: f.time } : {}),
      };
      out.push(current);
      if (!f.name) awaitingPod.push(current);
    }
    const h = current!;
    if (msg.startsWith('stdout: ')) {
      const t = msg.slice(8);
      if (t) h.stdout = (h.stdout ? `${h.stdout}\n` : '') + t;
    } else if (msg.startsWith('stderr: ')) {
      const t = msg.slice(8);
      if (t) h.stderr = (h.stderr ? `${h.stderr}\n` : '') + t;
    }
    if (f.level === 'error') {
      h.ok = false;
      const detail = f.error || h.stderr;
      const why = detail
        ? `${msg}: ${detail}`
        : `${msg} (Velero recorded no error text: the exec into container ${h.container ?? '?'} failed before the command ran)`;
      h.error = h.error ? `${h.error}; ${why}` : why;
    }
  }
  return out;
}

interface BackupLike {
  metadata: { name: string; creationTimestamp?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: { includedNamespaces?: string[]; hooks?: { resources?: BackupHookSpec[] } };
}

/**
 * The vendor's backup hooks as KOTS applies them: KOTS merges each app's vendor Backup hooks into
 * the instance Backup it creates (kots pkg/kotsadmsnapshot/backup.go at v1.131.4,
 * `backup.Spec.Hooks.Resources = append(..., kotskindsBackup.Spec.Hooks.Resources...)`), while the
 * vendor spec itself stays in the release inside kotsadm, out of the cluster API's reach. So the
 * newest full backup (kots.io/instance, or an improved-DR one with replicated.com/backup-name) is
 * the readable source; undefined before the first one.
 */
export function lastInstanceBackupSpec(backups: BackupLike[]): { backup: string; resources: BackupHookSpec[]; namespaces: string[] } | undefined {
  const full = backups.filter((b) => b.metadata.annotations?.['kots.io/instance'] === 'true' || !!b.metadata.labels?.['replicated.com/backup-name']);
  const newest = full.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
  if (!newest) return undefined;
  // Improved DR: one backup is several Velero Backups sharing replicated.com/backup-name; the hooks
  // sit in the application one, so the group is read as a whole.
  const group = newest.metadata.labels?.['replicated.com/backup-name'];
  const members = group ? full.filter((b) => b.metadata.labels?.['replicated.com/backup-name'] === group) : [newest];
  return {
    backup: group ?? newest.metadata.name,
    resources: members.flatMap((b) => b.spec?.hooks?.resources ?? []),
    namespaces: [...new Set(members.flatMap((b) => b.spec?.includedNamespaces ?? []))].filter((n) => n !== '*'),
  };
}
