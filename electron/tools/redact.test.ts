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

describe('Redactor fallback: by key context', () => {
  const r = new Redactor();

  it('hides cloud secrets it was not told about', () => {
    expect(r.redact('AZURE_CLIENT_SECRET=s3cr3t~Value.x')).toBe('AZURE_CLIENT_SECRET=***');
    expect(r.redact('{"client_secret": "abc123def"}')).toBe('{"client_secret": "***"}');
    expect(r.redact('clientSecret: abc123def')).toBe('clientSecret: ***');
    expect(r.redact('DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXk+/x==;EndpointSuffix=core.windows.net')).toBe(
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net',
    );
    expect(r.redact('GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbC%2Bdef%3D&se=2030')).toBe(
      'GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=***&se=2030',
    );
    expect(r.redact('https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAEXAMPLE%2F2024&X-Amz-Signature=0123abcd&X-Amz-Expires=600')).toBe(
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAEXAMPLE%2F2024&X-Amz-Signature=***&X-Amz-Expires=600',
    );
    expect(r.redact('{"auths":{"reg.local":{"auth":"dXNlcjpwYXNz"}}}')).toBe('{"auths":{"reg.local":{"auth":"***"}}}');
    expect(r.redact('.dockerconfigjson: eyJhdXRocyI6e319')).toBe('.dockerconfigjson: ***');
  });

  it('hides PEM private keys, in one text or line by line', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE KEY-----';
    expect(r.redact(`key:\n${pem}\nnext`)).toBe('key:\n-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\nnext');
    const line = r.lines();
    expect(pem.split('\n').map(line)).toEqual(['-----BEGIN RSA PRIVATE KEY-----***', '***', '***', '-----END RSA PRIVATE KEY-----']);
    expect(line('after')).toBe('after');
  });

  it('leaves names alone: a context named like an access key ID, Secret names, secret file paths', () => {
    for (const line of [
      'Switched to context "AKIAIOSFODNN7EXAMPLE".',
      'kubectl --context AKIAIOSFODNN7EXAMPLE get pods',
      'velero install --secret-file ./credentials-velero --use-node-agent',
      'secretName: cloud-credentials',
      'tokenFile: /var/run/secrets/token',
      'credential: {name: cloud-credentials, key: cloud}',
    ])
      expect(r.redact(line)).toBe(line);
  });

  it('still hides explicit values wherever they are, whatever they look like', () => {
    expect(new Redactor(['AKIAIOSFODNN7EXAMPLE']).redact('context AKIAIOSFODNN7EXAMPLE')).toBe('context ***');
  });
});
