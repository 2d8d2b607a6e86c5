/**
 * Holds the current RouteTable and swaps in a new one when the routing configuration version
 * moves. Reads are synchronous (every packet needs one); reloads happen on a poll and on demand.
 */
import type { Db } from '@cov/shared/db/client';
import { loadRoutingConfig, readRoutingConfigVersion } from '@cov/shared/routing/routing-config';
import { RouteTable } from './route-table';

export class RouteConfigCache {
  private table = new RouteTable({ version: -1, routes: [], devAddrRanges: [], euiPairs: [], skfs: [] });
  private loading: Promise<boolean> | undefined;

  constructor(
    private readonly db: Db,
    private readonly onChange: (table: RouteTable) => void = () => {},
  ) {}

  get current(): RouteTable {
    return this.table;
  }

  /** Reloads if the version changed (or always with force); true when a new table was installed. */
  refresh(force = false): Promise<boolean> {
    this.loading ??= (async () => {
      try {
        if (!force && (await readRoutingConfigVersion(this.db)) === this.table.version) return false;
        const table = new RouteTable(await loadRoutingConfig(this.db));
        this.table = table;
        this.onChange(table);
        return true;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
