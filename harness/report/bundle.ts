// The run directory as one .tar.gz (tar-stream + zlib), for attaching to a bug: written next to
// the run directory as <runId>.tar.gz; `tar xzf` unpacks it to <runId>/ with exactly the run
// directory's files (directories, regular files and symlinks, with their modes and times).
import { createReadStream, createWriteStream, lstatSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

export interface Bundle {
  /** Absolute path of the .tar.gz. */
  path: string;
  /** Entries written (directories included). */
  entries: number;
  bytes: number;
}

/** Bundles `runDir` into `out` (default: <runDir>.tar.gz beside it). */
export async function bundleRun(runDir: string, out: string = `${runDir.replace(/\/+$/, '')}.tar.gz`): Promise<Bundle> {
  const root = basename(runDir.replace(/\/+$/, ''));
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const pack = tar.pack();
  const gzip = createGzip({ level: 6 });
  const file = createWriteStream(tmp);
  const written = new Promise<void>((resolve, reject) => {
    file.on('finish', () => resolve());
    file.on('error', reject);
    gzip.on('error', reject);
    pack.on('error', reject);
  });
  pack.pipe(gzip).pipe(file);
  let entries = 0;
  try {
    const add = async (full: string): Promise<void> => {
      const st = lstatSync(full);
      const name = [root, ...relative(runDir, full).split(sep).filter(Boolean)].join('/');
      const common = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        await entry(pack, { ...common, name: `${name}/`, type: 'directory' });
        entries++;
        for (const child of readdirSync(full).sort()) await add(join(full, child));
      } else if (st.isSymbolicLink()) {
        await entry(pack, { ...common, type: 'symlink', linkname: readlinkSync(full) });
        entries++;
      } else if (st.isFile()) {
        await entry(pack, { ...common, type: 'file', size: st.size }, full);
        entries++;
      }
      // Sockets, FIFOs and devices have no place in a report: left out.
    };
    await add(runDir);
    pack.finalize();
    await written;
    renameSync(tmp, out);
  } catch (e) {
    pack.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
  return { path: out, entries, bytes: lstatSync(out).size };
}

function entry(pack: tar.Pack, header: Parameters<tar.Pack["entry"]>[0], from?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (from === undefined) {
      pack.entry(header, (err) => (err ? reject(err) : resolve()));
      return;
    }
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    const source = createReadStream(from);
    source.on('error', (e) => {
      sink.destroy(e);
      reject(e);
    });
    source.pipe(sink);
  });
}
