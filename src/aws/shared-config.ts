// Reads the `region` of a profile from the AWS shared config file (~/.aws/config or AWS_CONFIG_FILE).
//
// Why not @smithy/shared-ini-file-loader: it is not installed as its own package in this SDK version
// (it moved inside @smithy/core, which flowfix does not depend on directly), and flowfix only needs one
// key, so a twenty-line reader is cheaper than importing an undeclared transitive dependency.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FlowfixError } from '../errors.js';
import { resolveHomeRegion } from './regions.js';

export interface ProfileLocation {
  /** --profile; falls back to AWS_PROFILE, then 'default'. */
  profile?: string;
  env: Record<string, string | undefined>;
}

export function selectedProfileName({ profile, env }: ProfileLocation): string {
  return profile?.trim() || env['AWS_PROFILE']?.trim() || 'default';
}

export function sharedConfigFilePath(env: Record<string, string | undefined>): string {
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  const configured = env['AWS_CONFIG_FILE']?.trim();
  if (!configured) return join(home, '.aws', 'config');
  // The SDK and the AWS CLI both expand a leading ~, so a user may have written it that way.
  return configured.startsWith('~/') ? join(home, configured.slice(2)) : configured;
}

/**
 * The `region` key of a profile in the text of a shared config file. Sections are `[default]`
 * (also accepted as `[profile default]`) and `[profile NAME]`; indented lines are sub-properties
 * of the key above them (e.g. `s3 =` blocks) and are skipped.
 */
export function profileRegionFromConfigText(text: string, profileName: string): string | undefined {
  const wantedSections =
    profileName === 'default' ? ['default', 'profile default'] : [`profile ${profileName}`];
  let inWantedSection = false;
  for (const rawLine of text.split(/\r?\n/)) {
    if (/^\s/.test(rawLine)) continue;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (section) {
      inWantedSection = wantedSections.includes(section[1]!.replace(/\s+/g, ' '));
      continue;
    }
    if (!inWantedSection) continue;
    const keyValue = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (keyValue && keyValue[1]!.toLowerCase() === 'region') {
      const value = keyValue[2]!.replace(/\s[#;].*$/, '').trim();
      return value || undefined;
    }
  }
  return undefined;
}

/** The profile's region, or undefined when the file, the profile or the key is missing. */
export async function readProfileRegion(location: ProfileLocation): Promise<string | undefined> {
  let text: string;
  const path = sharedConfigFilePath(location.env);
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new FlowfixError('ConfigFileUnreadable', `Cannot read the AWS config file ${path} (${code ?? 'error'}).`, {
      hint: 'Fix its permissions, point AWS_CONFIG_FILE elsewhere, or pass --region.',
      cause: err,
    });
  }
  return profileRegionFromConfigText(text, selectedProfileName(location));
}

/** resolveHomeRegion with the profile's region read from disk only when the flag and env say nothing. */
export async function findHomeRegion(options: {
  flagRegion?: string;
  profile?: string;
  env: Record<string, string | undefined>;
}): Promise<string> {
  const fromFlagOrEnv = [options.flagRegion, options.env['AWS_REGION'], options.env['AWS_DEFAULT_REGION']];
  if (fromFlagOrEnv.some((value) => value?.trim())) return resolveHomeRegion(options);
  const profileRegion = await readProfileRegion({ profile: options.profile, env: options.env });
  return resolveHomeRegion({ ...options, profileRegion });
}
