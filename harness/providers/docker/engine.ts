// The Docker Engine as the docker provider sees it: one dockerode client (DOCKER_HOST or the local
// socket), what the daemon is, and files copied out of containers through the archive API.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { HarnessError } from '../../core/errors.js';

let client: Docker | undefined;

export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  storageDriver: string;
  apparmor: boolean;
}

/** The daemon's version and settings, or the reason it cannot be reached. */
export async function engineInfo(docker: Docker = dockerClient()): Promise<EngineInfo> {
  const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<{ Driver?: string; SecurityOptions?: string[] }>]);
  return {
    version: version.Version,
    apiVersion: version.ApiVersion,
    storageDriver: info.Driver ?? 'unknown',
    apparmor: (info.SecurityOptions ?? []).some((o) => o.includes('apparmor')),
  };
}

export const isNotFound = (e: unknown): boolean => (e as { statusCode?: number }).statusCode === 404;

/** Copies one file out of a container: GET /containers/{id}/archive, a tar stream read with tar-stream. */
export async function fetchFromContainer(docker: Docker, container: string, pathIn: string, localPath: string): Promise<void> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await docker.getContainer(container).getArchive({ path: pathIn });
  } catch (cause) {
    throw new HarnessError(`cannot copy ${pathIn} out of container ${container}: ${(cause as Error).message}`, {}, { cause });
  }
  mkdirSync(dirname(localPath), { recursive: true });
  const extract = tar.extract();
  let found = false;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      if (!found && header.type === 'file') {
        found = true;
        pipeline(body, createWriteStream(localPath)).then(() => next(), reject);
      } else {
        body.on('end', () => next());
        body.resume();
      }
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.pipe(extract);
  await done;
  if (!found) throw new HarnessError(`the archive of ${pathIn} from container ${container} holds no regular file`);
}
