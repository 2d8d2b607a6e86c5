/**
 * What each service contributes to a process. A process runs one service (server mode) or all of
 * them (embedded mode) with the same modules: routes go onto the process's HTTP server, tasks onto
 * its task runner.
 */
import type { HttpServer } from '../http/create-http-server';
import type { Task } from './task-runner';
import type { AppContext } from './app-context';

export const serviceNames = ['ingest', 'entropy', 'verifier', 'rewarder', 'router', 'api'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceModule {
  name: ServiceName;
  /** Adds this service's HTTP and WebSocket routes. */
  registerRoutes?(app: HttpServer): Promise<void>;
  /** Long-lived background work: workers, pollers, sockets. Started after the routes exist. */
  tasks?: Task[];
  /** Lines printed at start-up saying what the service serves, e.g. its URLs. */
  describe?(httpBaseUrl: string): string[];
}

export type ServiceFactory = (ctx: AppContext) => Promise<ServiceModule>;
