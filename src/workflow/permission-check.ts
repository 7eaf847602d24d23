// Permission preflight, the calling half: asks IAM (SimulatePrincipalPolicy) whether the caller may send
// everything the plan needs, before anything is written. Where it cannot ask, says why in one line; the
// DryRun probes (apply --dry-run sends them anyway; plan --check-permissions then sends them) stand in.
import { applyPlan } from '../apply/apply-plan.js';
import type { DryRunProbe } from '../apply/types.js';
import type { AwsClients } from '../aws/api.js';
import { classifyAwsError } from '../aws/errors.js';
import { DEFAULT_SETTINGS, type Settings } from '../config/settings.js';
import { isFlowfixError } from '../errors.js';
import { roleOf, type Inventory } from '../inventory/types.js';
import {
  assumedRoleName,
  neededPermissions,
  permissionReport,
  permissionsMissing,
  principalToSimulate,
  simulationRequests,
  unavailableCheck,
  type PermissionCheck,
  type SimulationAnswer,
} from '../plan/permission-check.js';
import type { Plan } from '../plan/types.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { Assessment } from './assess.js';
import type { WorkflowDeps } from './deps.js';

/** The role's ARN with its path, or undefined when GetRole is refused or fails (the path-less ARN is tried then). */
async function realRoleArn(clients: AwsClients, roleName: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await clients.iam().roleArn(roleName, signal ? { signal } : {})) ?? undefined;
  } catch (err) {
    if (isFlowfixError(err) && err.code === 'Interrupted') throw err;
    return undefined;
  }
}

/**
 * `concurrency`: simulations in flight at once (IAM throttles per account); they do not depend on each
 * other, so they go out together rather than one round trip each. `live`: the inventory the plan was made
 * from (the delivery role's current boundary is read from it).
 */
export async function checkPermissions(
  plan: Plan,
  clients: AwsClients,
  signal?: AbortSignal,
  concurrency = DEFAULT_SETTINGS.concurrency,
  live?: Pick<Inventory, 'role'>,
): Promise<PermissionCheck> {
  const role = live ? roleOf(live as Inventory) : undefined;
  const needs = neededPermissions(plan, { roleBoundary: role?.permissionsBoundary });
  if (needs.length === 0) return { status: 'checked', needed: 0, missing: [] };
  let principal: string | undefined;
  try {
    const caller = await clients.callerIdentity();
    principal = principalToSimulate(caller.arn);
    if (!principal)
      return unavailableCheck(needs.length, `IAM cannot simulate the policies of ${caller.arn} (only users and roles): checked with DryRun probes instead`);
    // The session ARN drops the role's path (IAM Identity Center: /aws-reserved/sso.amazonaws.com/…): one GetRole recovers it.
    const roleName = assumedRoleName(caller.arn);
    if (roleName) principal = (await realRoleArn(clients, roleName, signal)) ?? principal;
    const iam = clients.iam();
    const source = principal;
    const answers: SimulationAnswer[] = await mapWithConcurrency(simulationRequests(source, needs), concurrency, async (request) => ({
      request,
      results: await iam.simulatePrincipalPolicy(request, signal ? { signal } : {}),
    }));
    return permissionReport(principal, needs, answers);
  } catch (err) {
    if (isFlowfixError(err) && err.code === 'SimulationUnavailable')
      return unavailableCheck(needs.length, `${err.message}: checked with DryRun probes instead`);
    const { kind, code, message } = classifyAwsError(err);
    if (kind === 'access-denied') {
      return unavailableCheck(
        needs.length,
        `iam:SimulatePrincipalPolicy is not allowed for ${principal ?? 'the caller'} (${code}): checked with DryRun probes instead`,
        principal,
      );
    }
    if (kind === 'not-found') {
      return unavailableCheck(
        needs.length,
        `IAM has no principal ${principal ?? ''} to simulate (${code}; a role with a path cannot be named from its session ARN): checked with DryRun probes instead`,
        principal,
      );
    }
    return unavailableCheck(needs.length, `the permission simulation failed: ${code}: ${message}; checked with DryRun probes instead`, principal);
  }
}

/** A plan report's permissionCheck: the simulation, or when it is unavailable, the DryRun probes apply --dry-run sends. */
export type PlanPermissionCheck = PermissionCheck & { dryRunProbes?: DryRunProbe[] };

/** plan --check-permissions: the preflight, falling back to DryRun probes (CreateFlowLogs with DryRun: true; nothing is created). */
export async function checkPlanPermissions(
  assessment: Pick<Assessment, 'plan' | 'inventory'>,
  settings: Settings,
  deps: WorkflowDeps,
): Promise<PlanPermissionCheck> {
  const check = await checkPermissions(assessment.plan, deps.clients, deps.signal, settings.concurrency, assessment.inventory);
  if (check.status === 'checked') return check;
  const { dryRunProbes } = await applyPlan(assessment.plan, {
    clients: deps.clients,
    live: assessment.inventory,
    dryRun: true,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return { ...check, dryRunProbes };
}

/** Exit 1 when IAM says something is missing, or a fallback probe was refused. */
export const permissionCheckFailed = (check: PlanPermissionCheck): boolean => permissionsMissing(check) || (check.dryRunProbes ?? []).some((p) => !p.allowed);
