// The images of Vagrant's docker-provider machines: each overlab image (node, bigip-sim, client)
// plus an sshd (images/ssh), since Vagrant reaches a has_ssh container over SSH as it would a VM.
// Cached by content like the docker provider's: the tag is a hash of the image it is built FROM
// and of images/ssh, so a second run builds nothing and a change to either builds a new one.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { buildContext, ensureImages, IMAGE_NAMES, IMAGES_DIR, type ImageName } from '../docker/images.js';

const SSH_DIR = join(IMAGES_DIR, 'ssh');

export type SshImageTags = Record<ImageName, string>;

export function sshImageTag(name: ImageName, from: string): string {
  const h = createHash('sha256').update(`overlab-ssh 1\0${from}\0`);
  for (const f of readdirSync(SSH_DIR).sort()) h.update(f).update('\0').update(readFileSync(join(SSH_DIR, f))).update('\0');
  return `overlab/${name}-ssh:${h.digest('hex').slice(0, 16)}`;
}

/** The docker provider's images (built if missing), then their sshd variants. */
export async function ensureSshImages(docker: Docker, log?: (line: string) => void): Promise<{ tags: SshImageTags; built: string[] }> {
  const { tags: base } = await ensureImages(docker, { log });
  const tags = {} as SshImageTags;
  const built: string[] = [];
  for (const name of IMAGE_NAMES) {
    const tag = sshImageTag(name, base[name]);
    tags[name] = tag;
    const present = await docker.getImage(tag).inspect().then(() => true, () => false);
    if (present) continue;
    log?.(`building ${tag}`);
    // apt-get needs the Debian mirror: the build runs with the host's network (the machines do not).
    await buildContext(docker, SSH_DIR, { tag, dockerfile: 'Dockerfile', buildargs: { FROM: base[name], OVERLAB_IMAGE: `${name}-ssh`, OVERLAB_CACHE: tag.split(':')[1]! }, networkmode: 'host', log });
    built.push(tag);
  }
  return { tags, built };
}
