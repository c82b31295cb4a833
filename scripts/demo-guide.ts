/**
 * What `npm run demo` prints before it opens Lifeboat: for each wizard step, what to enter there on
 * this lab (the destination's endpoint, bucket and keys; the registry's address, credentials and CA
 * for the air-gapped flavours; what to choose in Restore), so a newcomer gets from "Velero not
 * installed" to a verified restore with the screen and this text alone.
 *
 * Format, so the values can be copied (and test/e2e/demo-guide.spec.ts can read them back with
 * parseDemoGuide): a step is a line `N. Title`; a value is an indented line `    Label:   value`
 * whose label is the one on the screen; an instruction is an indented line starting with `→`.
 */
import { LAB_REGISTRY_NAMESPACE } from '../test/lab/seed.js';
import type { LabState } from '../test/lab/state.js';

/** The folder inside the bucket the demo suggests (the Destination step's "Prefix (optional)"). */
export const DEMO_PREFIX = 'lifeboat-demo';

export const GUIDE_STEPS = {
  preflight: 'Setup → Preflight',
  destination: 'Setup → Destination',
  images: 'Setup → Images',
  install: 'Setup → Review → Apply → Done',
  backup: 'Backups → Back up now',
  restore: 'Restore',
} as const;

type Line = string | [label: string, value: string];

function block(n: number, title: string, lines: Line[]): string[] {
  const width = Math.max(0, ...lines.filter((l): l is [string, string] => Array.isArray(l)).map(([label]) => label.length + 1));
  return [`${n}. ${title}`, ...lines.map((l) => (Array.isArray(l) ? `    ${`${l[0]}:`.padEnd(width)}  ${l[1]}` : `    → ${l}`)), ''];
}

export function demoGuide(state: LabState): string {
  const rule = '='.repeat(88);
  const out: string[] = [
    rule,
    ' Lifeboat demo: what each step needs on this lab',
    ` (flavour ${state.flavour}, air-gapped: KOTS and its application pull from the lab registry; lab in ${state.dir})`,
    ' Copy each value after its label; the labels are the ones on the screen.',
    rule,
    '',
  ];
  out.push(
    ...block(1, GUIDE_STEPS.preflight, [
      'Open Setup and press “Run checks”; when they have passed, press “Continue”.',
      ...(state.flavour === 'embedded-cluster'
        ? [
            'Embedded Cluster installs and manages Velero itself, so Setup stops here on this flavour (as on a real one): to try Setup, run the demo with --flavour existing-airgap or kurl.',
          ]
        : [
            'Velero is not installed yet: Lifeboat installs it in the next steps. (If Setup already shows Done, from an earlier demo on this lab, go to step 5.)',
          ]),
    ]),
  );
  out.push(
    ...block(2, GUIDE_STEPS.destination, [
      ['Storage', 'S3-compatible (MinIO, Ceph, …)'],
      ['Endpoint URL', state.minio.endpoint],
      ['Bucket', state.minio.bucket],
      ['Region', state.minio.region],
      ['Prefix (optional)', DEMO_PREFIX],
      ['Access key ID', state.minio.accessKey],
      ['Secret access key', state.minio.secretKey],
      'Leave the CA certificate empty (the lab’s MinIO speaks plain http) and press “Check destination”; Setup moves on when the check passes.',
    ]),
  );
  out.push(
    ...block(3, GUIDE_STEPS.images, [
      ['Registry host', state.registry.host],
      ['Namespace (path)', LAB_REGISTRY_NAMESPACE],
      ['User name', state.registry.username],
      ['Password', state.registry.password],
      ['Registry CA certificate file (optional)', state.registry.caFile],
      'Untick “Use the credentials KOTS uses” to type the user name and password above (leaving it ticked works too: KOTS holds the same ones).',
      'Press “Check the images there”, then “Push missing images”, and when both are pushed “Continue to review”.',
    ]),
  );
  out.push(...block(4, GUIDE_STEPS.install, ['Read the exact commands, press “Install Velero”, and wait for “Velero is ready for backups” (a few minutes).']));
  out.push(
    ...block(5, GUIDE_STEPS.backup, [
      'On Overview (or Backups) press “Back up now” and wait until the backup is Completed; note its name.',
      ...(state.flavour === 'kurl' || state.flavour === 'embedded-cluster'
        ? [
            '“Also export the registry” is ticked: the backup also copies the cluster registry’s images to this computer (the demo gives Lifeboat the lab registry’s CA); wait for both.',
          ]
        : []),
    ]),
  );
  out.push(
    ...block(6, GUIDE_STEPS.restore, [
      ['Situation', 'Roll back on this cluster'],
      ['Backup', 'the one “Back up now” just took (click its row)'],
      ['What', 'Application only'],
      ['Type the application’s name', state.app.slug],
      'Press “Delete and restore” and wait for “Restored and verified”.',
    ]),
  );
  return out.join('\n');
}

export interface ParsedGuide {
  /** Step titles in order. */
  steps: string[];
  /** The values of one step by their labels; throws when the step is not in the guide. */
  values(step: string): Record<string, string>;
  /** The value of one label in one step; throws when it is not there. */
  value(step: string, label: string): string;
  /** Whether the step lists any value (e.g. the Images step only on air-gapped flavours). */
  hasValues(step: string): boolean;
}

/** Reads a printed guide back: the steps and, in each, the values by label. */
export function parseDemoGuide(text: string): ParsedGuide {
  const steps = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const step = /^\d+\. (.+?)\s*$/.exec(line);
    if (step) {
      current = {};
      steps.set(step[1], current);
      continue;
    }
    const field = /^ {4}(?!→)([^:]+?):\s+(\S.*?)\s*$/.exec(line);
    if (field && current) current[field[1]] = field[2]!;
  }
  const values = (step: string) => {
    const v = steps.get(step);
    if (!v) throw new Error(`the demo guide has no step "${step}" (it has: ${[...steps.keys()].join(', ')})`);
    return v;
  };
  return {
    steps: [...steps.keys()],
    values,
    value(step, label) {
      const v = values(step)[label];
      if (v === undefined) throw new Error(`the demo guide's step "${step}" has no "${label}"`);
      return v;
    },
    hasValues: (step) => Object.keys(steps.get(step) ?? {}).length > 0,
  };
}
