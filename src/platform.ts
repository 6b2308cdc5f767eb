// Every default wired in one place: the store, the zone, the services, the metrics. Later
// capabilities (customs gateway, signer …) add their Default… adapters here.
import type { Config } from './kernel/config.js';
import { openStore, type OpenOptions, type Store } from './db/store.js';
import { createRegistryService, type RegistryService } from './registry/index.js';
import { zoneProfiles, type ZoneProfile } from './zone/index.js';
import { createMetrics, type Metrics } from './ops/metrics.js';

export interface Platform {
  readonly config: Config;
  readonly store: Store;
  readonly zone: ZoneProfile;
  readonly registry: RegistryService;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export async function createPlatform(config: Config, options: OpenOptions = {}): Promise<Platform> {
  const store = await openStore(config.database, options);
  const zone = zoneProfiles[config.zone];
  return {
    config, store, zone,
    registry: createRegistryService({ store, zone }),
    metrics: createMetrics(),
    close: () => store.close(),
  };
}
