/** The launch code (web mode): read once from the address, then removed from it. */
import { LAUNCH_CODE_QUERY } from '../../electron/transport/protocol.js';

interface LocationLike {
  hash: string;
  pathname: string;
  search: string;
}
interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string): void;
}

/**
 * Takes the launch code from `?code=…` and removes it from the address bar at once (so a used code
 * is not bookmarked, shared in a screenshot, or reloaded); the route in the fragment stays
 * (`/?code=…#/backups` → `/#/backups`). The code works once: the client trades it for the session.
 */
export function takeLaunchCode(location: LocationLike, history: HistoryLike): string | null {
  const params = new URLSearchParams(location.search);
  if (!params.has(LAUNCH_CODE_QUERY)) return null;
  const code = params.get(LAUNCH_CODE_QUERY);
  params.delete(LAUNCH_CODE_QUERY);
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  return code || null;
}
