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

export async function readEstate(
  source: EstateSource,
  settings: Settings,
  io: Io,
  progress: Progress,
  clients?: AwsClients,
): Promise<Inventory> {
  if (source.snapshot) {
    const { loadSnapshot } = await import('../inventory/load-snapshot.js');
    progress.phase(`Reading snapshot ${source.snapshot}`);
    const inventory = await loadSnapshot(source.snapshot, settings);
    progress.done(`Read snapshot ${source.snapshot}: ${inventory.regions.length} regions`);
    return inventory;
  }
  const { collectInventory } = await import('../inventory/collect-inventory.js');
  const aws = clients ?? (await connectAws(settings, io));
  progress.phase('Reading regions');
  const inventory = await collectInventory(aws, settings, (event) => {
    if (event.total) progress.phase(`Reading ${event.phase}: ${event.done ?? 0}/${event.total} regions`);
  });
  progress.done(`Read ${inventory.regions.length} regions${inventory.regionErrors.length ? `, ${inventory.regionErrors.length} failed` : ''}`);
  return inventory;
}
