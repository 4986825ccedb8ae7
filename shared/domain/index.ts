/** The pure domain: entity types, the Intacct mapping and the sync rules. */
export * from './contact-name';
export * from './entities';
export * from './errors';
export * from './events';
export * from './field-diff';
export * from './intacct-date';
export * from './intacct-records';
export * from './mapping';
export * from './runs';
export * from './sync-rules';
