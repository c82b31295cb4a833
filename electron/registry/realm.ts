/**
 * May the registry's credentials go to this Bearer token service (the `realm` of its
 * WWW-Authenticate challenge)? The registry names the realm, so a registry that is not what it
 * seems — or a man in the middle of a plain-http one — could send the login anywhere. Pure.
 *
 * - https realm on the registry's own host (host and port): yes.
 * - https realm on another host: only a host the operator allowed (`allowedHosts`, "host:port").
 * - plain http realm: only when the registry itself is plain http (an http:// address, which only
 *   the operator's choice produces) and the realm is on its host or an allowed one.
 * Without credentials nothing secret is sent, so only the scheme rule applies.
 */
import { normaliseRegistryHost } from './credentials.js';

export function tokenRealmRefusal(
  registry: URL,
  realm: URL,
  opts: { withCredentials: boolean; allowedHosts?: string[] },
): { reason: string; fix: string } | null {
  const realmHost = normaliseRegistryHost(`${realm.protocol}//${realm.host}`);
  const registryHost = normaliseRegistryHost(`${registry.protocol}//${registry.host}`);
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    return { reason: `its address ${realm.protocol}//${realm.host} is not http(s)`, fix: 'Check the registry: its token service must be an https URL.' };
  }
  if (realm.protocol === 'http:' && registry.protocol !== 'http:') {
    return {
      reason: 'the token service is plain http (unencrypted) while the registry is https',
      fix: "Configure the registry's token service (auth.token.realm) with an https URL, then try again.",
    };
  }
  if (!opts.withCredentials) return null;
  const allowed = (opts.allowedHosts ?? []).map((h) => normaliseRegistryHost(h));
  if (realmHost !== registryHost && !allowed.includes(realmHost)) {
    return {
      reason: `the token service is on another host than the registry (${realm.host}, not ${registry.host})`,
      fix: `If ${realm.host} is the registry's own token service, allow that host explicitly; otherwise check which registry answers at ${registry.host}.`,
    };
  }
  return null;
}
