// Every aggregate's tables, one file each; drizzle-kit reads this file to generate migrations.
export * from './makers';
export * from './hotspots';
export * from './entropy';
export * from './reports';
export * from './verdicts';
export * from './routing';
export * from './rewards';
export * from './owner-alerts';
export * from './provisional-rewards';
