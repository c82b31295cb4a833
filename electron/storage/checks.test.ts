import { describe, expect, it } from 'vitest';
import { fail, pass, warn } from './checks.js';

describe('storage check constructors', () => {
  it('a pass is ok, a warning is ok but needs attention, a failure blocks and says what to do', () => {
    expect(pass('Bucket', 'It answers.')).toEqual({ ok: true, severity: 'ok', title: 'Bucket', reason: 'It answers.' });
    expect(warn('Versioning', 'Off.', 'Turn it on.')).toEqual({ ok: true, severity: 'warning', title: 'Versioning', reason: 'Off.', fix: 'Turn it on.' });
    expect(fail('Write', 'Access denied.', 'Grant s3:PutObject.')).toEqual({
      ok: false,
      severity: 'error',
      title: 'Write',
      reason: 'Access denied.',
      fix: 'Grant s3:PutObject.',
    });
  });
});
