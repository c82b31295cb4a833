import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { explainGcsError, gcsClient, parseServiceAccountKey, validateGcs } from './gcs.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const key = { type: 'service_account', project_id: 'p', client_email: 'velero@p.iam.gserviceaccount.com', private_key: pem };
const d = { provider: 'gcp' as const, auth: 'service-account' as const, bucket: 'velero-backups' };

describe('GCS destination check', () => {
  it('service-account key shape: clear errors, never quoting the key', () => {
    expect(parseServiceAccountKey(JSON.stringify(key)).key?.client_email).toBe(key.client_email);
    expect(parseServiceAccountKey('').problems[0]!.reason).toMatch(/missing/);
    expect(parseServiceAccountKey('{"type": "service_account",').problems[0]!.reason).toMatch(/not valid JSON/);
    expect(parseServiceAccountKey('[1]').problems[0]!.reason).toMatch(/not a JSON object/);
    const user = parseServiceAccountKey(JSON.stringify({ type: 'authorized_user', client_id: 'x', refresh_token: 'SECRET-REFRESH' }));
    expect(user.problems.map((p) => p.reason).join(' ')).toMatch(/not "service_account".*user credential/);
    expect(JSON.stringify(user.problems)).not.toContain('SECRET-REFRESH');
    const noKey = parseServiceAccountKey(JSON.stringify({ ...key, private_key: 'oops' }));
    expect(noKey.problems.map((p) => p.reason)).toEqual(['The key has no PEM "private_key".']);
    expect(JSON.stringify(parseServiceAccountKey(JSON.stringify({ ...key, client_email: 3 })).problems)).not.toContain('PRIVATE KEY');
  });

  // fake-gcs-server does not verify signatures, so "wrong key" cannot fail against it as real GCS
  // does: these are the shapes google-auth-library (gaxios) and the JSON API give for it.
  it('maps a real invalid_grant / 401 / 403 / 404 / network error to what to do', () => {
    const invalidGrant = Object.assign(new Error('invalid_grant: Invalid JWT Signature.'), {
      response: { status: 400, data: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } },
    });
    expect(explainGcsError(invalidGrant, d, 'Bucket exists').reason).toMatch(/refused the service-account key \(invalid_grant\)/);
    expect(explainGcsError(invalidGrant, d, 'Bucket exists').fix).toMatch(/new JSON key/);
    expect(explainGcsError({ code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] }, d, 'Bucket exists').reason).toMatch(/HTTP 401/);
    expect(
      explainGcsError({ code: 403, message: 'velero@p does not have storage.objects.create access', errors: [{ reason: 'forbidden' }] }, d, 'Write').fix,
    ).toMatch(/Storage Object Admin/);
    expect(explainGcsError({ code: 404, message: 'The specified bucket does not exist.' }, d, 'Bucket exists').reason).toBe(
      'Bucket "velero-backups" does not exist.',
    );
    expect(
      explainGcsError(Object.assign(new Error('request to https://x failed, reason: getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }), d, 'Bucket exists')
        .reason,
    ).toMatch(/Could not reach Google Cloud Storage \(ENOTFOUND\)/);
    expect(
      explainGcsError(
        Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
        { ...d, endpoint: 'https://gcs.internal' },
        'Bucket exists',
      ).reason,
    ).toMatch(/does not trust/);
    expect(explainGcsError(Object.assign(new Error('aborted'), { name: 'AbortError' }), d, 'Bucket exists', 10_000).reason).toMatch(/within 10 s/);
  });

  it('client: custom endpoint as apiEndpoint; a token only for https endpoints', () => {
    const emu = gcsClient({ ...d, endpoint: 'http://127.0.0.1:4443/' }, key as never, 5000) as unknown as {
      apiEndpoint: string;
      customEndpoint: boolean;
      useAuthWithCustomEndpoint?: boolean;
    };
    expect(emu.apiEndpoint).toBe('http://127.0.0.1:4443');
    expect(emu.customEndpoint).toBe(true);
    expect(emu.useAuthWithCustomEndpoint).toBe(false);
    const psc = gcsClient({ ...d, endpoint: 'https://storage-lifeboat.p.googleapis.com' }, key as never, 5000) as unknown as {
      useAuthWithCustomEndpoint?: boolean;
    };
    expect(psc.useAuthWithCustomEndpoint).toBe(true);
    const pub = gcsClient(d, key as never, 5000) as unknown as { apiEndpoint: string };
    expect(pub.apiEndpoint).toBe('https://storage.googleapis.com');
  });

  it('endpoint down: real socket, nothing listening on port 9, answered in seconds', async () => {
    const t = Date.now();
    const c = await validateGcs({ ...d, endpoint: 'http://127.0.0.1:9' }, { serviceAccountJson: JSON.stringify(key) }, { timeoutMs: 3000 });
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ ok: false, title: 'Bucket exists' });
    expect(c[0]!.reason).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
