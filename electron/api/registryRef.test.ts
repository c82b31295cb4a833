import { describe, expect, it } from 'vitest';
import { methods } from './contract';
import { RegistryHost, RegistryNamespace } from './registryRef';

describe('setup.setRegistry input: registry host and namespace', () => {
  const input = methods['setup.setRegistry'].input;

  it('refuses a namespace that would add an image (comma, space, colon, @, uppercase)', () => {
    for (const namespace of ['lifeboat,velero/velero-plugin-for-evil:v1', 'a b', 'ns:tag', 'ns@sha256', 'Lifeboat', 'a//b', '../x'])
      expect(input.safeParse({ host: 'registry.internal:5000', namespace }).success, namespace).toBe(false);
  });

  it('refuses a host with a path, comma, space or bad port', () => {
    for (const host of ['reg.local,evil.example', 'reg.local/ns', 'reg local', 'reg.local:99999', '-reg.local', 'user@reg.local'])
      expect(input.safeParse({ host }).success, host).toBe(false);
  });

  it('accepts what registries use', () => {
    for (const host of ['registry.internal:5000', '10.0.0.5', 'https://reg.local/', 'localhost:32000'])
      expect(RegistryHost.safeParse(host).success, host).toBe(true);
    for (const ns of ['', 'lifeboat', 'lifeboat/velero', 'my_org/sub.dir-1', '/kurl/']) expect(RegistryNamespace.safeParse(ns).success, ns).toBe(true);
    expect(input.safeParse({ host: 'registry.internal:5000', namespace: 'lifeboat/velero' }).success).toBe(true);
  });
});
