// Pure: which VPCs and subnets the user left alone on purpose, and what to warn about. An exclusion is a
// decision, so it is always visible: excluded resources are marked (never dropped), an expired one no
// longer excludes, and one that matches nothing is a warning, because a typo must not pass unnoticed.
import type { Exclusion, Scope } from '../config/settings.js';
import type { SubnetFacts, VpcFacts } from '../facts/resources.js';
import { parseTagAssignment } from '../facts/tags.js';
import type { AuditWarning, ExclusionMark } from './types.js';

export const DEFAULT_VPC_REASON = 'default VPC (--skip-default-vpcs)';

export interface ExclusionSettings {
  scope: Scope;
  exclude: readonly Exclusion[];
  skipDefaultVpcs: boolean;
}

/** `expires` is inclusive: an exclusion expiring 2025-06-30 still holds that whole day (UTC). */
export const hasExpired = (exclusion: Exclusion, now: Date): boolean => exclusion.expires !== undefined && exclusion.expires < now.toISOString().slice(0, 10);

export function describeExclusion(exclusion: Exclusion): string {
  const what = exclusion.id !== undefined ? exclusion.id : `tag ${exclusion.tag}`;
  return `${what} (${exclusion.reason})`;
}

/** Why a resource is left alone, in words: how it was excluded, the reason given, until when. */
export function describeExclusionMark(mark: ExclusionMark): string {
  const how = mark.by === 'default-vpc' ? mark.reason : `excluded by ${mark.by === 'tag' ? `tag ${mark.tag}` : 'id'}: ${mark.reason}`;
  const until = mark.expires ? ` (until ${mark.expires})` : '';
  return mark.throughVpc ? `its VPC ${mark.throughVpc} is ${how}${until}` : `${how}${until}`;
}

function tagMatcher(text: string): (tags: Record<string, string> | undefined) => boolean {
  const { key, value } = parseTagAssignment(text);
  return (tags) => tags !== undefined && Object.hasOwn(tags, key) && (value === undefined || tags[key] === value);
}

/**
 * Marks resources as they are met, region by region, and remembers which exclusions matched something,
 * so `warnings()` can name the ones that did not.
 */
export class ExclusionMatcher {
  private readonly active: { exclusion: Exclusion; index: number }[];
  /** Active exclusions by id (many ids stay cheap to look up in a large estate), and by tag. */
  private readonly byId = new Map<string, { exclusion: Exclusion; index: number }[]>();
  private readonly byTag: { exclusion: Exclusion; index: number; matchesTags: ReturnType<typeof tagMatcher> }[] = [];
  private readonly expired: Exclusion[];
  /** Exclusions that excluded something. */
  private readonly used = new Set<number>();
  /** Scope vpc: exclusions that matched subnets only, which that scope never plans on their own. */
  private readonly subnetsOnly = new Map<number, string[]>();

  constructor(
    private readonly settings: ExclusionSettings,
    now: Date,
  ) {
    const all = settings.exclude.map((exclusion, index) => ({ exclusion, index }));
    this.expired = all.filter(({ exclusion }) => hasExpired(exclusion, now)).map(({ exclusion }) => exclusion);
    this.active = all.filter(({ exclusion }) => !hasExpired(exclusion, now));
    for (const entry of this.active) {
      if (entry.exclusion.id !== undefined) this.byId.set(entry.exclusion.id, [...(this.byId.get(entry.exclusion.id) ?? []), entry]);
      else this.byTag.push({ ...entry, matchesTags: tagMatcher(entry.exclusion.tag) });
    }
  }

  /** The VPC's exclusion: by id, else by tag, else as a default VPC. */
  vpc(vpc: VpcFacts): ExclusionMark | undefined {
    return this.mark(vpc.vpcId, vpc.tags) ?? (this.settings.skipDefaultVpcs && vpc.isDefault ? { by: 'default-vpc', reason: DEFAULT_VPC_REASON } : undefined);
  }

  /** The subnet's own exclusion, else its VPC's (`vpcMark`), said so. With scope vpc subnets are not planned alone: nothing. */
  subnet(subnet: SubnetFacts, vpcMark: ExclusionMark | undefined): ExclusionMark | undefined {
    if (this.settings.scope === 'vpc') {
      for (const { index } of this.matching(subnet.subnetId, subnet.tags)) {
        const ids = this.subnetsOnly.get(index) ?? [];
        if (ids.length < 3) ids.push(subnet.subnetId);
        this.subnetsOnly.set(index, ids);
      }
      return undefined;
    }
    return this.mark(subnet.subnetId, subnet.tags) ?? (vpcMark ? { ...vpcMark, throughVpc: subnet.vpcId } : undefined);
  }

  /** Expired exclusions, and active ones that excluded nothing in the regions read. */
  warnings(regionsRead: readonly string[], unreadableRegions: number): AuditWarning[] {
    const warnings: AuditWarning[] = this.expired.map((exclusion) => ({
      code: 'exclusion-expired',
      message: `exclusion ${describeExclusion(exclusion)} expired on ${exclusion.expires} and no longer excludes anything: extend "expires" or remove it`,
    }));
    const where = `the regions read (${regionsRead.join(', ') || 'none'})${unreadableRegions > 0 ? `; ${unreadableRegions} could not be read` : ''}`;
    for (const { exclusion, index } of this.active) {
      if (this.used.has(index)) continue;
      const subnets = this.subnetsOnly.get(index);
      warnings.push(
        subnets
          ? {
              code: 'exclusion-no-effect',
              message: `exclusion ${describeExclusion(exclusion)} matches only subnets (${subnets.join(', ')}), but with --scope vpc flowfix plans flow logs per VPC: exclude their VPC, or use --scope subnet`,
            }
          : { code: 'exclusion-unmatched', message: `exclusion ${describeExclusion(exclusion)} matches no VPC or subnet in ${where}: check it for a typo` },
      );
    }
    return warnings;
  }

  /** The first exclusion by id, else the first by tag; every one that matches counts as used. */
  private mark(resourceId: string, tags: Record<string, string> | undefined): ExclusionMark | undefined {
    const matches = this.matching(resourceId, tags);
    for (const { index } of matches) this.used.add(index);
    const exclusion = matches[0]?.exclusion;
    if (!exclusion) return undefined;
    return {
      by: exclusion.id !== undefined ? 'id' : 'tag',
      reason: exclusion.reason,
      ...(exclusion.tag !== undefined ? { tag: exclusion.tag } : {}),
      ...(exclusion.expires !== undefined ? { expires: exclusion.expires } : {}),
    };
  }

  /** Matching exclusions, those by id first. */
  private matching(resourceId: string, tags: Record<string, string> | undefined): { exclusion: Exclusion; index: number }[] {
    const byId = this.byId.get(resourceId) ?? [];
    return tags === undefined ? byId : [...byId, ...this.byTag.filter(({ matchesTags }) => matchesTags(tags))];
  }
}
