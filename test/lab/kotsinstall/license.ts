/**
 * The lab's KOTS license, signed the way kots v1.131.4 verifies one (kotskinds
 * apis/kots/v1beta1/license_types.go ValidateLicense, pkg/crypto/signature.go; called from kots
 * pkg/license/signature.go):
 *   spec.signature = JSON { licenseData: <license JSON>, innerSignature: JSON {
 *     publicKey: <the application key, PEM>, licenseSignature: RSA-PSS(MD5(licenseData)) by the app key,
 *     keySignature: JSON { globalKeyId, signature: RSA-PSS(MD5(publicKey)) by the global key } } }
 * ([]byte fields are base64 in JSON, as Go encodes them). The global key is the lab's: its public half
 * is compiled into the lab's kots builds (test/lab/build-tools.sh, LAB_LICENSE_KEY_ID), its private
 * half stays in the lab's tool cache. The application key is made fresh for each license.
 */
import { constants, generateKeyPairSync, sign, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { toolCache } from '../programs.js';

export const LAB_LICENSE_KEY_ID = 'lifeboat-lab-global';

export interface LabLicenseOptions {
  appSlug: string;
  licenseId: string;
  customerName?: string;
  channelId?: string;
  channelName?: string;
  /** The global private key (PEM); defaults to the lab cache's. */
  globalKeyPem?: string;
}

function pssMd5(data: Buffer, key: KeyObject): Buffer {
  return sign('md5', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

export function labGlobalKeyPem(): string {
  const file = join(toolCache(), 'lab-license', 'global.key');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`lab: the lab license key is not at ${file}. Run \`npm run lab:build\` (it makes the key and builds kots with it).`);
  }
}

/** The License object (kots.io/v1beta1) as a vendor's license file carries it, signature included. */
export function labLicense(o: LabLicenseOptions): any {
  const spec: Record<string, unknown> = {
    appSlug: o.appSlug,
    licenseID: o.licenseId,
    customerName: o.customerName ?? 'Lifeboat lab',
    channelID: o.channelId ?? 'lab-stable',
    channelName: o.channelName ?? 'Stable',
    channels: [{ channelID: o.channelId ?? 'lab-stable', channelName: o.channelName ?? 'Stable', channelSlug: 'stable', isDefault: true }],
    licenseSequence: 1,
    licenseType: 'prod',
    isAirgapSupported: true,
    isSnapshotSupported: true,
    isDisasterRecoverySupported: true,
  };
  const unsigned = { apiVersion: 'kots.io/v1beta1', kind: 'License', metadata: { name: o.licenseId }, spec };
  const licenseData = Buffer.from(JSON.stringify(unsigned));
  const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appPublicPem = appKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const globalKey = createPrivateKey(o.globalKeyPem ?? labGlobalKeyPem());
  const keySignature = { signature: b64(pssMd5(Buffer.from(appPublicPem), globalKey)), globalKeyId: LAB_LICENSE_KEY_ID };
  const inner = { licenseSignature: b64(pssMd5(licenseData, appKey.privateKey)), publicKey: appPublicPem, keySignature: b64(JSON.stringify(keySignature)) };
  const outer = { licenseData: b64(licenseData), innerSignature: b64(JSON.stringify(inner)) };
  return { ...unsigned, spec: { ...spec, signature: b64(JSON.stringify(outer)) } };
}

export function labLicenseYaml(o: LabLicenseOptions): string {
  return stringify(labLicense(o));
}
