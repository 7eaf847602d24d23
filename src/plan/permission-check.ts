// Permission preflight, the pure half: which IAM permissions a plan needs (from its action kinds'
// declarations), as SimulatePrincipalPolicy requests, and the simulation's answers as a report.
import { roleArn, type ContextEntry, type ContextFacts, type Permission } from '../actions/action-kind.js';
import { kindOf, permissionsOf } from '../actions/action-kinds.js';
import type { SimulationRequest, SimulationResult } from '../aws/api.js';
import { isKnownPartition, PARTITIONS } from '../facts/regions.js';
import { chunk } from '../util/collections.js';
import type { Plan } from './types.js';

/** Which layer of IAM refused: an SCP (OrganizationsDecisionDetail), the principal's permissions boundary, or its identity policies. */
export type DeniedBy = 'organization-policy' | 'permissions-boundary' | 'identity-policy';

/** A permission the simulation did not allow. */
export interface MissingPermission {
  action: string;
  resource: string;
  /** IAM's EvalDecision: implicitDeny (nothing allows it) or explicitDeny (a Deny statement matches). */
  decision: string;
  /** The layer that denied, from IAM's decision details. */
  deniedBy?: DeniedBy;
  /** Where the call goes (the aws:RequestedRegion it was asked with); 'global' for IAM. */
  region?: string;
}

/** A permission IAM could not decide: its policies test condition keys whose values flowfix cannot know. */
export interface UndecidedPermission {
  action: string;
  resource: string;
  region?: string;
  missingContextValues: string[];
}

/**
 * What the preflight found. 'checked': IAM simulated every needed permission for `principal`;
 * 'unavailable': the simulation could not be run (`message` says why) and the DryRun probes stand in.
 */
export interface PermissionCheck {
  status: 'checked' | 'unavailable';
  /** The principal whose policies were simulated (a user, or the role of an assumed-role session). */
  principal?: string;
  /** Distinct action × resource × region questions the plan needs. */
  needed: number;
  missing: MissingPermission[];
  /** Not counted as missing: a run with only these exits as if allowed, and says so. */
  undecided?: UndecidedPermission[];
  message?: string;
}

/**
 * The IAM principal SimulatePrincipalPolicy takes for the caller: a user as is; for an assumed-role
 * session arn:P:sts::ACCT:assumed-role/ROLE/SESSION the role arn:P:iam::ACCT:role/ROLE. The session ARN
 * does not carry the role's path (IAM Identity Center roles sit under /aws-reserved/sso.amazonaws.com/…):
 * the workflow recovers the real ARN with one iam:GetRole (assumedRoleName). Undefined for callers IAM
 * cannot simulate (the root user, federated users).
 */
export function principalToSimulate(callerArn: string): string | undefined {
  const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  if (/^arn:[^:]+:iam::\d{12}:(user|role)\/.+$/.test(callerArn)) return callerArn;
  return undefined;
}

/** The role name of an assumed-role session ARN, else undefined. */
export const assumedRoleName = (callerArn: string): string | undefined => /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\/[^/]+$/.exec(callerArn)?.[1];

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

/** One question for the simulation: an action on a resource, asked with the condition keys the real call carries. */
export interface NeededPermission extends Permission {
  /** The action's region; 'global' for IAM. */
  region: string;
  context: ContextEntry[];
}

/**
 * Every distinct permission the plan's actions declare, in plan order, each with the context its call
 * carries: aws:RequestedRegion (the action's region; for IAM the partition's IAM region) and what the
 * kind declares (request tags, iam:PermissionsBoundary, iam:PassedToService…). A kind that cannot know
 * the role's path declares every path it may have (role/NAME and the pattern role/*\/NAME): the
 * simulation is asked about the real ARN instead, since a policy that grants only the role's own path
 * must not be reported as missing the others. `facts.roleBoundary`: the boundary the delivery role has
 * now, when it exists (PutRolePolicy is judged by it); a role the plan creates gets the one it declares.
 */
