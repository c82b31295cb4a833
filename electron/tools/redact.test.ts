import { describe, expect, it } from 'vitest';
import { Redactor } from './redact';

describe('Redactor', () => {
  it('replaces known secret values wherever they appear', () => {
    const r = new Redactor(['s3cr3t-value', 'ab']);
    expect(r.redact('key=s3cr3t-value and again s3cr3t-value')).toBe('key=*** and again ***');
    // values shorter than 4 characters are not treated as secrets
    expect(r.redact('ab cd')).toBe('ab cd');
  });

  it('catches secret flags, credential files and bearer tokens it was not told about', () => {
    const r = new Redactor();
    expect(r.redact('velero x --secret-access-key=AKIAXYZ123 --bucket b')).toBe('velero x --secret-access-key=*** --bucket b');
    expect(r.redact('--registry-password hunter22')).toBe('--registry-password ***');
    expect(r.redact('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG')).toBe('aws_secret_access_key = ***');
    expect(r.redact('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc.def')).toBe('Authorization: Bearer ***');
    expect(r.redact('pulling https://admin:pa55word@registry.local/v2/')).toBe('pulling https://admin:***@registry.local/v2/');
    expect(r.redact('{"password":"pa55word","user":"x"}')).toBe('{"password":"***","user":"x"}');
  });

  it('leaves ordinary lines alone', () => {
    const r = new Redactor();
    const line = 'Backup request "nightly-2024" submitted successfully.';
    expect(r.redact(line)).toBe(line);
  });

  it('redacts args and nested values', () => {
    const r = new Redactor(['topsecret']);
    expect(r.redactArgs(['--x', 'topsecret'])).toEqual(['--x', '***']);
    expect(r.redactValue({ a: ['topsecret'], b: { c: 'x topsecret' }, n: 3 })).toEqual({ a: ['***'], b: { c: 'x ***' }, n: 3 });
  });
});
