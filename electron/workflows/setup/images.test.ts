import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveName, imagesDir, planImages } from './images.js';

describe('setup images plan', () => {
  it('names the archives and rewrites to the private registry', () => {
    expect(archiveName({ repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.3', role: '' })).toBe('velero-plugin-for-aws-v1.14.3.oci.tar');
    const dir = imagesDir({});
    expect(dir).toBe(resolve('resources', 'images'));
    const plan = planImages('v1.18.3', 's3-compatible', { host: 'reg:5000', namespace: 'lifeboat' }, dir);
    expect(plan.map((p) => [p.upstream, p.target, p.archive?.split('/').pop(), p.state])).toEqual([
      ['velero/velero:v1.18.3', 'reg:5000/lifeboat/velero:v1.18.3', 'velero-v1.18.3.oci.tar', 'unknown'],
      ['velero/velero-plugin-for-aws:v1.14.3', 'reg:5000/lifeboat/velero-plugin-for-aws:v1.14.3', 'velero-plugin-for-aws-v1.14.3.oci.tar', 'unknown'],
    ]);
    expect(planImages('v1.18.3', 'gcp', { host: 'reg' }, dir)[1]!.archive).toBeUndefined();
    expect(imagesDir({ LIFEBOAT_IMAGES_DIR: '/x' })).toBe(join('/x'));
  });
});
