/** The screens, in navigation order. The hash (#/backups) is the route, so Back works. */
export const screens = [
  { id: 'overview', label: 'Overview', description: 'Cluster, environment and problems' },
  { id: 'setup', label: 'Setup', description: 'Install and configure Velero' },
  { id: 'backups', label: 'Backups', description: 'Back up the application' },
  { id: 'restore', label: 'Restore', description: 'Restore from a backup' },
  { id: 'registry', label: 'Registry', description: 'Images for air-gapped clusters' },
  { id: 'activity', label: 'Activity', description: 'Every command Lifeboat ran' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];

export function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, '').split(/[/?&]/)[0];
  return screens.find((s) => s.id === id)?.id ?? 'overview';
}

export const hrefFor = (id: ScreenId) => `#/${id}`;