export function neededPermissions(plan: Pick<Plan, 'actions' | 'partition' | 'accountId' | 'settings'>, facts: ContextFacts = {}): NeededPermission[] {
  const seen = new Set<string>();
  const needs: NeededPermission[] = [];
  const roleArnNow = deliveryRoleArn(plan);
  const roleName = roleArnNow.slice(roleArnNow.lastIndexOf('/') + 1);
  const rolePrefix = roleArnNow.slice(0, roleArnNow.indexOf(':role/') + ':role/'.length);
  const created = plan.actions.find((a) => a.kind === 'create-role');
  const contextFacts: ContextFacts = { roleBoundary: created?.kind === 'create-role' ? created.input.PermissionsBoundary : facts.roleBoundary };
  const iamRegion = isKnownPartition(plan.partition) ? PARTITIONS[plan.partition].defaultRegion : 'us-east-1';
  // The delivery role under any path (role/NAME, role/*/NAME) is the one role at its real ARN.
  const concrete = (p: Permission): Permission =>
    p.resource.startsWith(rolePrefix) && p.resource.endsWith(`/${roleName}`) ? { action: p.action, resource: roleArnNow } : p;
  for (const action of plan.actions) {
    const kind = kindOf(action);
    const region = kind.global ? 'global' : action.region;
    for (const declared of permissionsOf(action, { partition: plan.partition, accountId: plan.accountId })) {
      const p = concrete(declared);
      const context = [
        { key: 'aws:RequestedRegion', values: [kind.global ? iamRegion : action.region] },
        ...(kind.requestContext?.(action.input, declared, contextFacts) ?? []),
      ];
      const key = `${p.action} ${p.resource} ${region} ${JSON.stringify(context)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      needs.push({ ...p, region, context });
    }
  }
  return needs;
}

/**
 * IAM's default page of SimulatePrincipalPolicy results (MaxItems): a request kept within it is answered
 * in one call, so the requests can all go out together and cost one round trip.
 */
export const SIMULATION_RESULTS_PER_PAGE = 100;

/**
 * One request per action and context (ContextEntries apply to every action × resource of a request, so
 * only questions asked with the same keys share one), naming every resource that action is needed on.
 */
export function simulationRequests(principal: string, needs: readonly NeededPermission[]): SimulationRequest[] {
  const groups = new Map<string, { action: string; context: ContextEntry[]; resources: string[] }>();
  for (const { action, resource, context } of needs) {
    const key = `${action} ${JSON.stringify(context)}`;
    const group = groups.get(key) ?? { action, context, resources: [] };
    if (!group.resources.includes(resource)) group.resources.push(resource);
    groups.set(key, group);
  }
  return [...groups.values()].flatMap(({ action, context, resources }) =>
    chunk(resources, SIMULATION_RESULTS_PER_PAGE).map((resourceArns) => ({
      policySourceArn: principal,
      actionNames: [action],
      resourceArns,
      ...(context.length > 0 ? { contextEntries: context } : {}),
    })),
  );
}

/** One request and IAM's answers to it, every page. */
export interface SimulationAnswer {
  request: SimulationRequest;
  results: SimulationResult[];
}

/** The layer that refused, from IAM's details: an SCP first (IAM stops there), then the boundary. */
function deniedByOf(result: SimulationResult | undefined): DeniedBy | undefined {
  if (!result) return undefined;
  if (result.allowedByOrganizations === false) return 'organization-policy';
  if (result.allowedByPermissionsBoundary === false) return 'permissions-boundary';
  return 'identity-policy';
}

/**
 * The simulation's answers for the needed permissions: a need with no answer counts as missing; a denial
 * whose policies test keys the request did not carry (MissingContextValues) is undecided, not missing.
 */
export function permissionReport(principal: string, needs: readonly NeededPermission[], answers: readonly SimulationAnswer[]): PermissionCheck {
  // Results name action and resource only; the request they answer says which context they were asked with.
  const contextKey = (context: readonly ContextEntry[] | undefined) => JSON.stringify(context ?? []);
  const answer = new Map<string, SimulationResult>();
  for (const { request, results } of answers) for (const r of results) answer.set(`${r.action} ${r.resource} ${contextKey(request.contextEntries)}`, r);
  const missing: MissingPermission[] = [];
  const undecided: UndecidedPermission[] = [];
  for (const p of needs) {
    const result = answer.get(`${p.action} ${p.resource} ${contextKey(p.context)}`);
    const decision = result?.decision ?? 'implicitDeny';
    if (decision === 'allowed') continue;
    if (result?.missingContextValues?.length && decision !== 'explicitDeny') {
      undecided.push({ action: p.action, resource: p.resource, region: p.region, missingContextValues: result.missingContextValues });
      continue;
    }
    const deniedBy = deniedByOf(result);
    missing.push({ action: p.action, resource: p.resource, decision, ...(deniedBy ? { deniedBy } : {}), region: p.region });
  }
  return { status: 'checked', principal, needed: needs.length, missing, ...(undecided.length > 0 ? { undecided } : {}) };
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
