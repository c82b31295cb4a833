/**
 * Registry export + re-seed vs `skopeo sync`, on the same content and real registries, in one run.
 *
 *   npx tsx test/bench/registry-bench.ts            # LIFEBOAT_BENCH_MB=600 scales the content
 *   LIFEBOAT_BENCH_RUNS=5 npx tsx test/bench/registry-bench.ts   # 5 runs in one sitting: median and spread
 *   LIFEBOAT_BENCH_PHASES=1 …                       # time per phase and CPU seconds per process
 *
 * Source registry A is filled with synthetic images (shared base layers, a multi-arch index, a
 * Docker-media-type image, a few big layers). Then:
 *   - Lifeboat: export A → OCI layout dir, re-seed dir → fresh registry B
 *   - skopeo:   sync A → dir, then dir → fresh registry D: the same work (an archive on disk in
 *               between, which is what a rebuilt cluster needs: its old registry is gone)
 *   - skopeo:   sync A → fresh registry C directly (registry to registry, --all --preserve-digests):
 *               the harsher comparison, since it needs both registries up at once
 * and prints four ratios (same work, direct, export alone, re-seed alone); every copy's digests are
 * checked against the source before its time counts.
 * and, after one new image is pushed to A, a second Lifeboat export into the same layout (only
 * new blobs should move) next to a second skopeo registry → registry sync of that repository (skopeo's dir
 * destination cannot be updated in place).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RegistryClient } from '../../electron/registry/client.js';
import { exportRegistry } from '../../electron/registry/archive.js';
import { reseedRegistry } from '../../electron/registry/reseed.js';
import { makeBlobFile, prngBytes, pushImage, pushIndex, startRegistry, type Layer, type TestRegistry } from '../support/registry-server.js';

const run = promisify(execFile);
const TOTAL_MB = Number(process.env.LIFEBOAT_BENCH_MB ?? 600);
const MB = 1024 * 1024;

function client(r: TestRegistry): RegistryClient {
  return new RegistryClient({ registry: r.host, username: r.username, password: r.password, caPem: r.caPem });
}

/** CPU seconds used so far by this process and by each registry's server process (LIFEBOAT_BENCH_PHASES=1). */
function cpuOf(regs: TestRegistry[]): number[] {
  const tick = 100;
  const out = [process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6];
  for (const r of regs) {
    try {
      const pid = execFileSync('pgrep', ['-f', `${r.dir}/config.yml`])
        .toString()
        .trim()
        .split('\n')[0];
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.push((Number(f[11]) + Number(f[12])) / tick);
    } catch {
      out.push(NaN);
    }
  }
  return out;
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
}

const fmtMB = (b: number) => `${(b / MB).toFixed(1)} MB`;

async function skopeoSync(from: TestRegistry, repos: string[], dest: { registry?: TestRegistry; dir?: string }): Promise<void> {
  // One skopeo process per repository (`--src docker` takes one repository, all its tags).
  for (const repo of repos) {
    const args = ['sync', '--all', '--preserve-digests', '--src', 'docker', '--src-creds', `${from.username}:${from.password}`, '--src-cert-dir', from.certDir];
    if (dest.registry) {
      const ns = path.posix.dirname(repo);
      args.push('--dest', 'docker', '--dest-creds', `${dest.registry.username}:${dest.registry.password}`, '--dest-cert-dir', dest.registry.certDir);
      args.push(`${from.host}/${repo}`, ns === '.' ? dest.registry.host : `${dest.registry.host}/${ns}`);
    } else {
      args.push('--dest', 'dir', '--scoped', `${from.host}/${repo}`, dest.dir!);
    }
    await run('skopeo', args, { maxBuffer: 64 * MB });
  }
}

/**
 * skopeo's half of an archive round trip: `sync --src dir` of what `sync --dest dir --scoped` wrote.
 * skopeo names each image after its own directory only, so one sync per namespace keeps the
 * repository path (app/web stays app/web).
 */
async function skopeoSyncFromDir(dir: string, from: TestRegistry, to: TestRegistry): Promise<void> {
  const root = path.join(dir, from.host);
  for (const ns of readdirSync(root)) {
    const dest = ns.includes(':') ? to.host : `${to.host}/${ns}`;
    await run(
      'skopeo',
      [
        'sync',
        '--all',
        '--preserve-digests',
        '--src',
        'dir',
        '--dest',
        'docker',
        '--dest-creds',
        `${to.username}:${to.password}`,
        '--dest-cert-dir',
        to.certDir,
        path.join(root, ns),
        dest,
      ],
      { maxBuffer: 64 * MB },
    );
  }
}

