/**
 * Which registry credential may go where. A credential in a .dockerconfigjson (KOTS's
 * kotsadm-private-registry / kotsadm-replicated-registry, kURL's and Embedded Cluster's
 * registry-creds) was issued for the host its `auths` key names, and is sent to that host only:
 * never to "the first entry", and never the vendor license login (registry.replicated.com,
 * proxy.replicated.com) to any other registry. Pure.
 *
 * kots writes the keys as bare host names (pkg/docker/registry/registry.go at v1.131.4 splits
 * "host/namespace" at the first "/"); Docker's own files may hold "https://index.docker.io/v1/".
 */

export interface DockerConfigEntry {
  /** The normalised host the entry was issued for (see normaliseRegistryHost). */
  host: string;
  username?: string;
  password?: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * A registry host as a comparable key: scheme, path, trailing slashes and a default port dropped,
 * the name lower-cased, Docker Hub's aliases folded into "docker.io". "" when there is no host.
 */
export function normaliseRegistryHost(raw: string): string {
  let s = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme) s = s.slice(scheme.length + 3);
  s = s.split('/')[0].toLowerCase();
  // A default port names the same endpoint: :443 for https (or no scheme), :80 for http.
  if (scheme === 'http') s = s.replace(/:80$/, '');
  else s = s.replace(/:443$/, '');
  if (DOCKER_HUB.has(s)) return 'docker.io';
  return s;
}

/** Is this the vendor's license login (Replicated's registry or proxy)? */
export function isReplicatedHost(host: string): boolean {
  const h = normaliseRegistryHost(host).replace(/:\d+$/, '');
  return h === 'replicated.com' || h.endsWith('.replicated.com');
}

/** Hosts and credentials in a .dockerconfigjson (hosts normalised; nothing for bad JSON). */
export function parseDockerConfig(json: string | undefined): DockerConfigEntry[] {
  if (!json) return [];
  try {
    const cfg = JSON.parse(json) as { auths?: Record<string, { username?: string; password?: string; auth?: string }> };
    return Object.entries(cfg.auths ?? {}).map(([host, e]) => {
      let { username, password } = e ?? {};
      if ((!username || password === undefined) && e?.auth) {
        const plain = Buffer.from(e.auth, 'base64').toString('utf8');
        const i = plain.indexOf(':');
        if (i > 0) {
          username ??= plain.slice(0, i);
          password ??= plain.slice(i + 1);
        }
      }
      return { host: normaliseRegistryHost(host), username, password };
    });
  } catch {
    return [];
  }
}

/** Does a credential issued for `issuedFor` belong to `registry`? Exactly the same host only. */
export function credentialMatches(issuedFor: string, registry: string): boolean {
  const a = normaliseRegistryHost(issuedFor);
  const b = normaliseRegistryHost(registry);
  if (!a || !b || a !== b) return false;
  // Same key, so a license login can only match its own host; said twice for the reader.
  return !isReplicatedHost(a) || isReplicatedHost(b);
}

/** The complete credentials (user and password) of `entries` issued for `registry`, in order. */
export function credentialsFor<T extends { host: string; username?: string; password?: string }>(
  registry: string,
  entries: T[],
): Array<T & { username: string; password: string }> {
  return entries.filter(
    (e): e is T & { username: string; password: string } => !!e.username && e.password !== undefined && credentialMatches(e.host, registry),
  );
}
