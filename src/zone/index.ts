export { zoneProfiles } from './profiles.js';
export type { ZoneProfile, Park, Cluster, Named, ParkKind } from './profiles.js';
