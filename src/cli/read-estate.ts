// Where the inventory comes from: a snapshot directory, or live AWS through the client factory.
import type { Settings } from '../config/settings.js';
import type { AwsClients } from '../aws/api.js';
import type { Inventory } from '../inventory/types.js';
import type { Io } from '../io/io.js';
import type { Progress } from '../io/progress.js';

export interface EstateSource {
  snapshot?: string;
}

export async function connectAws(settings: Settings, io: Io): Promise<AwsClients> {
  const [{ createAwsClients }, { findHomeRegion }] = await Promise.all([import('../aws/clients.js'), import('../aws/shared-config.js')]);
  const homeRegion = await findHomeRegion({ flagRegion: settings.region, profile: settings.profile, env: io.env });
  return createAwsClients({
    homeRegion,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  });
}

/** Live AWS and a snapshot are both AwsClients: one collectInventory reads either. */
export async function readEstate(
  source: EstateSource,
  settings: Settings,
  io: Io,
  progress: Progress,
  clients?: AwsClients,
): Promise<Inventory> {
  const { collectInventory } = await import('../inventory/collect-inventory.js');
  let aws: AwsClients;
  if (source.snapshot) {
    const { openSnapshot } = await import('../snapshot/snapshot-clients.js');
    progress.phase(`Reading snapshot ${source.snapshot}`);
    aws = await openSnapshot(source.snapshot, settings);
  } else {
    aws = clients ?? (await connectAws(settings, io));
    progress.phase('Reading regions');
  }
  const inventory = await collectInventory(aws, settings, (event) => {
    if (event.total) progress.phase(`Reading ${event.phase}: ${event.done ?? 0}/${event.total} regions`);
  });
  const from = source.snapshot ? ` from snapshot ${source.snapshot}` : '';
  progress.done(`Read ${inventory.regions.length} regions${from}${inventory.regionErrors.length ? `, ${inventory.regionErrors.length} failed` : ''}`);
  return inventory;
}
