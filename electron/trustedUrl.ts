/**
 * Which renderer URLs Electron trusts (navigation, redirects, IPC senders): those whose origin is
 * exactly the app's (app://lifeboat) or, unpackaged only, exactly the dev server's. Origins are
 * compared parsed (scheme, host, port), never by string prefix: http://localhost:5173 must not
 * trust http://localhost:51730 or http://localhost:5173.evil.example.
 */
export interface TrustedUrlOptions {
  /** e.g. app://lifeboat */
  appOrigin: string;
  /** LIFEBOAT_DEV_SERVER_URL (development only). */
  devServer?: string;
  packaged: boolean;
}

/** scheme://host[:port] of a URL with no user info; undefined when it has none or does not parse. */
export function exactOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!u.host || u.username || u.password) return undefined;
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}

export function trustedUrlCheck(o: TrustedUrlOptions): (url: string) => boolean {
  const trusted = new Set<string>();
  const app = exactOrigin(`${o.appOrigin}/`);
  if (app) trusted.add(app);
  const dev = o.devServer && !o.packaged ? exactOrigin(o.devServer) : undefined;
  if (dev) trusted.add(dev);
  return (url) => {
    const origin = exactOrigin(url);
    // the app's own pages always have a path ("app://lifeboat/…")
    return !!origin && trusted.has(origin) && (origin !== app || url.toLowerCase().startsWith(`${app}/`));
  };
}
