/**
 * What kubectl-kots prints on its own after a command: its version check.
 *
 * The root command's PersistentPostRun (kots cmd/kots/cli/root.go at v1.131.4) runs after every
 * command that succeeded (cobra skips post-run hooks when the command returned an error, so the
 * check is never the reason a command failed). It port-forwards to the admin console of the
 * cluster the kubeconfig names, reads /healthz and compares versions (cmd/kots/cli/check-version.go,
 * cliVersionCheck / CompareVersions). When they differ it writes to stderr, through the CLI logger
 * (pkg/logger/clilogger.go, Errorf: "  • " + message):
 *
 *     "  • KOTS CLI version 1.131.4 does not match API version 1.130.0. To update, run:"
 *     "  $ curl https://kots.io/install/1.130.0 | bash"
 *
 * Any error of the check itself (no cluster, port-forward, /healthz) is swallowed and prints
 * nothing. It does not contact the internet (only `kubectl kots version` does, with a 1 s timeout
 * and silently: pkg/buildversion IsLatestRelease). Nothing turns the check off — there is no flag
 * or environment variable (kots reads no KOTS_SKIP_UPDATE_CHECK) — so Lifeboat recognizes the
 * notice instead: it is kept in Activity with a note, and kept out of what is parsed or quoted as
 * a failure. Its advice does not apply: Lifeboat runs its own bundled kubectl-kots.
 */
import type { ToolOutputLine } from '../api/contract.js';

// eslint-disable-next-line no-control-regex -- ESC starts the ANSI colour codes this strips
const ANSI = /\x1b\[[0-9;]*m/g;
const MISMATCH = /^\s*•?\s*KOTS CLI version \S+ does not match API version \S+\. To update, run:\s*$/;
// Only the versioned install URL CompareVersions prints; `kots version`'s own hint has none.
const UPDATE_CMD = /^\s*\$ curl https:\/\/kots\.io\/install\/\S+ \| bash\s*$/;

export const KOTS_VERSION_NOTE =
  "kots's own check of its version against the admin console's, printed after the command succeeded: not an error. Lifeboat runs its bundled kubectl-kots; the curl advice does not apply.";

/** The note for a line of kubectl-kots output that is not what its stream suggests, if it is one. */
export function kotsOutputNote(stream: ToolOutputLine['stream'], line: string): string | undefined {
  if (stream !== 'stderr') return undefined;
  const plain = line.replace(ANSI, '');
  return MISMATCH.test(plain) || UPDATE_CMD.test(plain) ? KOTS_VERSION_NOTE : undefined;
}

/** `text` (kubectl-kots stderr, or stdout and stderr together) without the version-check notice. */
export function withoutKotsVersionNotice(text: string): string {
  return text
    .split('\n')
    .filter((l) => !kotsOutputNote('stderr', l))
    .join('\n');
}
