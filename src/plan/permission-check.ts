// Permission preflight, the pure half: which IAM permissions a plan needs (from its action kinds'
// declarations), as SimulatePrincipalPolicy requests, and the simulation's answers as a report.
import { permissionsOf } from '../actions/action-kinds.js';
import { roleArn, type Permission } from '../actions/action-kind.js';
import type { SimulationRequest, SimulationResult } from '../aws/api.js';
import type { Plan } from './types.js';

/** A permission the simulation did not allow. */
export interface MissingPermission {
  action: string;
  resource: string;
  /** IAM's EvalDecision: implicitDeny (nothing allows it) or explicitDeny (a Deny statement matches). */
  decision: string;
}

/**
 * What the preflight found. 'checked': IAM simulated every needed permission for `principal`;
 * 'unavailable': the simulation could not be run (`message` says why) and the DryRun probes stand in.
 */
export interface PermissionCheck {
  status: 'checked' | 'unavailable';
  /** The principal whose policies were simulated (a user, or the role of an assumed-role session). */
  principal?: string;
  /** Distinct action × resource pairs the plan needs. */
  needed: number;
  missing: MissingPermission[];
  message?: string;
}

/**
 * The IAM principal SimulatePrincipalPolicy takes for the caller: a user as is; for an assumed-role
 * session arn:P:sts::ACCT:assumed-role/ROLE/SESSION the role arn:P:iam::ACCT:role/ROLE. The session ARN
 * does not carry the role's path, so a role with a path is not found under this ARN (reported as such).
 * Undefined for callers IAM cannot simulate (the root user, federated users).
 */
export function principalToSimulate(callerArn: string): string | undefined {
  const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  if (/^arn:[^:]+:iam::\d{12}:(user|role)\/.+$/.test(callerArn)) return callerArn;
  return undefined;
}

/**
 * The delivery role's real ARN, path included: the one flow logs are given, else the one CreateRole makes,
 * else the settings' path. IAM authorizes a call naming a role against this ARN.
 */
function deliveryRoleArn(plan: Pick<Plan, 'actions' | 'partition' | 'accountId' | 'settings'>): string {
  for (const a of plan.actions) if (a.kind === 'create-flow-logs' && a.input.DeliverLogsPermissionArn) return a.input.DeliverLogsPermissionArn;
  const create = plan.actions.find((a) => a.kind === 'create-role');
  if (create?.kind === 'create-role') return roleArn(plan, create.input.RoleName, create.input.Path);
  return roleArn(plan, plan.settings.roleName, plan.settings.rolePath);
}

/**
 * Every distinct permission the plan's actions declare, in plan order. A kind that cannot know the role's
 * path declares every path it may have (role/NAME and the pattern role/*\/NAME): the simulation is asked
 * about the real ARN instead, since a policy that grants only the role's own path must not be reported as
 * missing the others.
 */
export function neededPermissions(plan: Pick<Plan, 'actions' | 'partition' | 'accountId' | 'settings'>): Permission[] {
  const seen = new Set<string>();
  const needs: Permission[] = [];
  const roleArnNow = deliveryRoleArn(plan);
  const roleName = roleArnNow.slice(roleArnNow.lastIndexOf('/') + 1);
  const rolePrefix = roleArnNow.slice(0, roleArnNow.indexOf(':role/') + ':role/'.length);
  // The delivery role under any path (role/NAME, role/*/NAME) is the one role at its real ARN.
  const concrete = (p: Permission): Permission =>
    p.resource.startsWith(rolePrefix) && p.resource.endsWith(`/${roleName}`) ? { action: p.action, resource: roleArnNow } : p;
  for (const action of plan.actions) {
    for (const declared of permissionsOf(action, { partition: plan.partition, accountId: plan.accountId })) {
      const p = concrete(declared);
      const key = `${p.action} ${p.resource}`;
      if (seen.has(key)) continue;
      seen.add(key);
      needs.push(p);
    }
  }
  return needs;
}

/**
 * Condition keys the real calls carry and flowfix's operator policies test: without them the simulation
 * would call a conditional Allow a denial.
 */
const CONTEXT_OF: Record<string, { key: string; values: string[] }> = {
  'iam:PassRole': { key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] },
  'ec2:CreateTags': { key: 'ec2:CreateAction', values: ['CreateFlowLogs'] },
};

/**
 * IAM's default page of SimulatePrincipalPolicy results (MaxItems): a request kept within it is answered
 * in one call, so the requests can all go out together and cost one round trip.
 */
export const SIMULATION_RESULTS_PER_PAGE = 100;

/**
 * Every action the plan needs on a resource is asked about that resource; resources that need exactly
 * the same actions share a request (each action is simulated against each resource of a request, so
 * mixing resources with different needs would ask about pairs the plan never needs), at most
 * SIMULATION_RESULTS_PER_PAGE action × resource pairs each, so every answer fits on one page.
 */
export function simulationRequests(principal: string, needs: readonly Permission[]): SimulationRequest[] {
  const byResource = new Map<string, string[]>();
  for (const { action, resource } of needs) {
    const actions = byResource.get(resource) ?? [];
    if (!actions.includes(action)) actions.push(action);
    byResource.set(resource, actions);
  }
  const byActions = new Map<string, { actionNames: string[]; resourceArns: string[] }>();
  for (const [resource, actionNames] of byResource) {
    const key = actionNames.join(' ');
    const group = byActions.get(key) ?? { actionNames, resourceArns: [] };
    group.resourceArns.push(resource);
    byActions.set(key, group);
  }
  return [...byActions.values()].flatMap(({ actionNames, resourceArns }) => {
    const contextEntries = actionNames.flatMap((a) => (CONTEXT_OF[a] ? [CONTEXT_OF[a]] : []));
    const perRequest = Math.max(1, Math.floor(SIMULATION_RESULTS_PER_PAGE / actionNames.length));
    return chunks(resourceArns, perRequest).map((chunk) => ({
      policySourceArn: principal,
      actionNames,
      resourceArns: chunk,
      ...(contextEntries.length > 0 ? { contextEntries } : {}),
    }));
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The simulation's answers for the needed permissions: a need with no answer counts as missing. */
export function permissionReport(principal: string, needs: readonly Permission[], results: readonly SimulationResult[]): PermissionCheck {
  const decisionOf = new Map(results.map((r) => [`${r.action} ${r.resource}`, r.decision]));
  const missing = needs.flatMap((p): MissingPermission[] => {
    const decision = decisionOf.get(`${p.action} ${p.resource}`) ?? 'implicitDeny';
    return decision === 'allowed' ? [] : [{ action: p.action, resource: p.resource, decision }];
  });
  return { status: 'checked', principal, needed: needs.length, missing };
}

export const unavailableCheck = (needed: number, message: string, principal?: string): PermissionCheck => ({
  status: 'unavailable',
  ...(principal ? { principal } : {}),
  needed,
  missing: [],
  message,
});

/** Something the plan needs is known to be refused. */
export const permissionsMissing = (check: PermissionCheck | undefined): boolean => check !== undefined && check.missing.length > 0;
