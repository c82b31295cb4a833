import { describe, expect, it } from 'vitest';
import { credentialMatches, credentialsFor, isReplicatedHost, normaliseRegistryHost, parseDockerConfig } from './credentials.js';

const cfg = (auths: Record<string, { username?: string; password?: string; auth?: string }>) => JSON.stringify({ auths });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('normaliseRegistryHost', () => {
  it('drops scheme, path, trailing slashes and default ports, lower-cases, folds Docker Hub aliases', () => {
    expect(normaliseRegistryHost('https://R.Example:5000/')).toBe('r.example:5000');
    expect(normaliseRegistryHost('r.example:443')).toBe('r.example');
    expect(normaliseRegistryHost('http://r.example:80')).toBe('r.example');
    expect(normaliseRegistryHost('http://r.example:443')).toBe('r.example:443');
    expect(normaliseRegistryHost('registry.internal:5000/lifeboat')).toBe('registry.internal:5000');
    expect(normaliseRegistryHost('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normaliseRegistryHost('registry-1.docker.io')).toBe('docker.io');
    expect(normaliseRegistryHost('[::1]:5000')).toBe('[::1]:5000');
    expect(normaliseRegistryHost('')).toBe('');
  });
});

describe('credentialsFor: a credential goes only to the host it was issued for', () => {
  const entries = [
    { host: 'proxy.replicated.com', username: 'license', password: 'L', source: 'replicated' },
    { host: 'registry.replicated.com', username: 'license', password: 'L', source: 'replicated' },
    { host: '10.96.0.11:5000', username: 'kurl', password: 'K', source: 'creds' },
    { host: '10.96.0.11', username: 'other-port', password: 'X', source: 'creds' },
  ];

  it('never falls back to another entry, and never hands the license login to another host', () => {
    expect(credentialsFor('10.96.0.99:5000', entries)).toEqual([]);
    expect(credentialsFor('evil.example', entries)).toEqual([]);
    expect(credentialsFor('10.96.0.11:5000', entries).map((e) => e.username)).toEqual(['kurl']);
    expect(credentialsFor('https://10.96.0.11:5000/', entries).map((e) => e.username)).toEqual(['kurl']);
    expect(credentialsFor('10.96.0.11:443', entries).map((e) => e.username)).toEqual(['other-port']);
    expect(credentialsFor('proxy.replicated.com', entries).map((e) => e.host)).toEqual(['proxy.replicated.com']);
  });

  it('skips incomplete entries; hosts compare exactly (no suffix or prefix match)', () => {
    expect(credentialsFor('a.example', [{ host: 'a.example', username: 'u' }])).toEqual([]);
    expect(credentialMatches('a.example', 'a.example.evil')).toBe(false);
    expect(credentialMatches('evil-a.example', 'a.example')).toBe(false);
    expect(credentialMatches('a.example', 'A.EXAMPLE')).toBe(true);
    expect(credentialMatches('https://index.docker.io/v1/', 'docker.io')).toBe(true);
    expect(isReplicatedHost('https://proxy.replicated.com')).toBe(true);
    expect(isReplicatedHost('replicated.com.evil')).toBe(false);
  });
});

describe('parseDockerConfig', () => {
  it('reads user and password from auth or fields; keys normalised', () => {
    expect(parseDockerConfig(cfg({ '10.0.0.1:5000': { auth: b64('kurl:a:b') } }))).toEqual([{ host: '10.0.0.1:5000', username: 'kurl', password: 'a:b' }]);
    expect(parseDockerConfig(cfg({ 'https://R.example/': { username: 'u', password: 'p' } }))).toEqual([{ host: 'r.example', username: 'u', password: 'p' }]);
    expect(parseDockerConfig('not json')).toEqual([]);
    expect(parseDockerConfig(undefined)).toEqual([]);
  });
});
