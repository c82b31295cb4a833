import { describe, expect, it } from 'vitest';
import { kotsOutputNote, withoutKotsVersionNotice } from './versionCheck';

/**
 * What kubectl-kots writes to stderr after a successful command when its version differs from the
 * admin console's: kots cmd/kots/cli/check-version.go at v1.131.4 (CompareVersions) through
 * pkg/logger/clilogger.go (Errorf: "  • " + the message, then a newline), with the message ending
 * in its own "\n" — so the notice is followed by an empty line.
 */
const NOTICE = '  • KOTS CLI version 1.131.4 does not match API version 1.130.0. To update, run:\n  $ curl https://kots.io/install/1.130.0 | bash\n\n';
// The same through fatih/color (FgHiRed = 91) when it decides stdout is a terminal: each write is
// wrapped in the colour and a reset.
const COLOURED =
  '\x1b[91m  • \x1b[0m\x1b[91mKOTS CLI version 1.131.4 does not match API version 1.130.0. To update, run:\n  $ curl https://kots.io/install/1.130.0 | bash\n\n\x1b[0m';

describe("kots's version check notice", () => {
  it('is recognized line by line, plain or coloured, and says it is not an error', () => {
    for (const text of [NOTICE, COLOURED]) {
      const [first, second] = text.split('\n');
      expect(kotsOutputNote('stderr', first!)).toMatch(/not an error/);
      expect(kotsOutputNote('stderr', second!)).toMatch(/not an error/);
    }
  });

  it('leaves every other line alone, including real kots errors and stdout', () => {
    expect(kotsOutputNote('stderr', 'Error: failed to get backup: backup not found')).toBeUndefined();
    expect(kotsOutputNote('stderr', '  • Failed to find kotsadm pod')).toBeUndefined();
    expect(kotsOutputNote('stdout', '{"success":true,"backupName":"instance-abcde"}')).toBeUndefined();
    // `kubectl kots version` prints its own update hint on stdout (cmd/kots/cli/version.go): not this notice.
    expect(kotsOutputNote('stderr', '  $ curl https://kots.io/install | bash')).toBeUndefined();
  });

  it('is removed from text that is parsed or shown as the reason of a failure', () => {
    expect(withoutKotsVersionNotice(`Error: real problem\n${NOTICE}`)).toBe('Error: real problem\n\n');
    expect(withoutKotsVersionNotice(COLOURED)).not.toMatch(/KOTS CLI version|curl/);
  });
});