/** How many of the tags resolve on a registry to the digest they have on the source: a ratio over a copy that lost something is worthless. */
async function sameDigests(r: TestRegistry, images: Array<{ repo: string; tag: string; digest: string }>): Promise<number> {
  const c = client(r);
  let same = 0;
  for (const img of images) if ((await c.headManifest(img.repo, img.tag))?.digest === img.digest) same++;
  c.close();
  return same;
}

async function fill(r: TestRegistry, work: string): Promise<string[]> {
  const c = client(r);
  // Content: ~TOTAL_MB of unique layers. Three base layers shared widely, a few big layers,
  // many small ones; 8 repositories, 14 tags, one multi-arch index, one Docker-media-type image.
  const unit = TOTAL_MB / 600;
  const mb = (n: number) => Math.max(64 * 1024, Math.round(n * unit * MB));
  const base = [prngBytes(1, mb(25)), prngBytes(2, mb(12)), prngBytes(3, mb(6))];
  const big1 = await makeBlobFile(path.join(work, 'big1'), 101, mb(150));
  const big2 = await makeBlobFile(path.join(work, 'big2'), 102, mb(90));
  let seed = 1000;
  const small = (n: number): Layer => prngBytes(seed++, mb(n));
  await pushImage(c, 'kotsadm/kotsadm', 'v1.131.4', [...base, big1, small(8), small(3)]);
  await pushImage(c, 'kotsadm/kotsadm-migrations', 'v1.131.4', [...base, small(20), small(2)]);
  await pushImage(c, 'kotsadm/minio', '2024', [base[0]!, small(45), small(1)], { docker: true });
  await pushImage(c, 'app/web', '1.0', [...base, small(30), small(4)]);
  await pushImage(c, 'app/web', '1.1', [...base, small(30), small(5)]);
  await pushImage(c, 'app/api', '2.0', [...base, big2, small(10)]);
  await pushImage(c, 'app/api', '2.1', [...base, big2, small(11)]);
  await pushImage(c, 'app/worker', '2.0', [...base, small(40)]);
  const amd = await pushImage(c, 'app/proxy', null, [base[0]!, small(35)], { arch: 'amd64' });
  const arm = await pushImage(c, 'app/proxy', null, [base[0]!, small(33)], { arch: 'arm64' });
  await pushIndex(c, 'app/proxy', '1.25', [
    { ...amd, arch: 'amd64' },
    { ...arm, arch: 'arm64' },
  ]);
  for (let i = 0; i < 5; i++) await pushImage(c, 'app/jobs', `0.${i}`, [...base, small(4)]);
  c.close();
  rmSync(big1.file);
  rmSync(big2.file);
  return client(r).catalog();
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-registry-bench-'));
  const regs: TestRegistry[] = [];
  try {
    const [A, B, C, D] = await Promise.all([startRegistry(), startRegistry(), startRegistry(), startRegistry()]);
    regs.push(A!, B!, C!, D!);
    const [repos, tFill] = await time(() => fill(A!, work));
    const layout = path.join(work, 'layout');

    const src = client(A!);
    const phases = (label: string) => {
      let last = { phase: '', at: Date.now() };
      const out: string[] = [];
      return {
        onProgress: (p: { phase: string }) => {
          if (p.phase === last.phase) return;
          const now = Date.now();
          if (last.phase) out.push(`${last.phase} ${((now - last.at) / 1000).toFixed(2)}s`);
          last = { phase: p.phase, at: now };
        },
        print: () => console.log(`  ${label} phases: ${out.join(', ')}`),
      };
    };
    const pe = phases('export');
    const pr = phases('re-seed');
    const cpu0 = cpuOf([A!, B!]);
    const [exp, tExport] = await time(() => exportRegistry({ client: src, dest: layout, concurrency: 8, onProgress: pe.onProgress }));
    const cpu1 = cpuOf([A!, B!]);
    const [seed, tReseed] = await time(() => reseedRegistry({ client: client(B!), source: layout, concurrency: 8, onProgress: pr.onProgress }));
    const cpu2 = cpuOf([A!, B!]);
    if (process.env.LIFEBOAT_BENCH_PHASES) {
      pe.print();
      pr.print();
      const d = (a: number[], b: number[]) => b.map((x, i) => (x - a[i]!).toFixed(2)).join(' / ');
      console.log(`  CPU s (lifeboat / registry A / registry B): export ${d(cpu0, cpu1)}, re-seed ${d(cpu1, cpu2)}`);
    }
    if (!seed.ok) throw new Error('re-seed verification failed: ' + JSON.stringify(seed.tags.filter((t) => !t.ok)));

    const [, tSkopeoReg] = await time(() => skopeoSync(A!, repos, { registry: C! }));
    const skopeoDir = path.join(work, 'skopeo-dir');
    const [, tSkopeoDir] = await time(() => skopeoSync(A!, repos, { dir: skopeoDir }));
    const [, tSkopeoFromDir] = await time(() => skopeoSyncFromDir(skopeoDir, A!, D!));
    const sameOnD = await sameDigests(D!, exp.images);
    if (sameOnD !== exp.images.length)
      throw new Error(`skopeo's dir → registry copy has ${sameOnD}/${exp.images.length} tags at the source's digest: the two-hop figure would be meaningless`);
    rmSync(skopeoDir, { recursive: true, force: true });

    // Same digests on C (skopeo) as on B (Lifeboat)?
    const cb = client(B!);
    const cc = client(C!);
    let same = 0;
    for (const img of exp.images) {
      const [b, c] = await Promise.all([cb.headManifest(img.repo, img.tag), cc.headManifest(img.repo, img.tag)]);
      if (b?.digest === img.digest && c?.digest === img.digest) same++;
    }

    // Incremental: one new image (new 20 MB layer over the shared base), export again.
    const c = client(A!);
    const unit = TOTAL_MB / 600;
    await pushImage(c, 'app/web', '1.2', [prngBytes(1, Math.max(64 * 1024, Math.round(25 * unit * MB))), prngBytes(7777, Math.round(20 * unit * MB))]);
    const src2 = client(A!);
    const [exp2, tExport2] = await time(() => exportRegistry({ client: src2, dest: layout, concurrency: 8 }));
    const [, tSkopeoReg2] = await time(() => skopeoSync(A!, ['app/web'], { registry: C! }));

    // More runs in the same sitting (LIFEBOAT_BENCH_RUNS, default 1 = just the run above): fresh
    // target registries and a fresh layout each time, the order of the two tools alternating.
    const runs = Math.max(1, Number(process.env.LIFEBOAT_BENCH_RUNS ?? 1));
    type Run = { te: number; tr: number; direct: number; toDir: number; fromDir: number };
    const all: Run[] = [{ te: tExport, tr: tReseed, direct: tSkopeoReg, toDir: tSkopeoDir, fromDir: tSkopeoFromDir }];
    const describeRun = (i: number, r: Run, note = '') =>
      `run ${i}: Lifeboat ${r.te.toFixed(2)} + ${r.tr.toFixed(2)} = ${(r.te + r.tr).toFixed(2)} s; skopeo two-hop ${r.toDir.toFixed(2)} + ${r.fromDir.toFixed(2)} = ${(r.toDir + r.fromDir).toFixed(2)} s, direct ${r.direct.toFixed(2)} s; ` +
      `ratios two-hop ${((r.toDir + r.fromDir) / (r.te + r.tr)).toFixed(2)}×, direct ${(r.direct / (r.te + r.tr)).toFixed(2)}×${note}`;
    for (let i = 2; i <= runs; i++) {
      const [B2, C2, D2] = await Promise.all([startRegistry(), startRegistry(), startRegistry()]);
      regs.push(B2, C2, D2);
      const dir = path.join(work, `layout-${i}`);
      const sdir = path.join(work, `skopeo-dir-${i}`);
      const lb = async () => {
        const [, te] = await time(() => exportRegistry({ client: client(A!), dest: dir, concurrency: 8 }));
        const [r, tr] = await time(() => reseedRegistry({ client: client(B2), source: dir, concurrency: 8 }));
        if (!r.ok) throw new Error('re-seed verification failed');
        return [te, tr] as const;
      };
      const sk = async () => {
        const direct = (await time(() => skopeoSync(A!, repos, { registry: C2 })))[1];
        const toDir = (await time(() => skopeoSync(A!, repos, { dir: sdir })))[1];
        const fromDir = (await time(() => skopeoSyncFromDir(sdir, A!, D2)))[1];
        if ((await sameDigests(D2, exp.images)) !== exp.images.length) throw new Error('skopeo dir → registry lost tags');
        return { direct, toDir, fromDir };
      };
      let r: Run;
      if (i % 2 === 0) {
        const k = await sk();
        const [te, tr] = await lb();
        r = { te, tr, ...k };
      } else {
        const [te, tr] = await lb();
        r = { te, tr, ...(await sk()) };
      }
      all.push(r);
      await Promise.all([B2.destroy(), C2.destroy(), D2.destroy()]);
      rmSync(dir, { recursive: true, force: true });
      rmSync(sdir, { recursive: true, force: true });
    }

    const lifeboat = tExport + tReseed;
    console.log('');
    const stats = (xs: number[]) => {
      const sorted = xs.slice().sort((a, b) => a - b);
      const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      return `median ${median.toFixed(2)}×${sorted.length > 1 ? ` (min ${sorted[0]!.toFixed(2)}×, max ${sorted[sorted.length - 1]!.toFixed(2)}×)` : ''}`;
    };
    all.forEach((r, i) => console.log(describeRun(i + 1, r, i > 0 && (i + 1) % 2 === 0 ? ' (skopeo first)' : '')));
    console.log(`over ${all.length} run(s), load average ${os.loadavg()[0]!.toFixed(1)}:`);
    console.log(
      `  (a) same work — export to an archive, re-seed from it: skopeo (reg→dir, dir→reg) / Lifeboat   ${stats(all.map((r) => (r.toDir + r.fromDir) / (r.te + r.tr)))}`,
    );
    console.log(
      `  (b) skopeo registry → registry directly (no archive) / Lifeboat export + re-seed            ${stats(all.map((r) => r.direct / (r.te + r.tr)))}`,
    );
    console.log(`  (c) export alone: skopeo reg→dir / Lifeboat export                                          ${stats(all.map((r) => r.toDir / r.te))}`);
    console.log(`  (d) re-seed alone: skopeo dir→reg / Lifeboat re-seed                                        ${stats(all.map((r) => r.fromDir / r.tr))}`);
    console.log('');
    console.log(
      `content: ${repos.length} repositories, ${exp.images.length} tags, ${exp.manifests} manifests, ${exp.blobs} blobs, ${fmtMB(exp.bytes)} unique (fill ${tFill.toFixed(1)} s)`,
    );
    console.log(`Lifeboat export  (registry → OCI layout)  ${tExport.toFixed(2)} s   ${fmtMB(exp.bytesFetched / tExport)}/s`);
    console.log(
      `Lifeboat re-seed (OCI layout → registry)  ${tReseed.toFixed(2)} s   uploaded ${seed.blobsUploaded}, mounted ${seed.blobsMounted}, tags ok ${seed.tags.filter((t) => t.ok).length}/${seed.tags.length}`,
    );
    console.log(`Lifeboat export + re-seed                 ${lifeboat.toFixed(2)} s`);
    console.log(`skopeo sync registry → registry           ${tSkopeoReg.toFixed(2)} s`);
    console.log(`skopeo sync registry → dir                ${tSkopeoDir.toFixed(2)} s`);
    console.log(`skopeo sync dir → registry                ${tSkopeoFromDir.toFixed(2)} s   tags at the source's digest ${sameOnD}/${exp.images.length}`);
    console.log(`ratio skopeo(reg→reg) / Lifeboat(export+re-seed) = ${(tSkopeoReg / lifeboat).toFixed(2)}×`);
    console.log(`ratio skopeo(reg→dir) / Lifeboat(export)         = ${(tSkopeoDir / tExport).toFixed(2)}×`);
    console.log(`tags with identical digests on A, B (Lifeboat) and C (skopeo): ${same}/${exp.images.length}`);
    console.log(
      `incremental export after 1 new image: ${exp2.blobsFetched} blobs / ${fmtMB(exp2.bytesFetched)} fetched (reused ${exp2.blobsReused}), ` +
        `${src2.stats.blobGets} blob GETs, ${tExport2.toFixed(2)} s; skopeo sync of that repository registry → registry again: ${tSkopeoReg2.toFixed(2)} s`,
    );
  } finally {
    await Promise.all(regs.map((r) => r.destroy()));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
