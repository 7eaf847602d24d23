// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials), read with the SDK's
// own loader (@smithy/core/config loadSharedConfigFiles), so flowfix sees exactly the profiles, keys
// and sections the SDK's credential chain will see: `[profile NAME]` in the config file, `[NAME]` in
// the credentials file, `[sso-session …]` and `[services …]` sections, comments, sub-properties.
//
// The paths are worked out here from the Io's environment (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
// HOME) and handed to the loader and to the credential chain, so both read the same files.

import { access, constants, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { FlowfixError } from '../errors.js';

/** One profile's keys, as the SDK parses them (sub-properties as `parent.key`). */
export type ProfileSettings = Readonly<Record<string, string | undefined>>;

export interface SharedFiles {
  configPath: string;
  credentialsPath: string;
  /** Sections of the config file: profiles by name (`default`, `prod`), plus `sso-session.X` and `services.X`. */
  config: Readonly<Record<string, ProfileSettings>>;
  /** Sections of the credentials file: profiles by name. */
  credentials: Readonly<Record<string, ProfileSettings>>;
}

export interface ProfileLocation {
  /** --profile; falls back to AWS_PROFILE, then 'default'. */
  profile?: string;
  env: Record<string, string | undefined>;
}

export function selectedProfileName({ profile, env }: ProfileLocation): string {
  return profile?.trim() || env['AWS_PROFILE']?.trim() || 'default';
}

function expandHome(path: string, env: Record<string, string | undefined>): string {
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  // The SDK and the AWS CLI both expand a leading ~, so a user may have written it that way.
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

export function sharedConfigFilePath(env: Record<string, string | undefined>): string {
  return expandHome(env['AWS_CONFIG_FILE']?.trim() || '~/.aws/config', env);
}

export function sharedCredentialsFilePath(env: Record<string, string | undefined>): string {
  return expandHome(env['AWS_SHARED_CREDENTIALS_FILE']?.trim() || '~/.aws/credentials', env);
}

/**
 * Both files; a missing file reads as empty, as it does for the SDK. One that exists but cannot be read
 * is an error here: the SDK would silently read it as empty, and "profile X does not exist" would then
 * point the user at the wrong problem.
 */
export async function loadSharedFiles(env: Record<string, string | undefined>): Promise<SharedFiles> {
  const configPath = sharedConfigFilePath(env);
  const credentialsPath = sharedCredentialsFilePath(env);
  await Promise.all([assertReadable(configPath, 'AWS_CONFIG_FILE'), assertReadable(credentialsPath, 'AWS_SHARED_CREDENTIALS_FILE')]);
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: configPath, filepath: credentialsPath, ignoreCache: true });
  return { configPath, credentialsPath, config: configFile, credentials: credentialsFile };
}

async function assertReadable(path: string, variable: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
    // A directory passes access(R_OK) but cannot be read as a file.
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw new FlowfixError('ConfigFileUnreadable', `cannot read the AWS shared file ${path} (${code ?? 'error'})`, {
      hint: `fix its permissions, or point ${variable} elsewhere`,
      cause: err,
    });
  }
}

// Config-file sections that are not profiles keep their type as a prefix (see the SDK's getConfigData).
const NOT_A_PROFILE = /^(sso-session|services)\./;

/** Every profile either file defines, sorted. */
export function listProfiles(files: SharedFiles): string[] {
  const names = new Set([...Object.keys(files.config).filter((name) => !NOT_A_PROFILE.test(name)), ...Object.keys(files.credentials)]);
  return [...names].sort();
}

/**
 * A profile's settings from both files; undefined when neither has it. Where both set a key, the SDK
 * prefers the config file for settings (region, retry_mode, ...) and the credentials file for
 * credentials (role_arn, mfa_serial, keys, ...): `prefer` says which this is for.
 */
export function profileSettings(files: SharedFiles, name: string, prefer: 'config' | 'credentials'): ProfileSettings | undefined {
  const fromConfig = NOT_A_PROFILE.test(name) ? undefined : files.config[name];
  const fromCredentials = files.credentials[name];
  if (!fromConfig && !fromCredentials) return undefined;
  return prefer === 'config' ? { ...fromCredentials, ...fromConfig } : { ...fromConfig, ...fromCredentials };
}

/** A `[services NAME]` section of the config file (per-service endpoint_url settings). */
export function servicesSection(files: SharedFiles, name: string): ProfileSettings | undefined {
  return files.config[`services.${name}`];
}
