// The guard's settings come from its stack's parameters, as environment variables named after flowfix's
// own flags (--traffic-type ⇄ FLOWFIX_TRAFFIC_TYPE), so every setting is validated exactly as the flag is
// and a new setting needs no code here. Pure: environment in, argv out.
import { SETTINGS_FLAGS, type SettingsFlag } from '../config/flags.js';
import { DEFAULT_SETTINGS } from '../config/settings.js';
import { FlowfixError } from '../errors.js';

const PREFIX = 'FLOWFIX_';

/**
 * Where and as whom the guard works is its deployment's business: the function's own account, the region
 * its stack is in, the function's own role. A variable that would send it elsewhere is refused.
 */
const DECIDED_BY_THE_DEPLOYMENT = new Set<string>([
  'profile',
  'region',
  'regions',
  'endpointUrl',
  'org',
  'ou',
  'accounts',
  'excludeAccounts',
  'assumeRole',
  'externalId',
  'roleSessionName',
]);

export const guardVariableOf = (f: Pick<SettingsFlag, 'flag'>): string => `${PREFIX}${f.flag.slice(2).toUpperCase().replace(/-/g, '_')}`;

const GUARD_FLAGS = new Map(SETTINGS_FLAGS.filter((f) => !DECIDED_BY_THE_DEPLOYMENT.has(f.key)).map((f) => [guardVariableOf(f), f]));

/** Flags repeated once per value (--tag, --exclude-tag) render a list; their variable holds the values comma-separated. */
const isRepeatable = (f: SettingsFlag): boolean => Array.isArray(f.render(DEFAULT_SETTINGS));

/** The flags the guard's FLOWFIX_* variables stand for; an unknown or forbidden variable is a deployment error. */
export function guardSettingsArgv(env: Record<string, string | undefined>): string[] {
  const argv: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(PREFIX) || value === undefined || value === '') continue;
    const f = GUARD_FLAGS.get(name);
    if (!f) {
      const forbidden = SETTINGS_FLAGS.find((s) => guardVariableOf(s) === name);
      throw new FlowfixError(
        'BadUsage',
        forbidden ? `${name} cannot be set for the guard: its deployment decides ${forbidden.flag.slice(2)}` : `${name} is not a flowfix setting`,
        {
          hint: `the guard reads ${[...GUARD_FLAGS.keys()].join(', ')}`,
        },
      );
    }
    if (f.type === 'boolean') {
      if (value !== 'true' && value !== 'false')
        throw new FlowfixError('BadUsage', `${name} must be true or false`, { hint: 'set the stack parameter to true or false' });
      if (value === 'true') argv.push(f.flag);
    } else {
      const values = isRepeatable(f)
        ? value
            .split(',')
            .map((v) => v.trim())
            .filter((v) => v !== '')
        : [value];
      for (const v of values) argv.push(`${f.flag}=${v}`);
    }
  }
  return argv;
}
